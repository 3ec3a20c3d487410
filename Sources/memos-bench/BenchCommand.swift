import ArgumentParser

/// `memos-bench`: speed and quality measured in release builds, never in unit tests.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memos-bench",
        abstract: "Benchmarks of the MemOS engine (run with `swift run -c release memos-bench ...`).",
        subcommands: [ThroughputBenchmark.self, LocomoBenchmark.self, SchedulerBenchmark.self, EncoderBenchmark.self])
}
