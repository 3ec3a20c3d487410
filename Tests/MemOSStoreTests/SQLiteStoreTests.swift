import Foundation
import MemOSStore
import Testing

/// A fresh store in a temporary directory, with two tenants and one cube each.
struct StoreFixture {
    let directory: URL
    let store: SQLiteStore
    let acme: TenantRecord
    let globex: TenantRecord
    let acmeCube: CubeRecord
    let globexCube: CubeRecord

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("memos.sqlite").path)
        let now = Date()
        acme = TenantRecord(id: UUID(), name: "acme", createdAt: now)
        globex = TenantRecord(id: UUID(), name: "globex", createdAt: now)
        try await store.createTenant(acme)
        try await store.createTenant(globex)
        acmeCube = CubeRecord(id: UUID(), tenantID: acme.id, subspace: "tenant", name: "notes", createdBy: nil, createdAt: now)
        globexCube = CubeRecord(id: UUID(), tenantID: globex.id, subspace: "tenant", name: "notes", createdBy: nil, createdAt: now)
        try await store.createCube(acmeCube)
        try await store.createCube(globexCube)
    }

    /// The store keeps dates to the millisecond; fixtures use such dates so records compare equal.
    static let storedDate = Date(timeIntervalSince1970: 1_700_000_000.125)

    func memory(in cube: CubeRecord, payload: String = "sealed", version: Int = 1) -> MemoryRecord {
        MemoryRecord(
            id: UUID(), tenantID: cube.tenantID, cubeID: cube.id, version: version, state: "activated",
            payload: Data(payload.utf8), createdAt: Self.storedDate, updatedAt: Self.storedDate)
    }
}

@Suite struct SQLiteStoreTests {
    @Test func databaseFileIsOwnerOnly() async throws {
        let fixture = try await StoreFixture()
        let path = fixture.directory.appendingPathComponent("memos.sqlite").path
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "database mode is \(String(mode, radix: 8))")
    }

    @Test func duplicateNamesAreConflicts() async throws {
        let fixture = try await StoreFixture()
        await #expect(throws: StoreError.self) {
            try await fixture.store.createTenant(TenantRecord(id: UUID(), name: "acme", createdAt: Date()))
        }
        // The same cube name in the same subspace of the same tenant clashes; in another tenant it does not.
        await #expect(throws: StoreError.self) {
            try await fixture.store.createCube(
                CubeRecord(id: UUID(), tenantID: fixture.acme.id, subspace: "tenant", name: "notes", createdBy: nil, createdAt: Date()))
        }
        #expect(try await fixture.store.cubes(tenantID: fixture.globex.id, subspaces: ["tenant"]).count == 1)
    }

    @Test func memoryQueriesNeverCrossTenants() async throws {
        let fixture = try await StoreFixture()
        let secret = fixture.memory(in: fixture.acmeCube)
        try await fixture.store.insertMemories([secret])

        // Asking with the other tenant's id finds nothing, even with the exact memory and cube ids.
        #expect(try await fixture.store.memory(tenantID: fixture.globex.id, id: secret.id) == nil)
        #expect(try await fixture.store.memories(tenantID: fixture.globex.id, cubeID: fixture.acmeCube.id).isEmpty)
        #expect(
            try await fixture.store.memories(tenantID: fixture.globex.id, cubeIDs: [fixture.acmeCube.id], after: nil, limit: 10)
                .isEmpty)
        #expect(try await fixture.store.history(tenantID: fixture.globex.id, memoryID: secret.id).isEmpty)
        #expect(try await fixture.store.cube(tenantID: fixture.globex.id, id: fixture.acmeCube.id) == nil)
        #expect(try await fixture.store.eraseMemories(tenantID: fixture.globex.id, ids: [secret.id]).memories == 0)
        var forged = secret
        forged.tenantID = fixture.globex.id
        forged.version = 2
        await #expect(throws: StoreError.notFound("memory \(secret.id)")) {
            try await fixture.store.updateMemory(forged, expectedVersion: 1)
        }
        // And the owner still has it, unchanged.
        #expect(try await fixture.store.memory(tenantID: fixture.acme.id, id: secret.id) == secret)
    }

    @Test func batchInsertIsAtomic() async throws {
        let fixture = try await StoreFixture()
        let first = fixture.memory(in: fixture.acmeCube)
        let duplicate = first  // same primary key: the second insert fails
        await #expect(throws: StoreError.self) {
            try await fixture.store.insertMemories([first, fixture.memory(in: fixture.acmeCube), duplicate])
        }
        #expect(try await fixture.store.memories(tenantID: fixture.acme.id, cubeID: fixture.acmeCube.id).isEmpty)
    }

    @Test func updatesWriteVersionsAndDetectConcurrentChanges() async throws {
        let fixture = try await StoreFixture()
        var memory = fixture.memory(in: fixture.acmeCube, payload: "v1")
        try await fixture.store.insertMemories([memory])
        memory.version = 2
        memory.payload = Data("v2".utf8)
        try await fixture.store.updateMemory(memory, expectedVersion: 1)

        var stale = memory
        stale.version = 2
        stale.payload = Data("lost update".utf8)
        await #expect(throws: StoreError.versionMismatch(expected: 1, actual: 2)) {
            try await fixture.store.updateMemory(stale, expectedVersion: 1)
        }
        let history = try await fixture.store.history(tenantID: fixture.acme.id, memoryID: memory.id)
        #expect(history.map(\.version) == [1, 2])
        #expect(history.map { String(decoding: $0.payload, as: UTF8.self) } == ["v1", "v2"])
    }

    @Test func deleteRemovesEveryVersion() async throws {
        let fixture = try await StoreFixture()
        var memory = fixture.memory(in: fixture.acmeCube)
        try await fixture.store.insertMemories([memory])
        memory.version = 2
        try await fixture.store.updateMemory(memory, expectedVersion: 1)
        #expect(try await fixture.store.eraseMemories(tenantID: fixture.acme.id, ids: [memory.id]).memories == 1)
        #expect(try await fixture.store.memory(tenantID: fixture.acme.id, id: memory.id) == nil)
        #expect(try await fixture.store.history(tenantID: fixture.acme.id, memoryID: memory.id).isEmpty)
        #expect(try await fixture.store.eraseMemories(tenantID: fixture.acme.id, ids: [memory.id]).memories == 0)
    }

    @Test func listingPagesInIDOrder() async throws {
        let fixture = try await StoreFixture()
        let memories = (0..<7).map { _ in fixture.memory(in: fixture.acmeCube) }
        try await fixture.store.insertMemories(memories)
        var seen: [UUID] = []
        var cursor: UUID?
        repeat {
            let page = try await fixture.store.memories(
                tenantID: fixture.acme.id, cubeIDs: [fixture.acmeCube.id], after: cursor, limit: 3)
            seen += page.map(\.id)
            cursor = page.count == 3 ? page.last?.id : nil
        } while cursor != nil
        #expect(seen == memories.map(\.id).sorted())
    }

    @Test func revokedAndExpiredKeys() async throws {
        let fixture = try await StoreFixture()
        let user = UserRecord(
            id: UUID(), tenantID: fixture.acme.id, username: "alice", passwordHash: nil, defaultRole: "member", createdAt: Date())
        let key = APIKeyRecord(
            id: "k1", tenantID: fixture.acme.id, userID: user.id, operatorID: nil, name: nil, secretHash: "h",
            expiresAt: Date().addingTimeInterval(60), createdAt: Date())
        try await fixture.store.createUser(user, roles: ["member", "manager"], key: key)
        #expect(try await fixture.store.roles(userID: user.id) == ["manager", "member"])
        #expect(key.isUsable(at: Date()))
        #expect(!key.isUsable(at: Date().addingTimeInterval(61)))
        // Revoking through another tenant does nothing.
        #expect(try await fixture.store.revokeAPIKey(id: "k1", tenantID: fixture.globex.id, at: Date()) == false)
        #expect(try await fixture.store.revokeAPIKey(id: "k1", tenantID: fixture.acme.id, at: Date()))
        let revoked = try #require(try await fixture.store.apiKey(id: "k1"))
        #expect(!revoked.isUsable(at: Date()))
    }

    @Test func aKeyBelongsToExactlyOneKindOfOwner() async throws {
        let fixture = try await StoreFixture()
        let orphan = APIKeyRecord(
            id: "orphan", tenantID: nil, userID: nil, operatorID: nil, name: nil, secretHash: "h", expiresAt: nil,
            createdAt: Date())
        await #expect(throws: StoreError.self) { try await fixture.store.insertAPIKey(orphan) }
    }

    @Test func reopeningKeepsCommittedData() async throws {
        let fixture = try await StoreFixture()
        let memory = fixture.memory(in: fixture.acmeCube)
        try await fixture.store.insertMemories([memory])
        let reopened = try SQLiteStore(path: fixture.directory.appendingPathComponent("memos.sqlite").path)
        #expect(try await reopened.memory(tenantID: fixture.acme.id, id: memory.id) == memory)
        #expect(try await reopened.tenants().map(\.name) == ["acme", "globex"])
    }
}
