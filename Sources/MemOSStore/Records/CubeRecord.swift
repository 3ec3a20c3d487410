import Foundation
import GRDB

/// A MemCube as stored: a named container in one subspace of one tenant.
///
/// `subspace` is the storage form: `persona/<user-id>/<role>`, `team/<name>` or `tenant`.
public struct CubeRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cubes"

    public var id: UUID
    public var tenantID: UUID
    public var subspace: String
    public var name: String
    public var createdBy: UUID?
    public var createdAt: Date

    public init(id: UUID, tenantID: UUID, subspace: String, name: String, createdBy: UUID?, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.subspace = subspace
        self.name = name
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case subspace
        case name
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}
