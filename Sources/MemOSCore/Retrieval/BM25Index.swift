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

    /// One term of a document and the index of its posting in that term's array.
    private struct DocumentTerm: Sendable {
        var term: Int32
        var position: Int32
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
            terms.append(DocumentTerm(term: termID, position: position))
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
        guard limit > 0, !slotByID.isEmpty, totalLength > 0 else { return [] }

        var seen: Set<Int32> = []
        var queryTerms: [Int32] = []
        for token in tokenizer.tokens(query) {
            guard let termID = termIDs[token], seen.insert(termID).inserted else { continue }
            queryTerms.append(termID)
        }
        guard !queryTerms.isEmpty else { return [] }

        let documentCount = Double(slotByID.count)
        let averageLength = Double(totalLength) / documentCount
        let k1 = self.k1
        let constantNorm = k1 * (1 - b)
        let lengthNorm = k1 * b / averageLength

        var scores = [Double](repeating: 0, count: slotIDs.count)
        var touched: [Int32] = []
        scores.withUnsafeMutableBufferPointer { scores in
            for termID in queryTerms {
                let list = postings[Int(termID)]
                let documentFrequency = Double(list.count)
                let idf = log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5))
                let weight = idf * (k1 + 1)
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

// MARK: - Top-k selection

/// A UUID as two big-endian integers: byte-wise ordering at the cost of two comparisons.
private struct UUIDKey: Comparable {
    let high: UInt64
    let low: UInt64

    init(_ id: UUID) {
        let bytes = id.uuid
        high = withUnsafeBytes(of: bytes) { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian }
        low = withUnsafeBytes(of: bytes) { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian }
    }

    static func < (lhs: UUIDKey, rhs: UUIDKey) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}

/// Bounded min-heap holding the best `capacity` entries seen so far; its root is the worst of
/// them, so deciding whether a new candidate gets in is O(1) and inserting is O(log k).
private struct TopHeap {
    struct Entry {
        let score: Double
        let key: UUIDKey
        let slot: Int32

        /// Higher score first, then smaller id.
        func isBetter(than other: Entry) -> Bool {
            score != other.score ? score > other.score : key < other.key
        }
    }

    private let capacity: Int
    private var entries: [Entry] = []

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    /// Whether `candidate` would be kept if inserted now.
    func admits(_ candidate: Entry) -> Bool {
        guard capacity > 0 else { return false }
        guard entries.count == capacity else { return true }
        return candidate.isBetter(than: entries[0])
    }

    /// Adds a candidate that `admits` accepted, evicting the current worst when full.
    mutating func insert(_ candidate: Entry) {
        if entries.count < capacity {
            entries.append(candidate)
            siftUp(from: entries.count - 1)
        } else {
            entries[0] = candidate
            siftDown(from: 0)
        }
    }

    func sortedBestFirst() -> [Entry] {
        entries.sorted { $0.isBetter(than: $1) }
    }

    /// In this heap "smaller" means worse, so the worst entry sits at the root.
    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[parent].isBetter(than: entries[child]) else { return }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = entries.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worst = left
            let right = left + 1
            if right < count, entries[left].isBetter(than: entries[right]) { worst = right }
            guard entries[parent].isBetter(than: entries[worst]) else { return }
            entries.swapAt(parent, worst)
            parent = worst
        }
    }
}
