/// What one erasure removed, per store, for the signed receipt.
public struct ErasureCounts: Sendable, Hashable, Codable {
    public var memories = 0
    public var versions = 0
    public var edges = 0
    public var usageRecords = 0

    public init() {}

    public static func + (lhs: ErasureCounts, rhs: ErasureCounts) -> ErasureCounts {
        var sum = lhs
        sum.memories += rhs.memories
        sum.versions += rhs.versions
        sum.edges += rhs.edges
        sum.usageRecords += rhs.usageRecords
        return sum
    }

    enum CodingKeys: String, CodingKey {
        case memories, versions, edges, usageRecords = "usage_records"
    }
}

/// A memory a retention rule selected, with what the sweeper needs to drop it from indexes.
public struct ExpiredMemory: Sendable, Hashable {
    public let tenantID: UUID
    public let id: UUID
    public let cubeID: UUID
    public let label: String
    public let memoryType: String?
    public let updatedAt: Date

    public init(tenantID: UUID, id: UUID, cubeID: UUID, label: String, memoryType: String?, updatedAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.cubeID = cubeID
        self.label = label
        self.memoryType = memoryType
        self.updatedAt = updatedAt
    }
}

import Foundation
