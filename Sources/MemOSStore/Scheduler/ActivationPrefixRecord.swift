import Foundation
import GRDB

/// One persona's stored activation prefix: sealed content plus the ids of its memories.
public struct ActivationPrefixRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "activation_prefixes"

    public var tenantID: UUID
    public var userID: UUID
    public var role: String
    /// JSON array of lowercase memory ids (see `memoryIDList`).
    public var memoryIDs: String
    public var sealed: Data
    public var builtAt: Date

    public init(tenantID: UUID, userID: UUID, role: String, memoryIDs: [UUID], sealed: Data, builtAt: Date) {
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
        let strings = memoryIDs.map { $0.uuidString.lowercased() }
        self.memoryIDs = String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
        self.sealed = sealed
        self.builtAt = builtAt
    }

    /// The memory ids, in prefix order.
    public var memoryIDList: [UUID] {
        let strings = (try? JSONDecoder().decode([String].self, from: Data(memoryIDs.utf8))) ?? []
        return strings.compactMap(UUID.init(uuidString:))
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id"
        case userID = "user_id"
        case role
        case memoryIDs = "memory_ids"
        case sealed
        case builtAt = "built_at"
    }
}

/// A persona's retrieval total for one memory (summed over nothing else: usage rows are
/// already per user and role).
public struct PersonaKey: Sendable, Hashable {
    public let userID: UUID
    public let role: String

    public init(userID: UUID, role: String) {
        self.userID = userID
        self.role = role
    }
}
