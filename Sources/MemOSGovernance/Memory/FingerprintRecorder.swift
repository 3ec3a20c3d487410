import Foundation
import MemOSStore
import Synchronization

/// Writes leak fingerprints of the memory versions that were sent to callers, off the request
/// path and in batches: what was never sent cannot leak through this gateway, so a version is
/// fingerprinted when it is first returned, once per process. A crash loses at most the
/// queued fingerprints, never a memory; tracing flushes first.
actor FingerprintRecorder {
    private let store: any FingerprintStore
    private var pending: [UUID: [FingerprintEntry]] = [:]
    private var writer: Task<Void, Never>?
    /// Versions already fingerprinted (or queued) by this process.
    private let seen = Mutex<Set<VersionKey>>([])

    struct VersionKey: Hashable {
        let id: UUID
        let version: Int
    }

    init(store: any FingerprintStore) {
        self.store = store
    }

    /// Filters out versions already fingerprinted, marking the rest as taken. Nonisolated, so
    /// a read that sends memories fingerprinted before pays one set lookup each.
    nonisolated func unseen(_ versions: [(id: UUID, version: Int)]) -> [(id: UUID, version: Int)] {
        seen.withLock { seen in
            versions.filter { seen.insert(VersionKey(id: $0.id, version: $0.version)).inserted }
        }
    }

    /// Forgets erased memories, so a later version with the same id would be fingerprinted again.
    nonisolated func forget(_ ids: Set<UUID>) {
        seen.withLock { seen in seen = seen.filter { !ids.contains($0.id) } }
    }

    func enqueue(tenantID: UUID, entries: [FingerprintEntry]) {
        guard !entries.isEmpty else { return }
        pending[tenantID, default: []] += entries
        if writer == nil {
            writer = Task { await self.drain() }
        }
    }

    /// Waits until everything queued so far is written.
    func flush() async {
        while let writer {
            await writer.value
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = [:]
            for (tenantID, entries) in batch {
                for start in stride(from: 0, to: entries.count, by: 500) {
                    // Memories deleted meanwhile are skipped by the store.
                    try? await store.replaceFingerprints(
                        tenantID: tenantID, entries: Array(entries[start..<min(start + 500, entries.count)]))
                }
            }
        }
        writer = nil
    }
}
