import Foundation
import GRDB

/// One stored audit record: its canonical body and hash, plus copies of a few body fields that
/// lookups need (the copies are never trusted by verification; the body is).
public struct AuditRow: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit_records"

    /// Lowercased tenant UUID, or "platform" for events that belong to no tenant.
    public var tenantKey: String
    /// Position in the tenant's chain, starting at 1 with no gaps.
    public var seq: Int64
    /// Milliseconds since 1970 UTC; never earlier than anything before it in the chain.
    public var timeMillis: Int64
    public var action: String
    public var requestID: String?
    public var mark: String?
    /// Canonical JSON of the record, including the previous record's hash.
    public var body: String
    /// SHA-256 of `body`, lowercase hex.
    public var hash: String

    public init(
        tenantKey: String, seq: Int64, timeMillis: Int64, action: String, requestID: String?, mark: String?,
        body: String, hash: String
    ) {
        self.tenantKey = tenantKey
        self.seq = seq
        self.timeMillis = timeMillis
        self.action = action
        self.requestID = requestID
        self.mark = mark
        self.body = body
        self.hash = hash
    }

    public enum CodingKeys: String, CodingKey {
        case tenantKey = "tenant_key"
        case seq
        case timeMillis = "time_ms"
        case action
        case requestID = "request_id"
        case mark
        case body
        case hash
    }
}

/// One stored, signed checkpoint: "the chain of `tenantKey` ended at `seq` at this time".
public struct AuditCheckpointRow: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit_checkpoints"

    /// Assigned by the store; increases with every checkpoint written.
    public var id: Int64?
    public var tenantKey: String
    public var seq: Int64
    public var timeMillis: Int64
    /// Canonical JSON of the signed statement.
    public var body: String
    /// Ed25519 signature over the UTF-8 bytes of `body`, standard base64.
    public var signature: String

    public init(id: Int64? = nil, tenantKey: String, seq: Int64, timeMillis: Int64, body: String, signature: String) {
        self.id = id
        self.tenantKey = tenantKey
        self.seq = seq
        self.timeMillis = timeMillis
        self.body = body
        self.signature = signature
    }

    public enum CodingKeys: String, CodingKey {
        case id
        case tenantKey = "tenant_key"
        case seq
        case timeMillis = "time_ms"
        case body
        case signature
    }
}

/// The current end of one tenant's chain, as the next append or checkpoint must continue it.
public struct AuditChainHead: Sendable, Hashable {
    public var seq: Int64
    public var hash: String
    /// Time of the latest record or checkpoint of this chain, in milliseconds since 1970 UTC.
    public var timeMillis: Int64

    public init(seq: Int64, hash: String, timeMillis: Int64) {
        self.seq = seq
        self.hash = hash
        self.timeMillis = timeMillis
    }
}

/// What one append writes: the record and, when due, a checkpoint covering it (same transaction).
public struct AuditAppend: Sendable {
    public var record: AuditRow
    public var checkpoint: AuditCheckpointRow?

    public init(record: AuditRow, checkpoint: AuditCheckpointRow? = nil) {
        self.record = record
        self.checkpoint = checkpoint
    }
}

/// The records of a chain that fall in a time window: `first...last` by seq.
public struct AuditSeqBounds: Sendable, Hashable {
    /// First seq stamped at or after the window's start (nil: no record in the window).
    public var first: Int64?
    /// Last seq stamped at or before the window's end (nil: no record up to then).
    public var last: Int64?
    /// Hash of the record at `last`.
    public var lastHash: String?

    public init(first: Int64?, last: Int64?, lastHash: String?) {
        self.first = first
        self.last = last
        self.lastHash = lastHash
    }
}
