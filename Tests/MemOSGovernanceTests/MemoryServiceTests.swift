import Foundation
import MemOSCore
import MemOSGovernance
import Testing

@Suite struct MemoryServiceTests {
    @Test func personaMemoryIsPrivateToTheActingRole() async throws {
        let fixture = try await GovernanceFixture()
        let asManager = try await fixture.caller(
            tenant: "acme", username: "dana", roles: ["manager", "parent"], acting: "manager")
        let key = try await fixture.governance.identity.createAPIKey(for: asManager, name: nil, expiresIn: nil).token
        let asParent = try await fixture.callerFor(key: key, acting: "parent")
        let memo = try await fixture.governance.memories.addText(asManager, "quarterly review of the pelican team")

        let fromParent = try await fixture.governance.memories.search(
            asParent, query: "pelican", topK: 10, cubes: nil, filter: MemoryFilter())
        #expect(fromParent.isEmpty)
        await #expect(throws: GovernanceError.notFound("no memory \(memo.item.id)")) {
            _ = try await fixture.governance.memories.get(asParent, id: memo.item.id)
        }
        // Naming the manager's cube by id does not help.
        await #expect(throws: GovernanceError.self) {
            _ = try await fixture.governance.memories.search(
                asParent, query: "pelican", topK: 10, cubes: [memo.cube.id.uuidString], filter: MemoryFilter())
        }
    }

    /// "unless policy shares it": a policy granting parent read on persona:manager.
    @Test func policyCanShareAPersonaWithAnotherRoleOfTheSameUser() async throws {
        let policies = FileManager.default.temporaryDirectory.appendingPathComponent("memos-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let shipped = try String(contentsOf: GovernanceFixture.shippedPolicies.appendingPathComponent("roles.yaml"), encoding: .utf8)
        let policyText = try Self.grantParentReadOnManager(shipped)
        try policyText.write(to: policies.appendingPathComponent("roles.yaml"), atomically: true, encoding: .utf8)

        let fixture = try await GovernanceFixture(policyDirectory: policies)
        let asManager = try await fixture.caller(
            tenant: "acme", username: "dana", roles: ["manager", "parent"], acting: "manager")
        let key = try await fixture.governance.identity.createAPIKey(for: asManager, name: nil, expiresIn: nil).token
        let asParent = try await fixture.callerFor(key: key, acting: "parent")
        let memo = try await fixture.governance.memories.addText(asManager, "school run moved to 8am")

        let hits = try await fixture.governance.memories.search(
            asParent, query: "school run", topK: 10, cubes: nil, filter: MemoryFilter())
        #expect(hits.map(\.memory.item.id) == [memo.item.id])
        #expect(hits.first?.memory.cube.subspace == "persona:manager")
        // Read, not write: the grant gives no write access.
        await #expect(throws: GovernanceError.self) {
            _ = try await fixture.governance.memories.update(asParent, id: memo.item.id, patch: MemoryPatch(text: "changed"))
        }
        // Another user holding parent still sees nothing of dana's.
        let other = try await fixture.caller(tenant: "acme", username: "erin", roles: ["parent"])
        #expect(
            try await fixture.governance.memories.search(other, query: "school run", topK: 10, cubes: nil, filter: MemoryFilter())
                .isEmpty)
    }

    /// Inserts `persona:manager` read into the parent role's grants of the shipped policy.
    static func grantParentReadOnManager(_ policy: String) throws -> String {
        guard let parent = policy.range(of: "  - name: parent\n"),
            let grants = policy.range(of: "    grants:\n", range: parent.upperBound..<policy.endIndex)
        else { throw GovernanceError.notFound("parent role in shipped policy") }
        var text = policy
        text.insert(contentsOf: "      - subspace: persona:manager\n        access: [read]\n", at: grants.upperBound)
        return text
    }

    @Test func indexStaysExactUnderConcurrentWritesWhileLoading() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        var initial: [UUID] = []
        for index in 0..<50 {
            initial.append(try await memories.addText(caller, "otter fact \(index)").item.id)
        }
        memories.dropIndexes()
        let initialIDs = initial
        // Searches (which load the index) race with adds and deletes.
        let (added, deleted) = try await withThrowingTaskGroup(of: (UUID?, UUID?).self) { group in
            for index in 0..<40 {
                group.addTask {
                    switch index % 4 {
                    case 0:
                        _ = try await memories.search(caller, query: "otter", topK: 5, cubes: nil, filter: MemoryFilter())
                        return (nil, nil)
                    case 1:
                        let id = initialIDs[index]
                        try await memories.delete(caller, id: id)
                        return (nil, id)
                    default:
                        return (try await memories.addText(caller, "otter news \(index)").item.id, nil)
                    }
                }
            }
            var added: Set<UUID> = []
            var deleted: Set<UUID> = []
            for try await (add, delete) in group {
                if let add { added.insert(add) }
                if let delete { deleted.insert(delete) }
            }
            return (added, deleted)
        }
        let expected = Set(initialIDs).subtracting(deleted).union(added)
        let found = try await memories.search(caller, query: "otter", topK: 1000, cubes: nil, filter: MemoryFilter())
        #expect(Set(found.map(\.memory.item.id)) == expected)
        // And the store agrees with the index.
        let listed = try await memories.list(caller, cube: nil, limit: 1000, cursor: nil)
        #expect(Set(listed.memories.map(\.item.id)) == expected)
    }

    @Test func updateWritesANewVersionAndReindexes() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        let memo = try await memories.addText(caller, "meeting about walrus budget")
        let updated = try await memories.update(caller, id: memo.item.id, patch: MemoryPatch(text: "meeting about narwhal budget"))
        #expect(updated.item.version == 2)
        #expect(try await memories.search(caller, query: "walrus", topK: 5, cubes: nil, filter: MemoryFilter()).isEmpty)
        #expect(
            try await memories.search(caller, query: "narwhal", topK: 5, cubes: nil, filter: MemoryFilter())
                .map(\.memory.item.version) == [2])
        await #expect(throws: GovernanceError.self) {
            _ = try await memories.update(caller, id: memo.item.id, patch: MemoryPatch())
        }
    }

    @Test func sharedSubspacesFollowTheGrants() async throws {
        let fixture = try await GovernanceFixture()
        let manager = try await fixture.caller(tenant: "acme", username: "mia", roles: ["manager"])
        let member = try await fixture.caller(tenant: "acme", username: "max", roles: ["member"])
        let guest = try await fixture.caller(tenant: "acme", username: "gus", roles: ["guest"])
        let memories = fixture.governance.memories

        let team = try await memories.createCube(manager, name: "roadmap", subspace: "team/platform")
        #expect(team.subspace == "team/platform")
        await #expect(throws: GovernanceError.self) {
            _ = try await memories.createCube(member, name: "x", subspace: "team/platform")
        }
        await #expect(throws: GovernanceError.self) { _ = try await memories.createCube(guest, name: "x", subspace: nil) }
        _ = try await memories.addText(manager, "ship the heron release in june", cube: "roadmap")
        #expect(
            try await memories.search(member, query: "heron", topK: 5, cubes: nil, filter: MemoryFilter()).count == 1)
        #expect(try await memories.search(guest, query: "heron", topK: 5, cubes: nil, filter: MemoryFilter()).isEmpty)
        // A member may write to team cubes (team/* rw) but not to the tenant space.
        _ = try await memories.addText(member, "heron release notes drafted", cube: team.id.uuidString)
        await #expect(throws: GovernanceError.self) {
            _ = try await memories.createCube(member, name: "all-hands", subspace: "tenant")
        }
    }
}

@Suite struct WorkingMemoryTests {
    @Test func workingMemoryOfThePersonaIsConsultedFirst() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        // A long-term memory that matches the query better than the working-memory note.
        let strong = try await memories.add(
            caller, cube: nil, input: .items([MemoryContent(text: "budget budget budget review for the budget meeting")]))[0]
        let working = try await memories.add(
            caller, cube: nil,
            input: .items([MemoryContent(text: "current task: prepare the budget slides", memoryType: .workingMemory)]))[0]
        let hits = try await memories.search(caller, query: "budget", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(hits.map(\.memory.item.id) == [working.item.id, strong.item.id])
        // Without the boost the long-term memory would lead.
        let plain = try await memories.search(
            caller, query: "budget", topK: 5, cubes: nil, filter: MemoryFilter(memoryTypes: [.longTermMemory]))
        #expect(hits[0].score > hits[1].score)
        #expect(hits[0].score / MemoryService.workingMemoryBoost < plain[0].score)

        // Another role's working memory does not jump the queue for this persona.
        let boss = try await fixture.caller(tenant: "acme", username: "boss", roles: ["tenant-admin"])
        _ = try await memories.createCube(boss, name: "shared", subspace: "tenant")
        let shared = try await memories.add(
            boss, cube: "shared", input: .items([MemoryContent(text: "budget note", memoryType: .workingMemory)]))[0]
        let again = try await memories.search(caller, query: "budget", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(again.first?.memory.item.id == working.item.id)
        #expect(again.contains { $0.memory.item.id == shared.item.id })
    }
}
