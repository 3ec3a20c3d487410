import Foundation

/// In-memory cosine-similarity index over the embedding vectors of one cube.
///
/// Vectors live in one contiguous `[Float]` buffer, one row per slot (rows padded to a multiple
/// of 16 floats), with slots reused through a free list, and every similarity is a dot product
/// of L2-normalised rows computed with `SIMD16<Float>`: no per-vector allocation, and a scan
/// streams through memory.
///
/// Below `approximateThreshold` vectors a search scans every row (exact). Above it the index
/// switches on its own to an inverted-file (IVF) index: spherical k-means centroids (k-means++
/// seeding, five Lloyd rounds on an even sample of 16 vectors per list) trained on the stored vectors
/// minus their mean partition the rows into about √n lists; a query ranks the centroids and
/// scans only the rows of the `nprobe` closest lists (one in eight by default). Centring matters
/// for text embeddings, which share a large common direction: on raw vectors k-means makes a
/// few giant lists. The lists are re-trained whenever the collection has doubled (or shrunk to
/// a quarter) since the last training, and the rows are kept laid out in list order in the one
/// buffer (re-laid when a fifth of them were added since), so a probe streams through memory
/// instead of jumping from row to row.
///
/// Why IVF rather than HNSW: memories are edited and forgotten all the time, and a forgotten
/// memory must leave nothing behind. IVF removal is exact and O(1) (swap-remove from one list),
/// whereas HNSW deletion leaves tombstoned nodes in the graph or needs costly repair; IVF keeps
/// the single contiguous buffer (HNSW adds ~2·M neighbour ids per vector), inserts cost one
/// pass over the centroids instead of a graph search with `efConstruction` distance
/// computations (bulk loading 100k memories at startup takes seconds, not tens of seconds), and
/// results are deterministic. The price: text embeddings are weakly clustered, so IVF needs to
/// scan a larger share of the rows than HNSW for the same recall — measured on 100k
/// LoCoMo-derived hashed vectors (`memos-bench locomo --scale 100000`): recall@10 0.80 at
/// ~1.2 ms against 4.6 ms for the exact scan; on clustered data, ≥ 0.9 (see the tests). And
/// (re-)training runs inside the upsert that crosses a size step: ~0.3 s at 20k vectors,
/// ~1.4 s at 80k in release builds.
///
/// A filter (`isAllowed`) is applied before the top-k cut on both paths, and the approximate
/// path keeps probing further lists while a selective filter leaves it short of `limit`, so a
/// filter never shrinks a result list. `exactSearch` is always available, so the recall of the
/// approximate path can be measured against it.
///
/// It is a value type: an actor or a lock owning it decides how it is shared.
public struct VectorIndex: Sendable {
    /// Vectors at which search becomes approximate by default.
    public static let defaultApproximateThreshold = 20_000

    /// Number of vectors from which `search` uses the IVF index instead of a full scan.
    public let approximateThreshold: Int
    /// Lists scanned per approximate query; nil chooses from the number of lists (an eighth of
    /// them, at least 8).
    public var nprobe: Int?

    /// Length of the stored vectors: fixed by the first vector, free again once the index is empty.
    public private(set) var dimensions = 0
    private var stride = 0

    private var storage: [Float] = []
    /// Sum of all stored rows, for the centroid of the collection.
    private var rowSum: [Double] = []
    private var slotIDs: [UUID] = []
    private var slotLive: [Bool] = []
    private var slotByID: [UUID: Int32] = [:]
    private var freeSlots: [Int32] = []

    /// IVF state; nil until the collection first reaches `approximateThreshold`.
    private var clusters: Clusters?
    /// Per slot: its IVF list and its position in that list (-1 when not clustered).
    private var slotList: [Int32] = []
    private var slotPosition: [Int32] = []

    private struct Clusters: Sendable {
        var count: Int
        /// `count` rows of `stride` floats, L2-normalised directions of the centred members.
        var centroids: [Float]
        /// Per list: the training mean · centroid, so a raw row is assigned by d·c − bias.
        var bias: [Float]
        var members: [[Int32]]
        /// Number of vectors when the centroids were trained.
        var trainedAt: Int
        /// Rows attached since the last layout in list order (they sit outside their list's run).
        var scattered: Int
    }

    public init(approximateThreshold: Int = VectorIndex.defaultApproximateThreshold, nprobe: Int? = nil) {
        self.approximateThreshold = max(1, approximateThreshold)
        self.nprobe = nprobe.map { max(1, $0) }
    }

    /// Number of stored vectors.
    public var count: Int { slotByID.count }

    public func contains(_ id: UUID) -> Bool { slotByID[id] != nil }

    /// Whether `search` currently takes the approximate path.
    public var isApproximate: Bool { clusters != nil && count >= approximateThreshold }

    /// Number of IVF lists (0 while the index is exact only).
    public var listCount: Int { clusters?.count ?? 0 }

    /// Stores `vector` (normalised here) under `id`, replacing any previous vector of that id.
    /// Returns false, storing nothing, for a vector of another length than the stored ones, a
    /// zero vector, or one with non-finite values; any previous vector of `id` is then removed
    /// too, so the index never answers with an outdated vector.
    @discardableResult
    public mutating func upsert(id: UUID, vector: [Float]) -> Bool {
        guard let row = prepareFixingDimensions(vector) else {
            remove(id: id)
            return false
        }
        let slot: Int32
        if let existing = slotByID[id] {
            slot = existing
            detachFromList(slot)
        } else if let reused = freeSlots.popLast() {
            slot = reused
            slotIDs[Int(slot)] = id
            slotLive[Int(slot)] = true
            slotByID[id] = slot
        } else {
            slot = Int32(slotIDs.count)
            slotIDs.append(id)
            slotLive.append(true)
            slotList.append(-1)
            slotPosition.append(-1)
            storage.append(contentsOf: repeatElement(0, count: stride))
            slotByID[id] = slot
        }
        let base = Int(slot) * stride
        if rowSum.count != stride { rowSum = [Double](repeating: 0, count: stride) }
        storage.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<stride {
                rowSum[index] += Double(row[index]) - Double(buffer[base + index])
                buffer[base + index] = row[index]
            }
        }
        if clusters != nil { attachToNearestList(slot) }
        retrainIfNeeded()
        return true
    }

    /// Forgets the vector of `id`: its row is zeroed and its slot reused.
    public mutating func remove(id: UUID) {
        guard let slot = slotByID.removeValue(forKey: id) else { return }
        detachFromList(slot)
        let base = Int(slot) * stride
        storage.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<stride {
                rowSum[index] -= Double(buffer[base + index])
                buffer[base + index] = 0
            }
        }
        slotLive[Int(slot)] = false
        freeSlots.append(slot)
        if slotByID.isEmpty {
            self = VectorIndex(approximateThreshold: approximateThreshold, nprobe: nprobe)
        } else {
            retrainIfNeeded()
        }
    }

    /// The `limit` stored vectors most similar to `query` (cosine), best first, ties broken by
    /// id; `isAllowed` is applied before the limit. Exact below `approximateThreshold`,
    /// approximate (IVF) above it. A query of the wrong length, or the zero vector, finds nothing.
    public func search(
        _ query: [Float], limit: Int, where isAllowed: (UUID) -> Bool = { _ in true }
    ) -> [(id: UUID, score: Float)] {
        guard let prepared = prepare(query) else { return [] }
        return search(prepared: prepared, limit: limit, where: isAllowed)
    }

    /// Like `search`, but always scanning every vector.
    public func exactSearch(
        _ query: [Float], limit: Int, where isAllowed: (UUID) -> Bool = { _ in true }
    ) -> [(id: UUID, score: Float)] {
        guard let prepared = prepare(query) else { return [] }
        return exactSearch(prepared: prepared, limit: limit, where: isAllowed)
    }

    /// Cosine similarity of the stored vector of `id` with `query`; nil when `id` has no vector
    /// or the query cannot be compared.
    public func similarity(of id: UUID, to query: [Float]) -> Float? {
        guard let prepared = prepare(query) else { return nil }
        return similarity(of: id, prepared: prepared)
    }

    /// The mean of the stored (normalised) vectors, padded to the row stride; nil when empty.
    func meanRow() -> [Float]? {
        guard !slotByID.isEmpty, rowSum.count == stride else { return nil }
        let scale = 1 / Double(slotByID.count)
        return rowSum.map { Float($0 * scale) }
    }

    /// The sum of the stored vectors of `ids` (padded rows), skipping ids without a vector.
    func weightedSum(of ids: [UUID], weights: [Float]) -> [Float]? {
        guard stride > 0 else { return nil }
        var sum = [Float](repeating: 0, count: stride)
        var found = false
        storage.withUnsafeBufferPointer { rows in
            for (id, weight) in zip(ids, weights) {
                guard let slot = slotByID[id] else { continue }
                found = true
                let base = Int(slot) * stride
                for index in 0..<stride { sum[index] += weight * rows[base + index] }
            }
        }
        return found ? sum : nil
    }

    // MARK: - Prepared queries (normalised and padded once, used by MemoryIndex)

    /// `vector` normalised and zero-padded to the row stride; nil when it cannot be compared.
    func prepare(_ vector: [Float]) -> [Float]? {
        guard dimensions > 0 else { return nil }
        return normalisedRow(vector, dimensions: dimensions, stride: stride)
    }

    /// Like `prepare`, but the first vector of an empty index sets its dimensions.
    private mutating func prepareFixingDimensions(_ vector: [Float]) -> [Float]? {
        if dimensions == 0, !vector.isEmpty {
            guard let row = normalisedRow(vector, dimensions: vector.count, stride: (vector.count + 15) / 16 * 16) else {
                return nil
            }
            dimensions = vector.count
            stride = row.count
            return row
        }
        return prepare(vector)
    }

    private func normalisedRow(_ vector: [Float], dimensions: Int, stride: Int) -> [Float]? {
        guard vector.count == dimensions, dimensions > 0 else { return nil }
        var norm: Float = 0
        for value in vector {
            guard value.isFinite else { return nil }
            norm += value * value
        }
        guard norm > 0, norm.isFinite else { return nil }
        let scale = 1 / norm.squareRoot()
        var row = [Float](repeating: 0, count: stride)
        for index in 0..<dimensions { row[index] = vector[index] * scale }
        return row
    }

    func similarity(of id: UUID, prepared: [Float]) -> Float? {
        guard let slot = slotByID[id], prepared.count == stride else { return nil }
        return storage.withUnsafeBufferPointer { rows in
            prepared.withUnsafeBufferPointer { query in
                dotProduct(rows.baseAddress! + Int(slot) * stride, query.baseAddress!, stride)
            }
        }
    }

    func search(prepared: [Float], limit: Int, where isAllowed: (UUID) -> Bool) -> [(id: UUID, score: Float)] {
        if isApproximate {
            return approximateSearch(prepared: prepared, limit: limit, where: isAllowed)
        }
        return exactSearch(prepared: prepared, limit: limit, where: isAllowed)
    }

    func exactSearch(prepared: [Float], limit: Int, where isAllowed: (UUID) -> Bool) -> [(id: UUID, score: Float)] {
        guard limit > 0, !slotByID.isEmpty, prepared.count == stride else { return [] }
        var heap = TopHeap(capacity: min(limit, slotByID.count))
        let stride = self.stride
        storage.withUnsafeBufferPointer { rows in
            prepared.withUnsafeBufferPointer { query in
                let queryBase = query.baseAddress!
                for slot in 0..<slotIDs.count where slotLive[slot] {
                    let score = Double(dotProduct(rows.baseAddress! + slot * stride, queryBase, stride))
                    offer(score: score, slot: Int32(slot), to: &heap, where: isAllowed)
                }
            }
        }
        return heap.sortedBestFirst().map { (id: slotIDs[Int($0.slot)], score: Float($0.score)) }
    }

    private func approximateSearch(prepared: [Float], limit: Int, where isAllowed: (UUID) -> Bool)
        -> [(id: UUID, score: Float)]
    {
        guard limit > 0, prepared.count == stride, let clusters else { return [] }
        let stride = self.stride
        let probes = min(clusters.count, nprobe ?? Self.automaticProbes(lists: clusters.count))

        // Lists in order of their centroid's similarity to the query.
        var listScores: [(list: Int, score: Float)] = []
        listScores.reserveCapacity(clusters.count)
        prepared.withUnsafeBufferPointer { query in
            clusters.centroids.withUnsafeBufferPointer { centroids in
                for list in 0..<clusters.count {
                    listScores.append((list, dotProduct(centroids.baseAddress! + list * stride, query.baseAddress!, stride)))
                }
            }
        }
        listScores.sort { $0.score != $1.score ? $0.score > $1.score : $0.list < $1.list }

        var heap = TopHeap(capacity: min(limit, slotByID.count))
        storage.withUnsafeBufferPointer { rows in
            prepared.withUnsafeBufferPointer { query in
                for (probed, (list, _)) in listScores.enumerated() {
                    // Past `nprobe`, keep going only while a selective filter leaves the result short.
                    if probed >= probes, heap.isFull { break }
                    for slot in clusters.members[list] {
                        let score = Double(dotProduct(rows.baseAddress! + Int(slot) * stride, query.baseAddress!, stride))
                        offer(score: score, slot: slot, to: &heap, where: isAllowed)
                    }
                }
            }
        }
        return heap.sortedBestFirst().map { (id: slotIDs[Int($0.slot)], score: Float($0.score)) }
    }

    @inline(__always)
    private func offer(score: Double, slot: Int32, to heap: inout TopHeap, where isAllowed: (UUID) -> Bool) {
        guard score >= heap.threshold else { return }
        let id = slotIDs[Int(slot)]
        let entry = TopHeap.Entry(score: score, key: UUIDKey(id), slot: slot)
        guard heap.admits(entry), isAllowed(id) else { return }
        heap.insert(entry)
    }

    /// IVF lists per √n vectors.
    static let listsPerRootN = 1.0
    /// k-means trains on this many sampled vectors per list, for this many Lloyd rounds: the
    /// lists only need to be roughly right, and training runs inside an upsert.
    static let trainingSamplesPerList = 16
    static let lloydRounds = 5
    /// Sizes of the IVF lists (empty while exact only), for diagnostics and benchmarks.
    public var listSizes: [Int] { clusters?.members.map(\.count) ?? [] }

    static func automaticProbes(lists: Int) -> Int {
        min(lists, max(8, lists / 8))
    }

    // MARK: - IVF maintenance

    private mutating func retrainIfNeeded() {
        let count = slotByID.count
        if let clusters {
            if count < approximateThreshold / 2 {
                dropClusters()
            } else if count >= approximateThreshold, count > 2 * clusters.trainedAt || 4 * count < clusters.trainedAt {
                train()
            } else if 5 * clusters.scattered > count {
                // Many rows were added (or moved) since the lists were laid out: lay them out again.
                compactLists()
            }
        } else if count >= approximateThreshold {
            train()
        }
    }

    private mutating func dropClusters() {
        clusters = nil
        for slot in slotList.indices {
            slotList[slot] = -1
            slotPosition[slot] = -1
        }
    }

    private mutating func detachFromList(_ slot: Int32) {
        let list = Int(slotList[Int(slot)])
        guard list >= 0, clusters != nil else { return }
        let position = Int(slotPosition[Int(slot)])
        let last = clusters!.members[list].count - 1
        if position != last {
            let moved = clusters!.members[list][last]
            clusters!.members[list][position] = moved
            slotPosition[Int(moved)] = Int32(position)
        }
        clusters!.members[list].removeLast()
        slotList[Int(slot)] = -1
        slotPosition[Int(slot)] = -1
    }

    private mutating func attachToNearestList(_ slot: Int32) {
        guard let list = nearestList(ofSlot: Int(slot)) else { return }
        // No copy of `clusters` is alive here, so the lists are appended to in place.
        slotList[Int(slot)] = Int32(list)
        slotPosition[Int(slot)] = Int32(clusters!.members[list].count)
        clusters!.members[list].append(slot)
        clusters!.scattered += 1
    }

    /// The list whose centroid is closest to the centred row of `slot`.
    private func nearestList(ofSlot slot: Int) -> Int? {
        guard let clusters else { return nil }
        let stride = self.stride
        return storage.withUnsafeBufferPointer { rows in
            clusters.centroids.withUnsafeBufferPointer { centroids in
                clusters.bias.withUnsafeBufferPointer { bias in
                    nearest(
                        rows.baseAddress! + slot * stride, centroids.baseAddress!, bias: bias.baseAddress!,
                        count: clusters.count, stride: stride
                    ).index
                }
            }
        }
    }

    /// Spherical k-means on the vectors minus their mean (k-means++ seeding, a few Lloyd rounds
    /// on an even sample of the live vectors), then every vector assigned to its closest
    /// centroid. Deterministic.
    ///
    /// Centering matters for text embeddings: they share a large common direction (frequent
    /// words, names, dates), which on raw vectors makes a few giant lists. Ranking by q·d equals
    /// ranking by q·(d − mean) for a fixed query, so lists built on centred vectors are as valid
    /// for probing, and far better balanced.
    private mutating func train() {
        let live = (0..<slotIDs.count).filter { slotLive[$0] }
        let listCount = max(8, min(4096, Int(Double(live.count).squareRoot() * Self.listsPerRootN)))
        let sampleSize = min(live.count, listCount * Self.trainingSamplesPerList)
        let step = Double(live.count) / Double(sampleSize)
        let sample = (0..<sampleSize).map { live[Int(Double($0) * step)] }
        let stride = self.stride
        let mean = meanRow() ?? [Float](repeating: 0, count: stride)

        // The sample, centred and normalised, as one contiguous block.
        var points = [Float](repeating: 0, count: sampleSize * stride)
        storage.withUnsafeBufferPointer { rows in
            for (index, slot) in sample.enumerated() {
                var norm: Float = 0
                for offset in 0..<stride {
                    let value = rows[slot * stride + offset] - mean[offset]
                    points[index * stride + offset] = value
                    norm += value * value
                }
                let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                for offset in 0..<stride { points[index * stride + offset] *= scale }
            }
        }

        var centroids = [Float](repeating: 0, count: listCount * stride)
        points.withUnsafeBufferPointer { points in
            centroids.withUnsafeMutableBufferPointer { centroids in
                let points = points.baseAddress!
                let out = centroids.baseAddress!
                func copy(point: Int, to list: Int) {
                    (out + list * stride).update(from: points + point * stride, count: stride)
                }
                // k-means++ seeding with a fixed-seed generator: distance = 1 - cosine.
                var generator = SplitMix64(seed: 0x5EED_1DF0)
                var distance = [Float](repeating: .infinity, count: sampleSize)
                copy(point: Int(generator.next() % UInt64(sampleSize)), to: 0)
                for list in 1..<listCount {
                    let previous = out + (list - 1) * stride
                    var total: Double = 0
                    for index in 0..<sampleSize {
                        let d = max(0, 1 - dotProduct(points + index * stride, previous, stride))
                        if d < distance[index] { distance[index] = d }
                        total += Double(distance[index] * distance[index])
                    }
                    var pick = Int(generator.next() % UInt64(sampleSize))
                    if total > 0 {
                        var target = Double(generator.next() >> 11) / Double(1 << 53) * total
                        for index in 0..<sampleSize {
                            target -= Double(distance[index] * distance[index])
                            if target <= 0 {
                                pick = index
                                break
                            }
                        }
                    }
                    copy(point: pick, to: list)
                }

                // Lloyd rounds: centroid = normalised sum of its members.
                var sums = [Float](repeating: 0, count: listCount * stride)
                var sizes = [Int](repeating: 0, count: listCount)
                var fit = [(score: Float, index: Int)](repeating: (0, 0), count: sampleSize)
                for _ in 0..<Self.lloydRounds {
                    for index in sums.indices { sums[index] = 0 }
                    for index in sizes.indices { sizes[index] = 0 }
                    for index in 0..<sampleSize {
                        let point = points + index * stride
                        let best = nearest(point, UnsafePointer(out), bias: nil, count: listCount, stride: stride)
                        sizes[best.index] += 1
                        fit[index] = (best.score, index)
                        let sumBase = best.index * stride
                        for offset in 0..<stride { sums[sumBase + offset] += point[offset] }
                    }
                    // An empty list takes over the sample point its centroid fits worst.
                    var worstFirst = fit.sorted { $0.score != $1.score ? $0.score < $1.score : $0.index < $1.index }[...]
                    for list in 0..<listCount {
                        if sizes[list] == 0, let worst = worstFirst.popFirst() {
                            copy(point: worst.index, to: list)
                            continue
                        }
                        var norm: Float = 0
                        for offset in 0..<stride { norm += sums[list * stride + offset] * sums[list * stride + offset] }
                        guard norm > 0 else { continue }
                        let scale = 1 / norm.squareRoot()
                        for offset in 0..<stride { out[list * stride + offset] = sums[list * stride + offset] * scale }
                    }
                }
            }
        }

        // Assignment of a raw row d: argmax over c of (d − mean)·c = d·c − mean·c.
        let bias = (0..<listCount).map { list in
            mean.withUnsafeBufferPointer { mean in
                centroids.withUnsafeBufferPointer { dotProduct(mean.baseAddress!, $0.baseAddress! + list * stride, stride) }
            }
        }
        var assigned = [[Int]](repeating: [], count: listCount)
        storage.withUnsafeBufferPointer { rows in
            centroids.withUnsafeBufferPointer { centroids in
                bias.withUnsafeBufferPointer { bias in
                    for slot in live {
                        let list = nearest(
                            rows.baseAddress! + slot * stride, centroids.baseAddress!, bias: bias.baseAddress!,
                            count: listCount, stride: stride
                        ).index
                        assigned[list].append(slot)
                    }
                }
            }
        }
        let members = relayout(inListOrder: assigned.map { $0.map(Int32.init) })
        clusters = Clusters(
            count: listCount, centroids: centroids, bias: bias, members: members, trainedAt: live.count, scattered: 0)
    }

    /// Lays the rows out in list order again, keeping the centroids.
    private mutating func compactLists() {
        guard let clusters else { return }
        let members = relayout(inListOrder: clusters.members)
        self.clusters!.members = members
        self.clusters!.scattered = 0
    }

    /// Renumbers the live slots so that each list's rows are adjacent in `storage` (probing then
    /// streams through memory instead of jumping between rows), dropping free slots on the way.
    private mutating func relayout(inListOrder lists: [[Int32]]) -> [[Int32]] {
        let order = lists.flatMap { $0.map(Int.init) }
        let stride = self.stride
        var newStorage = [Float](repeating: 0, count: order.count * stride)
        storage.withUnsafeBufferPointer { rows in
            newStorage.withUnsafeMutableBufferPointer { target in
                for (newSlot, slot) in order.enumerated() {
                    (target.baseAddress! + newSlot * stride).update(from: rows.baseAddress! + slot * stride, count: stride)
                }
            }
        }
        storage = newStorage
        slotIDs = order.map { slotIDs[$0] }
        slotLive = [Bool](repeating: true, count: order.count)
        slotList = [Int32](repeating: -1, count: order.count)
        slotPosition = [Int32](repeating: -1, count: order.count)
        freeSlots = []
        slotByID = Dictionary(uniqueKeysWithValues: slotIDs.enumerated().map { ($1, Int32($0)) })
        var members = [[Int32]](repeating: [], count: lists.count)
        var next: Int32 = 0
        for list in lists.indices {
            members[list].reserveCapacity(lists[list].count)
            for position in lists[list].indices {
                slotList[Int(next)] = Int32(list)
                slotPosition[Int(next)] = Int32(position)
                members[list].append(next)
                next += 1
            }
        }
        return members
    }
}

// MARK: - Kernels

/// Dot product of two rows whose length is a multiple of 16.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ length: Int) -> Float {
    let a = UnsafeRawPointer(a)
    let b = UnsafeRawPointer(b)
    let width = MemoryLayout<SIMD16<Float>>.size
    var sum0 = SIMD16<Float>()
    var sum1 = SIMD16<Float>()
    var offset = 0
    let bytes = length * MemoryLayout<Float>.size
    while offset + 2 * width <= bytes {
        sum0 += a.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            * b.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
        sum1 += a.loadUnaligned(fromByteOffset: offset + width, as: SIMD16<Float>.self)
            * b.loadUnaligned(fromByteOffset: offset + width, as: SIMD16<Float>.self)
        offset += 2 * width
    }
    if offset < bytes {
        sum0 += a.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            * b.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    }
    return (sum0 + sum1).sum()
}

/// The centroid (of `count` rows) with the highest dot product with `row`, less its bias when
/// given; ties to the lower index.
private func nearest(
    _ row: UnsafePointer<Float>, _ centroids: UnsafePointer<Float>, bias: UnsafePointer<Float>?, count: Int, stride: Int
) -> (index: Int, score: Float) {
    var best = 0
    var bestScore = -Float.infinity
    for list in 0..<count {
        let score = dotProduct(row, centroids + list * stride, stride) - (bias?[list] ?? 0)
        if score > bestScore {
            bestScore = score
            best = list
        }
    }
    return (best, bestScore)
}
