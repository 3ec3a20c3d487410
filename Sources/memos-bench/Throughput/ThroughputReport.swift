import Foundation

/// Everything one `memos-bench throughput` run measured, with the facts needed to judge it;
/// rendered as Markdown for people or encoded as JSON for tooling.
struct ThroughputReport: Sendable, Encodable {
    struct Parameters: Sendable, Encodable {
        let sizes: [Int]
        let queries: Int
        let warmUpQueries: Int
        let topK: Int
        let batch: Int
        let seed: UInt64
    }

    /// The goals the engine is held to, checked against what was measured.
    struct Targets: Sendable, Encodable {
        static let searchP50Milliseconds = 2.0
        static let searchP99Milliseconds = 10.0
        /// Search targets apply to cubes at least this large.
        static let searchAtMemories = 100_000
        static let addPerSecond = 2_000.0

        /// nil when no cube of `searchAtMemories` or more was measured.
        let searchP50Met: Bool?
        let searchP99Met: Bool?
        let addMet: Bool?

        init(results: [CubeResult]) {
            let large = results.filter { $0.memories >= Self.searchAtMemories }
            searchP50Met = large.isEmpty ? nil : large.allSatisfy { $0.search.p50 <= Self.searchP50Milliseconds }
            searchP99Met = large.isEmpty ? nil : large.allSatisfy { $0.search.p99 <= Self.searchP99Milliseconds }
            addMet = results.isEmpty ? nil : results.allSatisfy { $0.addPerSecond >= Self.addPerSecond }
        }
    }

    let machine: MachineFacts
    let parameters: Parameters
    let results: [CubeResult]
    let targets: Targets

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Machine facts first: a table read without them invites comparisons that do not hold.
    static func machineMarkdown(_ machine: MachineFacts) -> String {
        var lines = [
            "## Machine",
            "",
            "- cores (active): \(machine.activeProcessorCount)",
            "- CPU: \(machine.cpuModel ?? "unknown")",
            "- memory: \(machine.physicalMemoryBytes / 1_048_576) MiB",
            "- OS: \(machine.operatingSystem)",
            "- build: \(machine.buildConfiguration)",
            "- data filesystem: \(machine.dataFilesystem ?? "unknown")",
        ]
        if !machine.isOptimizedBuild {
            lines += ["", debugWarning]
        }
        return lines.joined(separator: "\n")
    }

    static let debugWarning = """
        > **WARNING: this is a DEBUG build. Its numbers are NOT meaningful** (several times slower \
        than release). Run `swift build -c release --product memos-bench` and use `.build/release/memos-bench`.
        """

    func markdown() -> String {
        var lines = [
            "## Throughput and search latency",
            "",
            "\(parameters.queries) queries per size (top \(parameters.topK), after \(parameters.warmUpQueries) "
                + "warm-up queries), batches of \(parameters.batch), seed \(parameters.seed). "
                + "Add time is time inside `add` (corpus generation excluded) with the cube's index loaded.",
            "",
            "| memories | add mem/s | add wall s | search p50 ms | p95 | p99 | mean | cold load ms | RSS bytes/memory |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for result in results {
            let columns = [
                "\(result.memories)",
                Self.fixed(result.addPerSecond, 0),
                Self.fixed(result.addSeconds, 2),
                Self.fixed(result.search.p50, 3),
                Self.fixed(result.search.p95, 3),
                Self.fixed(result.search.p99, 3),
                Self.fixed(result.search.mean, 3),
                Self.fixed(result.coldLoadMilliseconds, 1),
                result.residentBytesPerMemory.map { Self.fixed($0, 0) } ?? "n/a",
            ]
            lines.append("| " + columns.joined(separator: " | ") + " |")
        }
        lines += ["", "Detail:", ""]
        for result in results {
            lines.append(
                "- \(result.memories): add batch p50 \(Self.fixed(result.addBatch.p50, 1)) ms, "
                    + "p99 \(Self.fixed(result.addBatch.p99, 1)) ms; search max \(Self.fixed(result.search.max, 3)) ms, "
                    + "\(Self.fixed(result.meanHits, 1)) hits/query, \(result.emptyQueries) empty; "
                    + "RSS \(Self.mebibytes(result.residentBytesBeforeLoad)) → "
                    + "\(Self.mebibytes(result.residentBytesAfterLoad)) MiB around the cold load")
        }
        lines += [
            "",
            "## Targets",
            "",
            "- search p50 ≤ \(Self.fixed(Targets.searchP50Milliseconds, 0)) ms at ≥ \(Targets.searchAtMemories) memories: "
                + Self.verdict(targets.searchP50Met),
            "- search p99 ≤ \(Self.fixed(Targets.searchP99Milliseconds, 0)) ms at ≥ \(Targets.searchAtMemories) memories: "
                + Self.verdict(targets.searchP99Met),
            "- add ≥ \(Self.fixed(Targets.addPerSecond, 0)) memories/s at every size: " + Self.verdict(targets.addMet),
        ]
        if !machine.isOptimizedBuild {
            lines += ["", "The verdicts above say nothing in a debug build.", "", Self.debugWarning]
        }
        return lines.joined(separator: "\n")
    }

    private static func verdict(_ met: Bool?) -> String {
        switch met {
        case true?: "met"
        case false?: "**MISSED**"
        case nil: "not measured"
        }
    }

    private static func mebibytes(_ bytes: Int?) -> String {
        bytes.map { fixed(Double($0) / 1_048_576, 1) } ?? "n/a"
    }

    /// A number with a fixed count of decimals.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
