import Foundation
import GRDB

/// A person (or service) inside one tenant. Roles are bound separately so one user can act as
/// several personas.
public struct UserRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"



    /// Disabled users keep their memories but cannot authenticate.
    public enum Status: String, Sendable, Codable, DatabaseValueConvertible {
        case active
        case disabled
    }

    public var id: UUID
    public var tenantID: UUID
    public var username: String
    /// PHC-encoded Argon2id hash; nil for users that only ever use API keys.
    public var passwordHash: String?
    public var defaultRole: String
    public var status: Status
    public var createdAt: Date

    public init(
        id: UUID, tenantID: UUID, username: String, passwordHash: String?, defaultRole: String,
        status: Status = .active, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.username = username
        self.passwordHash = passwordHash
        self.defaultRole = defaultRole
        self.status = status
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case username
        case passwordHash = "password_hash"
        case defaultRole = "default_role"
        case status
        case createdAt = "created_at"
    }
}

/// One role a user holds; a request acts as exactly one of them.
public struct RoleBindingRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "role_bindings"

    public var userID: UUID
    public var role: String

    public init(userID: UUID, role: String) {
        self.userID = userID
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case role
    }
}
