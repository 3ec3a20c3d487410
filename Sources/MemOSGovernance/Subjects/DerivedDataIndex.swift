import Foundation

/// An item derived from a data subject's memories (an adapter trained on them, a KV snapshot
/// of a prefix built from them), as a subject access export lists it: what it is and why it is
/// linked to the subject, never its content.
public struct DerivedRecord: Sendable, Hashable {
    /// e.g. `sqlite:artifacts(parametric)`, as in erasure receipts.
    public let store: String
    public let id: UUID
    public let kind: String
    /// Nil when the item's sealed metadata could not be opened (reported, never skipped).
    public let name: String?
    public let version: Int
    public let label: String
    public let createdAt: Date
    /// The subject's memories among its sources.
    public let derivedFromMemories: [UUID]
    /// Whether its recorded source subjects include this one (named as a source, or the
    /// subject of a source memory).
    public let namesSubject: Bool
    /// Reasons it was flagged (kept after data it came from was erased).
    public let flags: [String]

    public init(
        store: String, id: UUID, kind: String, name: String?, version: Int, label: String, createdAt: Date,
        derivedFromMemories: [UUID], namesSubject: Bool, flags: [String]
    ) {
        self.store = store
        self.id = id
        self.kind = kind
        self.name = name
        self.version = version
        self.label = label
        self.createdAt = createdAt
        self.derivedFromMemories = derivedFromMemories
        self.namesSubject = namesSubject
        self.flags = flags
    }
}

/// A holder of data derived from memories that can say which of its items come from a data
/// subject, so a subject access export (GDPR Art. 15) lists them as erasure would reach them.
public protocol DerivedDataIndex: Sendable {
    func derivedRecords(tenantID: UUID, subjectHash: String, memoryIDs: Set<UUID>) async throws -> [DerivedRecord]
}
