import Foundation
import MemOSStore

/// Purges memories older than their retention rule allows, the way erasure does (every
/// version, edge, usage record and index entry), audited per tenant before
/// anything is removed. Runs in the background every `sweepInterval`.
public struct RetentionSweeper: Sendable {
    let memories: MemoryService
    /// Read at every sweep, so an applied policy's rules take effect without a restart.
    let rules: @Sendable () -> RetentionPolicy

    public init(memories: MemoryService, policy: RetentionPolicy) {
        self.memories = memories
        self.rules = { policy }
    }

    public init(memories: MemoryService, activePolicy: ActivePolicy) {
        self.memories = memories
        self.rules = { activePolicy.current.retention }
    }

    /// Sweeps until cancelled.
    public func run() async {
        while !Task.isCancelled {
            _ = try? await sweep()
            try? await Task.sleep(for: .seconds(max(rules().sweepInterval, 1)))
        }
    }

    /// One pass; returns how many memories were purged.
    @discardableResult
    public func sweep(now: Date = Date()) async throws -> Int {
        let policy = rules()
        let ages = policy.rules.map(\.maximumAge) + (policy.defaultMaximumAge.map { [$0] } ?? [])
        guard let shortest = ages.min() else { return 0 }
        var expired: [ExpiredMemory] = []
        var cursor: UUID?
        while true {
            let page = try await memories.translatingStoreErrors { [cursor] in
                try await memories.store.memoriesLastWritten(before: now.addingTimeInterval(-shortest), after: cursor, limit: 1_000)
            }
            expired += page.filter { candidate in
                guard let age = policy.maximumAge(label: candidate.label, memoryType: candidate.memoryType ?? "") else {
                    return false
                }
                return candidate.updatedAt < now.addingTimeInterval(-age)
            }
            guard page.count == 1_000, let last = page.last else { break }
            cursor = last.id
        }
        guard !expired.isEmpty else { return 0 }
        var purged = 0
        for (tenantID, batch) in Dictionary(grouping: expired, by: \.tenantID) {
            try await memories.audit.append(
                AuditEvent(
                    tenantID: tenantID, actor: nil, actorKind: "system", role: nil, action: "retention.purge",
                    resources: batch.map { $0.id.uuidString.lowercased() }, outcome: .success, status: 200, requestID: nil,
                    personal: [:], details: ["count": String(batch.count)], mark: nil))
            let records = try await memories.translatingStoreErrors {
                var rows: [MemoryRecord] = []
                for candidate in batch {
                    if let row = try await memories.store.memory(tenantID: tenantID, id: candidate.id) { rows.append(row) }
                }
                return rows
            }
            purged += try await memories.erase(records, tenantID: tenantID).counts.memories
        }
        try await memories.translatingStoreErrors { try await memories.store.compact() }
        return purged
    }
}
