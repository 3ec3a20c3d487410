import ArgumentParser
import Foundation
import MemOSCore
import MemOSGovernance
import MemOSMiniLM

/// `memos-bench scheduler`: next-scene preloading measured on LoCoMo through the governed
/// `MemoryService`, the way a conversation uses it.
///
/// Each conversation's turns become memories (one per turn, in a cube of its own, through the
/// governed add: labelled, sealed, audited). Its questions are then replayed in order in one
/// session. Each question is searched twice: a plain search (without preload) and a session
/// search (with preload: answered from the preloaded scene when the criterion allows). Between
/// questions the scheduler's background work finishes, as it would while a user reads an
/// answer; that time is not counted.
struct SchedulerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Preload hit rate, recall and search latency with and without next-scene preloading (LoCoMo).")

    @OptionGroup var selection: LocomoSelection

    @Option(help: "Replay at most this many conversations.")
    var conversations: Int?

    @Option(help: "Results per search (recall is measured at this k).")
    var topK = 10

    @Option(help: "Directory of the policies to run under (scheduler.yaml sets preload size and probe).")
    var policyDir = "policies"

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Embedder: hashing (built in) or minilm (the built-in all-MiniLM-L6-v2, from --minilm-dir or the default model directory).")
    var embedder = "hashing"

    @OptionGroup var minilm: MiniLMLocation

    struct Sample {
        var recallWith: Double
        var recallWithout: Double
        var latencyWith: Duration
        var latencyWithout: Duration
        var answeredFromPreload: Bool
        var evidenceAnyPreloaded: Bool
        var evidenceAllPreloaded: Bool
        var sceneSize: Int
    }

    func run() async throws {
        let wanted = selection.categorySet
        var loaded = try LocomoData.load(path: selection.data)
        if let conversations { loaded = Array(loaded.prefix(conversations)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-bench-scheduler-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var models = ["MEMOS_EMBEDDER": embedder]
        if embedder == "minilm" { models["MEMOS_MINILM_DIR"] = try minilm.directory().path }
        let stack = try await BenchStack.open(at: directory, policyDirectory: URL(fileURLWithPath: policyDir), models: models)
        let memories = stack.governance.memories
        let scheduler = stack.governance.scheduler
        let caller = stack.caller
        var samples: [Sample] = []
        var turns = 0
        for (index, conversation) in loaded.enumerated() {
            let cube = try await memories.createCube(caller, name: "locomo-\(index)", subspace: nil)
            let cubeRef = cube.id.uuidString
            var diaByMemory: [UUID: String] = [:]
            var memoryByDia: [String: UUID] = [:]
            let contents = conversation.turns.map { turn in
                MemoryContent(
                    text: turn.render(),
                    sources: [SourceMessage(messageID: turn.diaID, speaker: turn.speaker, chatTime: LocomoData.parseDate(turn.date))],
                    info: ["dia_id": .string(turn.diaID)])
            }
            for start in stride(from: 0, to: contents.count, by: MemoryService.maxBatch) {
                let batch = Array(contents[start..<min(start + MemoryService.maxBatch, contents.count)])
                for view in try await memories.add(caller, cube: cubeRef, input: .items(batch)) {
                    if let dia = view.item.content.sources.first?.messageID {
                        diaByMemory[view.item.id] = dia
                        memoryByDia[dia] = view.item.id
                    }
                }
            }
            turns += contents.count
            let session = "locomo-\(conversation.sampleID)"
            for question in conversation.questions where wanted.contains(question.category) && !question.evidence.isEmpty {
                let evidence = Set(question.evidence)
                let evidenceIDs = Set(evidence.compactMap { memoryByDia[$0] })
                let preloaded = scheduler.preloadedMemoryIDs(caller, session: session)
                let clock = ContinuousClock()
                var plain: [SearchHit] = []
                let latencyWithout = try await clock.measure {
                    plain = try await memories.search(
                        caller, query: question.question, topK: topK, cubes: [cubeRef], filter: MemoryFilter())
                }
                var withPreload: SessionSearchResult?
                let latencyWith = try await clock.measure {
                    withPreload = try await scheduler.search(
                        caller, session: session, query: question.question, topK: topK, cubes: [cubeRef], filter: MemoryFilter())
                }
                await scheduler.waitUntilIdle()
                func recall(_ hits: [SearchHit]) -> Double {
                    let covered = Set(hits.prefix(topK).compactMap { diaByMemory[$0.memory.item.id] })
                    return Double(evidence.intersection(covered).count) / Double(evidence.count)
                }
                samples.append(
                    Sample(
                        recallWith: recall(withPreload?.hits ?? []), recallWithout: recall(plain), latencyWith: latencyWith,
                        latencyWithout: latencyWithout, answeredFromPreload: withPreload?.preloadHit ?? false,
                        evidenceAnyPreloaded: !preloaded.isDisjoint(with: evidenceIDs),
                        evidenceAllPreloaded: !evidenceIDs.isEmpty && evidenceIDs.isSubset(of: preloaded), sceneSize: preloaded.count))
            }
        }
        report(samples, conversations: loaded.count, turns: turns)
    }

    private func report(_ samples: [Sample], conversations: Int, turns: Int) {
        func mean(_ value: (Sample) -> Double) -> Double {
            samples.isEmpty ? 0 : samples.reduce(0) { $0 + value($1) } / Double(samples.count)
        }
        let hits = samples.filter(\.answeredFromPreload)
        let misses = samples.filter { !$0.answeredFromPreload }
        let with = LatencyStats(samples: samples.map(\.latencyWith))
        let without = LatencyStats(samples: samples.map(\.latencyWithout))
        let hitWith = LatencyStats(samples: hits.map(\.latencyWith))
        let hitWithout = LatencyStats(samples: hits.map(\.latencyWithout))
        let missWith = LatencyStats(samples: misses.map(\.latencyWith))
        #if DEBUG
            let build = "debug"
        #else
            let build = "release"
        #endif
        let result = Report(
            build: build, conversations: conversations, turns: turns, questions: samples.count, topK: topK,
            answeredFromPreload: mean { $0.answeredFromPreload ? 1 : 0 },
            evidenceAnyPreloaded: mean { $0.evidenceAnyPreloaded ? 1 : 0 },
            evidenceAllPreloaded: mean { $0.evidenceAllPreloaded ? 1 : 0 },
            meanSceneSize: mean { Double($0.sceneSize) },
            recallWithPreload: mean(\.recallWith), recallWithoutPreload: mean(\.recallWithout),
            recallOnPreloadHitsWith: hits.isEmpty ? 0 : hits.reduce(0) { $0 + $1.recallWith } / Double(hits.count),
            recallOnPreloadHitsWithout: hits.isEmpty ? 0 : hits.reduce(0) { $0 + $1.recallWithout } / Double(hits.count),
            latencyWithPreload: with, latencyWithoutPreload: without, latencyPreloadHits: hitWith,
            latencyPreloadHitsFullSearch: hitWithout, latencyPreloadMisses: missWith)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(result) { print(String(decoding: data, as: UTF8.self)) }
            return
        }
        print("memos-bench scheduler (\(build) build): \(conversations) conversations, \(turns) turns, \(samples.count) questions, top_k \(topK)")
        print(String(format: "answered from the preloaded scene: %.1f%%", result.answeredFromPreload * 100))
        print(String(format: "evidence turn preloaded before the question: any %.1f%%, all %.1f%% (mean scene %.1f memories)",
            result.evidenceAnyPreloaded * 100, result.evidenceAllPreloaded * 100, result.meanSceneSize))
        print(String(format: "recall@%d: with preload %.3f, without %.3f (on preload hits: %.3f vs %.3f)", topK,
            result.recallWithPreload, result.recallWithoutPreload, result.recallOnPreloadHitsWith, result.recallOnPreloadHitsWithout))
        print("| search | n | p50 ms | p95 ms | mean ms |")
        print("|---|---|---|---|---|")
        for (name, stats) in [
            ("without preload (all)", without), ("with preload (all)", with), ("preload hits: answered from scene", hitWith),
            ("preload hits: same query, full search", hitWithout), ("preload misses (probe + full search)", missWith),
        ] {
            print(String(format: "| %@ | %d | %.3f | %.3f | %.3f |", name, stats.count, stats.p50, stats.p95, stats.mean))
        }
    }

    struct Report: Encodable {
        let build: String
        let conversations: Int
        let turns: Int
        let questions: Int
        let topK: Int
        let answeredFromPreload: Double
        let evidenceAnyPreloaded: Double
        let evidenceAllPreloaded: Double
        let meanSceneSize: Double
        let recallWithPreload: Double
        let recallWithoutPreload: Double
        let recallOnPreloadHitsWith: Double
        let recallOnPreloadHitsWithout: Double
        let latencyWithPreload: LatencyStats
        let latencyWithoutPreload: LatencyStats
        let latencyPreloadHits: LatencyStats
        let latencyPreloadHitsFullSearch: LatencyStats
        let latencyPreloadMisses: LatencyStats
    }
}
