import Foundation

/// A session's working memory: a bounded set of memory ids, weighted by how recently and how
/// highly they were retrieved in the conversation.
///
/// Each observation decays every weight, then adds 1/rank for every hit, so memories that keep
/// coming back stay and a topic's memories fade once the conversation moves on. Ties break by
/// id, so the same observations always give the same set.
public struct WorkingMemorySet: Sendable, Hashable {
    public let capacity: Int
    public let decay: Double
    public private(set) var weights: [UUID: Double] = [:]

    public init(capacity: Int = 16, decay: Double = 0.8) {
        self.capacity = max(1, capacity)
        self.decay = min(max(decay, 0), 1)
    }

    /// Adds a ranked list of hits (best first).
    public mutating func observe(_ ranked: [UUID]) {
        for id in weights.keys { weights[id]! *= decay }
        for (rank, id) in ranked.enumerated() {
            weights[id, default: 0] += 1 / Double(rank + 1)
        }
        trim()
    }

    /// Starts over from a ranked list (an intent shift or a timed refresh).
    public mutating func replace(with ranked: [UUID]) {
        weights = [:]
        observe(ranked)
    }

    /// Forgets memories (erased, or no longer readable).
    public mutating func remove(_ ids: Set<UUID>) {
        for id in ids { weights[id] = nil }
    }

    /// The members, heaviest first.
    public var ranked: [UUID] {
        weights.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }

    public var count: Int { weights.count }

    private mutating func trim() {
        guard weights.count > capacity else { return }
        weights = Dictionary(uniqueKeysWithValues: ranked.prefix(capacity).map { ($0, weights[$0]!) })
    }
}
