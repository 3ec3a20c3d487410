import Foundation
import MemOSStore

/// Writes leak fingerprints off the request path: a memory is committed (and answered) first,
/// its fingerprint follows within moments. A crash in between loses a fingerprint, never a
/// memory; tracing flushes first, so what was written is traceable.
actor FingerprintRecorder {
    typealias Entry = (id: UUID, version: Int, hashes: [Int64])

    private let store: any FingerprintStore
    private var pending: [(tenantID: UUID, entries: [Entry])] = []
    private var writer: Task<Void, Never>?

    init(store: any FingerprintStore) {
        self.store = store
    }

    func enqueue(tenantID: UUID, entries: [Entry]) {
        pending.append((tenantID, entries))
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
            pending = []
            for (tenantID, entries) in batch {
                for entry in entries {
                    // The memory may have been deleted meanwhile; its fingerprint is then moot.
                    try? await store.replaceFingerprints(
                        tenantID: tenantID, memoryID: entry.id, version: entry.version, hashes: entry.hashes)
                }
            }
        }
        writer = nil
    }
}
