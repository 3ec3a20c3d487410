import Foundation

/// A memory with its retrieval score.
public struct ScoredMemory: Sendable, Hashable {
    public let item: MemoryItem
    public let score: Double

    public init(item: MemoryItem, score: Double) {
        self.item = item
        self.score = score
    }
}

/// The searchable, in-memory view of one cube: current memories plus their lexical (BM25) and
/// vector (cosine) indexes, searched together by hybrid retrieval.
///
/// It lives only in memory (rebuilt from the store on demand) so nothing derived from memory
/// text reaches the disk. Changes may arrive out of order from concurrent writers, so `upsert`
/// keeps the highest version and `remove` leaves a tombstone: an older write can never bring a
/// deleted or newer memory back. A memory's vector always belongs to its current version: a
/// newer version without a vector drops the old vector rather than keep a stale one.
public struct MemoryIndex: Sendable {
    private var lexical: BM25Index
    private var vectors: VectorIndex
    private var items: [UUID: MemoryItem] = [:]
    /// The state of every memory, so the usual state-only filter needs no copy of the memory.
    private var states: [UUID: MemoryState] = [:]
    private var tombstones: Set<UUID> = []
    /// Memories whose text mentions a time, for time-aware ranking.
    private var timed: Set<UUID> = []
    /// Every id in UUIDv7 (creation) order: a memory's neighbours are those written just before
    /// and after it, as the turns around a turn of a conversation.
    private var order: [UUIDKey] = []

    /// `vectorIndex` sets the approximate-search threshold and probes of the vector index.
    /// `k1` and `b` are the BM25 parameters (see `BM25Index`); k1 = 0.9 did better than the
    /// textbook 1.2 on LoCoMo, as it does in Anserini's defaults.
    public init(k1: Double = 0.9, b: Double = 0.75, vectorIndex: VectorIndex = VectorIndex()) {
        lexical = BM25Index(k1: k1, b: b)
        vectors = vectorIndex
    }

    public var count: Int { items.count }

    /// Number of memories that have a vector.
    public var vectorCount: Int { vectors.count }

    public func item(id: UUID) -> MemoryItem? { items[id] }

    /// Whether the current version of `id` has a vector.
    public func hasVector(id: UUID) -> Bool { vectors.contains(id) }

    /// Indexes `item` for keyword search only (any vector of an older version is dropped).
    public mutating func upsert(_ item: MemoryItem) {
        upsert(item, vector: nil)
    }

    /// Indexes `item`, with `vector` (the embedding of `embeddingText(of: item.content)`) for
    /// dense search when given. Ignored when `item` is older than (or as old as) what the index
    /// holds, or was removed. A vector of another length than the stored ones is not indexed.
    public mutating func upsert(_ item: MemoryItem, vector: [Float]?) {
        guard !tombstones.contains(item.id) else { return }
        if let existing = items[item.id], existing.version >= item.version { return }
        if items[item.id] == nil {
            let key = UUIDKey(item.id)
            if let last = order.last, !(last < key) {
                order.insert(key, at: Self.position(of: key, in: order))
            } else {
                order.append(key)
            }
        }
        items[item.id] = item
        states[item.id] = item.state
        lexical.upsert(id: item.id, text: Self.indexedText(of: item.content))
        if let vector {
            vectors.upsert(id: item.id, vector: vector)
        } else {
            vectors.remove(id: item.id)
        }
        if TemporalCues.mentionsTime(item.content.text) {
            timed.insert(item.id)
        } else {
            timed.remove(item.id)
        }
    }

    /// Attaches (or, with nil, drops) the vector of a memory computed after it was indexed, e.g.
    /// by a remote embedder. Only applies while `version` is still the indexed version, so a
    /// late embedding never lands on a newer text. Returns whether it was applied.
    @discardableResult
    public mutating func setVector(_ vector: [Float]?, for id: UUID, version: Int) -> Bool {
        guard let existing = items[id], existing.version == version else { return false }
        guard let vector else {
            vectors.remove(id: id)
            return true
        }
        return vectors.upsert(id: id, vector: vector)
    }

    public mutating func remove(id: UUID) {
        tombstones.insert(id)
        if items[id] != nil {
            let key = UUIDKey(id)
            let index = Self.position(of: key, in: order)
            if index < order.count, order[index] == key { order.remove(at: index) }
        }
        items[id] = nil
        states[id] = nil
        lexical.remove(id: id)
        vectors.remove(id: id)
        timed.remove(id)
    }

    /// Best-first keyword (BM25) matches for `query` among memories the filter admits; scores
    /// are raw BM25 scores.
    public func search(_ query: String, limit: Int, filter: MemoryFilter = MemoryFilter()) -> [ScoredMemory] {
        let hits = lexical.search(query, limit: limit, where: allowance(filter))
        return hits.compactMap { hit in
            items[hit.id].map { ScoredMemory(item: $0, score: hit.score) }
        }
    }

    /// Hybrid search.
    ///
    /// 1. BM25 takes its best `candidateDepth` memories among those the filter admits.
    /// 2. With `feedback`, terms of the best of them widen the keyword query, and their vectors
    ///    are added to the query vector; the query vector is also centred (`vectorCentering`).
    /// 3. The vector index takes its best `candidateDepth` admitted memories by cosine.
    /// 4. Every candidate of either list gets both signals exactly (its BM25 score under the
    ///    widened query, its cosine), which are fused (see `FusionMethod`).
    /// 5. The time boost and the length prior apply, then `scoreThreshold`, and near-duplicates
    ///    collapse before the best `limit` are returned, ties broken by id.
    ///
    /// Without a query vector (or without vectors in the index) it is keyword search with the
    /// same steps; scores are fused scores.
    ///
    /// `admitting` narrows the candidates further (the caller's access rules), inside the
    /// search, so `limit` results are filled with admitted memories rather than cut afterwards.
    public func search(
        _ query: RetrievalQuery, limit: Int, filter: MemoryFilter = MemoryFilter(), admitting: ((UUID) -> Bool)? = nil
    ) -> [ScoredMemory] {
        guard limit > 0, !items.isEmpty else { return [] }
        let options = query.options
        let depth = max(limit, options.candidateDepth)
        let filtered = allowance(filter)
        let isAllowed: (UUID) -> Bool =
            if let admitting { { id in filtered(id) && admitting(id) } } else { filtered }

        var terms = lexical.queryTerms(query.text)
        let keywordHits = lexical.search(terms: terms, limit: depth, where: isAllowed)
        var expanded = false
        if let feedback = options.feedback, feedback.documents > 0, feedback.expansionTerms > 0, feedback.termWeight > 0,
            !keywordHits.isEmpty
        {
            let expansion = lexical.expansionTerms(
                from: Array(keywordHits.prefix(feedback.documents)), count: feedback.expansionTerms,
                excluding: Set(terms.map(\.term)), maximumDocumentFraction: feedback.maximumDocumentFraction)
            terms += expansion.map { BM25Index.QueryTerm(term: $0.term, boost: $0.boost * feedback.termWeight) }
            expanded = !expansion.isEmpty
        }
        let plainVector = query.vector.flatMap { vectors.prepare($0) }
        let queryVector = plainVector.map { denseQuery($0, options: options, keywordHits: keywordHits) }
        var denseHits = queryVector.map { vectors.search(prepared: $0, limit: depth, where: isAllowed) } ?? []
        if let plainVector, let queryVector, options.minimumDenseSimilarity > -1 {
            // A vector-only find must be similar enough (cosine) to the query as typed or to the
            // query as searched (centred, with feedback).
            let floor = options.minimumDenseSimilarity
            let norm = Double(queryVector.reduce(0) { $0 + $1 * $1 }.squareRoot())
            let keywordIDs = Set(keywordHits.map(\.id))
            denseHits.removeAll { hit in
                guard !keywordIDs.contains(hit.id), !(norm > 0 && Double(hit.score) / norm >= floor) else { return false }
                return Double(vectors.similarity(of: hit.id, prepared: plainVector) ?? -1) < floor
            }
        }
        if keywordHits.isEmpty && denseHits.isEmpty { return [] }

        // The union of both lists, each candidate with both signals.
        var candidates = keywordHits.map { Candidate(id: $0.id, lexical: $0.score) }
        var position = [UUID: Int](minimumCapacity: keywordHits.count + denseHits.count)
        for (index, candidate) in candidates.enumerated() { position[candidate.id] = index }
        for (rank, hit) in denseHits.enumerated() {
            if let index = position[hit.id] {
                candidates[index].dense = Double(hit.score)
                candidates[index].denseRank = rank + 1
                candidates[index].hasDense = true
            } else {
                position[hit.id] = candidates.count
                candidates.append(Candidate(id: hit.id, dense: Double(hit.score), denseRank: rank + 1))
            }
        }
        // Keyword scores: all of them under a widened query, else only for dense-only candidates
        // (the others already have theirs).
        let rescored = expanded ? Array(candidates.indices) : Array(candidates.indices.dropFirst(keywordHits.count))
        if !rescored.isEmpty {
            let scores = lexical.scores(terms: terms, for: rescored.map { candidates[$0].id })
            for (index, score) in zip(rescored, scores) { candidates[index].lexical = score }
        }
        let lexicalOrder = candidates.indices.filter { candidates[$0].lexical > 0 }.sorted {
            candidates[$0].lexical != candidates[$1].lexical
                ? candidates[$0].lexical > candidates[$1].lexical
                : UUIDKey(candidates[$0].id) < UUIDKey(candidates[$1].id)
        }
        for (rank, index) in lexicalOrder.enumerated() { candidates[index].lexicalRank = rank + 1 }
        if let queryVector {
            for index in candidates.indices where candidates[index].denseRank == 0 {
                if let similarity = vectors.similarity(of: candidates[index].id, prepared: queryVector) {
                    candidates[index].dense = Double(similarity)
                    candidates[index].hasDense = true
                }
            }
        }

        switch options.fusion {
        case .weighted(let lexicalWeight, let denseWeight):
            Self.fuseWeighted(&candidates, lexicalWeight: lexicalWeight, denseWeight: denseWeight)
        case .reciprocalRank(let k):
            let k = k.isFinite ? max(0, k) : 60
            for index in candidates.indices {
                var score = 0.0
                if candidates[index].lexicalRank > 0 { score += 1 / (k + Double(candidates[index].lexicalRank)) }
                if candidates[index].denseRank > 0 { score += 1 / (k + Double(candidates[index].denseRank)) }
                candidates[index].fused = score
            }
        }

        if options.timeAware, options.timeBoost != 0, TemporalCues.isTemporalQuestion(query.text) {
            let boost = max(0, 1 + options.timeBoost)
            for index in candidates.indices where timed.contains(candidates[index].id) {
                candidates[index].fused *= boost
            }
        }
        if options.speakerBoost != 0, options.speakerBoost.isFinite {
            Self.boostNamedSpeakers(&candidates, items: items, query: query.text, boost: max(0, 1 + options.speakerBoost))
        }
        if options.lengthPrior != 0, options.lengthPrior.isFinite {
            let average = lexical.averageDocumentLength
            for index in candidates.indices {
                let length = Double(max(1, lexical.documentLength(of: candidates[index].id)))
                candidates[index].fused *= pow(average / length, options.lengthPrior)
            }
        }
        if options.neighbourWeight > 0, options.neighbourWeight.isFinite {
            addNeighbours(&candidates, weight: options.neighbourWeight, seeds: options.neighbourSeeds, isAllowed: isAllowed)
        }
        if let threshold = options.scoreThreshold {
            candidates.removeAll { !($0.fused >= threshold) }
        }
        candidates.sort { lhs, rhs in
            lhs.fused != rhs.fused ? lhs.fused > rhs.fused : UUIDKey(lhs.id) < UUIDKey(rhs.id)
        }

        var results: [ScoredMemory] = []
        results.reserveCapacity(min(limit, candidates.count))
        var keptTerms: [[Int32]] = []
        for candidate in candidates {
            guard results.count < limit else { break }
            guard let item = items[candidate.id] else { continue }
            if options.collapseNearDuplicates {
                let terms = lexical.sortedTermIDs(of: candidate.id) ?? []
                let similarity = options.nearDuplicateSimilarity
                if keptTerms.contains(where: { Self.jaccard($0, terms) >= similarity }) { continue }
                keptTerms.append(terms)
            }
            results.append(ScoredMemory(item: item, score: candidate.fused))
        }
        return results
    }

    /// Every memory the filter admits, for listing without a query.
    public func all(filter: MemoryFilter) -> [MemoryItem] {
        items.values.filter(filter.matches)
    }

    /// The text of a memory that keyword search indexes, and that an embedder should embed for
    /// `upsert(_:vector:)`. Key and tags are searchable too: people ask for a memory by its
    /// title as often as by its words.
    public static func embeddingText(of content: MemoryContent) -> String {
        indexedText(of: content)
    }

    static func indexedText(of content: MemoryContent) -> String {
        var parts = [content.text]
        if let key = content.key, !key.isEmpty { parts.append(key) }
        if !content.tags.isEmpty { parts.append(content.tags.joined(separator: " ")) }
        return parts.joined(separator: "\n")
    }

    // MARK: - Fusion

    private struct Candidate {
        let id: UUID
        var lexical = 0.0
        /// 1-based rank by keyword score among the candidates that match; 0 when none.
        var lexicalRank = 0
        var dense = 0.0
        /// 1-based rank in the vector top list; 0 when not in it.
        var denseRank = 0
        var fused = 0.0
        /// Whether `dense` is known (from the vector top list or computed exactly).
        var hasDense = false

        init(id: UUID, lexical: Double = 0, dense: Double = 0, denseRank: Int = 0) {
            self.id = id
            self.lexical = lexical
            self.dense = dense
            self.denseRank = denseRank
            hasDense = denseRank > 0
        }
    }

    /// Which memories a filter admits; the usual state-only filter reads only the state.
    private func allowance(_ filter: MemoryFilter) -> (UUID) -> Bool {
        if filter.constrainsOnlyState {
            let allowed = filter.states
            return { id in states[id].map(allowed.contains) ?? false }
        }
        return { id in items[id].map(filter.matches) ?? false }
    }

    /// The query vector as searched: the normalised query, centred by `vectorCentering` × the
    /// mean of the stored vectors (shrunk by n / (n + 16): the mean of a handful of memories is
    /// mostly those memories, not what all memories share), plus the Rocchio feedback term.
    private func denseQuery(_ prepared: [Float], options: RetrievalOptions, keywordHits: [BM25Hit]) -> [Float] {
        var query = prepared
        let stored = Double(vectors.count)
        let centering = Float(options.vectorCentering * stored / (stored + 16))
        if centering != 0, centering.isFinite, let mean = vectors.meanRow() {
            for index in query.indices { query[index] -= centering * mean[index] }
        }
        if let feedback = options.feedback, feedback.vectorDocuments > 0, feedback.vectorWeight > 0,
            let best = keywordHits.first?.score, best > 0
        {
            let top = keywordHits.prefix(feedback.vectorDocuments)
            if let sum = vectors.weightedSum(of: top.map(\.id), weights: top.map { Float($0.score / best) }) {
                let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 {
                    let scale = Float(feedback.vectorWeight) / norm
                    for index in query.indices { query[index] += scale * sum[index] }
                }
            }
        }
        return query
    }

    /// First index whose key is not below `key` (binary search).
    private static func position(of key: UUIDKey, in order: [UUIDKey]) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Neighbouring memories as context: the memories written just before and after each of the
    /// best `seeds` candidates inherit `weight` times its score (when higher than their own), so
    /// the reply to a matching question, or the turn a matching reply answers, can rank too.
    private func addNeighbours(_ candidates: inout [Candidate], weight: Double, seeds: Int, isAllowed: (UUID) -> Bool) {
        var position = [UUID: Int](minimumCapacity: candidates.count)
        for (index, candidate) in candidates.enumerated() { position[candidate.id] = index }
        let best = candidates.indices.sorted { candidates[$0].fused > candidates[$1].fused }.prefix(max(0, seeds))
        let parents = best.map { (id: candidates[$0].id, score: candidates[$0].fused) }
        for parent in parents {
            let index = Self.position(of: UUIDKey(parent.id), in: order)
            for neighbour in [index - 1, index + 1] where order.indices.contains(neighbour) {
                let id = order[neighbour].uuid
                guard items[id] != nil, isAllowed(id) else { continue }
                let inherited = weight * parent.score
                if let existing = position[id] {
                    candidates[existing].fused = max(candidates[existing].fused, inherited)
                } else {
                    position[id] = candidates.count
                    var candidate = Candidate(id: id)
                    candidate.fused = inherited
                    candidates.append(candidate)
                }
            }
        }
    }

    /// Multiplies the scores of memories whose first source's speaker the query names.
    private static func boostNamedSpeakers(_ candidates: inout [Candidate], items: [UUID: MemoryItem], query: String, boost: Double) {
        let words = Set(query.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init))
        guard !words.isEmpty else { return }
        for index in candidates.indices {
            guard let speaker = items[candidates[index].id]?.content.sources.first?.speaker?.lowercased(), !speaker.isEmpty
            else { continue }
            let names = speaker.split { !($0.isLetter || $0.isNumber) }
            if let first = names.first, words.contains(String(first)) { candidates[index].fused *= boost }
        }
    }

    /// BM25 scaled by its best value over the candidates, cosine min-max scaled over them (a
    /// lone cosine counts as 1), then the weighted sum.
    private static func fuseWeighted(_ candidates: inout [Candidate], lexicalWeight: Double, denseWeight: Double) {
        var lexicalMax = 0.0
        var denseMin = Double.infinity
        var denseMax = -Double.infinity
        for candidate in candidates {
            lexicalMax = max(lexicalMax, candidate.lexical)
            if candidate.hasDense {
                denseMin = min(denseMin, candidate.dense)
                denseMax = max(denseMax, candidate.dense)
            }
        }
        for index in candidates.indices {
            let lexicalPart = lexicalMax > 0 ? candidates[index].lexical / lexicalMax : 0
            var densePart = 0.0
            if candidates[index].hasDense {
                densePart = denseMax > denseMin ? (candidates[index].dense - denseMin) / (denseMax - denseMin) : 1
            }
            candidates[index].fused = lexicalWeight * lexicalPart + denseWeight * densePart
        }
    }

    /// |a ∩ b| / |a ∪ b| of two ascending term-id lists; two empty texts count as identical.
    static func jaccard(_ a: [Int32], _ b: [Int32]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var i = 0
        var j = 0
        var shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        let union = a.count + b.count - shared
        return union == 0 ? 1 : Double(shared) / Double(union)
    }
}
