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

    @Option(
        help: """
            on: the real governed stack; off: a null keyring (plaintext payloads) and null audit \
            sink, test-only; compare: both, one after the other, with the overhead as ratios.
            """)
    var governance: GovernanceMode = .on

    enum GovernanceMode: String, ExpressibleByArgument, CaseIterable {
        case on, off, compare
    }

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
        let modes: [Bool] =
            switch governance {
            case .on: [true]
            case .off: [false]
            case .compare: [true, false]
            }
        var reports: [ThroughputReport] = []
        for governed in modes {
            let runDirectory = directory.appendingPathComponent(governed ? "governed" : "ungoverned")
            do {
                Self.log("governance \(governed ? "on" : "off (null keyring, null audit sink)")")
                let report = try await measure(in: runDirectory, machine: machine, governed: governed)
                reports.append(report)
                if json {
                    print(try report.json())
                } else {
                    print("## Governance \(governed ? "on" : "off (null keyring and audit sink, test-only)")\n")
                    print(report.markdown())
                }
            } catch {
                cleanUp(directory)
                throw error
            }
            cleanUp(runDirectory)
        }
        if reports.count == 2, !json {
            print(Self.overheadMarkdown(on: reports[0], off: reports[1]))
        }
        cleanUp(directory)
    }

    /// Governed over ungoverned, per size: what labels, encryption, audit and watermarks cost.
    static func overheadMarkdown(on: ThroughputReport, off: ThroughputReport) -> String {
        func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
        var lines = [
            "## Governance overhead (on / off)", "",
            "| memories | search p50 on | search p50 off | ratio | add/s on | add/s off | ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for (governed, plain) in zip(on.results, off.results) {
            let searchRatio = governed.search.p50 / max(plain.search.p50, 1e-9)
            let addRatio = plain.addPerSecond / max(governed.addPerSecond, 1e-9)
            lines.append(
                "| \(governed.memories) | \(fixed(governed.search.p50, 3)) ms | \(fixed(plain.search.p50, 3)) ms | "
                    + "\(fixed(searchRatio, 2)) | \(Int(governed.addPerSecond)) | \(Int(plain.addPerSecond)) | \(fixed(addRatio, 2)) |")
        }
        lines.append("")
        lines.append("Ratios above 1 are governance's cost (search: p50 latency on/off; add: throughput off/on).")
        return lines.joined(separator: "\n")
    }

    private func measure(in directory: URL, machine: MachineFacts, governed: Bool) async throws -> ThroughputReport {
        Self.log("data directory: \(directory.path)")
        let stack = try await BenchStack.open(
            at: directory, policyDirectory: URL(fileURLWithPath: policyDir, isDirectory: true), governed: governed)
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
