import Foundation
import GRDB

/// How often one user, acting as one role, got a memory back from retrieval, and when last.
/// The scheduler promotes and demotes memories by these counts.
public struct MemoryUsageRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "memory_usage"

    public var memoryID: UUID
    public var tenantID: UUID
    public var userID: UUID
    public var role: String
    public var count: Int
    public var lastRetrievedAt: Date

    public init(memoryID: UUID, tenantID: UUID, userID: UUID, role: String, count: Int, lastRetrievedAt: Date) {
        self.memoryID = memoryID
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
        self.count = count
        self.lastRetrievedAt = lastRetrievedAt
    }

    enum CodingKeys: String, CodingKey {
        case memoryID = "memory_id"
        case tenantID = "tenant_id"
        case userID = "user_id"
        case role
        case count
        case lastRetrievedAt = "last_retrieved_at"
    }
}
