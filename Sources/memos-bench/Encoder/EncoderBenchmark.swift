import ArgumentParser
import Foundation
import MemOSMiniLM

/// `memos-bench encoder`: speed of the built-in MiniLM encoder on real LoCoMo texts.
///
/// Two numbers, as issue 8 asks: sentences per second of a batched add (the conversation turns
/// embedded in batches over `--threads` lanes; once rendered as the LoCoMo runs store them,
/// `[date] speaker: text [shares caption]`, and once as the bare turn text) and the latency of
/// embedding one query (the LoCoMo questions, one call each) on one core. Targets: ≥ 200
/// sentences/s on 2 cores, ≤ 5 ms p50 per query.
struct EncoderBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoder",
        abstract: "Sentences per second (batched) and single-query latency of the built-in MiniLM encoder.")

    @Option(help: "LoCoMo JSON (a list of samples, as locomo10.json).")
    var data = "../shared/bench/data/locomo-dev.json"

    @OptionGroup var minilm: MiniLMLocation

    @Option(help: "Lanes (threads) for the batched measurement.")
    var threads = 2

    @Option(help: "Texts per embed call in the batched measurement (one add of that many memories).")
    var batch = 256

    @Option(help: "Passes over all turns in the batched measurement.")
    var passes = 2

    @Option(help: "Queries for the latency measurement (cycling through the questions).")
    var queries = 1000

    @Option(help: "Write the results as JSON to this file as well.")
    var json: String?

    func run() async throws {
        let directory = try minilm.directory()
        let machine = MachineFacts.current(dataDirectory: directory)
        if !machine.isOptimizedBuild {
            print("WARNING: debug build; numbers are not meaningful (use -c release)")
        }

        let loadStart = ContinuousClock.now
        let model = try MiniLMModel.load(directory: directory)
        let loadTime = ContinuousClock.now - loadStart

        let conversations = try LocomoData.load(path: data)
        let rendered = conversations.flatMap { $0.turns.map { $0.render() } }
        let bare = conversations.flatMap { $0.turns.map(\.text) }
        let questions = conversations.flatMap { $0.questions.map(\.question) }.filter { !$0.isEmpty }
        guard !rendered.isEmpty, !questions.isEmpty else { throw ValidationError("\(data) holds no turns or questions") }
        let queryTokens = questions.map { model.tokenize($0).count }

        let batched = [
            try await measureBatched(model: model, name: "rendered turns", texts: rendered),
            try await measureBatched(model: model, name: "turn texts", texts: bare),
        ]
        let latency = try await measureQueries(model: model, questions: questions)

        let report = EncoderReport(
            machine: machine, modelDirectory: directory.path, loadSeconds: loadTime.inSeconds, threads: threads,
            batchSize: batch, batched: batched, queries: questions.count,
            meanQueryTokens: Double(queryTokens.reduce(0, +)) / Double(questions.count), queryLatency: latency)
        report.print()
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Every text embedded `passes` times in calls of `batch` texts, after one warm-up call.
    private func measureBatched(model: MiniLMModel, name: String, texts: [String]) async throws -> BatchedResult {
        let tokens = texts.reduce(0) { $0 + model.tokenize($1).count }
        let embedder = MiniLMEmbedder(model: model, threads: threads)
        _ = try await embedder.embed(Array(texts.prefix(batch)))
        let start = ContinuousClock.now
        for _ in 0..<passes {
            for offset in stride(from: 0, to: texts.count, by: batch) {
                let vectors = try await embedder.embed(Array(texts[offset..<min(offset + batch, texts.count)]))
                precondition(vectors.allSatisfy { $0.count == MiniLM.dimensions })
            }
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        return BatchedResult(
            texts: name, count: texts.count, meanTokens: Double(tokens) / Double(texts.count),
            sentencesPerSecond: Double(texts.count * passes) / seconds, tokensPerSecond: Double(tokens * passes) / seconds)
    }

    /// One query per call on a single lane (one core; OpenBLAS itself runs single-threaded).
    private func measureQueries(model: MiniLMModel, questions: [String]) async throws -> LatencyStats {
        let embedder = MiniLMEmbedder(model: model, threads: 1)
        for question in questions.prefix(50) { _ = try await embedder.embed([question]) }
        var samples: [Duration] = []
        samples.reserveCapacity(queries)
        for index in 0..<queries {
            let question = questions[index % questions.count]
            let start = ContinuousClock.now
            _ = try await embedder.embed([question])
            samples.append(ContinuousClock.now - start)
        }
        return LatencyStats(samples: samples)
    }
}

/// Throughput of one batched measurement.
struct BatchedResult: Encodable {
    let texts: String
    let count: Int
    let meanTokens: Double
    let sentencesPerSecond: Double
    let tokensPerSecond: Double
}

/// The encoder benchmark's results, printed and optionally written as JSON.
struct EncoderReport: Encodable {
    let machine: MachineFacts
    let modelDirectory: String
    let loadSeconds: Double
    let threads: Int
    let batchSize: Int
    let batched: [BatchedResult]
    let queries: Int
    let meanQueryTokens: Double
    let queryLatency: LatencyStats

    func print() {
        Swift.print(
            "machine: \(machine.cpuModel ?? "unknown CPU"), \(machine.activeProcessorCount) processors, "
                + "\(machine.buildConfiguration) build")
        Swift.print(String(format: "model: %@ loaded and verified in %.2f s", modelDirectory, loadSeconds))
        for result in batched {
            Swift.print(
                String(
                    format: "batched, %@: %d (mean %.1f tokens), calls of %d on %d threads: %.1f sentences/s (%.0f tokens/s) [target ≥ 200]",
                    result.texts, result.count, result.meanTokens, batchSize, threads, result.sentencesPerSecond,
                    result.tokensPerSecond))
        }
        Swift.print(
            String(
                format: "query, %d questions (mean %.1f tokens), 1 core: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, mean %.2f ms over %d calls [target p50 ≤ 5 ms]",
                queries, meanQueryTokens, queryLatency.p50, queryLatency.p95, queryLatency.p99, queryLatency.mean,
                queryLatency.count))
    }
}
