import Foundation
import MemOSCore

/// Search latency at scale: a synthetic cube of `documents` memories, each made of two LoCoMo
/// turns (so vocabulary and lengths are realistic and texts distinct), searched with the dev
/// questions. Reports p50/p95 of keyword, hybrid (IVF) and hybrid (exact scan) search, and the
/// recall@10 of the approximate vector search against the exact one.
struct LocomoScaleBenchmark {
    let corpus: LocomoCorpus
    let embedder: HashingEmbedder
    let documents: Int
    let queries: Int
    let options: RetrievalOptions
    let nprobe: Int?
    let vectorsOnly: Bool

    func run() throws {
        let texts = corpus.turnTexts
        guard !texts.isEmpty, documents > 0 else { return }
        let questions = corpus.conversations.flatMap(\.questions)
        let cube = UUID()
        print("\n### scale: \(documents) memories\n")

        var embedSeconds = 0.0
        var approximate = MemoryIndex(vectorIndex: VectorIndex(nprobe: nprobe))
        var exact = MemoryIndex(vectorIndex: VectorIndex(approximateThreshold: .max))
        var rawVectors = VectorIndex(nprobe: nprobe)
        var buildApproximate = 0.0
        var buildExact = 0.0
        var buildVectors = 0.0
        var stalls: [String] = []
        let now = Date()
        for serial in 0..<documents {
            let first = texts[serial % texts.count]
            let second = texts[(serial &* 7919 &+ 13) % texts.count]
            let words = second.split(separator: " ")
            let text = first + " " + words.suffix(max(1, words.count / 2)).joined(separator: " ")
            let item = MemoryItem(
                id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", serial))!, cubeID: cube,
                content: MemoryContent(text: text), createdAt: now, updatedAt: now)
            var start = DispatchTime.now().uptimeNanoseconds
            let vector = embedder.embed(text)
            embedSeconds += seconds(since: start)
            if !vectorsOnly {
                start = DispatchTime.now().uptimeNanoseconds
                approximate.upsert(item, vector: vector)
                buildApproximate += seconds(since: start)
                start = DispatchTime.now().uptimeNanoseconds
                exact.upsert(item, vector: vector)
                buildExact += seconds(since: start)
            }
            start = DispatchTime.now().uptimeNanoseconds
            rawVectors.upsert(id: item.id, vector: vector)
            let upsertSeconds = seconds(since: start)
            buildVectors += upsertSeconds
            if upsertSeconds > 0.05 { stalls.append("\(serial + 1): \(String(format: "%.2f", upsertSeconds)) s") }
        }
        print(
            String(
                format: "build: embed %.2f s (%.1f µs/doc); MemoryIndex with IVF %.2f s, with exact scan %.2f s; VectorIndex alone %.2f s (%d IVF lists)",
                embedSeconds, embedSeconds / Double(documents) * 1e6, buildApproximate, buildExact, buildVectors,
                rawVectors.listCount))

        print("VectorIndex upserts that (re)trained the IVF lists: " + stalls.joined(separator: ", "))
        let queryCount = min(queries, max(questions.count, 1) * 4)
        var timings: [String: [Double]] = [:]
        var recallSum = 0.0
        for number in 0..<queryCount {
            let question = questions[number % questions.count]
            let hybrid = RetrievalQuery(text: question.text, vector: question.vector, options: options)
            func time(_ label: String, _ body: () -> Void) {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                timings[label, default: []].append(seconds(since: start))
            }
            if !vectorsOnly {
                time("bm25 (MemoryIndex.search text)") { _ = approximate.search(question.text, limit: 10) }
                time("hybrid default, IVF") { _ = approximate.search(hybrid, limit: 10) }
                time("hybrid default, exact scan") { _ = exact.search(hybrid, limit: 10) }
            }
            var approximateHits: [(id: UUID, score: Float)] = []
            var exactHits: [(id: UUID, score: Float)] = []
            time("VectorIndex.search (IVF) k=100") { approximateHits = rawVectors.search(question.vector, limit: 100) }
            time("VectorIndex.exactSearch k=100") { exactHits = rawVectors.exactSearch(question.vector, limit: 100) }
            let truth = Set(exactHits.prefix(10).map(\.id))
            recallSum += Double(truth.intersection(approximateHits.prefix(10).map(\.id)).count) / Double(max(1, truth.count))
        }
        print("| search (limit 10) | p50 ms | p95 ms | mean ms |")
        print("|---|---|---|---|")
        for (label, values) in timings.sorted(by: { $0.key < $1.key }) {
            let sorted = values.sorted()
            print(
                "| \(label) |"
                    + String(
                        format: " %.3f | %.3f | %.3f |", locomoPercentile(sorted, 0.5) * 1e3, locomoPercentile(sorted, 0.95) * 1e3,
                        sorted.reduce(0, +) / Double(sorted.count) * 1e3))
        }
        let sizes = rawVectors.listSizes.sorted()
        if !sizes.isEmpty {
            print("IVF list sizes: min \(sizes[0]), median \(sizes[sizes.count / 2]), max \(sizes[sizes.count - 1])")
        }
        print(String(format: "IVF recall@10 vs exact: %.3f over %d queries", recallSum / Double(queryCount), queryCount))
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
