import Foundation

/// One keyword-search result: which memory matched and how strongly, so keyword hits can be
/// merged with vector hits on a comparable footing.
public struct BM25Hit: Sendable, Hashable {
    /// The memory's id, as given to `BM25Index.upsert`.
    public let id: UUID
    /// Okapi BM25 score; only comparable with scores from the same index and query.
    public let score: Double

    /// Public so that fused or cached results can be rebuilt in the same shape.
    public init(id: UUID, score: Double) {
        self.id = id
        self.score = score
    }
}

/// In-memory Okapi BM25 inverted index over the memories of one cube.
///
/// Keyword search catches what embeddings blur (names, numbers, rare terms), and it runs on every
/// search request, so the index is built for speed at ~100k documents rather than for
/// generality: documents live in integer slots (reused through a free list), each term owns a
/// flat posting array, and a query scores term-at-a-time into a dense accumulator before a
/// bounded heap picks the top hits — no full sort of all candidates.
///
/// Every document also remembers its own terms and where its entry sits in each posting array,
/// so `remove` is exact and O(terms in the document): nothing of a deleted memory lingers in the
/// index, which matters when a user asks for something to be forgotten.
///
/// It is a value type: an actor or a lock owning it decides how it is shared.
public struct BM25Index: Sendable {
    /// One document's entry in a term's posting array. The document length is copied in because
    /// a document's text (hence its length) never changes without a remove + insert.
    private struct Posting: Sendable {
        var slot: Int32
        var termFrequency: Int32
        var documentLength: Int32
    }

    /// One term of a document, the index of its posting in that term's array, and its
    /// frequency in the document (so a document can be scored without touching postings).
    private struct DocumentTerm: Sendable {
        var term: Int32
        var position: Int32
        var frequency: Int32
    }

    /// The tokenizer used for both documents and queries, so they normalise alike.
    public let tokenizer: TextTokenizer
    /// Term-frequency saturation: how quickly repeating a word stops adding to the score.
    public let k1: Double
    /// Length normalisation: 0 ignores document length, 1 fully normalises by it.
    public let b: Double

    private var termIDs: [String: Int32] = [:]
    private var termNames: [String] = []
    private var postings: [[Posting]] = []
    private var freeTermIDs: [Int32] = []

    private var slotIDs: [UUID] = []
    private var slotTerms: [[DocumentTerm]] = []
    private var slotLengths: [Int32] = []
    private var slotByID: [UUID: Int32] = [:]
    private var freeSlots: [Int32] = []
    private var totalLength = 0

    /// The defaults are the usual Okapi values; `k1` is clamped to be non-negative and `b` to
    /// 0...1 so a bad configuration cannot produce negative or nonsensical scores.
    public init(tokenizer: TextTokenizer = TextTokenizer(), k1: Double = 1.2, b: Double = 0.75) {
        self.tokenizer = tokenizer
        self.k1 = k1.isFinite ? max(0, k1) : 1.2
        self.b = b.isFinite ? min(max(0, b), 1) : 0.75
    }

    /// Number of documents, the N of the IDF formula.
    public var count: Int { slotByID.count }

    /// Number of distinct terms; a term disappears as soon as its last document does, so this
    /// lets callers (and tests) verify that removal leaves nothing behind.
    public var termCount: Int { termIDs.count }

    /// Whether a document with this id is indexed.
    public func contains(_ id: UUID) -> Bool { slotByID[id] != nil }

    /// Indexes `text` under `id`, replacing whatever that id had before, so an edited memory is
    /// searchable by its new words only.
    public mutating func upsert(id: UUID, text: String) {
        if let existing = slotByID[id] {
            removeSlot(existing)
        }
        // Map tokens straight to term ids and count by sorting: one hash lookup per token and no
        // intermediate dictionary. Sorted term ids also give the back-reference list its order.
        var tokenTerms = tokenizer.tokens(text).map { termID(for: $0) }
        tokenTerms.sort()
        let length = tokenTerms.count

        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slotIDs[Int(slot)] = id
        } else {
            slot = Int32(slotIDs.count)
            slotIDs.append(id)
            slotTerms.append([])
            slotLengths.append(0)
        }
        let storedLength = Int32(clamping: length)
        slotByID[id] = slot
        slotLengths[Int(slot)] = storedLength
        totalLength += Int(storedLength)

        var terms: [DocumentTerm] = []
        var runStart = 0
        while runStart < tokenTerms.count {
            let termID = tokenTerms[runStart]
            var runEnd = runStart + 1
            while runEnd < tokenTerms.count, tokenTerms[runEnd] == termID { runEnd += 1 }
            let position = Int32(postings[Int(termID)].count)
            postings[Int(termID)].append(
                Posting(slot: slot, termFrequency: Int32(clamping: runEnd - runStart), documentLength: storedLength))
            terms.append(DocumentTerm(term: termID, position: position, frequency: Int32(clamping: runEnd - runStart)))
            runStart = runEnd
        }
        slotTerms[Int(slot)] = terms
    }

    /// Forgets the document completely: its postings, its slot, and every term only it used.
    public mutating func remove(id: UUID) {
        guard let slot = slotByID[id] else { return }
        removeSlot(slot)
    }

    /// The best `limit` documents for `query`, best first, ties broken by id so results are
    /// stable between calls.
    ///
    /// `isAllowed` (tenant, state, tag or type filters) is applied before the limit, so a filter
    /// never leaves a caller with fewer hits than exist; it is only consulted for documents that
    /// would make the current top `limit`, which keeps expensive filters cheap.
    public func search(_ query: String, limit: Int, where isAllowed: (UUID) -> Bool = { _ in true }) -> [BM25Hit] {
        search(terms: queryTerms(query), limit: limit, where: isAllowed)
    }

    /// Exact BM25 scores of `query` for the given documents (0 for unknown ids or no match), for
    /// fusing with other signals documents that did not make the keyword top list.
    public func scores(_ query: String, for ids: [UUID]) -> [Double] {
        scores(terms: queryTerms(query), for: ids)
    }

    // MARK: - Weighted queries (used by MemoryIndex)

    /// One query term and how much it counts (1 for a term the user typed).
    struct QueryTerm {
        var term: Int32
        var boost: Double
    }

    /// The distinct known terms of `query`, each with boost 1.
    func queryTerms(_ query: String) -> [QueryTerm] {
        var seen: Set<Int32> = []
        var terms: [QueryTerm] = []
        for token in tokenizer.tokens(query) {
            guard let termID = termIDs[token], seen.insert(termID).inserted else { continue }
            terms.append(QueryTerm(term: termID, boost: 1))
        }
        return terms
    }

    private func inverseDocumentFrequency(_ term: Int32) -> Double {
        let documentCount = Double(slotByID.count)
        let documentFrequency = Double(postings[Int(term)].count)
        return log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5))
    }

    func search(terms queryTerms: [QueryTerm], limit: Int, where isAllowed: (UUID) -> Bool) -> [BM25Hit] {
        guard limit > 0, !slotByID.isEmpty, totalLength > 0, !queryTerms.isEmpty else { return [] }

        let documentCount = Double(slotByID.count)
        let averageLength = Double(totalLength) / documentCount
        let k1 = self.k1
        let constantNorm = k1 * (1 - b)
        let lengthNorm = k1 * b / averageLength

        var scores = [Double](repeating: 0, count: slotIDs.count)
        var touched: [Int32] = []
        scores.withUnsafeMutableBufferPointer { scores in
            for queryTerm in queryTerms where queryTerm.boost > 0 {
                let list = postings[Int(queryTerm.term)]
                let weight = inverseDocumentFrequency(queryTerm.term) * (k1 + 1) * queryTerm.boost
                list.withUnsafeBufferPointer { list in
                    for posting in list {
                        let frequency = Double(posting.termFrequency)
                        let norm = constantNorm + lengthNorm * Double(posting.documentLength)
                        let slot = Int(posting.slot)
                        if scores[slot] == 0 { touched.append(posting.slot) }
                        scores[slot] += weight * frequency / (frequency + norm)
                    }
                }
            }
        }

        var heap = TopHeap(capacity: min(limit, touched.count))
        for slot in touched {
            let score = scores[Int(slot)]
            guard score > 0 else { continue }
            let id = slotIDs[Int(slot)]
            let candidate = TopHeap.Entry(score: score, key: UUIDKey(id), slot: slot)
            guard heap.admits(candidate), isAllowed(id) else { continue }
            heap.insert(candidate)
        }
        return heap.sortedBestFirst().map { BM25Hit(id: slotIDs[Int($0.slot)], score: $0.score) }
    }

    func scores(terms queryTerms: [QueryTerm], for ids: [UUID]) -> [Double] {
        guard !slotByID.isEmpty, totalLength > 0, !queryTerms.isEmpty else { return ids.map { _ in 0 } }
        // Query terms sorted by id, so each document is scored by one merge with its own
        // (sorted) terms.
        let sortedQuery = queryTerms.filter { $0.boost > 0 }.sorted { $0.term < $1.term }
        let queryIDs = sortedQuery.map(\.term)
        let weights = sortedQuery.map { inverseDocumentFrequency($0.term) * (k1 + 1) * $0.boost }
        let averageLength = Double(totalLength) / Double(slotByID.count)
        let constantNorm = k1 * (1 - b)
        let lengthNorm = k1 * b / averageLength
        return ids.map { id in
            guard let slot = slotByID[id] else { return 0 }
            let norm = constantNorm + lengthNorm * Double(slotLengths[Int(slot)])
            return slotTerms[Int(slot)].withUnsafeBufferPointer { terms in
                var score = 0.0
                var i = 0
                var j = 0
                while i < terms.count, j < queryIDs.count {
                    let term = terms[i].term
                    if term == queryIDs[j] {
                        let frequency = Double(terms[i].frequency)
                        score += weights[j] * frequency / (frequency + norm)
                        i += 1
                        j += 1
                    } else if term < queryIDs[j] {
                        i += 1
                    } else {
                        j += 1
                    }
                }
                return score
            }
        }
    }

    /// Pseudo-relevance feedback (RM3-style): the `count` terms that best characterise the
    /// given top documents — term frequency share in each document, weighted by the document's
    /// relevance and by the term's idf — excluding `excluded`, with boosts scaled so the best is 1.
    func expansionTerms(
        from hits: [BM25Hit], count: Int, excluding excluded: Set<Int32>, maximumDocumentFraction: Double = 1
    ) -> [QueryTerm] {
        guard count > 0, let best = hits.first?.score, best > 0 else { return [] }
        let maximumFrequency = max(1, Int(maximumDocumentFraction * Double(slotByID.count)))
        var weights: [Int32: Double] = [:]
        for hit in hits {
            guard let slot = slotByID[hit.id] else { continue }
            let length = Double(max(1, slotLengths[Int(slot)]))
            let relevance = hit.score / best
            for entry in slotTerms[Int(slot)]
            where !excluded.contains(entry.term) && postings[Int(entry.term)].count <= maximumFrequency {
                weights[entry.term, default: 0] += relevance * Double(entry.frequency) / length
            }
        }
        var ranked = weights.map { QueryTerm(term: $0.key, boost: $0.value * inverseDocumentFrequency($0.key)) }
        ranked.sort { $0.boost != $1.boost ? $0.boost > $1.boost : $0.term < $1.term }
        ranked = Array(ranked.prefix(count))
        guard let top = ranked.first?.boost, top > 0 else { return [] }
        return ranked.map { QueryTerm(term: $0.term, boost: $0.boost / top) }
    }

    /// Number of terms of a document (0 for an unknown id) and the mean over all documents.
    func documentLength(of id: UUID) -> Int {
        slotByID[id].map { Int(slotLengths[Int($0)]) } ?? 0
    }

    var averageDocumentLength: Double {
        slotByID.isEmpty ? 0 : Double(totalLength) / Double(slotByID.count)
    }

    /// The distinct term ids of a document in ascending order (a set, for comparing documents);
    /// nil for an unknown id.
    func sortedTermIDs(of id: UUID) -> [Int32]? {
        guard let slot = slotByID[id] else { return nil }
        return slotTerms[Int(slot)].map(\.term)
    }

    // MARK: - Internals

    private mutating func termID(for term: String) -> Int32 {
        if let existing = termIDs[term] { return existing }
        let termID: Int32
        if let reused = freeTermIDs.popLast() {
            termID = reused
            termNames[Int(termID)] = term
        } else {
            termID = Int32(postings.count)
            postings.append([])
            termNames.append(term)
        }
        termIDs[term] = termID
        return termID
    }

    private mutating func removeSlot(_ slot: Int32) {
        let index = Int(slot)
        let terms = slotTerms[index]
        for entry in terms {
            let termIndex = Int(entry.term)
            let position = Int(entry.position)
            let lastPosition = postings[termIndex].count - 1
            if position != lastPosition {
                // Swap-remove: move the last posting into the hole and repoint its document.
                let moved = postings[termIndex][lastPosition]
                postings[termIndex][position] = moved
                repointPosting(ofSlot: Int(moved.slot), term: entry.term, to: Int32(position))
            }
            postings[termIndex].removeLast()
            if postings[termIndex].isEmpty {
                postings[termIndex] = []
                termIDs.removeValue(forKey: termNames[termIndex])
                termNames[termIndex] = ""
                freeTermIDs.append(entry.term)
            }
        }
        totalLength -= Int(slotLengths[index])
        slotLengths[index] = 0
        slotTerms[index] = []
        slotByID.removeValue(forKey: slotIDs[index])
        freeSlots.append(slot)
    }

    private mutating func repointPosting(ofSlot slot: Int, term: Int32, to position: Int32) {
        var low = 0
        var high = slotTerms[slot].count - 1
        while low <= high {
            let middle = (low + high) / 2
            let candidate = slotTerms[slot][middle].term
            if candidate == term {
                slotTerms[slot][middle].position = position
                return
            } else if candidate < term {
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        assertionFailure("BM25Index: posting without back-reference")
    }
}
