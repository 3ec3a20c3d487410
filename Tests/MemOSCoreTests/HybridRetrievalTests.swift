import Foundation
import MemOSCore
import Testing

@Suite("Hybrid retrieval")
struct HybridRetrievalTests {
    static let cube = UUID(uuidString: "00000000-0000-7000-8000-000000000000")!

    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", n))!
    }

    static func item(_ n: Int, _ text: String, tags: [String] = [], version: Int = 1) -> MemoryItem {
        MemoryItem(
            id: id(n), cubeID: cube, content: MemoryContent(text: text, tags: tags), version: version,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    /// A: "apple banana" [1,0]; B: "apple" [0,1]; C: "cherry" [0.8,0.6]. Query "apple", [1,0].
    /// BM25 ranks B (shorter) over A, C does not match; cosine ranks A (1), C (0.8), B (0).
    static func tiny() -> MemoryIndex {
        var index = MemoryIndex()
        index.upsert(item(1, "apple banana"), vector: [1, 0])
        index.upsert(item(2, "apple"), vector: [0, 1])
        index.upsert(item(3, "cherry"), vector: [0.8, 0.6])
        return index
    }

    /// BM25 by hand (MemoryIndex's k1 0.9, b 0.75): N 3, df(apple) 2, avgdl 4/3.
    static func bm25(documentLength: Double) -> Double {
        let idf = log(1 + (3.0 - 2.0 + 0.5) / (2.0 + 0.5))
        return idf * 1.9 / (1 + 0.9 * (0.25 + 0.75 * documentLength / (4.0 / 3.0)))
    }

    static func query(_ fusion: FusionMethod, collapse: Bool = false) -> RetrievalQuery {
        var options = RetrievalOptions.plain(fusion)
        options.collapseNearDuplicates = collapse
        return RetrievalQuery(text: "apple", vector: [1, 0], options: options)
    }

    @Test("Weighted fusion: BM25 scaled by its best, cosine min-max scaled, weighted sum")
    func weightedFusion() throws {
        let index = Self.tiny()
        let ratio = Self.bm25(documentLength: 2) / Self.bm25(documentLength: 1)

        let even = index.search(Self.query(.weighted(lexical: 0.5, dense: 0.5)), limit: 10)
        #expect(even.map(\.item.id) == [Self.id(1), Self.id(2), Self.id(3)])
        let expectedEven = [0.5 * ratio + 0.5, 0.5, 0.5 * 0.8]
        for (hit, expected) in zip(even, expectedEven) { #expect(abs(hit.score - expected) < 1e-6) }

        let lexical = index.search(Self.query(.weighted(lexical: 0.9, dense: 0.1)), limit: 10)
        #expect(lexical.map(\.item.id) == [Self.id(2), Self.id(1), Self.id(3)])
        let expectedLexical = [0.9, 0.9 * ratio + 0.1, 0.1 * 0.8]
        for (hit, expected) in zip(lexical, expectedLexical) { #expect(abs(hit.score - expected) < 1e-6) }

        // The limit cuts after fusion.
        #expect(index.search(Self.query(.weighted(lexical: 0.9, dense: 0.1)), limit: 1).map(\.item.id) == [Self.id(2)])
    }

    @Test("Reciprocal rank fusion: Σ 1/(k + rank)")
    func reciprocalRankFusion() {
        let index = Self.tiny()
        let hits = index.search(Self.query(.reciprocalRank(k: 60)), limit: 10)
        // Lexical ranks: B 1, A 2. Dense ranks: A 1, C 2, B 3.
        #expect(hits.map(\.item.id) == [Self.id(1), Self.id(2), Self.id(3)])
        let expected = [1.0 / 62 + 1.0 / 61, 1.0 / 61 + 1.0 / 63, 1.0 / 62]
        for (hit, value) in zip(hits, expected) { #expect(abs(hit.score - value) < 1e-12) }
        // A small k favours the lexical winner more than a large k.
        #expect(index.search(Self.query(.reciprocalRank(k: 0)), limit: 1).first?.item.id == Self.id(1))
    }

    @Test("Without a query vector, or with text only matching nothing, one signal decides")
    func singleSignal() {
        let index = Self.tiny()
        let plain = RetrievalOptions.plain(.weighted(lexical: 0.7, dense: 0.3))
        let lexicalOnly = index.search(RetrievalQuery(text: "apple", options: plain), limit: 10)
        #expect(lexicalOnly.map(\.item.id) == [Self.id(2), Self.id(1)])
        let denseOnly = index.search(RetrievalQuery(text: "", vector: [0.6, 0.8], options: plain), limit: 10)
        #expect(denseOnly.map(\.item.id) == [Self.id(3), Self.id(2), Self.id(1)])
        // A vector of another length is ignored rather than compared.
        let wrongLength = RetrievalQuery(text: "apple", vector: [1, 0, 0], options: plain)
        #expect(index.search(wrongLength, limit: 10).map(\.item.id) == [Self.id(2), Self.id(1)])
        #expect(index.search(RetrievalQuery(text: "durian"), limit: 10).isEmpty)
        #expect(index.search(RetrievalQuery(text: "apple"), limit: 10).count == 2)
        // The lexical convenience search returns raw BM25 scores.
        let raw = index.search("apple", limit: 10)
        #expect(abs((raw.first?.score ?? 0) - Self.bm25(documentLength: 1)) < 1e-9)
    }

    @Test("Near-duplicates collapse to the best one, and only when asked")
    func nearDuplicateCollapse() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "Melanie painted a sunrise over the lake"), vector: [1, 0])
        index.upsert(Self.item(2, "melanie PAINTED a sunrise over the lake!"), vector: [0.9, 0.1])
        index.upsert(Self.item(3, "Melanie painted a sunset"), vector: [0.7, 0.3])
        var options = RetrievalOptions.plain(.weighted(lexical: 0.7, dense: 0.3))
        options.collapseNearDuplicates = true
        let query = RetrievalQuery(text: "melanie painted sunrise lake", vector: [1, 0], options: options)
        let collapsed = index.search(query, limit: 3)
        #expect(collapsed.map(\.item.id) == [Self.id(1), Self.id(3)])

        var keep = query
        keep.options.collapseNearDuplicates = false
        #expect(index.search(keep, limit: 3).map(\.item.id) == [Self.id(1), Self.id(2), Self.id(3)])
        // The collapsed duplicate does not cost a slot: limit 2 still returns two distinct texts.
        #expect(index.search(query, limit: 2).map(\.item.id) == [Self.id(1), Self.id(3)])
    }

    @Test("The score threshold drops weak results")
    func scoreThreshold() {
        let index = Self.tiny()
        var query = Self.query(.weighted(lexical: 0.5, dense: 0.5))
        query.options.scoreThreshold = 0.45
        #expect(index.search(query, limit: 10).map(\.item.id) == [Self.id(1), Self.id(2)])
        query.options.scoreThreshold = 10
        #expect(index.search(query, limit: 10).isEmpty)
    }

    @Test("Filters apply to dense hits too, before the limit")
    func filtersApplyToDenseHits() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "alpha", tags: ["private"]), vector: [1, 0])
        index.upsert(Self.item(2, "beta", tags: ["work"]), vector: [0.9, 0.1])
        index.upsert(Self.item(3, "gamma", tags: ["work"]), vector: [0.5, 0.5])
        index.upsert(Self.item(4, "delta", tags: ["private"]), vector: [0, 1])
        let filter = MemoryFilter(tags: ["work"])
        let hits = index.search(RetrievalQuery(text: "alpha", vector: [1, 0]), limit: 2, filter: filter)
        #expect(hits.map(\.item.id) == [Self.id(2), Self.id(3)])

        var archived = Self.item(2, "beta", tags: ["work"], version: 2)
        archived.state = .archived
        index.upsert(archived, vector: [0.9, 0.1])
        #expect(index.search(RetrievalQuery(text: "", vector: [1, 0]), limit: 10, filter: filter).map(\.item.id) == [Self.id(3)])
    }

    @Test("Time-aware ranking favours memories that mention a time, for questions about time only")
    func timeAware() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "[8 May, 2023] Caroline: the support group was so powerful"), vector: [1, 0])
        index.upsert(Self.item(2, "[8 May, 2023] Caroline: I went to the support group yesterday"), vector: [1, 0])
        var options = RetrievalOptions.plain(.weighted(lexical: 1, dense: 0))
        options.timeAware = true
        let when = index.search(RetrievalQuery(text: "When did Caroline go to the support group?", options: options), limit: 2)
        #expect(when.first?.item.id == Self.id(2))
        let what = index.search(RetrievalQuery(text: "What was the support group like for Caroline?", options: options), limit: 2)
        #expect(what.first?.item.id == Self.id(1))
    }

    @Test("Hybrid search with the hashing embedder finds a paraphrase BM25 misses")
    func withHashingEmbedder() {
        let embedder = HashingEmbedder()
        var index = MemoryIndex()
        let texts = ["We adopted a dog puppy last week", "The quarterly tax report is due", "I love hiking in the mountains"]
        for (n, text) in texts.enumerated() {
            let item = Self.item(n + 1, text)
            index.upsert(item, vector: embedder.embed(MemoryIndex.embeddingText(of: item.content)))
        }
        // Misspelt: no term in common with any memory, but character n-grams are.
        let question = "adoptng a pupy"
        #expect(index.search(question, limit: 3).isEmpty)
        // The mechanism, with a permissive floor for vector-only finds …
        var permissive = RetrievalOptions()
        permissive.minimumDenseSimilarity = 0.05
        let hits = index.search(RetrievalQuery(text: question, vector: embedder.embed(question), options: permissive), limit: 1)
        #expect(hits.first?.item.id == Self.id(1))
        // … and the default, which asks a vector-only find for a close surface match.
        let strict = index.search(RetrievalQuery(text: question, vector: embedder.embed(question)), limit: 1)
        #expect(strict.isEmpty)
    }

    @Test("Vector-only finds need a minimum similarity: a query about nothing stored finds nothing")
    func minimumDenseSimilarity() {
        let embedder = HashingEmbedder()
        var index = MemoryIndex()
        for (n, text) in ["meeting about narwhal budget", "we adopted a puppy last week"].enumerated() {
            let item = Self.item(n + 1, text)
            index.upsert(item, vector: embedder.embed(MemoryIndex.embeddingText(of: item.content)))
        }
        let unrelated = RetrievalQuery(text: "walrus", vector: embedder.embed("walrus"))
        #expect(index.search(unrelated, limit: 5).isEmpty)
        var anything = unrelated
        anything.options.minimumDenseSimilarity = -1
        #expect(index.search(anything, limit: 5).count == 2)
        // A near miss in spelling still gets through on character n-grams.
        let misspelt = RetrievalQuery(text: "narwhals", vector: embedder.embed("narwhale budgets"))
        #expect(index.search(misspelt, limit: 5).first?.item.id == Self.id(1))
    }
}
