import Foundation
import MemOSCore
import MemOSStore

/// Re-embedding: when the configured embedder changes, stored vectors made by another one are
/// recomputed in batches by a background task, with progress in the scheduler status.
extension MemScheduler {
    /// Memories per batch: one embedder call and one short write each.
    static let reembedBatch = 64

    /// Queues a re-embedding of the tenant's stale vectors when there are any; returns the task.
    @discardableResult
    public func enqueueReembedIfNeeded(tenantID: UUID) async throws -> SchedulerTaskRecord? {
        let store = memories.store
        let embedder = memories.embedder.identifier
        let stale = try await memories.translatingStoreErrors {
            try await store.staleEmbeddingCount(tenantID: tenantID, embedder: embedder)
        }
        guard stale > 0 else { return nil }
        return await queue.enqueue(
            .reembed, owner: tenantID.uuidString.lowercased(), dedupeKey: "reembed:\(tenantID.uuidString.lowercased())"
        ) { [self] context in
            let done = try await reembed(tenantID: tenantID) { completed, total in
                await context.progress(completed: completed, total: total)
            }
            return ["embedder": embedder, "memories": String(done)]
        }
    }

    /// Recomputes every stale vector of the tenant; returns how many were written. Rows that
    /// cannot be opened (a destroyed key) or were changed meanwhile are skipped; an embedder
    /// that fails makes the task fail (and retry), keeping what was written.
    func reembed(tenantID: UUID, progress: @Sendable (Int, Int) async -> Void) async throws -> Int {
        let store = memories.store
        let embedder = memories.embedder
        let total = try await memories.translatingStoreErrors {
            try await store.staleEmbeddingCount(tenantID: tenantID, embedder: embedder.identifier)
        }
        var cursor: UUID?
        var completed = 0
        var written = 0
        await progress(0, total)
        while true {
            let after = cursor
            let batch = try await memories.translatingStoreErrors {
                try await store.staleEmbeddings(tenantID: tenantID, embedder: embedder.identifier, after: after, limit: Self.reembedBatch)
            }
            guard let last = batch.last else { break }
            cursor = last.id
            var opened: [(MemoryRecord, MemoryItem)] = []
            for record in batch where !record.keyID.isEmpty {
                if let (item, _) = try? await memories.open(record) { opened.append((record, item)) }
            }
            let texts = opened.map { MemoryIndex.embeddingText(of: $0.1.content) }
            let vectors = texts.isEmpty ? [] : try await embedder.embed(texts)
            guard vectors.count == opened.count else {
                throw GovernanceError.upstream("the embedder returned \(vectors.count) vectors for \(opened.count) texts")
            }
            for ((record, _), vector) in zip(opened, vectors) {
                guard let key = try await memories.keyring.key(id: record.keyID, tenantID: tenantID) else { continue }
                let sealed = try memories.sealer.sealVector(
                    vector, binding: MemoryService.binding(of: record), embedder: embedder.identifier,
                    key: DataKey(id: record.keyID, key: key))
                try await memories.translatingStoreErrors {
                    try await store.updateEmbedding(
                        tenantID: tenantID, id: record.id, version: record.version, embedding: sealed, embedder: embedder.identifier)
                }
                written += 1
            }
            completed += batch.count
            await progress(min(completed, total), total)
        }
        return written
    }
}
