import Foundation
import MemOSCore
@testable import MemOSGovernance
import MemOSStore
import Testing

@Suite struct SchedulerActivationTests {
    static let policy = """
        version: 1
        activation:
          promote_after: 2
          max_memories: 8
        lifecycle:
          archive_after: 180d
        """

    /// Searches `query` `times` times as `caller`, so its hits gain retrievals.
    static func retrieve(_ fixture: GovernanceFixture, _ caller: MemoryCaller, _ query: String, times: Int = 2, topK: Int = 1)
        async throws
    {
        for _ in 0..<times {
            _ = try await fixture.governance.memories.search(caller, query: query, topK: topK, cubes: nil, filter: MemoryFilter())
        }
    }

    @Test func sameHotSetGivesTheSameIDAndAChangeGivesANewOne() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        #expect(try await scheduler.activation(caller) == nil, "nothing retrieved yet")
        let ids = try await fixture.governance.memories.addTexts(
            caller, ["Alice prefers green tea in meetings.", "Alice leads the pelican migration project.", "The office wifi password rotates monthly."])
        try await Self.retrieve(fixture, caller, "green tea")
        try await Self.retrieve(fixture, caller, "pelican project")
        let first = try #require(try await scheduler.activation(caller))
        #expect(Set(first.memoryIDs) == Set(ids.prefix(2)))
        #expect(first.id == MemScheduler.prefixID(first.text))
        #expect(first.text.contains("green tea") && first.text.contains("pelican"))
        #expect(!first.text.contains("wifi"))

        // More retrievals of the same memories: same hot set, same text, same id.
        try await Self.retrieve(fixture, caller, "green tea", times: 3)
        let outcome = try await scheduler.runLifecycle(tenantID: caller.tenantID, now: Date())
        #expect(outcome.activationRebuilds == 0)
        let again = try #require(try await scheduler.activation(caller))
        #expect(again.id == first.id && again.text == first.text)

        // It survives a restart: stored sealed, read back identical.
        let reopened = try await fixture.reopened(policyDirectory: fixture.governance.policy.directory)
        let restarted = try await fixture.callerFor(key: try await fixture.governance.identity.createAPIKey(for: caller, name: nil, expiresIn: nil).token, acting: nil, governance: reopened)
        #expect(try await reopened.scheduler.activation(restarted)?.id == first.id)

        // A third memory becomes hot: the lifecycle pass rebuilds, with a new id.
        try await Self.retrieve(fixture, caller, "wifi password")
        let changed = try await scheduler.runLifecycle(tenantID: caller.tenantID, now: Date())
        #expect(changed.activationRebuilds == 1)
        let third = try #require(try await scheduler.activation(caller))
        #expect(third.id != first.id)
        #expect(Set(third.memoryIDs) == Set(ids))
    }

    @Test func otherTenantsAndPersonasSeeNothing() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let alice = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member", "manager"], acting: "member")
        _ = try await fixture.governance.memories.addTexts(alice, ["Alice keeps the spare office key in drawer four."])
        try await Self.retrieve(fixture, alice, "spare office key")
        _ = try await scheduler.search(alice, session: "shared-name", query: "office key", topK: 3, cubes: nil, filter: MemoryFilter())
        let rebuild = await scheduler.requestActivationRebuild(alice)
        await scheduler.waitUntilIdle()
        #expect(try await scheduler.activation(alice) != nil)

        let mallory = try await fixture.caller(tenant: "globex", username: "mallory", roles: ["tenant-admin"])
        #expect(try await scheduler.activation(mallory) == nil)
        #expect(try await scheduler.activationView(mallory) == nil)
        #expect(try await scheduler.workingMemory(mallory, session: "shared-name").isEmpty)
        #expect(try await scheduler.task(mallory, id: rebuild.id) == nil, "another tenant's task is not found")
        let status = try await scheduler.status(mallory)
        #expect(status.recent.isEmpty)
        #expect(status.counts.values.flatMap(\.values).allSatisfy { $0 == 0 })
        #expect(status.sessionSearches == 0)

        // The same user acting as another role has its own activation memory.
        let key = try await fixture.governance.identity.createAPIKey(for: alice, name: nil, expiresIn: nil).token
        let asManager = try await fixture.callerFor(key: key, acting: "manager")
        #expect(try await scheduler.activation(asManager) == nil)
        #expect(try await scheduler.status(alice).recent.contains { $0.id == rebuild.id })
    }

    @Test func aConfidentialMemoryNeverReachesAMembersPrefix() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let admin = try await fixture.caller(tenant: "acme", username: "root", roles: ["tenant-admin"])
        let member = try await fixture.caller(tenant: "acme", username: "bob", roles: ["member"])
        let shared = try await memories.add(
            admin, cube: nil, input: .items([MemoryContent(text: "Board salary bands are confidential canary-7731.")]),
            governance: AddGovernance(label: "confidential"))
        let open = try await memories.add(
            admin, cube: nil, input: .items([MemoryContent(text: "The canteen serves soup on Fridays.")]))
        // Put both in the tenant cube, which members may read.
        let tenantCube = try await memories.createCube(admin, name: "handbook", subspace: "tenant")
        let secret = try await memories.add(
            admin, cube: tenantCube.id.uuidString, input: .items([MemoryContent(text: "Merger codename is canary-9904.")]),
            governance: AddGovernance(label: "confidential"))[0].item.id
        let soup = try await memories.add(
            admin, cube: tenantCube.id.uuidString, input: .items([MemoryContent(text: "Soup is served on Fridays in the canteen.")]))[0].item.id
        _ = (shared, open)
        // The member retrieves the soup memory; the confidential one gets usage behind the
        // search's back (as if counted before a label was raised).
        try await Self.retrieve(fixture, member, "soup canteen Fridays")
        await memories.usageRecorder.record(
            tenantID: member.tenantID, userID: member.user.id, role: member.role.name, memoryIDs: [secret, secret, secret], at: Date())
        await memories.usageRecorder.flush()
        let prefix = try #require(try await scheduler.activation(member))
        #expect(prefix.memoryIDs == [soup])
        #expect(!prefix.text.contains("canary-9904"))

        // Raising the soup memory's label above the member's clearance takes it out at the next read.
        _ = try await memories.update(admin, id: soup, patch: MemoryPatch(label: "confidential"))
        #expect(try await scheduler.activation(member) == nil)
    }

    @Test func erasingASubjectRemovesItFromTheStoredPrefix() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let carol = try await fixture.caller(tenant: "acme", username: "carol", roles: ["member"])
        let dpo = try await fixture.caller(tenant: "acme", username: "dora", roles: ["dpo"])
        let canary = "carol-canary-55821 allergic to penicillin"
        _ = try await memories.addTexts(carol, [canary, "Carol sits on the third floor near the window."])
        try await Self.retrieve(fixture, carol, "penicillin allergy")
        try await Self.retrieve(fixture, carol, "third floor window")
        _ = try await scheduler.search(carol, session: "chat", query: "penicillin", topK: 3, cubes: nil, filter: MemoryFilter())
        await scheduler.waitUntilIdle()
        let prefix = try #require(try await scheduler.activation(carol))
        #expect(prefix.text.contains("carol-canary-55821"))
        #expect(try await memories.store.activationPrefixes(tenantID: carol.tenantID).count == 1)

        let receipt = try await memories.eraseSubject(dpo, subject: "carol", reason: "test")
        let derived = try #require(receipt.derived)
        #expect(derived.contains { $0.store == "sqlite:activation_prefixes" && $0.erased == 1 })
        #expect(derived.contains { $0.store == "memory:scheduler-sessions" && $0.erased == 1 })
        #expect(try await memories.store.activationPrefixes(tenantID: carol.tenantID).isEmpty)
        #expect(try await scheduler.activation(carol) == nil, "nothing of carol's is left to compose")
        #expect(try await scheduler.workingMemory(carol, session: "chat").isEmpty)
        for (name, bytes) in try fixture.allFileBytes() {
            #expect(bytes.range(of: Data("carol-canary-55821".utf8)) == nil, "canary found in \(name)")
        }
    }
}
