import Foundation
import MemOSCore
import Testing

@Suite struct SchedulerSessionTests {
    let embedder = HashingEmbedder()

    @Test func workingMemoryStaysBoundedAndKeepsWhatRecurs() {
        var set = WorkingMemorySet(capacity: 4, decay: 0.5)
        let recurring = UUID.v7()
        for _ in 0..<10 {
            set.observe([recurring] + (0..<3).map { _ in UUID.v7() })
            #expect(set.count <= 4)
        }
        #expect(set.count == 4)
        #expect(set.ranked.first == recurring, "a memory retrieved at every turn leads")
        set.replace(with: [UUID.v7()])
        #expect(set.count == 1 && !set.ranked.contains(recurring))
    }

    @Test func workingMemoryIsDeterministic() {
        let ids = (0..<6).map { _ in UUID.v7() }
        var a = WorkingMemorySet(capacity: 3)
        var b = WorkingMemorySet(capacity: 3)
        for set in [0, 1] {
            _ = set
            a.observe(ids)
            b.observe(ids)
        }
        #expect(a.ranked == b.ranked)
        #expect(a.ranked == Array(ids.prefix(3)))
    }

    @Test func trailNoticesAnIntentShift() {
        var trail = SessionTrail(window: 4, shiftThreshold: 0.2)
        func turn(_ text: String) -> SessionTrail.Change { trail.record(text, vector: embedder.embed(text)) }
        #expect(turn("planning the kayak trip to the fjords in june") == .started)
        guard case .continued = turn("which kayak rental near the fjords for the june trip") else {
            Issue.record("a follow-up on the same topic is not a shift")
            return
        }
        guard case .shifted(let similarity) = turn("quarterly tax filing deadline for invoices") else {
            Issue.record("a new topic shifts the intent")
            return
        }
        #expect(similarity < 0.2)
        #expect(trail.turns.count == 1, "the old topic's turns are dropped")
        #expect(trail.contextText() == "quarterly tax filing deadline for invoices")
        #expect(trail.turnCount == 3)
    }

    @Test func contextTextKeepsTheNewestTurnsWithinTheLimit() {
        var trail = SessionTrail(window: 3, shiftThreshold: -1)
        for text in ["one one one", "two two two", "three three three", "four four four"] {
            trail.record(text, vector: nil)
        }
        #expect(trail.contextText() == "two two two\nthree three three\nfour four four")
        #expect(trail.contextText(maxCharacters: 15).hasSuffix("four four four"))
        #expect(!trail.contextText(maxCharacters: 15).contains("two"))
    }

    @Test func predictorOrdersAndBoundsThePool() {
        let context = (0..<3).map { _ in UUID.v7() }
        let recent = (0..<2).map { _ in UUID.v7() }
        let neighbour = UUID.v7()
        let adjacent = UUID.v7()
        let pool = NextScenePredictor.pool(
            contextHits: context, recentHits: [[recent[0]], [recent[1], context[0]]], neighbours: [context[0]: [neighbour]],
            timeAdjacent: [recent[1]: [adjacent, context[1]]], limit: 10)
        #expect(pool == context + [recent[1], recent[0], neighbour, adjacent])
        #expect(NextScenePredictor.pool(contextHits: context, recentHits: [recent], neighbours: [:], timeAdjacent: [:], limit: 2) == Array(context.prefix(2)))
    }

    @Test func criterionNeedsEveryProbeHitInTheScene() {
        let a = UUID.v7(), b = UUID.v7(), c = UUID.v7()
        #expect(PreloadCriterion.answerable(probe: [a, b], scene: [a, b, c]))
        #expect(!PreloadCriterion.answerable(probe: [a, b], scene: [a, c]))
        #expect(!PreloadCriterion.answerable(probe: [], scene: [a]), "no keyword evidence, no preload answer")
    }

    @Test func sceneAnswersFromItsMembersAndForgetsErasedOnes() {
        let cube = UUID.v7()
        let texts = ["the kayak rental opens at 9", "fjord ferry timetable for june", "tax deadline is april 30"]
        let items = texts.map { text in
            (MemoryItem(id: UUID.v7(), cubeID: cube, content: MemoryContent(text: text), createdAt: Date(), updatedAt: Date()),
             Optional(embedder.embed(text)))
        }
        let scene = PreloadedScene(items: items, builtAt: Date(), turn: 1)
        let query = RetrievalQuery(text: "when does the kayak rental open", vector: embedder.embed("when does the kayak rental open"))
        #expect(scene.answer(query, limit: 1, filter: MemoryFilter()).first?.item.id == items[0].0.id)
        let smaller = scene.removing([items[0].0.id])
        #expect(smaller.count == 2 && !smaller.members.contains(items[0].0.id))
        #expect(smaller.answer(query, limit: 3, filter: MemoryFilter()).allSatisfy { $0.item.id != items[0].0.id })
    }

    @Test func activationTextIsStableForTheSameHotSet() throws {
        let ids = (0..<3).map { _ in UUID.v7() }
        let composer = ActivationComposer(tokenBudget: 200, maxMemories: 10)
        let entries = [
            ActivationComposer.Entry(id: ids[0], heat: 3, text: "likes green tea", key: nil),
            ActivationComposer.Entry(id: ids[1], heat: 9, text: "works on the pelican project", key: "project"),
            ActivationComposer.Entry(id: ids[2], heat: 5, text: "line one\nline two", key: nil),
        ]
        let first = try #require(composer.compose(entries))
        // Counts move, membership does not: identical text.
        let reheated = entries.map { ActivationComposer.Entry(id: $0.id, heat: $0.heat * 7 + 1, text: $0.text, key: $0.key) }
        #expect(try #require(composer.compose(reheated.reversed())).text == first.text)
        #expect(first.text.hasPrefix(ActivationComposer.header))
        #expect(first.memoryIDs == ids, "written in id order")
        #expect(first.text.contains("- project: works on the pelican project\n"))
        #expect(first.text.contains("- line one line two\n"), "one memory, one line")
        // A smaller budget keeps the hottest that fit.
        let tight = try #require(ActivationComposer(tokenBudget: 30, maxMemories: 10).compose(entries))
        #expect(tight.memoryIDs == [ids[1]])
        #expect(ActivationComposer.approximateTokens(tight.text) <= 30)
        #expect(composer.compose([]) == nil)
    }
}
