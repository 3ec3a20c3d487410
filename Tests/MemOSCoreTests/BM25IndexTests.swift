import Foundation
import MemOSCore
import Testing

@Suite("BM25Index")
struct BM25IndexTests {
    /// Fixed ids so that tie-breaking and failures are reproducible.
    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", n))!
    }

    /// Words the tokenizer leaves unchanged, so term frequencies and lengths are obvious.
    static func smallCorpus() -> BM25Index {
        var index = BM25Index()
        index.upsert(id: id(1), text: "cat cat dog")  // len 3
        index.upsert(id: id(2), text: "cat fish bird")  // len 3
        index.upsert(id: id(3), text: "dog fish bird bird")  // len 4
        index.upsert(id: id(4), text: "bird")  // len 1
        return index
    }

    @Test("Ranking follows term frequency, and a score matches the formula by hand")
    func rankingAndScore() throws {
        let index = Self.smallCorpus()
        let hits = index.search("cat", limit: 10)
        #expect(hits.map(\.id) == [Self.id(1), Self.id(2)])

        // N = 4, df(cat) = 2, avgdl = 11 / 4, doc 1: tf = 2, dl = 3, k1 = 1.2, b = 0.75.
        let idf = log(1 + (4.0 - 2.0 + 0.5) / (2.0 + 0.5))
        let expected = idf * (2.0 * 2.2) / (2.0 + 1.2 * (1 - 0.75 + 0.75 * 3.0 / 2.75))
        let top = try #require(hits.first)
        #expect(abs(top.score - expected) < 1e-12)
    }

    @Test("Documents matching more query terms rank higher; rarer terms weigh more")
    func multiTermRanking() {
        let index = Self.smallCorpus()
        #expect(index.search("cat fish", limit: 10).map(\.id) == [Self.id(2), Self.id(1), Self.id(3)])
        // "dog" (df 2) is rarer than "bird" (df 3): doc 1 (dog) beats doc 4 (bird, even shorter).
        let hits = index.search("dog bird", limit: 10)
        #expect(hits.first?.id == Self.id(3))
        let rank1 = hits.firstIndex { $0.id == Self.id(1) }
        let rank4 = hits.firstIndex { $0.id == Self.id(4) }
        #expect(rank1 != nil && rank4 != nil && rank1! < rank4!)
        #expect(hits.allSatisfy { $0.score > 0 })
    }

    @Test("Query words are normalised like documents (stemming, case, stop words)")
    func queryNormalisation() {
        var index = BM25Index()
        index.upsert(id: Self.id(1), text: "She was Running to the station")
        index.upsert(id: Self.id(2), text: "A quiet evening")
        #expect(index.search("the RUNS", limit: 5).map(\.id) == [Self.id(1)])
    }

    @Test("Upsert replaces the previous text of an id")
    func upsertReplaces() {
        var index = Self.smallCorpus()
        let terms = index.termCount
        index.upsert(id: Self.id(1), text: "zebra")
        #expect(index.count == 4)
        #expect(index.search("cat", limit: 10).map(\.id) == [Self.id(2)])
        #expect(index.search("zebra", limit: 10).map(\.id) == [Self.id(1)])
        // "zebra" is new; "cat" and "dog" live on in other documents.
        #expect(index.termCount == terms + 1)
    }

    @Test("Remove leaves no trace: terms, counts and statistics")
    func removeIsExact() {
        var index = Self.smallCorpus()
        let terms = index.termCount
        index.upsert(id: Self.id(9), text: "quantum entanglement fish")
        #expect(index.termCount == terms + 2)
        #expect(index.contains(Self.id(9)))

        index.remove(id: Self.id(9))
        #expect(index.termCount == terms)
        #expect(!index.contains(Self.id(9)))
        #expect(index.count == 4)
        #expect(index.search("quantum entanglement", limit: 10).isEmpty)

        // Removing doc 2 must update N, df and avgdl: "fish" is then in doc 3 only.
        index.remove(id: Self.id(2))
        let hits = index.search("fish", limit: 10)
        #expect(hits.map(\.id) == [Self.id(3)])
        let idf = log(1 + (3.0 - 1.0 + 0.5) / (1.0 + 0.5))
        let expected = idf * 2.2 / (1.0 + 1.2 * (0.25 + 0.75 * 4.0 / (8.0 / 3.0)))
        #expect(abs((hits.first?.score ?? 0) - expected) < 1e-12)

        for n in [1, 3, 4] { index.remove(id: Self.id(n)) }
        #expect(index.count == 0)
        #expect(index.termCount == 0)
        #expect(index.search("bird", limit: 10).isEmpty)
    }

    @Test("Removing an unknown id changes nothing")
    func removeUnknown() {
        var index = Self.smallCorpus()
        index.remove(id: Self.id(42))
        #expect(index.count == 4)
        #expect(index.search("bird", limit: 10).count == 3)
    }

    @Test("The filter is applied before the limit")
    func filterBeforeLimit() {
        var index = BM25Index()
        for n in 1...10 {
            index.upsert(id: Self.id(n), text: Array(repeating: "cat", count: n).joined(separator: " ") + " dog")
        }
        let unfiltered = index.search("cat", limit: 4)
        #expect(unfiltered.count == 4)
        let best = unfiltered[0].id
        let filtered = index.search("cat", limit: 3, where: { $0 != best })
        #expect(filtered.count == 3)
        #expect(!filtered.contains { $0.id == best })
        #expect(filtered == Array(unfiltered.dropFirst()))

        let onlyOdd = index.search("cat", limit: 100, where: { id in
            Int(id.uuidString.suffix(12))! % 2 == 1
        })
        #expect(onlyOdd.count == 5)
    }

    @Test("Empty, stop-word-only and unknown queries, and a zero limit, find nothing")
    func emptyQueries() {
        let index = Self.smallCorpus()
        #expect(index.search("", limit: 10).isEmpty)
        #expect(index.search("the of and", limit: 10).isEmpty)
        #expect(index.search("unicorn", limit: 10).isEmpty)
        #expect(index.search("cat", limit: 0).isEmpty)
        #expect(BM25Index().search("cat", limit: 10).isEmpty)
    }

    @Test("Equal scores are ordered by id")
    func tiesByID() {
        var index = BM25Index()
        for n in [5, 3, 9, 1, 7] { index.upsert(id: Self.id(n), text: "same words here") }
        index.upsert(id: Self.id(100), text: "other")
        let hits = index.search("words", limit: 3)
        #expect(hits.map(\.id) == [Self.id(1), Self.id(3), Self.id(5)])
        #expect(Set(hits.map(\.score)).count == 1)
    }

    @Test("CJK documents are searchable by bigrams")
    func cjk() {
        var index = BM25Index()
        index.upsert(id: Self.id(1), text: "我喜欢猫")
        index.upsert(id: Self.id(2), text: "我喜欢狗")
        #expect(index.search("喜欢猫吗", limit: 5).first?.id == Self.id(1))
        #expect(index.search("喜欢狗", limit: 5).first?.id == Self.id(2))
        #expect(index.search("喜欢", limit: 5).count == 2)
    }

    /// After many random upserts and removals, results equal a brute-force BM25 computed from
    /// scratch: the swap-removal bookkeeping never corrupts postings or statistics.
    @Test("Random edits agree with a brute-force BM25")
    func matchesBruteForce() {
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
        var generator = SplitMix64(seed: 7)
        var index = BM25Index()
        var reference: [UUID: String] = [:]
        let tokenizer = TextTokenizer()

        for step in 0..<600 {
            let id = Self.id(Int.random(in: 0..<60, using: &generator))
            if Int.random(in: 0..<4, using: &generator) == 0 {
                index.remove(id: id)
                reference[id] = nil
            } else {
                let length = Int.random(in: 1...8, using: &generator)
                let text = (0..<length).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
                index.upsert(id: id, text: text)
                reference[id] = text
            }
            guard step % 50 == 49 else { continue }

            #expect(index.count == reference.count)
            let liveTerms = Set(reference.values.flatMap { tokenizer.tokens($0) })
            #expect(index.termCount == liveTerms.count)

            let query = "\(words[step % words.count]) \(words[(step / 7) % words.count])"
            let expected = Self.bruteForce(query, documents: reference, tokenizer: tokenizer)
            let actual = index.search(query, limit: 1000)
            #expect(actual.map(\.id) == expected.map(\.id))
            for (a, e) in zip(actual, expected) { #expect(abs(a.score - e.score) < 1e-9) }
        }
    }

    static func bruteForce(_ query: String, documents: [UUID: String], tokenizer: TextTokenizer) -> [BM25Hit] {
        let docs = documents.mapValues { tokenizer.termFrequencies($0) }
        let n = Double(docs.count)
        let avgdl = Double(docs.values.reduce(0) { $0 + $1.values.reduce(0, +) }) / n
        var queryTerms: [String] = []
        for term in tokenizer.tokens(query) where !queryTerms.contains(term) { queryTerms.append(term) }
        var hits: [BM25Hit] = []
        for (id, tf) in docs {
            let dl = Double(tf.values.reduce(0, +))
            var score = 0.0
            for term in queryTerms {
                guard let f = tf[term] else { continue }
                let df = Double(docs.values.filter { $0[term] != nil }.count)
                let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                score += idf * Double(f) * 2.2 / (Double(f) + 1.2 * (0.25 + 0.75 * dl / avgdl))
            }
            if score > 0 { hits.append(BM25Hit(id: id, score: score)) }
        }
        return hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id.uuidString < $1.id.uuidString }
    }
}

/// Deterministic generator so a failing random test can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
