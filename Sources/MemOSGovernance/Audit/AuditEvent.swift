import Foundation

/// How an audited operation ended, as a reviewer would first filter on it.
public enum AuditOutcome: String, Sendable, Codable, CaseIterable {
    case success
    /// The operation was allowed but failed (bad input, missing resource, dependency down).
    case failure
    /// Authentication or policy refused it.
    case denied

    /// The outcome an HTTP-like status stands for: refusals of who asks (401, 403, and 404,
    /// which answers for what the caller may not see) are denials, other errors failures.
    public init(status: Int) {
        switch status {
        case ..<400: self = .success
        case 401, 403, 404: self = .denied
        default: self = .failure
        }
    }
}

/// What a caller reports about one operation; `AuditLog` turns it into a chained record.
///
/// Nothing here may carry memory text. Values that could be personal data (query text, a data
/// subject, a username) go in `personal`, which is stored only as keyed HMACs: a reviewer holding
/// the tenant's key can test "was this the query?", a reader of the file learns nothing.
public struct AuditEvent: Sendable, Equatable {
    /// The tenant whose chain gets the record; nil for platform-level events (operator actions,
    /// failed authentication that named no tenant).
    public var tenantID: UUID?
    /// Who acted: a user, operator or API key id (never a username, which is personal).
    public var actor: String?
    /// "user", "operator", "anonymous" or "system".
    public var actorKind: String
    /// The role the caller acted as.
    public var role: String?
    /// Dotted verb, e.g. `memory.search`, `auth.failure`, `subject.erase`.
    public var action: String
    /// Ids of the resources touched (memories, cubes, users, keys).
    public var resources: [String]
    public var outcome: AuditOutcome
    /// The HTTP-like status the caller got.
    public var status: Int
    public var requestID: String?
    /// Field name → value that may be personal data; stored only as `hmac-sha256:<hex>`.
    public var personal: [String: String]
    /// Field name → non-personal detail (counts, labels, reasons), stored as given.
    public var details: [String: String]
    /// The watermark id issued with this response, so a leaked excerpt leads back here.
    public var mark: String?
    /// Whether the record must reach the disk (fsync) before `append` returns. Records of
    /// changes must, since the change commits after them; records of reads are written with
    /// SQLite's NORMAL sync in WAL mode: they survive any process crash, and a power loss can
    /// lose only the last reads' records, never a change's.
    public var syncToDisk: Bool

    public init(
        tenantID: UUID?, actor: String? = nil, actorKind: String = "user", role: String? = nil, action: String,
        resources: [String] = [], outcome: AuditOutcome = .success, status: Int = 200, requestID: String? = nil,
        personal: [String: String] = [:], details: [String: String] = [:], mark: String? = nil,
        syncToDisk: Bool = true
    ) {
        self.syncToDisk = syncToDisk
        self.tenantID = tenantID
        self.actor = actor
        self.actorKind = actorKind
        self.role = role
        self.action = action
        self.resources = resources
        self.outcome = outcome
        self.status = status
        self.requestID = requestID
        self.personal = personal
        self.details = details
        self.mark = mark
    }
}
