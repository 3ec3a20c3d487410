import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore
import Testing

/// Retention purges like erasure does; the keyring's wrapping, shredding and rotation.
@Suite struct RetentionAndKeyringTests {
    @Test func expiredMemoriesArePurgedEverywhereAndTheRestIsKept() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        let working = try await memories.add(
            caller, cube: nil, input: .items([MemoryContent(text: "scratch note about the kiwi launch", memoryType: .workingMemory)]))[0]
        let lasting = try await memories.add(
            caller, cube: nil, input: .items([MemoryContent(text: "the kiwi launch is in May", memoryType: .longTermMemory)]))[0]
        // The policy keeps WorkingMemory 30 days: a sweep "now" removes nothing.
        let sweeper = RetentionSweeper(memories: memories, policy: fixture.governance.policy.retention)
        #expect(try await sweeper.sweep() == 0)
        // 31 days later the working memory is gone from the store and from search.
        #expect(try await sweeper.sweep(now: Date().addingTimeInterval(31 * 86_400)) == 1)
        let hits = try await memories.search(caller, query: "kiwi launch", topK: 10, cubes: nil, filter: MemoryFilter())
        #expect(hits.map(\.memory.item.id) == [lasting.item.id])
        await #expect(throws: GovernanceError.self) { _ = try await memories.get(caller, id: working.item.id) }
        let store = try DataDirectory(url: fixture.directory).openStore()
        #expect(try await store.memory(tenantID: caller.tenantID, id: working.item.id) == nil)
        #expect(try await store.history(tenantID: caller.tenantID, memoryID: working.item.id).isEmpty)
        // The purge is in the audit trail.
        let log = try #require(fixture.governance.auditLog)
        var lines: [String] = []
        for try await line in log.export(tenantID: caller.tenantID) { lines.append(line) }
        #expect(lines.contains { $0.contains("retention.purge") && $0.contains(working.item.id.uuidString.lowercased()) })
    }

    @Test func rotationRewrapsEveryKeyAndTheOldKeyOpensNothing() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let added = try await fixture.governance.memories.addText(caller, "rotate me")
        let store = try DataDirectory(url: fixture.directory).openStore()
        let before = try await store.allDataKeys()
        let oldKey = try DataDirectory(url: fixture.directory).loadMasterKey(environment: [:])

        let rotation = try await fixture.governance.rotateMasterKey()
        #expect(rotation.rewrapped == before.count)
        let after = try await store.allDataKeys()
        #expect(Set(after.map(\.kekID)) == [rotation.kekID])
        #expect(Set(after.map(\.id)) == Set(before.map(\.id)))
        #expect(zip(before.sorted { $0.id < $1.id }, after.sorted { $0.id < $1.id }).allSatisfy { $0.wrapped != $1.wrapped })
        // Still served by the running process, and by a restarted one.
        #expect(WatermarkCodec.strip(try await fixture.governance.memories.get(caller, id: added.item.id).item.content.text) == "rotate me")
        let restarted = try await fixture.reopened()
        #expect(WatermarkCodec.strip(try await restarted.memories.get(caller, id: added.item.id).item.content.text) == "rotate me")
        // The old master key unwraps nothing.
        let stale = Keyring(store: store, masterKey: oldKey)
        await #expect(throws: GovernanceError.self) { _ = try await stale.tenantKey(caller.tenantID) }
    }

    @Test func aWrappedKeyMovedToAnotherSubjectDoesNotUnwrap() async throws {
        let fixture = try await GovernanceFixture()
        let store = try DataDirectory(url: fixture.directory).openStore()
        let masterKey = try DataDirectory(url: fixture.directory).loadMasterKey(environment: [:])
        let tenant = try await fixture.governance.identity.createTenant(by: fixture.operatorIdentity, name: "keys").id
        let keyring = Keyring(store: store, masterKey: masterKey)
        let alice = try #require(try await keyring.subjectKey(tenantID: tenant, subjectHash: "alice-hash", create: true))
        let bob = try #require(try await keyring.subjectKey(tenantID: tenant, subjectHash: "bob-hash", create: true))
        #expect(alice.id != bob.id)
        // An attacker swaps the wrapped blobs of the two subjects.
        let records = try await store.allDataKeys().filter { $0.kind == "subject" }
        let a = try #require(records.first { $0.id == alice.id })
        let b = try #require(records.first { $0.id == bob.id })
        try await store.rewrapDataKeys([(a.id, b.wrapped, a.kekID), (b.id, a.wrapped, b.kekID)])
        let fresh = Keyring(store: store, masterKey: masterKey)
        await #expect(throws: GovernanceError.self) {
            _ = try await fresh.subjectKey(tenantID: tenant, subjectHash: "alice-hash", create: false)
        }
        // Destroyed keys are gone for good; asking without create gives nil.
        #expect(try await keyring.destroySubjectKey(tenantID: tenant, subjectHash: "bob-hash"))
        #expect(try await Keyring(store: store, masterKey: masterKey).subjectKey(tenantID: tenant, subjectHash: "bob-hash", create: false) == nil)
    }
}
