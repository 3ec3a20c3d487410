import Foundation
import GRDB

/// A tenant: the hard wall around everything a customer stores.
public struct TenantRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tenants"

    /// Suspended tenants keep their data but every credential of theirs stops working.
    public enum Status: String, Sendable, Codable, DatabaseValueConvertible {
        case active
        case suspended
    }

    public var id: UUID
    public var name: String
    public var status: Status
    public var createdAt: Date

    public init(id: UUID, name: String, status: Status = .active, createdAt: Date) {
        self.id = id
        self.name = name
        self.status = status
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case status
        case createdAt = "created_at"
    }
}
