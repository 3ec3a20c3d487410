import Foundation
import MemOSCore
@testable import MemOSGovernance
import Testing

@Suite struct SchedulerWorkingMemoryTests {
    static let policy = """
        version: 1
        working_memory:
          size: 3
          shift_threshold: 0.2
        preload:
          size: 8
          probe: 3
        """

    @Test func workingMemoryIsBoundedAndFollowsAnIntentShift() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let kayak = try await fixture.governance.memories.addTexts(caller, SchedulerCorpus.kayak)
        let tax = try await fixture.governance.memories.addTexts(
            caller, ["The tax return is due on the thirtieth of April.", "Tax receipts for the home office are in the blue folder."])
        _ = try await fixture.governance.memories.addTexts(caller, SchedulerCorpus.distractors)

        for query in ["kayak rental at the fjord", "fjord kayak trip booking", "kayak route lighthouse fjord"] {
            _ = try await scheduler.search(caller, session: "s1", query: query, topK: 5, cubes: nil, filter: MemoryFilter())
            await scheduler.waitUntilIdle()
            let working = try await scheduler.workingMemory(caller, session: "s1")
            #expect(working.count <= 3, "bounded by working_memory.size")
        }
        let before = try await scheduler.workingMemory(caller, session: "s1").map(\.item.id)
        #expect(before.count == 3)
        #expect(Set(before).isSubset(of: Set(kayak)), "the kayak conversation's memories: \(before)")

        // A new topic: the intent shifts and the refresh replaces working memory.
        _ = try await scheduler.search(caller, session: "s1", query: "when is the tax return due", topK: 5, cubes: nil, filter: MemoryFilter())
        await scheduler.waitUntilIdle()
        let after = try await scheduler.workingMemory(caller, session: "s1").map(\.item.id)
        #expect(after.first.map(tax.contains) == true, "the tax memory leads after the shift: \(after)")
        #expect(Set(after).isDisjoint(with: Set(kayak)), "the old topic is gone after the refresh")

        let status = try await scheduler.status(caller)
        #expect((status.counts[.workingMemoryRefresh]?[.succeeded] ?? 0) >= 2, "the first turn and the shift refreshed")
        #expect((status.counts[.preload]?[.succeeded] ?? 0) >= 1)
        // Another session of the same persona has its own (empty) working memory.
        #expect(try await scheduler.workingMemory(caller, session: "s2").isEmpty)
    }

    @Test func preloadAnswersAFollowUpLikeAFullSearchAndNotAnUnrelatedQuery() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let kayak = try await memories.addTexts(caller, SchedulerCorpus.kayak)
        _ = try await memories.addTexts(caller, SchedulerCorpus.distractors)

        let first = try await scheduler.search(caller, session: "trip", query: "kayak trip to the fjord", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(!first.preloadHit, "nothing is preloaded before the first turn")
        await scheduler.waitUntilIdle()
        let scene = try #require(scheduler.sessions.get(SessionKey(caller, session: "trip"))?.scene)
        #expect(scene.count <= 8, "bounded by preload.size")
        #expect(Set(kayak).isSubset(of: scene.members), "the conversation's memories are preloaded")

        let followUp = "when does the kayak rental at the fjord open"
        let preloaded = try await scheduler.search(caller, session: "trip", query: followUp, topK: 3, cubes: nil, filter: MemoryFilter())
        #expect(preloaded.preloadHit)
        let full = try await memories.search(caller, query: followUp, topK: 3, cubes: nil, filter: MemoryFilter())
        #expect(preloaded.hits.first?.memory.item.id == full.first?.memory.item.id)
        #expect(preloaded.hits.first?.memory.item.id == kayak[0])
        await scheduler.waitUntilIdle()

        // An unrelated question's keyword matches are not preloaded: a full search answers it.
        let unrelated = try await scheduler.search(caller, session: "trip", query: "dentist appointment reminder", topK: 3, cubes: nil, filter: MemoryFilter())
        #expect(!unrelated.preloadHit)
        #expect(unrelated.hits.first?.memory.item.text.contains("dentist") == true)
        // A filtered search is never answered from the scene.
        await scheduler.waitUntilIdle()
        var filter = MemoryFilter()
        filter.tags = ["none"]
        #expect(!(try await scheduler.search(caller, session: "trip", query: followUp, topK: 3, cubes: nil, filter: filter)).preloadHit)

        let status = try await scheduler.status(caller)
        #expect(status.sessionSearches == 4 && status.preloadHits == 1)
    }

    @Test func aChangedMemoryMakesTheSceneStale() async throws {
        let fixture = try await GovernanceFixture.withScheduler(Self.policy)
        let scheduler = fixture.governance.scheduler
        let memories = fixture.governance.memories
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let kayak = try await memories.addTexts(caller, SchedulerCorpus.kayak)
        _ = try await memories.addTexts(caller, SchedulerCorpus.distractors)
        _ = try await scheduler.search(caller, session: "trip", query: "kayak trip to the fjord", topK: 5, cubes: nil, filter: MemoryFilter())
        await scheduler.waitUntilIdle()
        _ = try await memories.update(caller, id: kayak[0], patch: MemoryPatch(text: "The kayak rental at the fjord harbour opens at ten."))
        let result = try await scheduler.search(
            caller, session: "trip", query: "when does the kayak rental at the fjord open", topK: 3, cubes: nil, filter: MemoryFilter())
        #expect(!result.preloadHit, "a preloaded version older than the live one is never served")
        #expect(result.hits.first?.memory.item.text.contains("ten") == true)
    }

    @Test func theTimerRefreshesActiveSessionsOnly() async throws {
        let fixture = try await GovernanceFixture.withScheduler("version: 1\nworking_memory:\n  refresh_interval: 1s\n")
        let scheduler = fixture.governance.scheduler
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        _ = try await fixture.governance.memories.addTexts(caller, SchedulerCorpus.kayak)
        let sweeper = RetentionSweeper(memories: fixture.governance.memories, activePolicy: fixture.governance.activePolicy)
        func refreshes() async throws -> Int {
            await scheduler.waitUntilIdle()
            return try await scheduler.status(caller).counts[.workingMemoryRefresh]?[.succeeded] ?? 0
        }
        _ = try await scheduler.search(caller, session: "s1", query: "kayak rental fjord", topK: 3, cubes: nil, filter: MemoryFilter())
        #expect(try await refreshes() == 1, "the first turn builds working memory")
        try await Task.sleep(for: .milliseconds(1_100))
        await scheduler.tick(retention: sweeper)
        #expect(try await refreshes() == 1, "no turn since the refresh: the timer leaves the session alone")
        await scheduler.noteTurn(caller, session: "s1", text: "the fjord kayak rental price")
        #expect(try await refreshes() == 1, "a turn on the same topic shifts nothing")
        await scheduler.tick(retention: sweeper)
        #expect(try await refreshes() == 2, "an active session past refresh_interval is refreshed by the timer")
        #expect(try await scheduler.workingMemory(caller, session: "s1").count > 0)
    }

    @Test func badSessionIDsAreRefused() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        for bad in ["", String(repeating: "x", count: 129), "line\nbreak"] {
            await #expect(throws: GovernanceError.invalidInput(field: "session_id", message: "must be 1-128 printable characters")) {
                _ = try await fixture.governance.scheduler.search(caller, session: bad, query: "kayak", topK: 3, cubes: nil, filter: MemoryFilter())
            }
        }
    }
}
