import Foundation
import MemOSStore

/// Both sides of a cross-tenant operation are audited: the subscriber's chain records its user
/// as the actor (as for any read), the publisher's chain records the same operation with
/// actor kind `memstore-subscriber`, naming the subscriber tenant, offering and subscription,
/// so each tenant's auditors see every crossing of their wall without asking the other.
extension MemStoreService {
    /// Actor kind of publisher-chain records of what a subscriber did.
    public static let subscriberActorKind = "memstore-subscriber"
    /// Actor kind of subscriber-chain records of what a publisher did (withdraw, revoke).
    public static let publisherActorKind = "memstore-publisher"

    /// The record of a subscriber's operation for the publisher's chain.
    func publisherEvent(
        _ caller: MemoryCaller, offering: OfferingRecord, subscriptionID: UUID?, action: String, resources: [String],
        status: Int, details: [String: String] = [:], syncToDisk: Bool
    ) -> AuditEvent {
        var details = details
        details["subscriber_tenant"] = Self.text(caller.tenantID)
        details["offering"] = Self.text(offering.id)
        if let subscriptionID { details["subscription"] = Self.text(subscriptionID) }
        return AuditEvent(
            tenantID: offering.tenantID, actor: Self.text(caller.user.id), actorKind: Self.subscriberActorKind,
            role: caller.role.name, action: action, resources: resources, outcome: AuditOutcome(status: status),
            status: status, requestID: caller.requestID, details: details, syncToDisk: syncToDisk)
    }

    /// The record of a publisher's change (withdrawal, revocation) for a subscriber's chain.
    func subscriberEvent(
        _ caller: MemoryCaller, subscription: SubscriptionRecord, action: String, status: Int
    ) -> AuditEvent {
        AuditEvent(
            tenantID: subscription.tenantID, actor: Self.text(caller.user.id), actorKind: Self.publisherActorKind,
            role: caller.role.name, action: action, resources: [Self.text(subscription.id)],
            outcome: AuditOutcome(status: status), status: status, requestID: caller.requestID,
            details: [
                "publisher_tenant": Self.text(caller.tenantID), "offering": Self.text(subscription.offeringID),
                "subscription": Self.text(subscription.id),
            ])
    }

    /// Runs a read through a subscription. On success the publisher's record and then the
    /// subscriber's are appended before anything is returned; if either append fails the read
    /// fails (503) and nothing is returned. Refusals are recorded on the subscriber's chain.
    func crossTenantRead<T: Sendable>(
        _ caller: MemoryCaller, _ action: String, subscription id: UUID, personal: [String: String] = [:],
        _ body: (SubscriptionAccess) async throws -> (T, resources: [String], details: [String: String], mark: String?)
    ) async throws -> T {
        do {
            let access = try await self.access(caller, subscriptionID: id)
            let (result, resources, extra, mark) = try await body(access)
            var details = extra
            details["returned"] = String(resources.count)
            if let mark { details["subscriber_mark"] = mark }
            try await memories.audit.append(
                publisherEvent(
                    caller, offering: access.offering, subscriptionID: id, action: action, resources: resources, status: 200,
                    details: details, syncToDisk: false))
            var note = MemoryService.AuditNote(resources: resources, personal: personal, details: extra, mark: mark)
            note.details["offering"] = Self.text(access.offering.id)
            note.details["subscription"] = Self.text(id)
            note.details["publisher_tenant"] = Self.text(access.offering.tenantID)
            try await memories.audit.append(memories.event(caller, action, note, outcome: .success, status: 200, syncToDisk: false))
            return result
        } catch let error as GovernanceError {
            let status = MemoryService.auditStatus(of: error)
            try? await memories.audit.append(
                memories.event(
                    caller, action,
                    MemoryService.AuditNote(
                        personal: personal,
                        details: ["reason": MemoryService.reason(of: error), "subscription": Self.text(id)]),
                    outcome: AuditOutcome(status: status), status: status))
            throw error
        }
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}
