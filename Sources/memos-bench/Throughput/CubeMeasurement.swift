import Foundation
import MemOSCore
import MemOSGovernance

/// What one cube size measured.
struct CubeResult: Sendable, Encodable {
    let memories: Int
    /// Time spent inside `MemoryService.add` only; generating the corpus is not counted.
    let addSeconds: Double
    let addPerSecond: Double
    /// Latency of each `add` call (one batch).
    let addBatch: LatencyStats
    /// Warm searches: the index is loaded and kept current by the adds.
    let search: LatencyStats
    /// Average hits per measured query and how many found nothing, to show the queries did work.
    let meanHits: Double
    let emptyQueries: Int
    /// The first search after the indexes were dropped: read every row, decrypt, rebuild.
    let coldLoadMilliseconds: Double
    let residentBytesBeforeLoad: Int?
    let residentBytesAfterLoad: Int?
    let residentBytesPerMemory: Double?
}

/// Fills one fresh cube to a given size and measures add throughput, search latency, the cold
/// index load and the resident memory the loaded index costs.
struct CubeMeasurement: Sendable {
    /// Searches run before timing starts, so lazy initialisation and cold caches are not
    /// charged to the first measured queries.
    static let warmUpQueries = 50
    static let topK = 10

    let stack: BenchStack
    let corpus: SyntheticCorpus
    let size: Int
    let batchSize: Int
    let queryCount: Int
    let seed: UInt64
    /// Cube names must be unique per subspace; the ordinal allows the same size twice.
    let ordinal: Int
    let progress: @Sendable (String) -> Void

    private var memories: MemoryService { stack.governance.memories }
    private var caller: MemoryCaller { stack.caller }

    func run() async throws -> CubeResult {
        let cubeName = "bench-\(ordinal)-\(size)"
        _ = try await memories.createCube(caller, name: cubeName, subspace: nil)
        // A cube in use has its index loaded, so each add also pays for the index update.
        // Without this first search the adds would only reach SQLite and look cheaper than
        // they are in a running gateway.
        _ = try await search(cubeName, "warm")

        let (addSeconds, addBatches) = try await fill(cubeName)
        progress("  \(size): added in \(ThroughputReport.fixed(addSeconds, 2)) s; searching")

        var queryGenerator = SplitMix64.stream(seed: seed, purpose: 0x7175_6572_7900_0000 | UInt64(size))  // "query"
        let warmUp = (0..<Self.warmUpQueries).map { _ in corpus.query(using: &queryGenerator) }
        let measured = (0..<queryCount).map { _ in corpus.query(using: &queryGenerator) }
        for query in warmUp {
            _ = try await search(cubeName, query)
        }
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        latencies.reserveCapacity(measured.count)
        var totalHits = 0
        var emptyQueries = 0
        for query in measured {
            let start = clock.now
            let hits = try await search(cubeName, query)
            latencies.append(clock.now - start)
            totalHits += hits.count
            if hits.isEmpty { emptyQueries += 1 }
        }

        progress("  \(size): cold index load")
        memories.dropIndexes()
        ResidentMemory.releaseFreedMemory()
        let before = ResidentMemory.currentBytes()
        let coldStart = clock.now
        _ = try await search(cubeName, measured.first ?? "warm")
        let coldLoad = clock.now - coldStart
        ResidentMemory.releaseFreedMemory()
        let after = ResidentMemory.currentBytes()
        let perMemory = before.flatMap { before in after.map { Double($0 - before) / Double(size) } }

        return CubeResult(
            memories: size, addSeconds: addSeconds, addPerSecond: addSeconds > 0 ? Double(size) / addSeconds : 0,
            addBatch: LatencyStats(samples: addBatches), search: LatencyStats(samples: latencies),
            meanHits: Double(totalHits) / Double(max(measured.count, 1)), emptyQueries: emptyQueries,
            coldLoadMilliseconds: coldLoad.inMilliseconds, residentBytesBeforeLoad: before,
            residentBytesAfterLoad: after, residentBytesPerMemory: perMemory)
    }

    /// Adds `size` memories in batches; returns the seconds spent in `add` and each call's time.
    private func fill(_ cubeName: String) async throws -> (Double, [Duration]) {
        var generator = SplitMix64.stream(seed: seed, purpose: UInt64(size))
        let clock = ContinuousClock()
        var total = Duration.zero
        var batches: [Duration] = []
        var added = 0
        var nextReport = 0
        while added < size {
            let count = min(batchSize, size - added)
            let contents = (added..<(added + count)).map { corpus.memory(index: $0, using: &generator) }
            let start = clock.now
            let views = try await memories.add(caller, cube: cubeName, input: .items(contents))
            let elapsed = clock.now - start
            guard views.count == count else {
                throw GovernanceError.unavailable("add stored \(views.count) of \(count) memories")
            }
            total += elapsed
            batches.append(elapsed)
            added += count
            if added >= nextReport {
                progress("  \(size): \(added) added")
                nextReport += max(size / 10, batchSize)
            }
        }
        return (total.inSeconds, batches)
    }

    private func search(_ cubeName: String, _ query: String) async throws -> [SearchHit] {
        try await memories.search(caller, query: query, topK: Self.topK, cubes: [cubeName], filter: MemoryFilter())
    }
}
