import Foundation
import GRDB

/// One version of an artifact as stored: the clear columns queries need, and the sealed
/// metadata (name, model facts, provenance, size, content hash) the governance layer opens.
public struct ArtifactRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "artifacts"

    public var id: UUID
    public var tenantID: UUID
    /// `parametric` or `kv_snapshot`.
    public var kind: String
    /// Keyed hash of the artifact's name: same name, same key, next version.
    public var nameKey: String
    public var version: Int
    /// The access label (clearance needed to see it at all).
    public var label: String
    /// Storage form of the subspace (`persona/<user>/<role>`, `team/<name>`, `tenant`).
    public var subspace: String
    public var ownerUserID: UUID
    public var ownerRole: String
    /// `pending` until its content is uploaded, then `ready`.
    public var state: String
    public var size: Int
    public var chunkCount: Int
    public var keyID: String
    public var metadata: Data
    public var createdAt: Date

    public init(
        id: UUID, tenantID: UUID, kind: String, nameKey: String, version: Int, label: String, subspace: String,
        ownerUserID: UUID, ownerRole: String, state: String, size: Int, chunkCount: Int, keyID: String, metadata: Data,
        createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.kind = kind
        self.nameKey = nameKey
        self.version = version
        self.label = label
        self.subspace = subspace
        self.ownerUserID = ownerUserID
        self.ownerRole = ownerRole
        self.state = state
        self.size = size
        self.chunkCount = chunkCount
        self.keyID = keyID
        self.metadata = metadata
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, tenantID = "tenant_id", kind, nameKey = "name_key", version, label, subspace,
            ownerUserID = "owner_user_id", ownerRole = "owner_role", state, size, chunkCount = "chunk_count",
            keyID = "key_id", metadata, createdAt = "created_at"
    }
}

/// What an artifact was derived from, in a form erasure can query without decryption.
public struct ArtifactSourceRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "artifact_sources"

    public enum Kind: String, Sendable, Codable {
        case memory, subject
    }

    public var artifactID: UUID
    public var tenantID: UUID
    public var kind: Kind
    /// A memory id (lowercase UUID) or a subject's keyed hash.
    public var ref: String

    public init(artifactID: UUID, tenantID: UUID, kind: Kind, ref: String) {
        self.artifactID = artifactID
        self.tenantID = tenantID
        self.kind = kind
        self.ref = ref
    }

    enum CodingKeys: String, CodingKey {
        case artifactID = "artifact_id", tenantID = "tenant_id", kind, ref
    }
}

/// One sealed chunk of an artifact's content.
struct ArtifactChunkRecord: Sendable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "artifact_chunks"

    var artifactID: UUID
    var tenantID: UUID
    var idx: Int
    var sealed: Data

    enum CodingKeys: String, CodingKey {
        case artifactID = "artifact_id", tenantID = "tenant_id", idx, sealed
    }
}
