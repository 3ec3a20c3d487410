import Foundation
import MemOSCore
import Testing

/// Seeded generator so that failures are reproducible.
typealias TestRandom = SplitMix64

extension SplitMix64 {
    /// Roughly normal (sum of two uniforms from one draw), cheap enough for 10⁶ draws in debug builds.
    mutating func gaussian() -> Float {
        let bits = next()
        let a = Float(bits & 0xFFFF_FFFF) / Float(UInt32.max)
        let b = Float(bits >> 32) / Float(UInt32.max)
        return (a + b - 1) * 2.45
    }
}

@Suite("VectorIndex")
struct VectorIndexTests {
    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", n))!
    }

    static func randomVector(_ dimensions: Int, _ random: inout TestRandom) -> [Float] {
        (0..<dimensions).map { _ in random.gaussian() }
    }

    static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    /// The brute-force answer: cosine of every vector, best first, ties by id.
    static func bruteForce(
        _ vectors: [UUID: [Float]], _ query: [Float], limit: Int, where allowed: (UUID) -> Bool = { _ in true }
    ) -> [(id: UUID, score: Float)] {
        let q = normalised(query)
        var scored: [(id: UUID, score: Float)] = []
        for (id, vector) in vectors where allowed(id) {
            let v = normalised(vector)
            var score: Float = 0
            for index in v.indices { score += v[index] * q[index] }
            scored.append((id: id, score: score))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id.uuidString < $1.id.uuidString }
        return Array(scored.prefix(limit))
    }

    @Test("Exact search equals brute force (dimensions not a multiple of 16)")
    func exactMatchesBruteForce() {
        var random = TestRandom(seed: 1)
        var index = VectorIndex()
        var vectors: [UUID: [Float]] = [:]
        for n in 0..<600 {
            let vector = Self.randomVector(24, &random)
            vectors[Self.id(n)] = vector
            let applied1 = index.upsert(id: Self.id(n), vector: vector)
            #expect(applied1)
        }
        #expect(index.count == 600)
        #expect(index.dimensions == 24)
        #expect(!index.isApproximate)
        for _ in 0..<20 {
            let query = Self.randomVector(24, &random)
            let expected = Self.bruteForce(vectors, query, limit: 10)
            let found = index.search(query, limit: 10)
            #expect(found.map(\.id) == expected.map(\.id))
            for (a, b) in zip(found, expected) { #expect(abs(a.score - b.score) < 1e-5) }
            #expect(index.exactSearch(query, limit: 10).map(\.id) == expected.map(\.id))
        }
        // Similarity of one id equals its search score.
        let query = Self.randomVector(24, &random)
        let top = index.search(query, limit: 1)[0]
        #expect(abs((index.similarity(of: top.id, to: query) ?? 0) - top.score) < 1e-6)
    }

    @Test("Upsert replaces, remove forgets, slots are reused, bad vectors are refused")
    func updatesAndRemoval() {
        var index = VectorIndex()
        index.upsert(id: Self.id(1), vector: [1, 0, 0])
        index.upsert(id: Self.id(2), vector: [0, 1, 0])
        index.upsert(id: Self.id(3), vector: [0, 0, 5])  // normalised on the way in
        #expect(index.search([0, 0, 1], limit: 1).first?.id == Self.id(3))
        #expect(abs((index.search([0, 0, 1], limit: 1).first?.score ?? 0) - 1) < 1e-6)

        index.upsert(id: Self.id(3), vector: [1, 0.1, 0])
        #expect(index.count == 3)
        #expect(index.search([0, 0, 1], limit: 3).allSatisfy { $0.score < 0.01 })

        index.remove(id: Self.id(1))
        #expect(!index.contains(Self.id(1)))
        #expect(index.count == 2)
        #expect(!index.search([1, 0, 0], limit: 10).contains { $0.id == Self.id(1) })
        index.remove(id: Self.id(42))
        #expect(index.count == 2)
        index.upsert(id: Self.id(4), vector: [1, 0, 0])  // reuses the freed slot
        #expect(index.search([1, 0, 0], limit: 1).first?.id == Self.id(4))

        // Wrong length, zero and non-finite vectors are refused and drop the old vector.
        let applied2 = index.upsert(id: Self.id(5), vector: [1, 0])
        #expect(!applied2)
        let applied3 = index.upsert(id: Self.id(4), vector: [0, 0, 0])
        #expect(!applied3)
        #expect(!index.contains(Self.id(4)))
        let applied4 = index.upsert(id: Self.id(6), vector: [.nan, 1, 0])
        #expect(!applied4)
        #expect(index.search([1, 0], limit: 10).isEmpty)
        #expect(index.search([0, 0, 0], limit: 10).isEmpty)
        #expect(index.search([1, 0, 0], limit: 0).isEmpty)

        // Once empty, the index accepts another length (an embedder change).
        index.remove(id: Self.id(2))
        index.remove(id: Self.id(3))
        #expect(index.count == 0)
        let applied5 = index.upsert(id: Self.id(7), vector: [1, 2])
        #expect(applied5)
        #expect(index.dimensions == 2)
    }

    @Test("The filter is applied before the limit")
    func filterBeforeLimit() {
        var random = TestRandom(seed: 2)
        var index = VectorIndex()
        var vectors: [UUID: [Float]] = [:]
        for n in 0..<300 {
            let vector = Self.randomVector(16, &random)
            vectors[Self.id(n)] = vector
            index.upsert(id: Self.id(n), vector: vector)
        }
        let query = Self.randomVector(16, &random)
        let odd: (UUID) -> Bool = { Int($0.uuidString.suffix(12))! % 2 == 1 }
        let found = index.search(query, limit: 10, where: odd)
        #expect(found.count == 10)
        #expect(found.map(\.id) == Self.bruteForce(vectors, query, limit: 10, where: odd).map(\.id))
        let rare: (UUID) -> Bool = { Int($0.uuidString.suffix(12))! % 100 == 7 }
        #expect(index.search(query, limit: 10, where: rare).count == 3)
    }

    /// Clustered data like real embeddings: 30k vectors around 300 random centres.
    static func clusteredData(count: Int, dimensions: Int, seed: UInt64) -> (centres: [[Float]], vectors: [[Float]]) {
        var random = TestRandom(seed: seed)
        let centres = (0..<300).map { _ in randomVector(dimensions, &random) }
        let vectors = (0..<count).map { n in
            let centre = centres[Int(random.next() % UInt64(centres.count))]
            return centre.map { $0 + 0.6 * random.gaussian() }
        }
        return (centres, vectors)
    }

    @Test("Above the threshold the approximate path keeps recall@10 ≥ 0.9, and stays filter-safe")
    func approximateRecall() {
        let dimensions = 16
        let (centres, vectors) = Self.clusteredData(count: 30_000, dimensions: dimensions, seed: 3)
        var index = VectorIndex()
        for (n, vector) in vectors.enumerated() { index.upsert(id: Self.id(n), vector: vector) }
        #expect(index.count == 30_000)
        #expect(index.isApproximate)
        #expect(index.listCount > 8)

        var random = TestRandom(seed: 4)
        var recall = 0.0
        let queries = 40
        for _ in 0..<queries {
            let centre = centres[Int(random.next() % UInt64(centres.count))]
            let query = centre.map { $0 + 0.6 * random.gaussian() }
            let exact = index.exactSearch(query, limit: 10)
            let approximate = index.search(query, limit: 10)
            #expect(approximate.count == 10)
            recall += Double(Set(exact.map(\.id)).intersection(approximate.map(\.id)).count) / 10
        }
        recall /= Double(queries)
        #expect(recall >= 0.9, "recall@10 = \(recall)")

        // A selective filter still fills the limit (the index probes further lists).
        let query = centres[0]
        let rare: (UUID) -> Bool = { Int($0.uuidString.suffix(12))! % 1000 == 1 }
        #expect(index.search(query, limit: 20, where: rare).count == 20)
        #expect(Set(index.search(query, limit: 30, where: rare).map(\.id)) == Set(index.exactSearch(query, limit: 30, where: rare).map(\.id)))

        // Removal on the approximate path is exact.
        let victim = index.search(query, limit: 1)[0].id
        index.remove(id: victim)
        #expect(!index.search(query, limit: 50).contains { $0.id == victim })
        #expect(index.count == 29_999)
    }

    @Test("IVF bookkeeping survives training, re-layout, replacement and removal")
    func approximateBookkeeping() {
        var random = TestRandom(seed: 5)
        // A low threshold so that training, re-training and re-layout all happen on small data.
        var index = VectorIndex(approximateThreshold: 200, nprobe: 1_000)
        var vectors: [UUID: [Float]] = [:]
        for step in 0..<3_000 {
            let n = Int(random.next() % 1_200)
            if random.next() % 4 == 0 {
                index.remove(id: Self.id(n))
                vectors[Self.id(n)] = nil
            } else {
                let vector = Self.randomVector(16, &random)
                index.upsert(id: Self.id(n), vector: vector)
                vectors[Self.id(n)] = vector
            }
            if step % 500 == 499 {
                #expect(index.count == vectors.count)
                #expect(index.listSizes.reduce(0, +) == (index.listCount > 0 ? vectors.count : 0))
                // Probing every list must give exactly the exact answer.
                let query = Self.randomVector(16, &random)
                if index.isApproximate {
                    #expect(index.search(query, limit: 25).map(\.id) == index.exactSearch(query, limit: 25).map(\.id))
                }
                #expect(index.exactSearch(query, limit: 25).map(\.id) == Self.bruteForce(vectors, query, limit: 25).map(\.id))
            }
        }
        #expect(index.isApproximate)
        for id in Array(vectors.keys) { index.remove(id: id) }
        #expect(index.count == 0)
        #expect(index.listCount == 0)
        #expect(index.search([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], limit: 5).isEmpty)
    }
}
