import Foundation
import MemOSCore
import Testing

@Suite("MemoryIndex")
struct MemoryIndexTests {
    static let cube = UUID(uuidString: "00000000-0000-7000-8000-000000000000")!

    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", n))!
    }

    static func item(_ n: Int, _ text: String, version: Int) -> MemoryItem {
        MemoryItem(
            id: id(n), cubeID: cube, content: MemoryContent(text: text), version: version,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func dense(_ vector: [Float]) -> RetrievalQuery {
        RetrievalQuery(text: "", vector: vector, options: .plain(.weighted(lexical: 0, dense: 1)))
    }

    @Test("An older version never replaces a newer one, text or vector")
    func staleVersionsAreIgnored() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "new text", version: 2), vector: [1, 0])
        index.upsert(Self.item(1, "old text", version: 1), vector: [0, 1])
        index.upsert(Self.item(1, "same version, other text", version: 2), vector: [0, 1])
        #expect(index.item(id: Self.id(1))?.text == "new text")
        #expect(index.search("old", limit: 10).isEmpty)
        #expect(index.search("new", limit: 10).count == 1)
        let hit = index.search(Self.dense([1, 0]), limit: 1).first
        #expect(hit?.item.version == 2)
        #expect(index.count == 1)
        #expect(index.vectorCount == 1)
    }

    @Test("Remove leaves a tombstone: no later write brings the memory back, by text or vector")
    func tombstones() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "secret plans", version: 1), vector: [1, 0])
        index.upsert(Self.item(2, "public plans", version: 1), vector: [0, 1])
        index.remove(id: Self.id(1))
        #expect(index.count == 1)
        #expect(index.vectorCount == 1)
        #expect(!index.hasVector(id: Self.id(1)))
        index.upsert(Self.item(1, "secret plans", version: 5), vector: [1, 0])
        #expect(index.item(id: Self.id(1)) == nil)
        #expect(index.search("secret", limit: 10).isEmpty)
        #expect(index.search(RetrievalQuery(text: "secret plans", vector: [1, 0]), limit: 10).map(\.item.id) == [Self.id(2)])
        let applied1 = index.setVector([1, 0], for: Self.id(1), version: 5)
        #expect(!applied1)
        #expect(index.vectorCount == 1)
    }

    @Test("A newer version without a vector drops the old vector; setVector only lands on its version")
    func vectorsFollowVersions() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "alpha", version: 1), vector: [1, 0])
        #expect(index.hasVector(id: Self.id(1)))
        index.upsert(Self.item(1, "beta", version: 2))
        #expect(!index.hasVector(id: Self.id(1)))
        #expect(index.search(Self.dense([1, 0]), limit: 10).isEmpty)

        let applied2 = index.setVector([0, 1], for: Self.id(1), version: 1)
        #expect(!applied2)
        #expect(!index.hasVector(id: Self.id(1)))
        let applied3 = index.setVector([0, 1], for: Self.id(1), version: 2)
        #expect(applied3)
        #expect(index.search(Self.dense([0, 1]), limit: 10).first?.item.text == "beta")
        let applied4 = index.setVector(nil, for: Self.id(1), version: 2)
        #expect(applied4)
        #expect(index.vectorCount == 0)
        let applied5 = index.setVector([0, 1], for: Self.id(9), version: 1)
        #expect(!applied5)
    }

    @Test("Lexical upsert and search behave as before vectors existed")
    func lexicalConvenience() {
        var index = MemoryIndex()
        index.upsert(Self.item(1, "Caroline went to a support group", version: 1))
        index.upsert(Self.item(2, "Melanie painted a sunrise", version: 1))
        #expect(index.vectorCount == 0)
        #expect(index.search("support group", limit: 10).map(\.item.id) == [Self.id(1)])
        #expect(index.search(RetrievalQuery(text: "support group", vector: [1, 0]), limit: 10).map(\.item.id) == [Self.id(1)])
        #expect(index.search("support", limit: 0).isEmpty)
        #expect(MemoryIndex().search(RetrievalQuery(text: "x"), limit: 5).isEmpty)
    }

    @Test("Key and tags are part of the embedded text")
    func embeddingText() {
        let content = MemoryContent(text: "body", key: "title", tags: ["a", "b"])
        #expect(MemoryIndex.embeddingText(of: content) == "body\ntitle\na b")
    }
}
