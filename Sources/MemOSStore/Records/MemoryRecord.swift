import Foundation
import GRDB

/// The current version of a memory as stored.
///
/// Everything a client wrote (text, tags, sources, info) lives in `payload`, an opaque blob the
/// governance layer seals, so the store never has to see or index memory text.
public struct MemoryRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "memories"

    public var id: UUID
    public var tenantID: UUID
    public var cubeID: UUID
    public var version: Int
    public var state: String
    public var payload: Data
    /// The sealed embedding of the current text, and which embedder made it; vectors are
    /// computed once and kept, not recomputed at every start.
    public var embedding: Data?
    public var embedder: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The effective sensitivity label (bound into the payload's associated data).
    public var label: String
    /// The label deciding who may see the memory at all (also bound).
    public var accessLabel: String
    /// Keyed hash of the data subject, for erasure and export without decryption.
    public var subjectHash: String
    /// The data key that sealed payload and embedding.
    public var keyID: String
    /// The memory type in the clear (retention rules select on it); nil for pre-v4 rows.
    public var memoryType: String?

    public init(
        id: UUID, tenantID: UUID, cubeID: UUID, version: Int, state: String, payload: Data,
        embedding: Data? = nil, embedder: String? = nil, createdAt: Date, updatedAt: Date,
        label: String = "internal", accessLabel: String = "internal", subjectHash: String = "", keyID: String = "",
        memoryType: String? = nil
    ) {
        self.label = label
        self.accessLabel = accessLabel
        self.subjectHash = subjectHash
        self.keyID = keyID
        self.memoryType = memoryType
        self.id = id
        self.tenantID = tenantID
        self.cubeID = cubeID
        self.version = version
        self.state = state
        self.payload = payload
        self.embedding = embedding
        self.embedder = embedder
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case cubeID = "cube_id"
        case version
        case state
        case payload
        case embedding
        case embedder
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case label
        case accessLabel = "access_label"
        case subjectHash = "subject_hash"
        case keyID = "key_id"
        case memoryType = "memory_type"
    }
}

/// One historical version of a memory; every change writes one, so history is never lost.
public struct MemoryVersionRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "memory_versions"

    public var memoryID: UUID
    public var version: Int
    public var tenantID: UUID
    public var state: String
    public var payload: Data
    public var recordedAt: Date
    public var label: String
    public var accessLabel: String
    public var subjectHash: String
    public var keyID: String

    public init(
        memoryID: UUID, version: Int, tenantID: UUID, state: String, payload: Data, recordedAt: Date,
        label: String = "internal", accessLabel: String = "internal", subjectHash: String = "", keyID: String = ""
    ) {
        self.label = label
        self.accessLabel = accessLabel
        self.subjectHash = subjectHash
        self.keyID = keyID
        self.memoryID = memoryID
        self.version = version
        self.tenantID = tenantID
        self.state = state
        self.payload = payload
        self.recordedAt = recordedAt
    }

    /// The version row that snapshots a memory record as it is now.
    public init(snapshotOf record: MemoryRecord) {
        self.init(
            memoryID: record.id, version: record.version, tenantID: record.tenantID, state: record.state,
            payload: record.payload, recordedAt: record.updatedAt, label: record.label, accessLabel: record.accessLabel,
            subjectHash: record.subjectHash, keyID: record.keyID)
    }

    enum CodingKeys: String, CodingKey {
        case memoryID = "memory_id"
        case version
        case tenantID = "tenant_id"
        case state
        case payload
        case recordedAt = "recorded_at"
        case label
        case accessLabel = "access_label"
        case subjectHash = "subject_hash"
        case keyID = "key_id"
    }
}
