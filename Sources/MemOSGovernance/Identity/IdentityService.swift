import Crypto
import Foundation
import MemOSCore
import MemOSStore

/// Authentication and the management of tenants, users and keys.
///
/// Secrets never leave this type except as the one-time token handed to their owner: API key
/// secrets are stored as keyed hashes, passwords as Argon2id hashes computed off the event loop.
public struct IdentityService: Sendable {
    let store: any GatewayStore
    /// The policy in force (replaceable at runtime); `policy` is its current snapshot.
    let activePolicy: ActivePolicy
    var policy: PolicySet { activePolicy.current }
    let passwordHasher: PasswordHasher
    let keyHasher: KeyedHasher
    let sessionSigner: SessionTokenSigner
    /// A real Argon2id hash of a random password, so failed logins for unknown users cost the
    /// same as failed logins for real ones.
    let decoyHash: Task<String, any Error>

    public init(
        store: any GatewayStore, policy: PolicySet, masterKey: MasterKey,
        passwordHasher: PasswordHasher = PasswordHasher(), sessionTTL: Duration = .seconds(900)
    ) {
        self.init(
            store: store, policy: policy, apiKeySecrets: masterKey.derive(purpose: Self.apiKeyPurpose),
            sessionTokens: masterKey.derive(purpose: Self.sessionPurpose), passwordHasher: passwordHasher,
            sessionTTL: sessionTTL)
    }

    /// Takes its two secrets from the keyring (wrapped system keys), so they survive master
    /// key rotation.
    public init(
        store: any GatewayStore, policy: PolicySet, apiKeySecrets: SymmetricKey, sessionTokens: SymmetricKey,
        passwordHasher: PasswordHasher = PasswordHasher(), sessionTTL: Duration = .seconds(900),
        activePolicy: ActivePolicy? = nil
    ) {
        self.store = store
        self.activePolicy = activePolicy ?? ActivePolicy(policy)
        self.passwordHasher = passwordHasher
        self.keyHasher = KeyedHasher(key: apiKeySecrets)
        self.sessionSigner = SessionTokenSigner(key: sessionTokens, ttl: sessionTTL)
        self.decoyHash = Task { [passwordHasher] in
            try await passwordHasher.hash(UUID().uuidString)
        }
    }

    static let apiKeyPurpose = "api-key-secrets"
    static let sessionPurpose = "session-tokens"


    // MARK: Authentication

    /// Verifies a bearer credential and says whose it is; every failure is `.unauthenticated`.
    public func authenticate(bearer: String, now: Date = Date()) async throws -> AuthenticatedIdentity {
        do {
            if bearer.hasPrefix("mgk_") {
                return try await authenticateAPIKey(bearer, now: now)
            }
            if bearer.hasPrefix("mgt_") {
                return try await authenticateSession(bearer, now: now)
            }
        } catch let error as StoreError {
            throw GovernanceError.unavailable("credential store: \(error)")
        }
        throw GovernanceError.unauthenticated(
            "unsupported credential: expected an API key (mgk_...) or a session token (mgt_...)")
    }

    private func authenticateAPIKey(_ token: String, now: Date) async throws -> AuthenticatedIdentity {
        guard let parsed = APIKeyCodec.parse(token) else {
            throw GovernanceError.unauthenticated("malformed API key (bad shape or checksum)")
        }
        guard let record = try await store.apiKey(id: parsed.id), keyHasher.matches(parsed.secret, hash: record.secretHash)
        else {
            throw GovernanceError.unauthenticated("invalid API key")
        }
        if record.revokedAt != nil {
            throw GovernanceError.unauthenticated("API key \(record.id) has been revoked")
        }
        if let expiresAt = record.expiresAt, expiresAt <= now {
            throw GovernanceError.unauthenticated("API key \(record.id) expired")
        }
        if let operatorID = record.operatorID {
            guard let op = try await store.operator(id: operatorID) else {
                throw GovernanceError.unauthenticated("invalid API key")
            }
            return .operator(op)
        }
        guard let tenantID = record.tenantID, let userID = record.userID else {
            throw GovernanceError.unauthenticated("invalid API key")
        }
        return .user(try await activeUser(tenantID: tenantID, userID: userID, apiKeyID: record.id))
    }

    private func authenticateSession(_ token: String, now: Date) async throws -> AuthenticatedIdentity {
        let claims: SessionClaims
        do {
            claims = try sessionSigner.verify(token, now: now)
        } catch {
            switch error {
            case .expired: throw GovernanceError.unauthenticated("session token expired")
            case .badSignature, .malformed: throw GovernanceError.unauthenticated("invalid session token")
            }
        }
        return .user(try await activeUser(tenantID: claims.tenantID, userID: claims.userID, apiKeyID: nil))
    }

    private func activeUser(tenantID: UUID, userID: UUID, apiKeyID: String?) async throws -> TenantUserIdentity {
        guard let tenant = try await store.tenant(id: tenantID), let user = try await store.user(tenantID: tenantID, id: userID)
        else {
            throw GovernanceError.unauthenticated("credential refers to an unknown user")
        }
        // The credential is valid but its tenant may not act: 403, not 401.
        guard tenant.status == .active else {
            throw GovernanceError.forbidden("tenant '\(tenant.name)' is suspended")
        }
        guard user.status == .active else {
            throw GovernanceError.unauthenticated("user '\(user.username)' is disabled")
        }
        return TenantUserIdentity(
            tenant: tenant, user: user, roles: try await store.roles(userID: user.id), apiKeyID: apiKeyID)
    }

    /// Picks the role a request acts as: the one asked for (which the user must hold and the
    /// policy must define), else the user's default role.
    public func caller(for identity: TenantUserIdentity, requestedRole: String?, requestID: String) throws -> MemoryCaller {
        let roleName = requestedRole ?? identity.user.defaultRole
        guard identity.roles.contains(roleName) else {
            throw GovernanceError.forbidden("user '\(identity.user.username)' does not hold role '\(roleName)'")
        }
        guard let role = policy.roles.role(named: roleName) else {
            throw GovernanceError.forbidden("role '\(roleName)' is not defined by the active policy")
        }
        return MemoryCaller(
            tenant: identity.tenant, user: identity.user, role: role, heldRoles: Set(identity.roles), requestID: requestID)
    }

    /// Exchanges a username and password for a short-lived session token.
    public func issueSessionToken(tenantName: String, username: String, password: String, now: Date = Date())
        async throws -> IssuedSessionToken
    {
        let tenant = try await store.tenant(named: tenantName)
        let user = try await tenant.asyncFlatMap { try await store.user(tenantID: $0.id, username: username) }
        guard let tenant, let user, let hash = user.passwordHash else {
            // Spend the same time as a real check, so response time does not reveal which users exist.
            if let decoy = try? await decoyHash.value {
                _ = try? await passwordHasher.verify(password, against: decoy)
            }
            throw GovernanceError.unauthenticated("invalid tenant, username or password")
        }
        // A password the hasher refuses (empty, too long) fails like a wrong one: the answer
        // must not depend on whether the user exists.
        guard (try? await passwordHasher.verify(password, against: hash)) == true else {
            throw GovernanceError.unauthenticated("invalid tenant, username or password")
        }
        guard tenant.status == .active, user.status == .active else {
            throw GovernanceError.unauthenticated("account is not active")
        }
        let issued = sessionSigner.issue(userID: user.id, tenantID: tenant.id, now: now)
        return IssuedSessionToken(token: issued.token, expiresAt: issued.claims.expiresAt)
    }

    // MARK: Tenants

    public func createTenant(by identity: AuthenticatedIdentity, name: String, now: Date = Date()) async throws
        -> TenantRecord
    {
        try requireOperator(identity, to: "create tenants")
        try NameRules.validateTenantName(name)
        let tenant = TenantRecord(id: UUID.v7(at: now), name: name, createdAt: now)
        do {
            try await store.createTenant(tenant)
        } catch StoreError.conflict {
            throw GovernanceError.conflict("tenant '\(name)' already exists")
        }
        return tenant
    }

    public func tenants(by identity: AuthenticatedIdentity) async throws -> [TenantRecord] {
        switch identity {
        case .operator: return try await store.tenants()
        case .user(let user): return [user.tenant]
        }
    }

    // MARK: Users

    /// Creates a user in a tenant, with their first API key. Operators may do this in any
    /// tenant; a tenant user only in their own, acting as a role with `users.manage`.
    public func createUser(
        by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, username: String,
        roles: [String], defaultRole: String?, password: String?, requestID: String, now: Date = Date()
    ) async throws -> CreatedUser {
        let tenant = try await manageableTenant(
            identity, actingRole: actingRole, tenantName: tenantName, permission: .usersManage, requestID: requestID)
        try NameRules.validateUsername(username)
        guard !roles.isEmpty else {
            throw GovernanceError.invalidInput(field: "roles", message: "a user needs at least one role")
        }
        for role in roles where policy.roles.role(named: role) == nil {
            throw GovernanceError.invalidInput(
                field: "roles",
                message: "unknown role '\(role)'; the active policy defines: \(policy.roles.roles.keys.sorted().joined(separator: ", "))")
        }
        let defaultRole = defaultRole ?? roles[0]
        guard roles.contains(defaultRole) else {
            throw GovernanceError.invalidInput(field: "default_role", message: "default role '\(defaultRole)' is not one of the user's roles")
        }
        var passwordHash: String?
        if let password {
            do {
                passwordHash = try await passwordHasher.hash(password)
            } catch {
                throw GovernanceError.invalidInput(field: "password", message: "\(error)")
            }
        }
        let user = UserRecord(
            id: UUID.v7(at: now), tenantID: tenant.id, username: username, passwordHash: passwordHash,
            defaultRole: defaultRole, createdAt: now)
        let key = makeAPIKey(tenantID: tenant.id, userID: user.id, name: "initial", expiresAt: nil, now: now)
        do {
            try await store.createUser(user, roles: roles, key: key.record)
        } catch StoreError.conflict {
            throw GovernanceError.conflict("user '\(username)' already exists in tenant '\(tenant.name)'")
        }
        return CreatedUser(user: user, roles: Array(Set(roles)).sorted(), apiKey: key)
    }

    public func users(by identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, requestID: String)
        async throws -> [(UserRecord, [String])]
    {
        let tenant = try await manageableTenant(
            identity, actingRole: actingRole, tenantName: tenantName, permission: .usersManage, requestID: requestID)
        var result: [(UserRecord, [String])] = []
        for user in try await store.users(tenantID: tenant.id) {
            result.append((user, try await store.roles(userID: user.id)))
        }
        return result
    }

    // MARK: API keys

    /// A new key for the caller themself; `expiresIn` bounds its life.
    public func createAPIKey(for caller: MemoryCaller, name: String?, expiresIn: Duration?, now: Date = Date())
        async throws -> IssuedAPIKey
    {
        if let expiresIn, expiresIn <= .zero {
            throw GovernanceError.invalidInput(field: "expires_in", message: "must be a positive number of seconds")
        }
        let expiresAt = expiresIn.map { now.addingTimeInterval(Double($0.components.seconds)) }
        let key = makeAPIKey(tenantID: caller.tenantID, userID: caller.user.id, name: name, expiresAt: expiresAt, now: now)
        try await store.insertAPIKey(key.record)
        return key
    }

    public func apiKeys(for caller: MemoryCaller) async throws -> [APIKeyRecord] {
        try await store.apiKeys(tenantID: caller.tenantID, userID: caller.user.id)
    }

    /// Revokes a key: one's own, any in the tenant with `keys.manage`, any at all as operator.
    public func revokeAPIKey(by identity: AuthenticatedIdentity, caller: MemoryCaller?, keyID: String, now: Date = Date())
        async throws
    {
        let revoked: Bool
        switch identity {
        case .operator:
            revoked = try await store.revokeAPIKey(id: keyID, tenantID: nil, at: now)
        case .user:
            guard let caller, let key = try await store.apiKey(id: keyID), key.tenantID == caller.tenantID else {
                throw GovernanceError.notFound("no API key '\(keyID)'")
            }
            guard key.userID == caller.user.id || caller.role.permissions.contains(.keysManage) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may revoke only its own keys (needs keys.manage)")
            }
            revoked = try await store.revokeAPIKey(id: keyID, tenantID: caller.tenantID, at: now)
        }
        guard revoked else {
            throw GovernanceError.notFound("no active API key '\(keyID)'")
        }
    }

    /// The operator's bootstrap key: created once, offline, by `memos-admin init`.
    public static func bootstrapOperator(store: any GovernanceStore, masterKey: MasterKey, name: String, now: Date = Date())
        async throws -> String
    {
        let secrets = try await Keyring(store: store, masterKey: masterKey).systemKey(apiKeyPurpose)
        let op = OperatorRecord(id: UUID.v7(at: now), name: name, createdAt: now)
        let generated = APIKeyCodec.generate()
        let record = APIKeyRecord(
            id: generated.id, tenantID: nil, userID: nil, operatorID: op.id, name: "bootstrap",
            secretHash: KeyedHasher(key: secrets).hash(generated.secret), expiresAt: nil, createdAt: now)
        try await store.createOperator(op, key: record)
        return generated.token
    }

    func makeAPIKey(tenantID: UUID, userID: UUID, name: String?, expiresAt: Date?, now: Date) -> IssuedAPIKey {
        let generated = APIKeyCodec.generate()
        let record = APIKeyRecord(
            id: generated.id, tenantID: tenantID, userID: userID, operatorID: nil, name: name,
            secretHash: keyHasher.hash(generated.secret), expiresAt: expiresAt, createdAt: now)
        return IssuedAPIKey(record: record, token: generated.token)
    }

    // MARK: Authorization helpers

    func requireOperator(_ identity: AuthenticatedIdentity, to action: String) throws {
        guard case .operator = identity else {
            throw GovernanceError.forbidden("only platform operators may \(action)")
        }
    }

    /// The tenant an admin action targets, if the identity may manage it.
    func manageableTenant(
        _ identity: AuthenticatedIdentity, actingRole: String?, tenantName: String, permission: Permission,
        requestID: String
    ) async throws -> TenantRecord {
        switch identity {
        case .operator:
            guard let tenant = try await store.tenant(named: tenantName) else {
                throw GovernanceError.notFound("no tenant '\(tenantName)'")
            }
            return tenant
        case .user(let user):
            let caller = try caller(for: user, requestedRole: actingRole, requestID: requestID)
            guard caller.role.permissions.contains(permission) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' lacks the '\(permission.rawValue)' permission")
            }
            guard user.tenant.name == tenantName else {
                throw GovernanceError.forbidden("tenant administrators manage only their own tenant")
            }
            return user.tenant
        }
    }
}

extension Optional {
    /// `flatMap` for async transforms.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
