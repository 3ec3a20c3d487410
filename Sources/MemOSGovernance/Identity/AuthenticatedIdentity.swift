import Foundation
import MemOSStore

/// Who a verified credential belongs to. Built only by `IdentityService.authenticate`, never
/// from anything in a request body.
public enum AuthenticatedIdentity: Sendable {
    /// A platform operator: manages tenants, reads no tenant's memory.
    case `operator`(OperatorRecord)
    /// A user inside one tenant, with every role they hold.
    case user(TenantUserIdentity)
}

/// A tenant user as authenticated, before a request picks its acting role.
public struct TenantUserIdentity: Sendable {
    public let tenant: TenantRecord
    public let user: UserRecord
    public let roles: [String]
    /// The id of the API key used, or nil for a session token.
    public let apiKeyID: String?

    public init(tenant: TenantRecord, user: UserRecord, roles: [String], apiKeyID: String?) {
        self.tenant = tenant
        self.user = user
        self.roles = roles
        self.apiKeyID = apiKeyID
    }
}

/// An API key as handed to its owner: the only moment the full token exists outside the client.
public struct IssuedAPIKey: Sendable {
    public let record: APIKeyRecord
    public let token: String
}

/// A session token from `POST /v1/auth/token`.
public struct IssuedSessionToken: Sendable {
    public let token: String
    public let expiresAt: Date
}

/// A freshly created user with their first API key.
public struct CreatedUser: Sendable {
    public let user: UserRecord
    public let roles: [String]
    public let apiKey: IssuedAPIKey
}
