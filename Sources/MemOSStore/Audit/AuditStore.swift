import Foundation

/// Where the audit trail is kept: append-only, hash-chained per tenant key.
///
/// The store knows nothing of hashing or signing; the governance layer builds rows inside the
/// store's write transaction (see `appendAuditRecord`), so that reading the chain head and
/// writing the next record are one atomic step however many requests append at once.
public protocol AuditStore: Sendable {
    /// Reads the head of `tenantKey`'s chain (nil for an empty chain), calls `build` with it and
    /// writes what it returns, all in one write transaction. `build` runs while the database is
    /// locked for writing, so it must be quick and must not block. Returns the written record.
    /// `syncToDisk: false` relaxes the sync of this one transaction (see `AuditEvent.syncToDisk`).
    func appendAuditRecord(
        tenantKey: String, syncToDisk: Bool, build: @escaping @Sendable (AuditChainHead?) throws -> AuditAppend
    ) async throws -> AuditRow

    /// Like `appendAuditRecord`, for a checkpoint of the current head. Writes nothing and returns
    /// nil when the chain is empty.
    func appendAuditCheckpoint(
        tenantKey: String, build: @escaping @Sendable (AuditChainHead) throws -> AuditCheckpointRow
    ) async throws -> AuditCheckpointRow?

    func auditHead(tenantKey: String) async throws -> AuditChainHead?

    /// Every tenant key that has at least one record, sorted.
    func auditTenantKeys() async throws -> [String]

    /// Which seqs of the chain fall in `[from, to]` (either end open when nil).
    func auditSeqBounds(tenantKey: String, fromMillis: Int64?, toMillis: Int64?) async throws -> AuditSeqBounds

    /// Up to `limit` records with `afterSeq < seq <= throughSeq`, in seq order.
    func auditRecords(tenantKey: String, afterSeq: Int64, throughSeq: Int64, limit: Int) async throws -> [AuditRow]

    /// Up to `limit` checkpoints with `id > afterID`, `seq <= throughSeq` and time in
    /// `[fromMillis, toMillis]`, in the order they were written (which is also seq order).
    func auditCheckpoints(
        tenantKey: String, afterID: Int64, throughSeq: Int64, fromMillis: Int64?, toMillis: Int64?, limit: Int
    ) async throws -> [AuditCheckpointRow]

    /// The latest checkpoint of the chain, if any.
    func lastAuditCheckpoint(tenantKey: String) async throws -> AuditCheckpointRow?

    /// The record that issued watermark `mark` (a response's watermark id), in any tenant.
    func auditRecord(mark: String) async throws -> AuditRow?

    /// Records of the chain whose body contains the JSON string `resource` (a plain substring scan;
    /// callers filter precisely). Used rarely: leak tracing and subject requests.
    func auditRecords(tenantKey: String, mentioning resource: String, limit: Int) async throws -> [AuditRow]
}
