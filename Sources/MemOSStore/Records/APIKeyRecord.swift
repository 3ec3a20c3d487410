import Foundation
import GRDB

/// A stored API key: only its public id and a keyed hash of its secret, never the secret.
///
/// Exactly one of `userID` (tenant user) and `operatorID` (platform operator) is set.
public struct APIKeyRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"

    public var id: String
    public var tenantID: UUID?
    public var userID: UUID?
    public var operatorID: UUID?
    public var name: String?
    public var secretHash: String
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var createdAt: Date

    public init(
        id: String, tenantID: UUID?, userID: UUID?, operatorID: UUID?, name: String?, secretHash: String,
        expiresAt: Date?, revokedAt: Date? = nil, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.operatorID = operatorID
        self.name = name
        self.secretHash = secretHash
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case userID = "user_id"
        case operatorID = "operator_id"
        case name
        case secretHash = "secret_hash"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case createdAt = "created_at"
    }

    /// A key is usable only before its expiry and until it is revoked.
    public func isUsable(at now: Date) -> Bool {
        if revokedAt != nil { return false }
        if let expiresAt, expiresAt <= now { return false }
        return true
    }
}
