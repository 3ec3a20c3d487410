import Foundation
import MemOSCore
import MemOSGovernance

/// An offering as its publisher sees it.
struct OfferingOutput: Encodable {
    struct Audience: Encodable {
        let tenants: [String]
        let roles: [String]
    }

    struct Subscriber: Encodable {
        let tenant: String
        let subscription: String
        let since: Date
    }

    let id: String
    let name: String
    let description: String
    let kind: String
    let cube: CubeOutput?
    let memoryIDs: [String]?
    let labelCeiling: String
    let audience: Audience
    let subscribers: [Subscriber]
    let publishedBy: String
    let createdAt: Date

    init(_ view: OfferingView) {
        id = view.id.uuidString.lowercased()
        name = view.name
        description = view.description
        kind = view.cube == nil ? "selection" : "cube"
        cube = view.cube.map(CubeOutput.init)
        memoryIDs = view.memoryIDs?.map { $0.uuidString.lowercased() }
        labelCeiling = view.labelCeiling
        audience = Audience(tenants: view.audienceTenants, roles: view.audienceRoles)
        subscribers = view.subscribers.map {
            Subscriber(tenant: $0.tenant, subscription: $0.subscriptionID.uuidString.lowercased(), since: $0.since)
        }
        publishedBy = view.publishedBy.uuidString.lowercased()
        createdAt = view.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, kind, cube, memoryIDs = "memory_ids", labelCeiling = "label_ceiling", audience,
            subscribers, publishedBy = "published_by", createdAt = "created_at"
    }
}

struct OfferingEnvelope: Encodable {
    let offering: OfferingOutput
}

struct OfferingsEnvelope: Encodable {
    let offerings: [OfferingOutput]
}

/// An offering as an audience tenant sees it.
struct CatalogEntryOutput: Encodable {
    let id: String
    let name: String
    let description: String
    let publisher: String
    let kind: String
    let labelCeiling: String
    let audienceRoles: [String]
    let subscription: String?
    let createdAt: Date

    init(_ entry: CatalogEntry) {
        id = entry.id.uuidString.lowercased()
        name = entry.name
        description = entry.description
        publisher = entry.publisher
        kind = entry.kind
        labelCeiling = entry.labelCeiling
        audienceRoles = entry.audienceRoles
        subscription = entry.subscriptionID?.uuidString.lowercased()
        createdAt = entry.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, publisher, kind, labelCeiling = "label_ceiling", audienceRoles = "audience_roles",
            subscription, createdAt = "created_at"
    }
}

struct CatalogEnvelope: Encodable {
    let offerings: [CatalogEntryOutput]
}

struct SubscriptionOutput: Encodable {
    let id: String
    let offering: CatalogEntryOutput
    let readable: Bool
    let createdAt: Date

    init(_ view: SubscriptionView) {
        id = view.id.uuidString.lowercased()
        offering = CatalogEntryOutput(view.offering)
        readable = view.readable
        createdAt = view.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, offering, readable, createdAt = "created_at"
    }
}

struct SubscriptionEnvelope: Encodable {
    let subscription: SubscriptionOutput
}

struct SubscriptionsEnvelope: Encodable {
    let subscriptions: [SubscriptionOutput]
}

/// A publisher's memory as a subscriber receives it, with where it came from.
struct SubscribedMemoryOutput: Encodable {
    struct Provenance: Encodable {
        let publisher: String
        let offering: String
        let memory: String
        let label: String
    }

    let id: String
    let text: String
    let key: String?
    let tags: [String]
    let memoryType: String
    let state: String
    let version: Int
    let background: String?
    let confidence: Double?
    let info: [String: JSONValue]
    let createdAt: Date
    let updatedAt: Date
    let label: String
    let provenance: Provenance

    init(_ memory: SubscribedMemory) {
        let item = memory.item
        id = item.id.uuidString.lowercased()
        text = item.content.text
        key = item.content.key
        tags = item.content.tags
        memoryType = item.content.memoryType.rawValue
        state = item.state.rawValue
        version = item.version
        background = item.content.background
        confidence = item.content.confidence
        info = item.content.info
        createdAt = item.createdAt
        updatedAt = item.updatedAt
        label = memory.label
        provenance = Provenance(
            publisher: memory.provenance.publisher, offering: memory.provenance.offeringID.uuidString.lowercased(),
            memory: memory.provenance.memoryID.uuidString.lowercased(), label: memory.provenance.label)
    }

    enum CodingKeys: String, CodingKey {
        case id, text, key, tags, memoryType = "memory_type", state, version, background, confidence, info,
            createdAt = "created_at", updatedAt = "updated_at", label, provenance
    }
}

struct SubscribedMemoryEnvelope: Encodable {
    let memory: SubscribedMemoryOutput
}

struct SubscribedMemoriesEnvelope: Encodable {
    let memories: [SubscribedMemoryOutput]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case memories, nextCursor = "next_cursor"
    }
}

struct SubscribedSearchResultOutput: Encodable {
    let memory: SubscribedMemoryOutput
    let score: Double
}

struct SubscribedSearchEnvelope: Encodable {
    let results: [SubscribedSearchResultOutput]
}
