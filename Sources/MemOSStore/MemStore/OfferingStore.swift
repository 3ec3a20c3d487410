import Foundation

/// What the store keeps for MemStore offerings and subscriptions.
public protocol OfferingStore: Sendable {
}

extension SQLiteStore: OfferingStore {}
