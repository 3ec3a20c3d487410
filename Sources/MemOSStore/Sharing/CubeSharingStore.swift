import Foundation

/// What the store keeps for cube shares with users and roles.
public protocol CubeSharingStore: Sendable {
}

extension SQLiteStore: CubeSharingStore {}
