import Foundation

/// `POST /admin/v1/tenants`.
struct CreateTenantRequest: Decodable {
    let name: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        name = try decoder.container(keyedBy: CodingKeys.self).decodeNonEmptyString(forKey: .name)
    }
}

/// `POST /admin/v1/tenants/{tenant}/users`.
struct CreateUserRequest: Decodable {
    let username: String
    let roles: [String]
    let defaultRole: String?
    let password: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case username, roles, defaultRole = "default_role", password
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        username = try c.decodeNonEmptyString(forKey: .username)
        roles = try c.decode([String].self, forKey: .roles)
        defaultRole = try c.decodeIfPresent(String.self, forKey: .defaultRole)
        password = try c.decodeIfPresent(String.self, forKey: .password)
    }
}

/// `POST /v1/auth/token`. The one body that names a tenant: before login there is no credential
/// to take it from, and the password proves membership.
struct TokenRequest: Decodable {
    let tenant: String
    let username: String
    let password: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenant, username, password
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tenant = try c.decodeNonEmptyString(forKey: .tenant)
        username = try c.decodeNonEmptyString(forKey: .username)
        password = try c.decode(String.self, forKey: .password)
    }
}

/// `POST /v1/keys`.
struct CreateKeyRequest: Decodable {
    let name: String?
    let expiresIn: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, expiresIn = "expires_in"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        expiresIn = try c.decodeIfPresent(Int.self, forKey: .expiresIn)
        if let expiresIn, expiresIn <= 0 {
            throw RequestError.invalidField("expires_in", "must be a positive number of seconds")
        }
    }
}
