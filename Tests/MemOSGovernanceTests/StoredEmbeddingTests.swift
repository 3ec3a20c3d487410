import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore
import Synchronization
import Testing

/// Embeddings are computed once per version, stored sealed, and read back on restart; a
/// different embedder's vectors are recomputed once and written back.
@Suite struct StoredEmbeddingTests {
    final class CountingEmbedder: Embedder {
        let identifier: String
        let dimensions = 64
        private let inner = HashingEmbedder(dimensions: 64)
        private let counter = Mutex(0)

        init(identifier: String) {
            self.identifier = identifier
        }

        var embedded: Int { counter.withLock { $0 } }

        func embed(_ texts: [String]) async throws -> [[Float]] {
            counter.withLock { $0 += texts.count }
            return try await inner.embed(texts)
        }
    }

    @Test func vectorsAreNotRecomputedOnRestartUnlessTheEmbedderChanges() async throws {
        let fixture = try await GovernanceFixture()
        let directory = DataDirectory(url: fixture.directory)
        let masterKey = try directory.loadMasterKey(environment: [:])
        let policy = fixture.governance.policy
        func governance(_ embedder: CountingEmbedder) async throws -> Governance {
            try await Governance.make(
                store: try directory.openStore(), policy: policy, masterKey: masterKey,
                passwordHasher: PasswordHasher(parameters: .testing), embedder: embedder)
        }
        let first = CountingEmbedder(identifier: "counting-a")
        let writer = try await governance(first)
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        _ = try await writer.memories.add(
            caller, cube: nil, input: .items(["otters hold hands", "seals sleep in water", "gulls steal chips"].map { MemoryContent(text: $0) }))
        #expect(first.embedded == 3)

        // A restart with the same embedder: only the query is embedded.
        let same = CountingEmbedder(identifier: "counting-a")
        let restarted = try await governance(same)
        let hits = try await restarted.memories.search(caller, query: "otters", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(hits.first.map { WatermarkCodec.strip($0.memory.item.text) } == "otters hold hands")
        #expect(same.embedded == 1)

        // Another embedder: stale vectors are recomputed once, then stored.
        let other = CountingEmbedder(identifier: "counting-b")
        _ = try await governance(other).memories.search(caller, query: "otters", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(other.embedded == 3 + 1)
        let again = CountingEmbedder(identifier: "counting-b")
        _ = try await governance(again).memories.search(caller, query: "seals", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(again.embedded == 1)

        // A lifecycle transition keeps the text and so the vector: no embedding call.
        let transitions = CountingEmbedder(identifier: "counting-b")
        let lifecycle = try await governance(transitions)
        _ = try await lifecycle.memories.transition(caller, id: hits[0].memory.item.id, to: .archived)
        #expect(transitions.embedded == 0)
        let live = try #require(hits.last?.memory.item.id)
        _ = try await lifecycle.memories.update(caller, id: live, patch: MemoryPatch(text: "gulls steal fries"))
        #expect(transitions.embedded == 1)  // a new text needs a new vector

        // The stored vectors are sealed: no float pattern of the plaintext vector is on disk.
        let store = try directory.openStore()
        let rows = try await store.memories(tenantID: caller.tenantID, cubeID: hits[0].memory.item.cubeID)
        #expect(rows.allSatisfy { $0.embedder == "counting-b" && ($0.embedding?.count ?? 0) > 64 * 4 })
        let plain = HashingEmbedder(dimensions: 64).embed(MemoryIndex.embeddingText(of: MemoryContent(text: "otters hold hands")))
        let prefix = plain.prefix(8).withUnsafeBufferPointer { Data(buffer: $0) }
        #expect(rows.allSatisfy { $0.embedding?.range(of: prefix) == nil })
    }
}
