import Foundation
import MemOSCore
@testable import MemOSGovernance
import MemOSStore
import Testing

@Suite struct SchedulerLifecycleTests {
    @Test func unusedMemoriesDriftToArchivedAndRetrievedOnesStay() async throws {
        let fixture = try await GovernanceFixture.withScheduler(SchedulerActivationTests.policy)
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let longAgo = Date().addingTimeInterval(-200 * 86_400)
        let ids = try await memories.addTexts(
            caller, ["Used: the standup is at nine thirty.", "Unused: the old parking permit number."], now: longAgo)
        let working = try await memories.add(
            caller, cube: nil, input: .items([MemoryContent(text: "Scratch: draft reply to Bob.", memoryType: .workingMemory)]),
            now: longAgo)[0].item.id
        try await SchedulerActivationTests.retrieve(fixture, caller, "standup nine thirty")

        // 100 days on: nothing is older than archive_after yet.
        #expect(try await scheduler.runLifecycle(tenantID: caller.tenantID, now: longAgo.addingTimeInterval(100 * 86_400)).archived.isEmpty)
        let outcome = try await scheduler.runLifecycle(tenantID: caller.tenantID, now: Date())
        #expect(outcome.archived == [ids[1]])
        #expect(try await memories.get(caller, id: ids[0]).item.state == .activated, "retrieved recently")
        #expect(try await memories.get(caller, id: working).item.state == .activated, "working memory has its own retention")
        let archived = try await memories.history(caller, id: ids[1])
        #expect(archived.map(\.state) == [.activated, .archived], "a new version, history kept")
        // Archived memories leave plain search.
        #expect(try await memories.search(caller, query: "parking permit", topK: 5, cubes: nil, filter: MemoryFilter()).isEmpty)
        // A second pass changes nothing more.
        #expect(try await scheduler.runLifecycle(tenantID: caller.tenantID, now: Date()).archived.isEmpty)
    }

    @Test func frequentlyRetrievedGeneratedMemoriesArePromoted() async throws {
        let fixture = try await GovernanceFixture.withScheduler(SchedulerActivationTests.policy)
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        // A Generated memory, as an import or a reader leaves one (the API writes Activated).
        let cube = try await memories.defaultCube(caller)
        let now = Date().roundedToMilliseconds
        func generated(_ text: String) async throws -> UUID {
            let item = MemoryItem(id: UUID.v7(), cubeID: cube.id, content: MemoryContent(text: text), state: .generated, createdAt: now, updatedAt: now)
            let governance = memories.labeler.governance(for: item.content, requested: "internal", subject: "alice", derivedFrom: [])
            try await memories.store.insertMemories([try await memories.record(for: item, governance: governance, tenantID: caller.tenantID, vector: nil)])
            return item.id
        }
        let hot = try await generated("Generated: the release train leaves on Thursdays.")
        let cold = try await generated("Generated: the vending machine takes coins.")
        memories.dropIndexes()
        try await SchedulerActivationTests.retrieve(fixture, caller, "release train Thursdays")
        let outcome = try await scheduler.runLifecycle(tenantID: caller.tenantID, now: Date())
        #expect(outcome.promoted == [hot])
        #expect(try await memories.get(caller, id: hot).item.state == .activated)
        #expect(try await memories.get(caller, id: cold).item.state == .generated)
        #expect(try await memories.history(caller, id: hot).map(\.state) == [.generated, .activated])
    }

    @Test func reembedTaskRecomputesStaleVectorsWithProgress() async throws {
        let fixture = try await GovernanceFixture()
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let ids = try await memories.addTexts(caller, (0..<70).map { "Memory number \($0) about otters." })
        // Pretend they were embedded by another model.
        for record in try await memories.store.memories(tenantID: caller.tenantID, ids: ids) {
            try await memories.store.updateEmbedding(
                tenantID: caller.tenantID, id: record.id, version: record.version, embedding: Data([0]), embedder: "old-model")
        }
        #expect(try await memories.store.staleEmbeddingCount(tenantID: caller.tenantID, embedder: memories.embedder.identifier) == 70)
        let task = try #require(try await scheduler.enqueueReembedIfNeeded(tenantID: caller.tenantID))
        await scheduler.waitUntilIdle()
        let done = try #require(try await scheduler.task(caller, id: task.id))
        #expect(done.state == .succeeded)
        #expect(done.progress == SchedulerTaskProgress(completed: 70, total: 70))
        #expect(done.result["memories"] == "70")
        #expect(try await memories.store.staleEmbeddingCount(tenantID: caller.tenantID, embedder: memories.embedder.identifier) == 0)
        // The new vectors open and match what the embedder computes.
        let record = try #require(try await memories.store.memory(tenantID: caller.tenantID, id: ids[0]))
        let vector = try #require(try await memories.openVector(of: record))
        #expect(vector == (try await memories.embedder.embed(["Memory number 0 about otters."]))[0])
        #expect(try await scheduler.enqueueReembedIfNeeded(tenantID: caller.tenantID) == nil, "nothing stale left")
    }

    @Test func schedulerPolicyIsValidatedWithPreciseErrors() throws {
        #expect(throws: PolicyError.invalid(file: "scheduler.yaml", line: 3, column: 9, message: "working_memory.size must be between 1 and 256 (got 0)")) {
            _ = try SchedulerPolicy.parse(yaml: "version: 1\nworking_memory:\n  size: 0\n")
        }
        #expect(throws: PolicyError.self) { _ = try SchedulerPolicy.parse(yaml: "version: 1\npreload:\n  sizes: 3\n") }
        #expect(throws: PolicyError.self) { _ = try SchedulerPolicy.parse(yaml: "version: 1\nlifecycle:\n  archive_after: soon\n") }
        let parsed = try SchedulerPolicy.parse(yaml: "version: 1\nlifecycle:\n  archive_after: never\nqueue:\n  concurrency: 4\n")
        #expect(parsed.archiveAfter == nil && parsed.concurrency == 4)
        // The shipped file is exactly the built-in default.
        let shipped = try PolicySet.load(directory: GovernanceFixture.shippedPolicies)
        #expect(shipped.scheduler == SchedulerPolicy.standard)
    }
}
