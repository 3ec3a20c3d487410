import Foundation
import MemOSCore
import MemOSStore

/// A tenant as shown to administrators.
public struct TenantSummary: Sendable {
    public let tenant: TenantRecord
    public let users: Int
}

/// A user as shown to administrators, with the roles they hold.
public struct ManagedUser: Sendable {
    public let user: UserRecord
    public let tenantName: String
    public let roles: [String]
}

/// An API key as listed to administrators (never its secret), with its recorded scopes.
public struct ManagedAPIKey: Sendable {
    public let record: APIKeyRecord
    /// nil when the key was created without scopes. Recorded and returned, not enforced.
    public let scopes: [String]?
}

/// Management of tenants, users, roles, passwords and keys for the admin API (`memos-admin`).
///
/// Authorization reuses `manageableTenant`: platform operators act anywhere, a tenant user only
/// in their own tenant and only acting as a role with `users.manage`. Another tenant's
/// resources answer 404, exactly like missing ones.
extension IdentityService {
    /// Shortest password an administrator may set.
    public static let minimumPasswordLength = 12

    // MARK: Platform

    /// How many tenants exist: operators only; nil for tenant users, who may not learn it.
    public func tenantCount(by identity: AuthenticatedIdentity) async throws -> Int? {
        guard case .operator = identity else { return nil }
        return try await managing { try await $0.tenantCount() }
    }

    // MARK: Tenants

    public func tenantSummary(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, requestID: String
    ) async throws -> TenantSummary {
        let tenant = try await administeredTenant(identity, actingRole: actingRole, tenantName: tenantName, requestID: requestID)
        return try await summary(of: tenant)
    }

    /// Suspends or resumes a tenant (operators). While suspended, every credential of its users
    /// is refused with 403; its data is kept.
    public func setTenantStatus(by identity: AuthenticatedIdentity, tenantName: String, status: TenantRecord.Status)
        async throws -> TenantSummary
    {
        try requireOperator(identity, to: status == .suspended ? "suspend tenants" : "resume tenants")
        var tenant = try await existingTenant(named: tenantName)
        guard try await managing({ try await $0.setTenantStatus(id: tenant.id, status: status) }) else {
            throw GovernanceError.notFound("no tenant '\(tenantName)'")
        }
        tenant.status = status
        return try await summary(of: tenant)
    }

    // MARK: Users

    public func managedUser(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, requestID: String
    ) async throws -> ManagedUser {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        return try await managed(user, in: tenant)
    }

    /// Disables or enables a user. A disabled user's keys and session tokens answer 401; their
    /// memories are kept.
    public func setUserStatus(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String,
        status: UserRecord.Status, requestID: String
    ) async throws -> ManagedUser {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        guard try await managing({ try await $0.setUserStatus(tenantID: tenant.id, userID: user.id, status: status) }) else {
            throw GovernanceError.notFound("no user '\(username)' in tenant '\(tenantName)'")
        }
        return try await reloaded(user, in: tenant)
    }

    /// Binds a role the active policy defines (granting one already held changes nothing).
    public func grantRole(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, role: String,
        requestID: String
    ) async throws -> ManagedUser {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        guard policy.roles.role(named: role) != nil else {
            throw GovernanceError.invalidInput(
                field: "role",
                message: "unknown role '\(role)'; the active policy defines: \(policy.roles.roles.keys.sorted().joined(separator: ", "))")
        }
        guard try await managing({ try await $0.grantRole(tenantID: tenant.id, userID: user.id, role: role) }) else {
            throw GovernanceError.notFound("no user '\(username)' in tenant '\(tenantName)'")
        }
        return try await reloaded(user, in: tenant)
    }

    /// Unbinds a role. A user keeps at least one role (409); when the default role goes, the
    /// first remaining role (by name) becomes the default.
    public func revokeRole(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, role: String,
        requestID: String
    ) async throws -> ManagedUser {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        switch try await managing({ try await $0.revokeRole(tenantID: tenant.id, userID: user.id, role: role) }) {
        case .notHeld:
            throw GovernanceError.notFound("user '\(username)' does not hold role '\(role)'")
        case .lastRole:
            throw GovernanceError.conflict(
                "'\(role)' is the only role of user '\(username)'; grant another role before revoking it")
        case .revoked:
            return try await reloaded(user, in: tenant)
        }
    }

    /// Sets a new password (Argon2id, hashed on the hasher's thread pool). Session tokens
    /// already issued stay valid until they expire; the old password stops working at once.
    public func resetPassword(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, password: String,
        requestID: String
    ) async throws {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        guard password.count >= Self.minimumPasswordLength else {
            throw GovernanceError.invalidInput(
                field: "password", message: "must be at least \(Self.minimumPasswordLength) characters")
        }
        let hash: String
        do {
            hash = try await passwordHasher.hash(password)
        } catch let error as CredentialError {
            throw GovernanceError.invalidInput(field: "password", message: "\(error)")
        }
        guard try await managing({ try await $0.setPasswordHash(tenantID: tenant.id, userID: user.id, hash: hash) }) else {
            throw GovernanceError.notFound("no user '\(username)' in tenant '\(tenantName)'")
        }
    }

    // MARK: API keys

    /// Issues a key for a user; `scopes` are recorded and returned, not enforced.
    public func createAPIKey(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, name: String?,
        expiresIn: Duration?, scopes: [String]?, requestID: String, now: Date = Date()
    ) async throws -> (key: IssuedAPIKey, scopes: [String]?) {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        if let expiresIn, expiresIn <= .zero {
            throw GovernanceError.invalidInput(field: "expires_in", message: "must be a positive number of seconds")
        }
        if let name, name.count > 128 || name.contains(where: \.isNewline) {
            throw GovernanceError.invalidInput(field: "name", message: "must be at most 128 characters on one line")
        }
        if let scopes {
            guard scopes.count <= 64 else {
                throw GovernanceError.invalidInput(field: "scopes", message: "at most 64 scopes")
            }
            for (index, scope) in scopes.enumerated()
            where !(1...128).contains(scope.count) || scope.contains(where: { $0.isWhitespace || $0.isNewline }) {
                throw GovernanceError.invalidInput(
                    field: "scopes[\(index)]", message: "a scope must be 1-128 characters without whitespace")
            }
        }
        let expiresAt = expiresIn.map { now.addingTimeInterval(Double($0.components.seconds)) }
        let key = makeAPIKey(tenantID: tenant.id, userID: user.id, name: name, expiresAt: expiresAt, now: now)
        try await managing { try await $0.insertAPIKey(key.record, scopes: scopes) }
        return (key, scopes)
    }

    /// A user's keys (revoked and expired ones included), oldest first.
    public func apiKeys(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, requestID: String
    ) async throws -> [ManagedAPIKey] {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        let records = try await managing { _ in try await self.store.apiKeys(tenantID: tenant.id, userID: user.id) }
        let scopes = try await managing { try await $0.apiKeyScopes(ids: records.map(\.id)) }
        return records.map { ManagedAPIKey(record: $0, scopes: scopes[$0.id]) }
    }

    /// Revokes any key of a tenant user: operators anywhere, tenant administrators in their own
    /// tenant. A key of another tenant (or an operator's) answers 404 to a tenant administrator.
    public func revokeManagedAPIKey(
        by identity: AuthenticatedIdentity, actingRole: String?, keyID: String, requestID: String, now: Date = Date()
    ) async throws {
        let tenantID: UUID?
        switch identity {
        case .operator:
            tenantID = nil
        case .user(let user):
            let tenant = try await administeredTenant(
                identity, actingRole: actingRole, tenantName: user.tenant.name, requestID: requestID)
            tenantID = tenant.id
        }
        try await revoke(keyID: keyID, tenantID: tenantID, now: now)
    }

    /// Revokes a key of one named user (the tenant-scoped form of `revokeManagedAPIKey`).
    public func revokeAPIKey(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, keyID: String,
        requestID: String, now: Date = Date()
    ) async throws {
        let (tenant, user) = try await administeredUser(
            identity, actingRole: actingRole, tenantName: tenantName, username: username, requestID: requestID)
        guard let key = try await managing({ _ in try await self.store.apiKey(id: keyID) }), key.tenantID == tenant.id,
            key.userID == user.id
        else {
            throw GovernanceError.notFound("no API key '\(keyID)'")
        }
        try await revoke(keyID: keyID, tenantID: tenant.id, now: now)
    }

    // MARK: Helpers

    /// The tenant an administrative request targets. A tenant user naming another tenant gets
    /// 404 (as for a missing one) before any permission check, so nothing about other tenants
    /// can be learnt; otherwise `manageableTenant` decides (operators, or `users.manage`).
    func administeredTenant(
        _ identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, requestID: String
    ) async throws -> TenantRecord {
        if case .user(let user) = identity, user.tenant.name != tenantName {
            throw GovernanceError.notFound("no tenant '\(tenantName)'")
        }
        return try await manageableTenant(
            identity, actingRole: actingRole, tenantName: tenantName, permission: .usersManage, requestID: requestID)
    }

    private func administeredUser(
        _ identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String, requestID: String
    ) async throws -> (TenantRecord, UserRecord) {
        let tenant = try await administeredTenant(identity, actingRole: actingRole, tenantName: tenantName, requestID: requestID)
        guard let user = try await managing({ _ in try await self.store.user(tenantID: tenant.id, username: username) }) else {
            throw GovernanceError.notFound("no user '\(username)' in tenant '\(tenantName)'")
        }
        return (tenant, user)
    }

    private func existingTenant(named name: String) async throws -> TenantRecord {
        guard let tenant = try await managing({ _ in try await self.store.tenant(named: name) }) else {
            throw GovernanceError.notFound("no tenant '\(name)'")
        }
        return tenant
    }

    private func summary(of tenant: TenantRecord) async throws -> TenantSummary {
        let counts = try await managing { try await $0.tenantCounts(tenantID: tenant.id) }
        return TenantSummary(tenant: tenant, users: counts.users)
    }

    private func managed(_ user: UserRecord, in tenant: TenantRecord) async throws -> ManagedUser {
        let roles = try await managing { _ in try await self.store.roles(userID: user.id) }
        return ManagedUser(user: user, tenantName: tenant.name, roles: roles)
    }

    /// The user as stored after a change.
    private func reloaded(_ user: UserRecord, in tenant: TenantRecord) async throws -> ManagedUser {
        guard let fresh = try await managing({ _ in try await self.store.user(tenantID: tenant.id, id: user.id) }) else {
            throw GovernanceError.notFound("no user '\(user.username)' in tenant '\(tenant.name)'")
        }
        return try await managed(fresh, in: tenant)
    }

    private func revoke(keyID: String, tenantID: UUID?, now: Date) async throws {
        let revoked = try await managing { _ in
            try await self.store.revokeAPIKey(id: keyID, tenantID: tenantID, at: now)
        }
        guard revoked else {
            throw GovernanceError.notFound("no active API key '\(keyID)'")
        }
    }

    /// Runs a store call with the management store, translating store failures.
    private func managing<T: Sendable>(_ body: (any ManagementStore) async throws -> T) async throws -> T {
        guard let management = store as? any ManagementStore else {
            throw GovernanceError.unavailable("this store does not support management operations")
        }
        do {
            return try await body(management)
        } catch let error as StoreError {
            switch error {
            case .notFound(let message): throw GovernanceError.notFound(message)
            case .conflict(let message): throw GovernanceError.conflict(message)
            default: throw GovernanceError.unavailable("store unavailable: \(error)")
            }
        }
    }
}
