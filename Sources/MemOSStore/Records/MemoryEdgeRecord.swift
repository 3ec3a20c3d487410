import Foundation
import GRDB

/// A relation between two memories of one tenant (summary, merged-into, follows, same entity,
/// contradicts, refined-from), with where it came from.
public struct MemoryEdgeRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "memory_edges"

    public var id: UUID
    public var tenantID: UUID
    public var fromID: UUID
    public var toID: UUID
    public var relation: String
    /// JSON object: who or what created the edge and why. Never memory text.
    public var provenance: String
    public var createdAt: Date

    public init(
        id: UUID, tenantID: UUID, fromID: UUID, toID: UUID, relation: String, provenance: String, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.fromID = fromID
        self.toID = toID
        self.relation = relation
        self.provenance = provenance
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case fromID = "from_id"
        case toID = "to_id"
        case relation
        case provenance
        case createdAt = "created_at"
    }
}
