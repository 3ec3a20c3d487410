import Foundation
import MemOSGovernance
import MemOSStore

// MARK: Inputs

/// `POST /admin/v1/tenants/{tenant}/users/{username}/roles`.
struct GrantRoleRequest: Decodable {
    let role: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        role = try decoder.container(keyedBy: CodingKeys.self).decodeNonEmptyString(forKey: .role)
    }
}

/// `POST /admin/v1/tenants/{tenant}/users/{username}/password`.
struct ResetPasswordRequest: Decodable {
    let password: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case password
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.password) else { throw RequestError.missingField("password") }
        password = try c.decode(String.self, forKey: .password)
    }
}

/// `POST /admin/v1/tenants/{tenant}/users/{username}/keys`.
struct CreateUserKeyRequest: Decodable {
    let name: String?
    let expiresIn: Int?
    let scopes: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, expiresIn = "expires_in", scopes
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        expiresIn = try c.decodeIfPresent(Int.self, forKey: .expiresIn)
        scopes = try c.decodeIfPresent([String].self, forKey: .scopes)
        if let expiresIn, expiresIn <= 0 {
            throw RequestError.invalidField("expires_in", "must be a positive number of seconds")
        }
    }
}

// MARK: Outputs

/// `GET /admin/v1/status`.
struct AdminStatusOutput: Encodable {
    let version: String
    let policyHash: String
    let ready: Bool
    /// Operators only; null for tenant users.
    let tenants: Int?

    enum CodingKeys: String, CodingKey {
        case version, policyHash = "policy_hash", ready, tenants
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(policyHash, forKey: .policyHash)
        try c.encode(ready, forKey: .ready)
        try c.encode(tenants, forKey: .tenants)
    }
}

/// A tenant with its user count.
struct TenantDetailOutput: Encodable {
    let id: String
    let name: String
    let status: String
    let createdAt: Date
    let users: Int

    init(_ summary: TenantSummary) {
        id = summary.tenant.id.uuidString.lowercased()
        name = summary.tenant.name
        status = summary.tenant.status.rawValue
        createdAt = summary.tenant.createdAt
        users = summary.users
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, createdAt = "created_at", users
    }
}

struct TenantDetailEnvelope: Encodable {
    let tenant: TenantDetailOutput
}

struct ManagedUserEnvelope: Encodable {
    let user: UserOutput

    init(_ managed: ManagedUser) {
        user = UserOutput(managed.user, tenantName: managed.tenantName, roles: managed.roles)
    }
}

/// A key as created by an administrator (with its scopes), or as listed.
struct ManagedKeyOutput: Encodable {
    let id: String
    let name: String?
    let expiresAt: Date?
    let revokedAt: Date?
    let createdAt: Date
    let scopes: [String]?
    /// Creation answers leave out `revoked_at` (a new key is never revoked).
    let includeRevokedAt: Bool

    init(_ record: APIKeyRecord, scopes: [String]?, includeRevokedAt: Bool) {
        id = record.id
        name = record.name
        expiresAt = record.expiresAt
        revokedAt = record.revokedAt
        createdAt = record.createdAt
        self.scopes = scopes
        self.includeRevokedAt = includeRevokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, expiresAt = "expires_at", revokedAt = "revoked_at", createdAt = "created_at", scopes
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(expiresAt, forKey: .expiresAt)
        if includeRevokedAt { try c.encode(revokedAt, forKey: .revokedAt) }
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(scopes, forKey: .scopes)
    }
}

struct CreatedManagedKeyEnvelope: Encodable {
    let key: ManagedKeyOutput
    let apiKey: String

    enum CodingKeys: String, CodingKey {
        case key, apiKey = "api_key"
    }
}

struct ManagedKeysEnvelope: Encodable {
    let keys: [ManagedKeyOutput]
}

/// `GET /admin/v1/roles`: the roles of the loaded policy.
struct RolesEnvelope: Encodable {
    struct Grant: Encodable {
        let subspace: String
        let access: [String]
    }

    struct Role: Encodable {
        let name: String
        let description: String
        let clearance: String
        let permissions: [String]
        let grants: [Grant]

        init(_ role: RoleDefinition) {
            name = role.name
            description = role.description
            clearance = role.clearance
            permissions = role.permissions.map(\.rawValue).sorted()
            grants = role.grants.map { grant in
                Grant(
                    subspace: grant.subspace.description,
                    access: SubspaceAccess.allCases.filter(grant.access.contains).map(\.rawValue))
            }
        }
    }

    let roles: [Role]
}

/// `GET /admin/v1/policy`: the policy directory's YAML files and the hash of the loaded policy.
struct PolicyOutput: Encodable {
    struct File: Encodable {
        let name: String
        let content: String
    }

    let hash: String
    let files: [File]
}

/// `PUT /admin/v1/policy`: a complete policy directory, file by file.
struct ApplyPolicyRequest: Decodable {
    struct File: Decodable {
        let name: String
        let content: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, content
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeNonEmptyString(forKey: .name)
            content = try c.decode(String.self, forKey: .content)
        }
    }

    let files: [File]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case files
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decode([File].self, forKey: .files)
        guard !files.isEmpty else { throw RequestError.invalidField("files", "must not be empty") }
    }
}

struct AppliedPolicyOutput: Encodable {
    let hash: String
    let previousHash: String

    enum CodingKeys: String, CodingKey {
        case hash, previousHash = "previous_hash"
    }
}
