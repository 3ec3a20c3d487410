import Foundation
import MemOSStore
import Testing

/// A store with two tenants, each with one cube and one memory to hang fingerprints on.
private struct FingerprintFixture {
    let store: SQLiteStore
    let tenantA: UUID
    let tenantB: UUID
    let memoryA: MemoryRecord
    let memoryB: MemoryRecord

    init() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-fp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("memos.sqlite").path)
        let now = Date()
        tenantA = UUID()
        tenantB = UUID()
        try await store.createTenant(TenantRecord(id: tenantA, name: "a", createdAt: now))
        try await store.createTenant(TenantRecord(id: tenantB, name: "b", createdAt: now))
        var memories: [MemoryRecord] = []
        for tenant in [tenantA, tenantB] {
            let cube = CubeRecord(id: UUID(), tenantID: tenant, subspace: "tenant", name: "notes", createdBy: nil, createdAt: now)
            try await store.createCube(cube)
            let memory = MemoryRecord(
                id: UUID(), tenantID: tenant, cubeID: cube.id, version: 1, state: "activated", payload: Data("sealed".utf8),
                createdAt: now, updatedAt: now)
            try await store.insertMemories([memory])
            memories.append(memory)
        }
        memoryA = memories[0]
        memoryB = memories[1]
    }
}

@Suite struct FingerprintStoreTests {
    @Test func matchesCountHashesPerMemoryVersion() async throws {
        let fixture = try await FingerprintFixture()
        let store: any FingerprintStore = fixture.store
        try await store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 1, hashes: [1, 2, 3, 4])
        try await store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 2, hashes: [3, 4, 5])
        let matches = try await store.fingerprintMatches(tenantID: fixture.tenantA, hashes: [2, 3, 4, 4, 9])
        #expect(
            matches == [
                FingerprintMatch(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 1, matched: 3),
                FingerprintMatch(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 2, matched: 2),
            ])
        #expect(try await store.fingerprintMatches(tenantID: fixture.tenantA, hashes: []).isEmpty)
        #expect(try await store.fingerprintMatches(tenantID: fixture.tenantA, hashes: [42]).isEmpty)
    }

    @Test func replacingAVersionKeepsTheOthers() async throws {
        let fixture = try await FingerprintFixture()
        let id = fixture.memoryA.id
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: id, version: 1, hashes: [10, 11])
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: id, version: 2, hashes: [20])
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: id, version: 1, hashes: [12, 12])
        let matches = try await fixture.store.fingerprintMatches(tenantID: fixture.tenantA, hashes: [10, 11, 12, 20])
        #expect(matches.map { [$0.version, $0.matched] } == [[1, 1], [2, 1]])
    }

    @Test func tenantsNeverSeeEachOthersFingerprints() async throws {
        let fixture = try await FingerprintFixture()
        let shared: [Int64] = [7, 8, 9]
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 1, hashes: shared)
        #expect(try await fixture.store.fingerprintMatches(tenantID: fixture.tenantB, hashes: shared).isEmpty)
        // B holding one of the same hashes sees only its own memory.
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantB, memoryID: fixture.memoryB.id, version: 1, hashes: [9])
        let forB = try await fixture.store.fingerprintMatches(tenantID: fixture.tenantB, hashes: shared)
        #expect(forB.map(\.memoryID) == [fixture.memoryB.id])
        #expect(forB.allSatisfy { $0.tenantID == fixture.tenantB })
        // The platform operator (no tenant) sees both, best match first.
        let all = try await fixture.store.fingerprintMatches(tenantID: nil, hashes: shared)
        #expect(all.map(\.memoryID) == [fixture.memoryA.id, fixture.memoryB.id])
        #expect(all.map(\.matched) == [3, 1])
    }

    @Test func deletingTheMemoryDeletesItsFingerprints() async throws {
        let fixture = try await FingerprintFixture()
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 1, hashes: [1, 2])
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 2, hashes: [3])
        #expect(try await fixture.store.deleteMemory(tenantID: fixture.tenantA, id: fixture.memoryA.id))
        #expect(try await fixture.store.fingerprintMatches(tenantID: nil, hashes: [1, 2, 3]).isEmpty)
    }

    @Test func fingerprintsNeedAnExistingMemory() async throws {
        let fixture = try await FingerprintFixture()
        await #expect(throws: StoreError.self) {
            try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: UUID(), version: 1, hashes: [1])
        }
    }

    /// Thousands of hashes go through in chunks under SQLite's parameter limit, and counts add up.
    @Test func largeQueriesAreChunked() async throws {
        let fixture = try await FingerprintFixture()
        let stored = (0..<3_000).map { Int64($0) * 7_919 + (Int64.max - 1_000_000_000) }
        try await fixture.store.replaceFingerprints(tenantID: fixture.tenantA, memoryID: fixture.memoryA.id, version: 1, hashes: stored)
        let query = Array(stored.prefix(2_500)) + (0..<1_000).map { Int64($0) }
        for tenant in [fixture.tenantA, nil] {
            let matches = try await fixture.store.fingerprintMatches(tenantID: tenant, hashes: query)
            #expect(matches.map(\.matched) == [2_500])
        }
    }
}
