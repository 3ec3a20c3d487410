import Foundation
import MemOSCore
import Testing

/// Speaker-aware matching and neighbouring memories as context (issue 8's ranking ideas).
@Suite("Ranking signals")
struct RankingSignalsTests {
    static func item(_ n: Int, _ text: String, speaker: String? = nil) -> MemoryItem {
        MemoryItem(
            id: HybridRetrievalTests.id(n), cubeID: HybridRetrievalTests.cube,
            content: MemoryContent(text: text, sources: speaker.map { [SourceMessage(speaker: $0)] } ?? []),
            createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func options(speaker: Double = 0, neighbour: Double = 0) -> RetrievalOptions {
        var options = RetrievalOptions.lexicalOnly
        options.speakerBoost = speaker
        options.neighbourWeight = neighbour
        return options
    }

    static func ids(_ index: MemoryIndex, _ text: String, _ options: RetrievalOptions, admitting: ((UUID) -> Bool)? = nil) -> [UUID] {
        index.search(RetrievalQuery(text: text, options: options), limit: 10, admitting: admitting).map(\.item.id)
    }

    @Test func aNamedSpeakersMemoryOutranksTheSameWordsFromSomeoneElse() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "went hiking in the mountains", speaker: "Melanie"))
        index.upsert(Self.item(2, "went hiking in the mountains", speaker: "Caroline Smith"))
        // Without the signal the tie breaks by id: Melanie's memory first.
        #expect(Self.ids(index, "where did caroline go hiking", Self.options()).first == HybridRetrievalTests.id(1))
        #expect(Self.ids(index, "where did caroline go hiking", Self.options(speaker: 0.5)).first == HybridRetrievalTests.id(2))
        // A name that is nobody's speaker changes nothing.
        #expect(Self.ids(index, "where did melvin go hiking", Self.options(speaker: 0.5)).first == HybridRetrievalTests.id(1))
    }

    @Test func theReplyToAMatchingTurnIsFoundThroughItsNeighbour() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "what is your favourite colour"))
        index.upsert(Self.item(2, "blue, always has been"))
        index.upsert(Self.item(3, "the train was late today"))
        let reply = HybridRetrievalTests.id(2)
        #expect(!Self.ids(index, "favourite colour", Self.options()).contains(reply))
        let found = Self.ids(index, "favourite colour", Self.options(neighbour: 0.7))
        #expect(found.first == HybridRetrievalTests.id(1))
        #expect(found.contains(reply))
        #expect(!found.contains(HybridRetrievalTests.id(3)), "only the matching turn's neighbours join")
        // A neighbour the caller may not read never joins.
        let admitted = Self.ids(index, "favourite colour", Self.options(neighbour: 0.7), admitting: { $0 != reply })
        #expect(!admitted.contains(reply))
        // A removed memory is no longer anyone's neighbour.
        index.remove(id: reply)
        #expect(!Self.ids(index, "favourite colour", Self.options(neighbour: 0.7)).contains(reply))
    }
}
