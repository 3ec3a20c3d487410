import Foundation
import MemOSStore

/// Counts retrievals off the search path: searches only add to an in-memory tally, which is
/// written to the store in batches (after `flushDelay`, or at `maxPending` distinct entries).
///
/// Usage is a statistic, not a committed memory: a crash loses at most the last unflushed
/// window of counts, never anything a client stored.
actor UsageRecorder {
    private struct Key: Hashable {
        let tenantID: UUID
        let memoryID: UUID
        let userID: UUID
        let role: String
    }

    private let store: any GatewayStore
    private let flushDelay: Duration
    private let maxPending: Int
    private var pending: [Key: (count: Int, last: Date)] = [:]
    private var scheduledFlush: Task<Void, Never>?

    init(store: any GatewayStore, flushDelay: Duration = .seconds(2), maxPending: Int = 2_000) {
        self.store = store
        self.flushDelay = flushDelay
        self.maxPending = maxPending
    }

    func record(tenantID: UUID, userID: UUID, role: String, memoryIDs: [UUID], at date: Date) {
        for memoryID in memoryIDs {
            let key = Key(tenantID: tenantID, memoryID: memoryID, userID: userID, role: role)
            let current = pending[key] ?? (0, date)
            pending[key] = (current.count + 1, max(current.last, date))
        }
        if pending.count >= maxPending {
            // Never make a search wait for the write: flush on the side.
            scheduledFlush?.cancel()
            scheduledFlush = Task { await self.flush() }
        } else if scheduledFlush == nil {
            scheduledFlush = Task { [flushDelay] in
                try? await Task.sleep(for: flushDelay)
                await self.flush()
            }
        }
    }

    /// Drops pending counts of erased memories, so nothing about them is written later.
    func forget(_ memoryIDs: Set<UUID>) {
        pending = pending.filter { !memoryIDs.contains($0.key.memoryID) }
    }

    /// Writes every pending count now. A failed write keeps the counts for the next attempt.
    func flush() async {
        scheduledFlush = nil
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = [:]
        let records = batch.map { key, value in
            MemoryUsageRecord(
                memoryID: key.memoryID, tenantID: key.tenantID, userID: key.userID, role: key.role, count: value.count,
                lastRetrievedAt: value.last)
        }
        do {
            try await store.recordUsage(records)
        } catch {
            for (key, value) in batch {
                let current = pending[key] ?? (0, value.last)
                pending[key] = (current.count + value.count, max(current.last, value.last))
            }
        }
    }
}
