import Foundation
import MemOSCore
import MemOSStore

/// What MemStore needs from the memory service: reading a publisher's memories live (from the
/// same in-memory indexes and sealed rows every other read uses) and presenting them to a
/// subscriber through the one presenter, so no read up, redaction and watermarks apply as
/// everywhere else. None of this changes how the tenant's own reads work.
extension MemoryService {
    /// A publisher's current memory, decrypted, or nil when absent or unreadable (a row that
    /// fails to open is audited by `open` and never returned).
    func memStoreCurrent(publisherID: UUID, id: UUID) async throws -> (MemoryItem, MemoryGovernance)? {
        guard let record = try await translatingStoreErrors({ try await self.store.memory(tenantID: publisherID, id: id) })
        else { return nil }
        return try? await open(record)
    }

    /// Ranked memories of a published cube that `admits` lets through, from the cube's live index.
    func memStoreSearch(
        publisherID: UUID, cube: CubeRecord, query: RetrievalQuery, topK: Int, clearedFor: (String) -> Bool,
        admits: (MemoryGovernance) -> Bool
    ) async throws -> [(ScoredMemory, MemoryGovernance)] {
        let box = try await loadedIndex(tenantID: publisherID, cube: cube)
        return box.search(query, limit: topK, filter: MemoryFilter(), clearedFor: clearedFor, admits: admits) ?? []
    }

    /// Ranked memories of a selection, searched in a throwaway index built from the selected
    /// memories' current versions (selections are small; nothing is kept afterwards).
    func memStoreSearch(
        publisherID: UUID, selection: [UUID], query: RetrievalQuery, topK: Int, admits: (MemoryGovernance) -> Bool
    ) async throws -> [(ScoredMemory, MemoryGovernance)] {
        var index = MemoryIndex()
        var governance: [UUID: MemoryGovernance] = [:]
        for id in selection {
            guard let record = try await translatingStoreErrors({ try await self.store.memory(tenantID: publisherID, id: id) }),
                let (item, facts) = try? await open(record), admits(facts)
            else { continue }
            index.upsert(item, vector: try? await openVector(of: record))
            governance[id] = facts
        }
        return index.search(query, limit: topK, filter: MemoryFilter()).compactMap { hit in
            governance[hit.item.id].map { (hit, $0) }
        }
    }

    /// The query as the memory service would run it (same embedder, same retrieval options).
    func memStoreQuery(_ text: String) async -> RetrievalQuery {
        let vector = try? await embedder.embed([text]).first
        return RetrievalQuery(text: text, vector: vector, options: retrieval)
    }

    /// The content a subscriber may see, or nil: the presenter's verdict for the subscriber's
    /// own role (clearance, PII treatment, watermark naming the subscriber).
    func memStorePresent(
        _ content: MemoryContent, governance: MemoryGovernance, subscriber: MemoryCaller, watermark: WatermarkStamp
    ) -> MemoryContent? {
        presenter.content(content, governance: governance, caller: subscriber, watermark: watermark)
    }

    /// Whether the subscriber's role may read a memory with these facts at all.
    func memStoreMayRead(_ governance: MemoryGovernance, subscriber: MemoryCaller) -> Bool {
        presenter.mayRead(governance, caller: subscriber)
    }
}
