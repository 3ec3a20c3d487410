import Foundation
import MemOSStore

/// Abandoned uploads: an artifact created but never given its content holds a sealed
/// description, a data key and perhaps chunks a crash left behind, and blocks nothing but
/// still counts as data held; it expires.
extension ArtifactService {
    /// How long a created artifact may wait for its content.
    public static let pendingLifetime: TimeInterval = 24 * 60 * 60

    /// Deletes artifact versions of every tenant created more than `pendingLifetime` before
    /// `now` whose content never arrived, with their chunks and data keys; audited per tenant
    /// (`artifact.expire`, ids only) before anything is removed. Uploads in progress are left
    /// alone, and an upload cannot start on an artifact while it expires. Returns how many went.
    public func expirePendingUploads(now: Date = Date()) async throws -> Int {
        let stale = try await memories.translatingStoreErrors {
            try await self.store.pendingArtifacts(createdBefore: now.addingTimeInterval(-Self.pendingLifetime), limit: 1_000)
        }
        let claimed = Self.uploadsInFlight.withLock { inFlight in stale.filter { inFlight.insert($0.id).inserted } }
        defer { Self.uploadsInFlight.withLock { inFlight in claimed.forEach { inFlight.remove($0.id) } } }
        var expired = 0
        for (tenantID, batch) in Dictionary(grouping: claimed, by: \.tenantID) {
            try await memories.audit.append(
                AuditEvent(
                    tenantID: tenantID, actorKind: "system", action: "artifact.expire",
                    resources: batch.map { $0.id.uuidString.lowercased() },
                    details: ["reason": "content not uploaded within 24 h of creation", "count": String(batch.count)]))
            expired += try await memories.translatingStoreErrors {
                try await self.store.deleteArtifacts(tenantID: tenantID, ids: batch.map(\.id))
            }
            for record in batch {
                try await keyring.destroySubjectKey(tenantID: tenantID, subjectHash: ArtifactSealer.keyScope(record.id))
            }
        }
        return expired
    }
}
