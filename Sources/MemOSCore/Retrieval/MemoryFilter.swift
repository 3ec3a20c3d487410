import Foundation

/// Which memories a search may return, beyond matching the query.
///
/// Filters are applied inside the index before the top-k cut, so a filter never makes a search
/// return fewer results than exist.
public struct MemoryFilter: Sendable, Hashable {
    /// nil means any type.
    public var memoryTypes: Set<MemoryType>?
    /// A memory matches when it carries at least one of these tags; nil means any.
    public var tags: Set<String>?
    /// Archived and merged memories stay out of search unless asked for.
    public var states: Set<MemoryState>
    public var createdAfter: Date?
    public var createdBefore: Date?
    /// Exact matches on string values of `info`.
    public var info: [String: String]

    public init(
        memoryTypes: Set<MemoryType>? = nil, tags: Set<String>? = nil,
        states: Set<MemoryState> = MemoryState.searchableByDefault, createdAfter: Date? = nil,
        createdBefore: Date? = nil, info: [String: String] = [:]
    ) {
        self.memoryTypes = memoryTypes
        self.tags = tags
        self.states = states
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.info = info
    }

    /// Whether only the state is constrained (the usual search), so a caller can check it
    /// without reading the whole memory.
    var constrainsOnlyState: Bool {
        memoryTypes == nil && tags == nil && createdAfter == nil && createdBefore == nil && info.isEmpty
    }

    public func matches(_ item: MemoryItem) -> Bool {
        guard states.contains(item.state) else { return false }
        if let memoryTypes, !memoryTypes.contains(item.content.memoryType) { return false }
        if let tags, tags.isDisjoint(with: item.content.tags) { return false }
        if let createdAfter, item.createdAt < createdAfter { return false }
        if let createdBefore, item.createdAt >= createdBefore { return false }
        for (key, value) in info where item.content.info[key]?.stringValue != value {
            return false
        }
        return true
    }
}
