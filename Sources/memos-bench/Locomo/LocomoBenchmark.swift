import ArgumentParser
import Foundation
import MemOSCore

/// `memos-bench locomo`: in-process retrieval quality on LoCoMo, for tuning `RetrievalOptions`.
///
/// Mirrors `../shared/bench/locomo_retrieval.py` (data handling, turn rendering, evidence
/// cleaning, recall@k over the union of the top-k results' sources, ctx_chars@k) but drives
/// `MemoryIndex` directly: one index per conversation, one memory per turn, vectors from
/// `HashingEmbedder`. Tune only on the dev set.
struct LocomoBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locomo",
        abstract: "Retrieval recall of BM25, dense and hybrid search on LoCoMo (in process).")

    @OptionGroup var selection: LocomoSelection

    @Option(help: "Dimensions of the hashing embedder.")
    var dimensions = 256

    @Option(help: "Dense embedder: hashing (built in, --dimensions) or minilm (all-MiniLM-L6-v2 from --minilm-dir or the default model directory).")
    var embedder = "hashing"

    @OptionGroup var minilm: MiniLMLocation

    @Flag(help: "Also run the wider tuning grids.")
    var grid = false

    @Flag(help: "Do not append image captions to turns.")
    var noCaptions = false

    @Option(
        name: .customLong("try"),
        help: """
            Extra configuration to evaluate (repeatable): ';'-separated key=value on top of RetrievalOptions(), e.g. \
            "w=0.8,0.2;fb=5,20,0.5,3,2;time=0.1;k1=1.2". Keys: w=lexical,dense | rrf=k | plain=1 (start from plain fusion) | \
            fb=docs,terms,weight[,vectorDocs,vectorWeight] | fb=0 | fbmax=fraction | center | len | time (0 = off) | dup | \
            collapse | depth | dense=1 (no query text) | k1 | b | emb=word,pair,gram | grams=min,max | dims | name
            """)
    var tries: [String] = []

    @Flag(help: "Only evaluate the --try configurations (and the default).")
    var onlyTries = false

    @Option(help: "Also measure search latency on a synthetic index of this many memories built from the turns.")
    var scale: Int?

    @Option(help: "Queries for the latency measurement.")
    var scaleQueries = 500

    @Option(help: "IVF lists probed in the scale measurement (default: automatic).")
    var nprobe: Int?

    @Flag(help: "In the scale measurement, only measure the vector index.")
    var scaleVectorsOnly = false

    func run() async throws {
        let categorySet = selection.categorySet
        let conversations = try LocomoData.load(path: selection.data)
        let embedder = HashingEmbedder(dimensions: dimensions)
        let neural = try await neuralVectors(conversations, categories: categorySet)
        var corpora: [String: LocomoCorpus] = [:]
        func corpus(_ embedder: HashingEmbedder, k1: Double = 0.9, b: Double = 0.75) -> LocomoCorpus {
            let key = "\(neural?.identifier ?? embedder.identifier)|\(k1)|\(b)"
            if let existing = corpora[key] { return existing }
            let vector: (String) -> [Float] =
                if let neural { { neural.vectors[$0] ?? [] } } else { { embedder.embed($0) } }
            let built = LocomoCorpus(
                conversations: conversations, embed: vector, captions: !noCaptions, categories: categorySet, k1: k1, b: b)
            corpora[key] = built
            return built
        }
        let main = corpus(embedder)
        print(
            "data: \(selection.data) — \(conversations.count) conversations, \(main.turnCount) turns, "
                + "\(main.questionCount) questions in categories \(categorySet.sorted()); embedder \(neural?.identifier ?? embedder.identifier)")
        print(String(format: "embedding: %.1f µs per turn (mean)", neural?.microsecondsPerText ?? main.embedMicroseconds))

        var summaries: [(String, LocomoSummary)] = []
        if !onlyTries {
            summaries.append(("bm25 k1=1.2 (before)", corpus(embedder, k1: 1.2).evaluate(LocomoMethod("bm25", lexicalOnly: true))))
            for method in Self.standardMethods() + (grid ? Self.gridMethods() : []) {
                summaries.append((method.name, main.evaluate(method)))
            }
        } else {
            summaries.append(("default RetrievalOptions()", main.evaluate(LocomoMethod("default"))))
        }
        var scaleOptions = RetrievalOptions()
        for spec in tries {
            let parsed = try LocomoTrySpec(spec, dimensions: dimensions)
            summaries.append((parsed.method.name, corpus(parsed.embedder, k1: parsed.k1, b: parsed.b).evaluate(parsed.method)))
            scaleOptions = parsed.method.options
        }
        printTables(summaries, categories: categorySet.sorted())

        if let scale {
            try LocomoScaleBenchmark(
                corpus: main, embedder: embedder, documents: scale, queries: scaleQueries, options: scaleOptions,
                nprobe: nprobe, vectorsOnly: scaleVectorsOnly
            ).run()
        }
    }

    /// The methods of the report: each signal alone, plain fusions, then the default built up
    /// one idea at a time, and the default with one idea taken out.
    static func standardMethods() -> [LocomoMethod] {
        var methods = [
            LocomoMethod("bm25 k1=0.9", lexicalOnly: true),
            LocomoMethod("dense", options: .plain(.weighted(lexical: 0, dense: 1)), text: false),
            LocomoMethod("rrf k=60", options: .plain(.reciprocalRank(k: 60))),
        ]
        for lexical in [0.9, 0.8, 0.7, 0.6, 0.5] {
            methods.append(
                LocomoMethod(
                    String(format: "weighted %.1f/%.1f", lexical, 1 - lexical),
                    options: .plain(.weighted(lexical: lexical, dense: 1 - lexical))))
        }
        var options = RetrievalOptions.plain(.weighted(lexical: 0.7, dense: 0.3))
        var centredDense = RetrievalOptions.plain(.weighted(lexical: 0, dense: 1))
        centredDense.vectorCentering = 1
        methods.append(LocomoMethod("dense, centred", options: centredDense, text: false))
        options.vectorCentering = 1
        methods.append(LocomoMethod("w0.7 + centring", options: options))
        options.feedback = RelevanceFeedback(vectorDocuments: 0)
        methods.append(LocomoMethod("  + keyword feedback", options: options))
        options.feedback = RelevanceFeedback()
        methods.append(LocomoMethod("  + vector feedback", options: options))
        options.lengthPrior = 0.1
        methods.append(LocomoMethod("  + length prior", options: options))
        options.timeAware = true
        methods.append(LocomoMethod("  + time-aware", options: options))
        options.collapseNearDuplicates = true
        methods.append(LocomoMethod("  + collapse = default", options: options))
        methods.append(LocomoMethod("default RetrievalOptions()"))
        var without = RetrievalOptions()
        without.timeAware = false
        methods.append(LocomoMethod("default − time-aware", options: without))
        without = RetrievalOptions()
        without.feedback = nil
        methods.append(LocomoMethod("default − feedback", options: without))
        without = RetrievalOptions()
        without.lengthPrior = 0
        methods.append(LocomoMethod("default − length prior", options: without))
        without = RetrievalOptions()
        without.fusion = .reciprocalRank(k: 60)
        methods.append(LocomoMethod("default, rrf k=60", options: without))
        methods.append(LocomoMethod("default, no query vector", options: RetrievalOptions(), vector: false))
        return methods
    }

    static func gridMethods() -> [LocomoMethod] {
        var methods: [LocomoMethod] = []
        for k in [10.0, 30.0, 100.0] {
            methods.append(LocomoMethod("plain rrf k=\(Int(k))", options: .plain(.reciprocalRank(k: k))))
        }
        for lexical in [0.9, 0.8, 0.6] {
            var options = RetrievalOptions()
            options.fusion = .weighted(lexical: lexical, dense: 1 - lexical)
            methods.append(LocomoMethod(String(format: "default, w %.1f/%.1f", lexical, 1 - lexical), options: options))
        }
        for depth in [20, 50, 200] {
            var options = RetrievalOptions()
            options.candidateDepth = depth
            methods.append(LocomoMethod("default, depth \(depth)", options: options))
        }
        for boost in [0.1, 0.3] {
            var options = RetrievalOptions()
            options.timeBoost = boost
            methods.append(LocomoMethod("default, time boost \(boost)", options: options))
        }
        for terms in [10, 20, 50] {
            var options = RetrievalOptions()
            options.feedback?.expansionTerms = terms
            methods.append(LocomoMethod("default, \(terms) expansion terms", options: options))
        }
        for similarity in [0.7, 0.8] {
            var options = RetrievalOptions()
            options.nearDuplicateSimilarity = similarity
            methods.append(LocomoMethod("default, duplicates at \(similarity)", options: options))
        }
        return methods
    }

    private func printTables(_ summaries: [(String, LocomoSummary)], categories: [Int]) {
        let names = [1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"]
        print("\n### recall@k per category (mean over questions) and ctx_chars@10\n")
        print("| method | group | n | R@1 | R@5 | R@10 | R@20 | MRR | ctx@10 |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (name, summary) in summaries {
            var groups: [(String, [LocomoQuestionResult])] = categories.map { category in
                ("\(category) \(names[category] ?? "")", summary.results.filter { $0.category == category })
            }
            groups.append(("overall", summary.results))
            for (group, results) in groups where !results.isEmpty {
                print(row(name, group, results))
            }
        }
        print("\n### overall\n")
        print("| method | n | R@1 | R@5 | R@10 | R@20 | MRR | ctx@10 | p50 µs | p95 µs |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for (name, summary) in summaries {
            let latencies = summary.latencies.sorted()
            print(
                row(name, nil, summary.results)
                    + String(format: " %.0f | %.0f |", locomoPercentile(latencies, 0.5) * 1e6, locomoPercentile(latencies, 0.95) * 1e6))
        }
    }

    private func row(_ name: String, _ group: String?, _ results: [LocomoQuestionResult]) -> String {
        func mean(_ value: (LocomoQuestionResult) -> Double) -> Double {
            results.isEmpty ? 0 : results.reduce(0) { $0 + value($1) } / Double(results.count)
        }
        let cells = [
            mean { $0.recall[0] }, mean { $0.recall[1] }, mean { $0.recall[2] }, mean { $0.recall[3] },
            mean { $0.firstHit.map { 1 / Double($0) } ?? 0 },
        ].map { String(format: "%.3f", $0) }
        let prefix = group.map { "| \(name) | \($0) | \(results.count) |" } ?? "| \(name) | \(results.count) |"
        return prefix + " " + cells.joined(separator: " | ") + String(format: " | %.0f |", mean { $0.contextCharacters })
    }
}

func locomoPercentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let position = fraction * Double(sorted.count - 1)
    let low = Int(position.rounded(.down))
    let high = min(sorted.count - 1, low + 1)
    return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
}

/// One way of searching: keyword-only through `search(_:limit:filter:)`, or a `RetrievalQuery`.
struct LocomoMethod {
    let name: String
    let lexicalOnly: Bool
    let options: RetrievalOptions
    /// Whether the query text is given (dense-only leaves it empty).
    let text: Bool
    /// Whether the query vector is given.
    let vector: Bool

    init(
        _ name: String, lexicalOnly: Bool = false, options: RetrievalOptions = RetrievalOptions(), text: Bool = true,
        vector: Bool = true
    ) {
        self.name = name
        self.lexicalOnly = lexicalOnly
        self.options = options
        self.text = text
        self.vector = vector
    }
}

struct LocomoQuestionResult {
    let category: Int
    /// recall at 1, 5, 10, 20.
    let recall: [Double]
    let contextCharacters: Double
    let firstHit: Int?
}

struct LocomoSummary {
    var results: [LocomoQuestionResult] = []
    var latencies: [Double] = []
}

/// The dev set indexed once: one `MemoryIndex` per conversation, plus the embedded questions.
struct LocomoCorpus {
    static let ks = [1, 5, 10, 20]

    struct Question {
        let text: String
        let vector: [Float]
        let category: Int
        let evidence: Set<String>
    }

    struct Conversation {
        let prefix: String
        let index: MemoryIndex
        let questions: [Question]
    }

    let conversations: [Conversation]
    let turnTexts: [String]
    let turnCount: Int
    let questionCount: Int
    let embedMicroseconds: Double

    init(
        conversations raw: [LocomoConversation], embed: (String) -> [Float], captions: Bool, categories: Set<Int>,
        k1: Double = 0.9, b: Double = 0.75
    ) {
        var conversations: [Conversation] = []
        var serial = 0
        var embedSeconds = 0.0
        var texts: [String] = []
        for conversation in raw {
            var index = MemoryIndex(k1: k1, b: b)
            let cube = UUID(uuidString: "00000000-0000-7000-8000-000000000000")!
            for turn in conversation.turns {
                serial += 1
                let content = Self.content(of: turn, in: conversation, captions: captions)
                texts.append(content.text)
                let date = LocomoData.parseDate(turn.date)
                // Ids increase in turn order: ties break like the reference's stable sort.
                let item = MemoryItem(
                    id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", serial))!, cubeID: cube,
                    content: content, createdAt: date ?? Date(timeIntervalSince1970: 0),
                    updatedAt: date ?? Date(timeIntervalSince1970: 0))
                let start = DispatchTime.now().uptimeNanoseconds
                let vector = embed(MemoryIndex.embeddingText(of: content))
                embedSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                index.upsert(item, vector: vector)
            }
            let questions = conversation.questions.compactMap { question -> Question? in
                guard !question.evidence.isEmpty, categories.contains(question.category) else { return nil }
                return Question(
                    text: question.question, vector: embed(question.question), category: question.category,
                    evidence: Set(question.evidence))
            }
            conversations.append(Conversation(prefix: conversation.sampleID + ":", index: index, questions: questions))
        }
        self.conversations = conversations
        turnTexts = texts
        turnCount = serial
        questionCount = conversations.reduce(0) { $0 + $1.questions.count }
        embedMicroseconds = serial == 0 ? 0 : embedSeconds / Double(serial) * 1e6
    }

    /// A turn as the benchmark stores it: the rendered line, its message id and its session.
    static func content(of turn: LocomoTurn, in conversation: LocomoConversation, captions: Bool) -> MemoryContent {
        MemoryContent(
            text: turn.render(captions: captions),
            sources: [
                SourceMessage(
                    messageID: "\(conversation.sampleID):\(turn.diaID)", speaker: turn.speaker,
                    chatTime: LocomoData.parseDate(turn.date))
            ],
            info: ["dia_id": .string(turn.diaID), "session": .string(String(turn.session))])
    }

    func evaluate(_ method: LocomoMethod) -> LocomoSummary {
        var summary = LocomoSummary()
        let depth = Self.ks.max() ?? 20
        for conversation in conversations {
            for question in conversation.questions {
                let start = DispatchTime.now().uptimeNanoseconds
                let hits: [ScoredMemory]
                if method.lexicalOnly {
                    hits = conversation.index.search(question.text, limit: depth)
                } else {
                    let query = RetrievalQuery(
                        text: method.text ? question.text : "", vector: method.vector ? question.vector : nil,
                        options: method.options)
                    hits = conversation.index.search(query, limit: depth)
                }
                summary.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                summary.results.append(score(hits, question: question, prefix: conversation.prefix))
            }
        }
        return summary
    }

    private func score(_ hits: [ScoredMemory], question: Question, prefix: String) -> LocomoQuestionResult {
        let sources = hits.map { hit in
            hit.item.content.sources.compactMap { source -> String? in
                guard let id = source.messageID, id.hasPrefix(prefix) else { return nil }
                return String(id.dropFirst(prefix.count))
            }
        }
        let recall = Self.ks.map { k -> Double in
            var covered: Set<String> = []
            for hitSources in sources.prefix(k) { covered.formUnion(hitSources) }
            return Double(question.evidence.intersection(covered).count) / Double(question.evidence.count)
        }
        let context = hits.prefix(10).reduce(0) { $0 + $1.item.content.text.unicodeScalars.count }
        let firstHit = sources.firstIndex { !question.evidence.isDisjoint(with: $0) }.map { $0 + 1 }
        return LocomoQuestionResult(category: question.category, recall: recall, contextCharacters: Double(context), firstHit: firstHit)
    }
}

/// A `--try` specification: one retrieval configuration, and the index settings it needs.
struct LocomoTrySpec {
    var method: LocomoMethod
    var embedder: HashingEmbedder
    var k1 = 0.9
    var b = 0.75

    init(_ spec: String, dimensions: Int) throws {
        var options = RetrievalOptions()
        var name = spec
        var text = true
        var weights = HashingEmbedder.Weights.standard
        var dimensions = dimensions
        for part in spec.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2 else { throw ValidationError("bad --try part \(part)") }
            let numbers = pieces[1].split(separator: ",").compactMap { Double($0) }
            func number(_ index: Int = 0) throws -> Double {
                guard index < numbers.count else { throw ValidationError("--try \(pieces[0]) needs \(index + 1) numbers") }
                return numbers[index]
            }
            switch pieces[0] {
            case "name": name = pieces[1]
            case "plain": options = .plain(options.fusion)
            case "w": options.fusion = .weighted(lexical: try number(0), dense: try number(1))
            case "rrf": options.fusion = .reciprocalRank(k: try number())
            case "fb":
                if numbers == [0] {
                    options.feedback = nil
                } else {
                    options.feedback = RelevanceFeedback(
                        documents: Int(try number(0)), expansionTerms: Int(try number(1)), termWeight: try number(2),
                        maximumDocumentFraction: options.feedback?.maximumDocumentFraction ?? 0.2,
                        vectorDocuments: numbers.count > 3 ? Int(try number(3)) : 3, vectorWeight: numbers.count > 4 ? try number(4) : 2)
                }
            case "fbmax": options.feedback?.maximumDocumentFraction = try number()
            case "center": options.vectorCentering = try number()
            case "len": options.lengthPrior = try number()
            case "time":
                options.timeAware = try number() > 0
                options.timeBoost = try number()
            case "mindense": options.minimumDenseSimilarity = try number()
            case "speaker": options.speakerBoost = try number()
            case "nb":
                options.neighbourWeight = try number()
                options.neighbourSeeds = Int(try number(1))
            case "dup": options.nearDuplicateSimilarity = try number()
            case "collapse": options.collapseNearDuplicates = try number() != 0
            case "depth": options.candidateDepth = Int(try number())
            case "dense": text = try number() == 0
            case "k1": k1 = try number()
            case "b": b = try number()
            case "emb":
                weights.word = Float(try number(0))
                weights.wordPair = Float(try number(1))
                weights.characterGram = Float(try number(2))
            case "grams": weights.gramLengths = Int(try number(0))...Int(try number(1))
            case "dims": dimensions = Int(try number())
            default: throw ValidationError("unknown --try key \(pieces[0])")
            }
        }
        method = LocomoMethod(name, options: options, text: text)
        embedder = HashingEmbedder(dimensions: dimensions, weights: weights)
    }
}
