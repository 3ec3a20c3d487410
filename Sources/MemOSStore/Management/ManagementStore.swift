import Foundation

/// What revoking a role did, decided inside one transaction so two concurrent revocations can
/// never leave a user without roles.
public enum RoleRevocation: Sendable, Equatable {
    /// The user did not hold the role; nothing changed.
    case notHeld
    /// It is the user's only role; nothing changed.
    case lastRole
    /// Revoked; `defaultRole` is the user's default role afterwards.
    case revoked(defaultRole: String)
}

/// Row counts of one tenant, for administrators and the tenant deletion audit record.
public struct TenantCounts: Sendable, Hashable {
    public var users = 0
    public var apiKeys = 0
    public var cubes = 0
    public var memories = 0
    public var dataKeys = 0

    public init() {}
}

/// The administrative operations behind `/admin/v1` management: tenant and user status, role
/// bindings, passwords, API key scopes, and deleting a whole tenant. Every user method takes
/// the tenant id, so no call can reach another tenant's rows.
public protocol ManagementStore: Sendable {
    /// Sets a tenant's status; false when no such tenant exists.
    func setTenantStatus(id: UUID, status: TenantRecord.Status) async throws -> Bool
    func tenantCounts(tenantID: UUID) async throws -> TenantCounts
    func tenantCount() async throws -> Int

    /// Sets a user's status; false when the tenant has no such user.
    func setUserStatus(tenantID: UUID, userID: UUID, status: UserRecord.Status) async throws -> Bool
    /// Replaces a user's password hash; false when the tenant has no such user.
    func setPasswordHash(tenantID: UUID, userID: UUID, hash: String) async throws -> Bool
    /// Binds a role (no-op when already bound); false when the tenant has no such user.
    func grantRole(tenantID: UUID, userID: UUID, role: String) async throws -> Bool
    /// Unbinds a role unless it is the user's last; moves the default role to the first
    /// remaining one (by name) when the revoked role was the default.
    func revokeRole(tenantID: UUID, userID: UUID, role: String) async throws -> RoleRevocation

    /// Inserts a key together with its scopes (nil: none recorded).
    func insertAPIKey(_ key: APIKeyRecord, scopes: [String]?) async throws
    /// Recorded scopes by key id; keys without scopes are absent.
    func apiKeyScopes(ids: [String]) async throws -> [String: [String]]

    /// Deletes every data key row of a tenant (tenant and subject keys); returns how many.
    func deleteDataKeys(tenantID: UUID) async throws -> Int
    /// The (kind, scope) of each data key of a tenant, so caches can forget them.
    func dataKeyScopes(tenantID: UUID) async throws -> [(kind: String, scope: String)]
    /// Deletes the tenant row; foreign keys cascade to users, role bindings, API keys, cubes,
    /// memories (with versions and usage), edges and data keys. Audit records,
    /// which are not tied to the row, stay. False when no such tenant exists.
    func deleteTenant(id: UUID) async throws -> Bool
}
