import Foundation
import MemOSCore
import MemOSStore

/// MemStore: a tenant publishes a cube, or a selection of its memories, as a read-only offering
/// to named tenants (and, in them, named roles) under a label ceiling; those tenants subscribe
/// and read the publisher's memories live through the subscription.
///
/// The tenant wall stays where it was: every lookup is keyed by the caller's tenant (publisher
/// side) or by the caller's tenant's place in an audience (subscriber side), an offering a tenant
/// may not see answers exactly like a missing one, nothing can be written through a
/// subscription, and withdrawal or revocation takes effect on the next read, since nothing is
/// copied or cached: every read goes to the publisher's current memories.
public struct MemStoreService: Sendable {
    let memories: MemoryService

    /// Most memories one selection offering may name.
    public static let maxSelection = 1_000
    /// Most audience tenants of one offering.
    public static let maxAudience = 100

    public init(memories: MemoryService) {
        self.memories = memories
    }

    var store: any GovernanceStore { memories.store }
    var policy: PolicySet { memories.activePolicy.current }

    // MARK: Publisher

    /// Publishes an offering. Needs `memstore.publish` and read access to the cube or every
    /// selected memory; the ceiling may not exceed the publisher's clearance.
    public func publish(_ caller: MemoryCaller, _ draft: OfferingDraft, now: Date = Date()) async throws -> OfferingView {
        try await memories.auditedWrite(caller, "memstore.publish") {
            try require(.memstorePublish, caller, to: "publish MemStore offerings")
            let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...128).contains(name.count), name == draft.name else {
                throw GovernanceError.invalidInput(
                    field: "name", message: "must be 1-128 characters without leading or trailing whitespace")
            }
            guard draft.description.count <= 2_000 else {
                throw GovernanceError.invalidInput(field: "description", message: "at most 2000 characters")
            }
            let ceiling = try labelCeiling(draft.labelCeiling, caller: caller)
            var cube: CubeRecord?
            var selection: [UUID] = []
            switch (draft.cube, draft.memoryIDs) {
            case (let reference?, nil):
                cube = try await memories.resolveCube(caller, reference: reference, access: .read)
            case (nil, let ids?):
                guard (1...Self.maxSelection).contains(ids.count) else {
                    throw GovernanceError.invalidInput(
                        field: "memory_ids", message: "must name 1-\(Self.maxSelection) memories (got \(ids.count))")
                }
                for id in ids where !selection.contains(id) {
                    _ = try await memories.readableStored(caller, id: id)
                    selection.append(id)
                }
            default:
                throw GovernanceError.invalidInput(field: nil, message: "provide exactly one of 'cube' or 'memory_ids'")
            }
            let audience = try await audienceTenants(draft.audienceTenants, caller: caller)
            let roles = try audienceRoles(draft.audienceRoles)
            let record = OfferingRecord(
                id: UUID.v7(at: now), tenantID: caller.tenantID, name: name, description: draft.description,
                cubeID: cube?.id, labelCeiling: ceiling, audienceRoles: roles, publishedBy: caller.user.id,
                publishedRole: caller.role.name, createdAt: now.roundedToMilliseconds)
            try await memories.auditSuccess(
                caller, "memstore.publish",
                MemoryService.AuditNote(
                    resources: [Self.text(record.id)] + (cube.map { [Self.text($0.id)] } ?? selection.map(Self.text)),
                    details: [
                        "label_ceiling": ceiling, "audience_tenants": audience.map { Self.text($0.id) }.joined(separator: ","),
                        "audience_roles": roles.joined(separator: ","), "kind": cube == nil ? "selection" : "cube",
                    ]),
                status: 201)
            do {
                try await store.createOffering(record, audience: audience.map(\.id), selection: selection)
            } catch StoreError.conflict {
                throw GovernanceError.conflict("an offering named '\(name)' already exists")
            } catch let error as StoreError {
                throw MemoryService.translate(error)
            }
            return try await offeringView(record, caller: caller)
        }
    }

    /// The caller's tenant's offerings, with audience and subscribers.
    public func offerings(_ caller: MemoryCaller) async throws -> [OfferingView] {
        try await memories.auditedRead(caller, "memstore.offering.list") {
            try require(.memstorePublish, caller, to: "list MemStore offerings")
            let records = try await memories.translatingStoreErrors { try await store.offerings(tenantID: caller.tenantID) }
            var views: [OfferingView] = []
            for record in records { views.append(try await offeringView(record, caller: caller)) }
            return (views, MemoryService.AuditNote(resources: views.map { Self.text($0.id) }))
        }
    }

    /// One of the caller's tenant's offerings.
    public func offering(_ caller: MemoryCaller, id: UUID) async throws -> OfferingView {
        try await memories.auditedRead(caller, "memstore.offering.read") {
            try require(.memstorePublish, caller, to: "read MemStore offerings")
            let record = try await ownOffering(caller, id: id)
            return (try await offeringView(record, caller: caller), MemoryService.AuditNote(resources: [Self.text(id)]))
        }
    }

    /// Withdraws an offering: every subscription to it loses access at once. Each subscriber's
    /// chain records the withdrawal too.
    public func withdraw(_ caller: MemoryCaller, id: UUID) async throws {
        try await memories.auditedWrite(caller, "memstore.withdraw") {
            try require(.memstorePublish, caller, to: "withdraw MemStore offerings")
            let record = try await ownOffering(caller, id: id)
            let subscriptions = try await memories.translatingStoreErrors {
                try await store.offeringSubscriptions(tenantID: caller.tenantID, offeringID: record.id)
            }
            try await memories.auditSuccess(
                caller, "memstore.withdraw",
                MemoryService.AuditNote(
                    resources: [Self.text(id)] + subscriptions.map { Self.text($0.id) },
                    details: ["subscriptions": String(subscriptions.count)]),
                status: 204)
            for subscription in subscriptions {
                try await memories.audit.append(subscriberEvent(caller, subscription: subscription, action: "memstore.withdraw", status: 204))
            }
            guard try await memories.translatingStoreErrors({ try await store.deleteOffering(tenantID: caller.tenantID, id: id) })
            else { throw GovernanceError.notFound("no offering \(Self.text(id))") }
        }
    }

    /// Takes one tenant out of an offering's audience; its subscription goes with it.
    public func revoke(_ caller: MemoryCaller, offeringID: UUID, tenant name: String) async throws -> OfferingView {
        try await memories.auditedWrite(caller, "memstore.revoke") {
            try require(.memstorePublish, caller, to: "revoke MemStore subscribers")
            let record = try await ownOffering(caller, id: offeringID)
            let audience = try await memories.translatingStoreErrors {
                try await store.offeringAudience(tenantID: caller.tenantID, offeringID: offeringID)
            }
            guard let tenant = try await memories.translatingStoreErrors({ try await store.tenant(named: name) }),
                audience.contains(tenant.id)
            else {
                throw GovernanceError.notFound("tenant '\(name)' is not in the audience of offering \(Self.text(offeringID))")
            }
            let subscriptions = try await memories.translatingStoreErrors {
                try await store.offeringSubscriptions(tenantID: caller.tenantID, offeringID: offeringID)
            }.filter { $0.tenantID == tenant.id }
            try await memories.auditSuccess(
                caller, "memstore.revoke",
                MemoryService.AuditNote(
                    resources: [Self.text(offeringID)] + subscriptions.map { Self.text($0.id) },
                    details: ["revoked_tenant": Self.text(tenant.id)]))
            for subscription in subscriptions {
                try await memories.audit.append(subscriberEvent(caller, subscription: subscription, action: "memstore.revoke", status: 200))
            }
            _ = try await memories.translatingStoreErrors {
                try await store.revokeOffering(tenantID: caller.tenantID, offeringID: offeringID, audienceTenantID: tenant.id)
            }
            return try await offeringView(record, caller: caller)
        }
    }

    // MARK: Subscriber

    /// Offerings addressed to the caller's tenant that the caller may use: all of them for a
    /// role that may subscribe, otherwise those whose audience admits the acting role.
    public func catalog(_ caller: MemoryCaller) async throws -> [CatalogEntry] {
        try await memories.auditedRead(caller, "memstore.catalog") {
            let records = try await memories.translatingStoreErrors { try await store.offerings(audienceTenantID: caller.tenantID) }
            let subscribed = try await memories.translatingStoreErrors { try await store.subscriptions(tenantID: caller.tenantID) }
            var entries: [CatalogEntry] = []
            for record in records where caller.role.has(.memstoreSubscribe) || admits(record, caller) {
                guard let publisher = try await activePublisher(of: record) else { continue }
                entries.append(
                    catalogEntry(record, publisher: publisher, subscriptionID: subscribed.first { $0.offeringID == record.id }?.id))
            }
            return (entries, MemoryService.AuditNote(resources: entries.map { Self.text($0.id) }))
        }
    }

    /// Subscribes the caller's tenant. Needs `memstore.subscribe`; an offering not addressed to
    /// the caller's tenant answers like a missing one. Both tenants' chains record it.
    public func subscribe(_ caller: MemoryCaller, offeringID: UUID, now: Date = Date()) async throws -> SubscriptionView {
        try await memories.auditedWrite(caller, "memstore.subscribe") {
            try require(.memstoreSubscribe, caller, to: "subscribe to MemStore offerings")
            guard let offering = try await memories.translatingStoreErrors({
                try await store.offering(id: offeringID, audienceTenantID: caller.tenantID)
            }), let publisher = try await activePublisher(of: offering)
            else { throw GovernanceError.notFound("no offering \(Self.text(offeringID))") }
            let record = SubscriptionRecord(
                id: UUID.v7(at: now), offeringID: offeringID, tenantID: caller.tenantID, createdBy: caller.user.id,
                createdRole: caller.role.name, createdAt: now.roundedToMilliseconds)
            try await memories.auditSuccess(
                caller, "memstore.subscribe",
                MemoryService.AuditNote(
                    resources: [Self.text(record.id), Self.text(offeringID)],
                    details: ["offering": Self.text(offeringID), "publisher_tenant": Self.text(publisher.id)]),
                status: 201)
            try await memories.audit.append(
                publisherEvent(
                    caller, offering: offering, subscriptionID: record.id, action: "memstore.subscribe",
                    resources: [Self.text(offeringID), Self.text(record.id)], status: 201, syncToDisk: true))
            do {
                try await store.createSubscription(record)
            } catch StoreError.conflict {
                throw GovernanceError.conflict("tenant '\(caller.tenant.name)' already subscribes to offering \(Self.text(offeringID))")
            } catch StoreError.notFound {
                throw GovernanceError.notFound("no offering \(Self.text(offeringID))")
            } catch let error as StoreError {
                throw MemoryService.translate(error)
            }
            return SubscriptionView(
                id: record.id, offering: catalogEntry(offering, publisher: publisher, subscriptionID: record.id),
                createdAt: record.createdAt, readable: admits(offering, caller))
        }
    }

    /// The caller's tenant's subscriptions: all of them for a role that may subscribe,
    /// otherwise those the acting role may read through.
    public func subscriptions(_ caller: MemoryCaller) async throws -> [SubscriptionView] {
        try await memories.auditedRead(caller, "memstore.subscription.list") {
            let records = try await memories.translatingStoreErrors { try await store.subscriptions(tenantID: caller.tenantID) }
            var views: [SubscriptionView] = []
            for record in records {
                guard let view = try await subscriptionView(record, caller: caller),
                    view.readable || caller.role.has(.memstoreSubscribe)
                else { continue }
                views.append(view)
            }
            return (views, MemoryService.AuditNote(resources: views.map { Self.text($0.id) }))
        }
    }

    /// One subscription of the caller's tenant.
    public func subscription(_ caller: MemoryCaller, id: UUID) async throws -> SubscriptionView {
        try await memories.auditedRead(caller, "memstore.subscription.read") {
            guard let record = try await memories.translatingStoreErrors({ try await store.subscription(tenantID: caller.tenantID, id: id) }),
                let view = try await subscriptionView(record, caller: caller), view.readable || caller.role.has(.memstoreSubscribe)
            else { throw GovernanceError.notFound("no subscription \(Self.text(id))") }
            return (view, MemoryService.AuditNote(resources: [Self.text(id)]))
        }
    }

    /// Ends a subscription (needs `memstore.subscribe`); both chains record it.
    public func unsubscribe(_ caller: MemoryCaller, id: UUID) async throws {
        try await memories.auditedWrite(caller, "memstore.unsubscribe") {
            try require(.memstoreSubscribe, caller, to: "end MemStore subscriptions")
            guard let record = try await memories.translatingStoreErrors({ try await store.subscription(tenantID: caller.tenantID, id: id) })
            else { throw GovernanceError.notFound("no subscription \(Self.text(id))") }
            try await memories.auditSuccess(
                caller, "memstore.unsubscribe",
                MemoryService.AuditNote(
                    resources: [Self.text(id), Self.text(record.offeringID)], details: ["offering": Self.text(record.offeringID)]),
                status: 204)
            if let offering = try await memories.translatingStoreErrors({
                try await store.offering(id: record.offeringID, audienceTenantID: caller.tenantID)
            }) {
                try await memories.audit.append(
                    publisherEvent(
                        caller, offering: offering, subscriptionID: id, action: "memstore.unsubscribe",
                        resources: [Self.text(offering.id), Self.text(id)], status: 204, syncToDisk: true))
            }
            guard try await memories.translatingStoreErrors({ try await store.deleteSubscription(tenantID: caller.tenantID, id: id) })
            else { throw GovernanceError.notFound("no subscription \(Self.text(id))") }
        }
    }

    // MARK: Shared checks

    /// A subscription the caller may read through, with its offering and publisher. A missing
    /// subscription, or one whose offering was withdrawn, revoked or whose publisher is
    /// suspended, is not found; an acting role outside the audience is refused.
    func access(_ caller: MemoryCaller, subscriptionID id: UUID) async throws -> SubscriptionAccess {
        guard let subscription = try await memories.translatingStoreErrors({ try await store.subscription(tenantID: caller.tenantID, id: id) }),
            let offering = try await memories.translatingStoreErrors({
                try await store.offering(id: subscription.offeringID, audienceTenantID: caller.tenantID)
            }),
            let publisher = try await activePublisher(of: offering)
        else { throw GovernanceError.notFound("no subscription \(Self.text(id))") }
        guard admits(offering, caller) else {
            throw GovernanceError.forbidden(
                "role '\(caller.role.name)' is not in the audience of offering '\(offering.name)' (admitted: \(offering.roles.joined(separator: ", ")))")
        }
        var cube: CubeRecord?
        if let cubeID = offering.cubeID {
            guard let found = try await memories.translatingStoreErrors({ try await memories.directory.cube(tenantID: publisher.id, id: cubeID) })
            else { throw GovernanceError.notFound("no subscription \(Self.text(id))") }
            cube = found
        }
        return SubscriptionAccess(subscription: subscription, offering: offering, publisher: publisher, cube: cube)
    }

    /// Whether the offering's audience admits the caller's acting role (its tenant is checked
    /// by the store lookup).
    func admits(_ offering: OfferingRecord, _ caller: MemoryCaller) -> Bool {
        offering.roles.isEmpty || offering.roles.contains(caller.role.name)
    }

    func require(_ permission: Permission, _ caller: MemoryCaller, to what: String) throws {
        guard caller.role.has(permission) else {
            throw GovernanceError.forbidden("role '\(caller.role.name)' may not \(what) (needs \(permission.rawValue))")
        }
    }

    private func activePublisher(of offering: OfferingRecord) async throws -> TenantRecord? {
        guard let tenant = try await memories.translatingStoreErrors({ try await store.tenant(id: offering.tenantID) }),
            tenant.status == .active
        else { return nil }
        return tenant
    }

    private func ownOffering(_ caller: MemoryCaller, id: UUID) async throws -> OfferingRecord {
        guard let record = try await memories.translatingStoreErrors({ try await store.offering(tenantID: caller.tenantID, id: id) })
        else { throw GovernanceError.notFound("no offering \(Self.text(id))") }
        return record
    }

    /// The requested ceiling (a label of the scale, at most the publisher's clearance), or the
    /// default: the policy's default label, lowered to the clearance if that is lower.
    private func labelCeiling(_ requested: String?, caller: MemoryCaller) throws -> String {
        let scale = policy.labels
        let clearance = caller.role.clearance
        guard let requested else {
            return scale.allows(clearance: clearance, toRead: scale.defaultLabel) ? scale.defaultLabel : clearance
        }
        guard scale.contains(requested) else {
            throw GovernanceError.invalidInput(
                field: "label_ceiling", message: "unknown label '\(requested)' (expected one of: \(scale.levels.joined(separator: ", ")))")
        }
        guard scale.allows(clearance: clearance, toRead: requested) else {
            throw GovernanceError.forbidden(
                "label ceiling '\(requested)' is above role '\(caller.role.name)' clearance '\(clearance)'")
        }
        return requested
    }

    private func audienceTenants(_ names: [String], caller: MemoryCaller) async throws -> [TenantRecord] {
        guard (1...Self.maxAudience).contains(names.count) else {
            throw GovernanceError.invalidInput(
                field: "audience.tenants", message: "must name 1-\(Self.maxAudience) tenants (an offering nobody may see is useless)")
        }
        var tenants: [TenantRecord] = []
        for name in names {
            guard name != caller.tenant.name else {
                throw GovernanceError.invalidInput(
                    field: "audience.tenants", message: "an offering is for other tenants; share within '\(name)' with cubes")
            }
            guard let tenant = try await memories.translatingStoreErrors({ try await store.tenant(named: name) }) else {
                throw GovernanceError.invalidInput(field: "audience.tenants", message: "no tenant named '\(name)'")
            }
            if !tenants.contains(where: { $0.id == tenant.id }) { tenants.append(tenant) }
        }
        return tenants
    }

    private func audienceRoles(_ names: [String]) throws -> [String] {
        var roles: [String] = []
        for name in names where !roles.contains(name) {
            guard policy.roles.role(named: name) != nil else {
                throw GovernanceError.invalidInput(
                    field: "audience.roles",
                    message: "unknown role '\(name)' (expected one of: \(policy.roles.roles.keys.sorted().joined(separator: ", ")))")
            }
            roles.append(name)
        }
        return roles
    }

    // MARK: Views

    private func offeringView(_ record: OfferingRecord, caller: MemoryCaller) async throws -> OfferingView {
        try await memories.translatingStoreErrors {
            let audience = try await store.offeringAudience(tenantID: caller.tenantID, offeringID: record.id)
            var names: [String] = []
            for id in audience {
                if let tenant = try await store.tenant(id: id) { names.append(tenant.name) }
            }
            var subscribers: [OfferingView.Subscriber] = []
            for subscription in try await store.offeringSubscriptions(tenantID: caller.tenantID, offeringID: record.id) {
                guard let tenant = try await store.tenant(id: subscription.tenantID) else { continue }
                subscribers.append(.init(tenant: tenant.name, subscriptionID: subscription.id, since: subscription.createdAt))
            }
            var cube: CubeView?
            var selection: [UUID]?
            if let cubeID = record.cubeID {
                cube = try await memories.directory.cube(tenantID: caller.tenantID, id: cubeID).map { memories.view(of: $0, for: caller) }
            } else {
                selection = try await store.offeringSelection(tenantID: caller.tenantID, offeringID: record.id)
            }
            return OfferingView(
                id: record.id, name: record.name, description: record.description, cube: cube, memoryIDs: selection,
                labelCeiling: record.labelCeiling, audienceTenants: names.sorted(), audienceRoles: record.roles,
                subscribers: subscribers, publishedBy: record.publishedBy, createdAt: record.createdAt)
        }
    }

    func catalogEntry(_ record: OfferingRecord, publisher: TenantRecord, subscriptionID: UUID?) -> CatalogEntry {
        CatalogEntry(
            id: record.id, name: record.name, description: record.description, publisher: publisher.name,
            kind: record.cubeID == nil ? "selection" : "cube", labelCeiling: record.labelCeiling, audienceRoles: record.roles,
            subscriptionID: subscriptionID, createdAt: record.createdAt)
    }

    private func subscriptionView(_ record: SubscriptionRecord, caller: MemoryCaller) async throws -> SubscriptionView? {
        guard let offering = try await memories.translatingStoreErrors({
            try await store.offering(id: record.offeringID, audienceTenantID: caller.tenantID)
        }), let publisher = try await activePublisher(of: offering)
        else { return nil }
        return SubscriptionView(
            id: record.id, offering: catalogEntry(offering, publisher: publisher, subscriptionID: record.id),
            createdAt: record.createdAt, readable: admits(offering, caller))
    }
}

/// A subscription resolved for a read: what it reaches and whose it is.
struct SubscriptionAccess: Sendable {
    let subscription: SubscriptionRecord
    let offering: OfferingRecord
    let publisher: TenantRecord
    /// The published cube; nil for a selection.
    let cube: CubeRecord?
}
