import Foundation
import MemOSCore

/// What a publisher asks for when it offers memories to other tenants.
public struct OfferingDraft: Sendable {
    public var name: String
    public var description: String
    /// The cube to publish (id or name, among those the publisher may read); exclusive with `memoryIDs`.
    public var cube: String?
    /// The memories to publish (each readable by the publisher); exclusive with `cube`.
    public var memoryIDs: [UUID]?
    /// The highest label subscribers may see; nil: the policy's default label (`internal` in the
    /// shipped policy), lowered to the publisher's clearance if that is lower.
    public var labelCeiling: String?
    /// Tenants (by name) that may see and subscribe to the offering; nobody else can.
    public var audienceTenants: [String]
    /// Roles of those tenants that may read through a subscription; empty admits every role.
    public var audienceRoles: [String]

    public init(
        name: String, description: String = "", cube: String? = nil, memoryIDs: [UUID]? = nil, labelCeiling: String? = nil,
        audienceTenants: [String], audienceRoles: [String] = []
    ) {
        self.name = name
        self.description = description
        self.cube = cube
        self.memoryIDs = memoryIDs
        self.labelCeiling = labelCeiling
        self.audienceTenants = audienceTenants
        self.audienceRoles = audienceRoles
    }
}

/// An offering as its publisher sees it: what is offered, to whom, and who subscribed.
public struct OfferingView: Sendable {
    public struct Subscriber: Sendable {
        public let tenant: String
        public let subscriptionID: UUID
        public let since: Date
    }

    public let id: UUID
    public let name: String
    public let description: String
    /// The published cube, or nil for a selection.
    public let cube: CubeView?
    /// The selected memories still present, or nil for a cube offering.
    public let memoryIDs: [UUID]?
    public let labelCeiling: String
    public let audienceTenants: [String]
    public let audienceRoles: [String]
    public let subscribers: [Subscriber]
    public let publishedBy: UUID
    public let createdAt: Date
}

/// An offering as an audience tenant sees it in the catalog: no publisher internals (cube
/// subspace, publisher's users, other audience tenants).
public struct CatalogEntry: Sendable {
    public let id: UUID
    public let name: String
    public let description: String
    public let publisher: String
    /// `cube` or `selection`.
    public let kind: String
    public let labelCeiling: String
    /// Roles of the caller's tenant admitted to read; empty: every role.
    public let audienceRoles: [String]
    /// The caller's tenant's subscription to it, if any.
    public let subscriptionID: UUID?
    public let createdAt: Date
}

/// A subscription as the subscriber tenant sees it.
public struct SubscriptionView: Sendable {
    public let id: UUID
    public let offering: CatalogEntry
    public let createdAt: Date
    /// Whether the caller's acting role may read through it.
    public let readable: Bool
}

/// Where a memory read through a subscription came from.
public struct MemStoreProvenance: Sendable, Hashable {
    public let publisher: String
    public let offeringID: UUID
    public let memoryID: UUID
    public let label: String
}

/// A publisher's memory as a subscriber may see it: the presenter's view (label-checked,
/// redacted for the subscriber's role, watermarked for the subscriber), without the
/// publisher's internals (cube subspace, data subject, message-level sources).
public struct SubscribedMemory: Sendable {
    public let item: MemoryItem
    public let label: String
    public let provenance: MemStoreProvenance
}

public struct SubscribedHit: Sendable {
    public let memory: SubscribedMemory
    public let score: Double
}

public struct SubscribedPage: Sendable {
    public let memories: [SubscribedMemory]
    public let nextCursor: String?
}
