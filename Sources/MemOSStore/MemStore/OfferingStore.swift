import Foundation

/// What the store keeps for MemStore offerings and subscriptions.
///
/// Publisher-side methods take the publisher's tenant id; subscriber-side methods take the
/// subscriber's, and find an offering only when that tenant is in its audience. No method
/// returns an offering to a tenant that is neither its publisher nor in its audience, so
/// isolation does not depend on callers remembering a check.
public protocol OfferingStore: Sendable {
    // Publisher side
    /// Stores an offering with its audience tenants and (for a selection) its memories, in one
    /// transaction. The cube and every selected memory must belong to the publisher
    /// (`StoreError.notFound` otherwise); a duplicate name is `StoreError.conflict`.
    func createOffering(_ offering: OfferingRecord, audience: [UUID], selection: [UUID]) async throws
    func offering(tenantID: UUID, id: UUID) async throws -> OfferingRecord?
    func offerings(tenantID: UUID) async throws -> [OfferingRecord]
    /// The audience tenants of one of the publisher's offerings.
    func offeringAudience(tenantID: UUID, offeringID: UUID) async throws -> [UUID]
    /// The memories a selection offering still holds (deleted ones drop out), in id order.
    func offeringSelection(tenantID: UUID, offeringID: UUID) async throws -> [UUID]
    /// Every subscription to one of the publisher's offerings.
    func offeringSubscriptions(tenantID: UUID, offeringID: UUID) async throws -> [SubscriptionRecord]
    /// Withdraws an offering: it and every subscription to it go at once. False when absent.
    func deleteOffering(tenantID: UUID, id: UUID) async throws -> Bool
    /// Removes one tenant from an offering's audience together with its subscription.
    /// False when that tenant was not in the audience.
    func revokeOffering(tenantID: UUID, offeringID: UUID, audienceTenantID: UUID) async throws -> Bool

    // Subscriber side
    /// An offering whose audience includes `audienceTenantID`, or nil.
    func offering(id: UUID, audienceTenantID: UUID) async throws -> OfferingRecord?
    /// Every offering whose audience includes `audienceTenantID`.
    func offerings(audienceTenantID: UUID) async throws -> [OfferingRecord]
    /// Stores a subscription if its tenant is (still) in the offering's audience, checked in
    /// the same transaction (`StoreError.notFound` otherwise); a second subscription of the
    /// same tenant is `StoreError.conflict`.
    func createSubscription(_ subscription: SubscriptionRecord) async throws
    func subscription(tenantID: UUID, id: UUID) async throws -> SubscriptionRecord?
    func subscriptions(tenantID: UUID) async throws -> [SubscriptionRecord]
    func deleteSubscription(tenantID: UUID, id: UUID) async throws -> Bool
}
