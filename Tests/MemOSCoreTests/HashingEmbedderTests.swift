import Foundation
import MemOSCore
import Testing

@Suite("HashingEmbedder")
struct HashingEmbedderTests {
    let embedder = HashingEmbedder()

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test("Identifier and dimensions name the settings")
    func identifier() {
        #expect(embedder.identifier == "builtin-hashing-v1-256")
        #expect(embedder.dimensions == 256)
        #expect(embedder.embed("hello world").count == 256)
        let small = HashingEmbedder(dimensions: 64)
        #expect(small.identifier == "builtin-hashing-v1-64")
        #expect(small.embed("hello world").count == 64)
        let custom = HashingEmbedder(weights: .init(word: 1, wordPair: 0, characterGram: 0))
        #expect(custom.identifier.hasPrefix("builtin-hashing-v1-256-"))
        #expect(custom.identifier != embedder.identifier)
    }

    @Test("The same text always gives the same vector, in every instance and through both entry points")
    func deterministic() async throws {
        let text = "Caroline went to an LGBTQ support group yesterday — it was powerful!"
        let first = embedder.embed(text)
        #expect(HashingEmbedder().embed(text) == first)
        #expect(embedder.embed(text) == first)
        let batch = try await embedder.embed([text, "another text"])
        #expect(batch.count == 2)
        #expect(batch[0] == first)
    }

    @Test("Vectors do not depend on the process: pinned buckets of a known text")
    func stableAcrossProcesses() {
        // Swift's Hasher is seeded per process; FNV-1a is not. These values were computed once
        // and must never change (stored vectors would silently stop matching queries).
        let vector = HashingEmbedder(dimensions: 64).embed("puppy")
        let strongest = vector.indices.sorted { abs(vector[$0]) != abs(vector[$1]) ? abs(vector[$0]) > abs(vector[$1]) : $0 < $1 }
        #expect(Array(strongest.prefix(3)) == HashingEmbedderTests.pinnedPuppyBuckets)
    }

    static let pinnedPuppyBuckets = [55, 18, 19]

    @Test("Vectors are L2-normalised; a text without terms gives the zero vector")
    func normalised() {
        for text in ["x", "Running late again", "我喜欢猫", String(repeating: "word ", count: 500)] {
            let vector = embedder.embed(text)
            let norm = Self.cosine(vector, vector).squareRoot()
            #expect(abs(norm - 1) < 1e-5, "\(text.prefix(20))")
        }
        #expect(embedder.embed("").allSatisfy { $0 == 0 })
        #expect(embedder.embed("the of and ...").allSatisfy { $0 == 0 })
    }

    @Test("Paraphrases sharing morphology are closer than unrelated text")
    func similarityOrdering() {
        let query = embedder.embed("adopting a puppy")
        let paraphrase = embedder.embed("adopted a dog puppy")
        let unrelated = embedder.embed("the quarterly tax report is due")
        #expect(Self.cosine(query, paraphrase) > 0.5)
        #expect(Self.cosine(query, paraphrase) > Self.cosine(query, unrelated) + 0.3)

        // Character n-grams catch what the stemmer cannot: misspellings and compounds.
        let photography = embedder.embed("photography")
        #expect(Self.cosine(photography, embedder.embed("photograph")) > Self.cosine(photography, embedder.embed("biography")))
        #expect(Self.cosine(embedder.embed("sunflower"), embedder.embed("sunflowers field")) > 0.4)
        // Word pairs: the same words in the same order beat the same words shuffled.
        let ordered = embedder.embed("new york pizza")
        #expect(Self.cosine(ordered, embedder.embed("a pizza from new york")) > Self.cosine(ordered, embedder.embed("york new pizza")))
    }

    @Test("Short texts embed in well under 0.1 ms (release builds; debug allows 20×)")
    func fast() {
        let texts = (0..<200).map { "Melanie painted a sunrise over the lake last summer, number \($0)" }
        let start = DispatchTime.now().uptimeNanoseconds
        for text in texts { _ = embedder.embed(text) }
        let perText = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(texts.count)
        #expect(perText < 2e-3)
    }
}
