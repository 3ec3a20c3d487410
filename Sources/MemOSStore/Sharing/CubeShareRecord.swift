import Foundation
import GRDB

/// A cube shared with a user, a role, or one user acting as one role, inside one tenant.
///
/// `access` is `read` or `read,write`: a share lets the grantee use the cube, never reshape it
/// (manage stays with the cube's subspace grants), and never lifts the grantee's clearance.
public struct CubeShareRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cube_shares"

    public var id: UUID
    public var tenantID: UUID
    public var cubeID: UUID
    /// The user granted access; nil for a share with every user acting as `role`.
    public var userID: UUID?
    /// The role granted access; with `userID` it narrows the share to that user in that role.
    public var role: String?
    /// Comma-separated access levels: `read` or `read,write`.
    public var access: String
    public var createdBy: UUID?
    public var createdAt: Date

    public init(
        id: UUID, tenantID: UUID, cubeID: UUID, userID: UUID?, role: String?, access: String, createdBy: UUID?,
        createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.cubeID = cubeID
        self.userID = userID
        self.role = role
        self.access = access
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case cubeID = "cube_id"
        case userID = "user_id"
        case role
        case access
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}
