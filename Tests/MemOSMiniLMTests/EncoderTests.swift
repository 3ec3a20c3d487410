import Foundation
import MemOSCore
import MemOSMiniLM
import Testing

/// Vectors must match sentence-transformers' to 1e-4 in every component (cosine ≥ 0.9999),
/// however the inputs are batched.
@Suite("MiniLM encoder")
struct EncoderTests {
    @Test("Vectors match the reference", arguments: 0..<ReferenceCase.count)
    func referenceVector(index: Int) async throws {
        let embedder = try TestModel.embedder()
        let reference = try ReferenceCase.all()[index]
        let vector = try #require(try await embedder.embed([reference.text]).first)
        #expect(vector.count == MiniLM.dimensions)
        let difference = VectorMath.maxAbsoluteDifference(vector, reference.embedding)
        let cosine = VectorMath.cosine(vector, reference.embedding)
        #expect(difference <= 1e-4, "max |Δ| \(difference) for \(reference.text.prefix(40))")
        #expect(cosine >= 0.9999, "cosine \(cosine) for \(reference.text.prefix(40))")
        #expect(abs(VectorMath.norm(vector) - 1) < 1e-5)
    }

    @Test("One batch of all cases equals encoding them one by one, in input order")
    func batchedEqualsSingle() async throws {
        let embedder = try TestModel.embedder()
        let cases = try ReferenceCase.all()
        // Mixed lengths (2 to 256 tokens) in an order that sorting by length changes.
        let texts = cases.map(\.text) + [cases[0].text]
        let batched = try await embedder.embed(texts)
        #expect(batched.count == texts.count)
        for (index, text) in texts.enumerated() {
            let single = try #require(try await embedder.embed([text]).first)
            let difference = VectorMath.maxAbsoluteDifference(batched[index], single)
            #expect(difference <= 1e-5, "case \(index): max |Δ| \(difference)")
        }
        for (index, reference) in cases.enumerated() {
            #expect(VectorMath.maxAbsoluteDifference(batched[index], reference.embedding) <= 1e-4)
        }
    }

    @Test("A batch split over several lanes and small batches keeps every text's vector")
    func manySmallBatches() async throws {
        let model = try TestModel.model()
        // 64 tokens per batch forces several batches per lane for these texts.
        let embedder = MiniLMEmbedder(model: model, threads: 3, maxBatchTokens: 64)
        let cases = try ReferenceCase.all().filter { $0.tokenCount < 64 }
        let texts = (0..<4).flatMap { _ in cases.map(\.text) }
        let vectors = try await embedder.embed(texts)
        #expect(vectors.count == texts.count)
        for (index, vector) in vectors.enumerated() {
            let reference = cases[index % cases.count].embedding
            #expect(VectorMath.maxAbsoluteDifference(vector, reference) <= 1e-4, "text \(index)")
        }
    }

    @Test("Concurrent calls do not mix their results")
    func concurrentCalls() async throws {
        let embedder = try TestModel.embedder()
        let cases = try ReferenceCase.all().filter { $0.tokenCount < 64 }
        let results = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for round in 0..<12 {
                let texts = [cases[round % cases.count].text, cases[(round + 1) % cases.count].text]
                group.addTask { (round, try await embedder.embed(texts)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for round in 0..<12 {
            let vectors = try #require(results[round])
            #expect(VectorMath.maxAbsoluteDifference(vectors[0], cases[round % cases.count].embedding) <= 1e-4)
            #expect(VectorMath.maxAbsoluteDifference(vectors[1], cases[(round + 1) % cases.count].embedding) <= 1e-4)
        }
    }

    @Test("The embedder names itself, has 384 dimensions and embeds nothing to nothing")
    func embedderContract() async throws {
        let embedder: any Embedder = try TestModel.embedder()
        #expect(embedder.identifier == "builtin-minilm-l6-v2")
        #expect(embedder.dimensions == 384)
        #expect(try await embedder.embed([]).isEmpty)
    }

    @Test("Related sentences are closer than unrelated ones")
    func semantics() async throws {
        let embedder = try TestModel.embedder()
        let vectors = try await embedder.embed([
            "When did Caroline go to the LGBTQ support group?",
            "Caroline went to an LGBTQ support group yesterday.",
            "The stock market closed lower on Friday.",
        ])
        #expect(VectorMath.cosine(vectors[0], vectors[1]) > VectorMath.cosine(vectors[0], vectors[2]) + 0.3)
    }

    @Test("The shared embedder loads a directory once")
    func sharedInstance() throws {
        let first = try MiniLMEmbedder.shared(directory: TestModel.directory)
        let second = try MiniLMEmbedder.shared(directory: TestModel.directory.appendingPathComponent("."))
        #expect(first === second)
    }
}
