import Foundation

/// The legal moves of a memory through its lifecycle.
///
/// Generated memories (fresh from a reader, not yet confirmed) become Activated; active ones may
/// be merged into a survivor, archived when unused, or frozen to pin them; archived ones can be
/// reactivated or frozen. Frozen memories never change again, and Deleted is final. Everything
/// else is refused, so a memory's history always reads as a story that could have happened.
public enum MemoryLifecycle {
    public static func allowedTransitions(from state: MemoryState) -> [MemoryState] {
        switch state {
        case .generated: [.activated, .merged, .archived, .deleted]
        case .activated: [.merged, .archived, .frozen, .deleted]
        case .merged: [.activated, .archived, .deleted]
        case .archived: [.activated, .frozen, .deleted]
        case .frozen: []
        case .deleted: []
        }
    }

    public static func canTransition(from: MemoryState, to: MemoryState) -> Bool {
        allowedTransitions(from: from).contains(to)
    }

    /// Whether a memory in this state may still have its content edited or rolled back.
    public static func isMutable(_ state: MemoryState) -> Bool {
        state != .frozen && state != .deleted
    }

    /// The item moved to `state` as a new version, or the reason it may not move.
    public static func transition(_ item: MemoryItem, to state: MemoryState, at date: Date) throws(LifecycleError)
        -> MemoryItem
    {
        guard canTransition(from: item.state, to: state) else {
            throw .illegalTransition(from: item.state, to: state, allowed: allowedTransitions(from: item.state))
        }
        var next = item
        next.state = state
        next.version += 1
        next.updatedAt = date
        return next
    }

    /// A new version whose content equals an older one's; the state stays as it is now.
    public static func rollback(_ item: MemoryItem, to old: MemoryContent, at date: Date) throws(LifecycleError) -> MemoryItem {
        guard isMutable(item.state) else { throw .immutable(item.state) }
        var next = item
        next.content = old
        next.version += 1
        next.updatedAt = date
        return next
    }
}

/// Why the lifecycle refused a change.
public enum LifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    case illegalTransition(from: MemoryState, to: MemoryState, allowed: [MemoryState])
    case immutable(MemoryState)

    public var description: String {
        switch self {
        case .illegalTransition(let from, let to, let allowed):
            let options = allowed.isEmpty ? "none: \(from.rawValue) is final" : allowed.map(\.rawValue).joined(separator: ", ")
            return "cannot move a \(from.rawValue) memory to \(to.rawValue); allowed: \(options)"
        case .immutable(let state):
            return "a \(state.rawValue) memory cannot change"
        }
    }
}
