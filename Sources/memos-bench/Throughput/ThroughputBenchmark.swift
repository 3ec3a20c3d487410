import ArgumentParser
import Foundation
import MemOSGovernance

/// `memos-bench throughput`: add throughput, search latency and memory per memory of the real
/// governed stack (authorization, AES-GCM sealing, SQLite in WAL mode, in-memory BM25 index),
/// in-process, at several cube sizes.
///
/// It exists so that performance claims are numbers anyone can reproduce with one command,
/// on a synthetic corpus that is the same on every run for a given seed.
struct ThroughputBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
        abstract: "Measure add throughput, search latency and memory per memory at several cube sizes.",
        discussion: """
            Each size gets its own fresh cube in a temporary data directory, filled with a \
            deterministic synthetic corpus. Adds run with the cube's index loaded, as in a \
            running gateway. Searches are timed one by one after a warm-up; then every index is \
            dropped and the first search (rebuilding the index from the store, decrypting every \
            memory) is timed as the cold load, with resident memory measured around it.
            Progress goes to stderr; the report (Markdown, or JSON with --json) to stdout.
            Only release builds give meaningful numbers:
              swift build -c release --product memos-bench
              .build/release/memos-bench throughput --sizes 1000,10000,100000
            """)

    @Option(help: "Comma-separated cube sizes, 1 to \(CubeSizes.maximum) each; each size fills its own cube.")
    var sizes = CubeSizes([1_000, 10_000, 100_000])

    @Option(help: "Timed searches per size.")
    var queries = 1_000

    @Option(help: "Memories per add call (1-\(MemoryService.maxBatch)).")
    var batch = MemoryService.maxBatch

    @Option(help: "Seed of the synthetic corpus and queries.")
    var seed: UInt64 = 42

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Directory of the role policy to run under.")
    var policyDir = "policies"

    @Flag(help: "Keep the temporary data directory instead of deleting it.")
    var keepData = false

    func validate() throws {
        guard queries >= 1 else {
            throw ValidationError("--queries must be at least 1")
        }
        guard (1...MemoryService.maxBatch).contains(batch) else {
            throw ValidationError("--batch must be between 1 and \(MemoryService.maxBatch)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: policyDir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--policy-dir '\(policyDir)' is not a directory (run from the package root or pass it)")
        }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("memos-bench-\(UUID().uuidString.lowercased())")
        let machine = MachineFacts.current(dataDirectory: directory.deletingLastPathComponent())
        if !machine.isOptimizedBuild {
            Self.log("\n" + ThroughputReport.debugWarning + "\n")
        }
        if !json {
            print(ThroughputReport.machineMarkdown(machine) + "\n")
        }
        do {
            let report = try await measure(in: directory, machine: machine)
            if json {
                print(try report.json())
            } else {
                print(report.markdown())
            }
        } catch {
            cleanUp(directory)
            throw error
        }
        cleanUp(directory)
    }

    private func measure(in directory: URL, machine: MachineFacts) async throws -> ThroughputReport {
        Self.log("data directory: \(directory.path)")
        let stack = try await BenchStack.open(
            at: directory, policyDirectory: URL(fileURLWithPath: policyDir, isDirectory: true))
        let corpus = SyntheticCorpus(seed: seed)
        var results: [CubeResult] = []
        for (ordinal, size) in sizes.values.enumerated() {
            Self.log("cube of \(size) memories")
            let measurement = CubeMeasurement(
                stack: stack, corpus: corpus, size: size, batchSize: batch, queryCount: queries, seed: seed,
                ordinal: ordinal, progress: { Self.log($0) })
            results.append(try await measurement.run())
        }
        return ThroughputReport(
            machine: machine,
            parameters: .init(
                sizes: sizes.values, queries: queries, warmUpQueries: CubeMeasurement.warmUpQueries,
                topK: CubeMeasurement.topK, batch: batch, seed: seed),
            results: results, targets: .init(results: results))
    }

    private func cleanUp(_ directory: URL) {
        if keepData {
            Self.log("kept data directory: \(directory.path)")
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Progress and warnings go to stderr so stdout carries only the report.
    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
