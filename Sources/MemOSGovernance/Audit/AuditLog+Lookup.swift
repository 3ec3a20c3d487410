import Foundation
import MemOSStore

extension AuditLog {
    /// The record that issued watermark `mark` (hex), in whichever tenant (nil: platform), as a
    /// summary: the first step of a leak trace. Throws `GovernanceError.integrity` if that
    /// record was altered in the database.
    public func record(mark: String) async throws -> (tenantID: UUID?, record: AuditRecordSummary)? {
        guard let record = try await fullRecord(mark: mark) else { return nil }
        return (record.tenantID, AuditRecordSummary(record))
    }

    /// The full record that issued watermark `mark`.
    public func fullRecord(mark: String) async throws -> AuditRecord? {
        let row: AuditRow?
        do {
            row = try await store.auditRecord(mark: mark)
        } catch {
            throw GovernanceError.unavailable("audit trail unavailable: \(error)")
        }
        return try row.map(Self.decode)
    }

    /// Writes a signed checkpoint of the tenant's chain now and returns what it covers, so an
    /// erasure receipt can name the exact audit position its erasure record precedes.
    /// Nil when the tenant has no records.
    func checkpointForReceipt(tenantID: UUID) async throws -> ErasureReceipt.Checkpoint? {
        let tenantKey = AuditFormat.tenantKey(tenantID)
        let nowMillis = AuditTime.millis(now())
        do {
            let row = try await store.appendAuditCheckpoint(tenantKey: tenantKey) { [self] head in
                try signedCheckpoint(tenantKey: tenantKey, head: head, timeMillis: max(nowMillis, head.timeMillis))
            }
            guard let row, case .string(let hash)? = try AuditJSON.parse(Array(row.body.utf8))["head_hash"] else {
                return nil
            }
            return ErasureReceipt.Checkpoint(seq: Int(row.seq), hash: hash)
        } catch {
            throw GovernanceError.unavailable("audit trail unavailable: \(error)")
        }
    }

    /// Every audited operation of `tenantID` that touched resource `id` (who received a memory,
    /// under which role and request), oldest first, at most `limit`.
    public func recipients(ofResource id: String, tenantID: UUID, limit: Int = 10_000) async throws
        -> [AuditRecordSummary]
    {
        let rows: [AuditRow]
        do {
            rows = try await store.auditRecords(
                tenantKey: AuditFormat.tenantKey(tenantID), mentioning: AuditJSON.string(id).canonical.dropFirst().dropLast()
                    .description, limit: limit)
        } catch {
            throw GovernanceError.unavailable("audit trail unavailable: \(error)")
        }
        return try rows.map(Self.decode).filter { $0.resources.contains(id) }.map(AuditRecordSummary.init)
    }

    private static func decode(_ row: AuditRow) throws -> AuditRecord {
        do {
            return try AuditRecord(row: row.body, hash: row.hash)
        } catch {
            throw GovernanceError.integrity("audit record \(row.tenantKey)#\(row.seq): \(error)")
        }
    }
}
