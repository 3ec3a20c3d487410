import Foundation
import GRDB

/// A MemStore offering as stored: a publisher tenant's cube, or a selection of its memories,
/// offered read-only to a listed audience of other tenants under a label ceiling.
public struct OfferingRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "memstore_offerings"

    public var id: UUID
    /// The publisher.
    public var tenantID: UUID
    public var name: String
    public var description: String
    /// The published cube; nil when the offering is a selection of memories.
    public var cubeID: UUID?
    /// The highest label a subscriber may see through this offering.
    public var labelCeiling: String
    /// Roles admitted in audience tenants, comma-separated; "" admits any role.
    public var audienceRoles: String
    public var publishedBy: UUID
    public var publishedRole: String
    public var createdAt: Date

    public init(
        id: UUID, tenantID: UUID, name: String, description: String, cubeID: UUID?, labelCeiling: String,
        audienceRoles: [String], publishedBy: UUID, publishedRole: String, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.description = description
        self.cubeID = cubeID
        self.labelCeiling = labelCeiling
        self.audienceRoles = audienceRoles.joined(separator: ",")
        self.publishedBy = publishedBy
        self.publishedRole = publishedRole
        self.createdAt = createdAt
    }

    /// The admitted roles; empty means every role of an audience tenant.
    public var roles: [String] {
        audienceRoles.split(separator: ",").map(String.init)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case name
        case description
        case cubeID = "cube_id"
        case labelCeiling = "label_ceiling"
        case audienceRoles = "audience_roles"
        case publishedBy = "published_by"
        case publishedRole = "published_role"
        case createdAt = "created_at"
    }
}

/// One audience tenant of an offering.
struct OfferingAudienceRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "memstore_audience"

    var offeringID: UUID
    var tenantID: UUID

    enum CodingKeys: String, CodingKey {
        case offeringID = "offering_id"
        case tenantID = "tenant_id"
    }
}

/// One selected memory of a selection offering.
struct OfferingSelectionRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "memstore_selections"

    var offeringID: UUID
    var memoryID: UUID

    enum CodingKeys: String, CodingKey {
        case offeringID = "offering_id"
        case memoryID = "memory_id"
    }
}

/// A subscriber tenant's subscription to an offering.
public struct SubscriptionRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "memstore_subscriptions"

    public var id: UUID
    public var offeringID: UUID
    /// The subscriber.
    public var tenantID: UUID
    public var createdBy: UUID
    public var createdRole: String
    public var createdAt: Date

    public init(id: UUID, offeringID: UUID, tenantID: UUID, createdBy: UUID, createdRole: String, createdAt: Date) {
        self.id = id
        self.offeringID = offeringID
        self.tenantID = tenantID
        self.createdBy = createdBy
        self.createdRole = createdRole
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case offeringID = "offering_id"
        case tenantID = "tenant_id"
        case createdBy = "created_by"
        case createdRole = "created_role"
        case createdAt = "created_at"
    }
}
