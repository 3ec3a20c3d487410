import Foundation

/// What the store keeps for scheduler tasks.
public protocol SchedulerStore: Sendable {
}

extension SQLiteStore: SchedulerStore {}
