import Foundation

/// Next-scene prediction: which memories the next query of a conversation is likely to need.
///
/// The prediction is the union, in this order, of
/// 1. the best memories for the recent turns taken together (the conversation's context),
/// 2. the latest queries' own hits (follow-up questions return to them),
/// 3. graph neighbours of the best of those (the next turn of the same conversation, a fact
///    refined from it: what the answer's surroundings say),
/// 4. memories written just before and after the best hits (time-adjacent turns),
/// cut at `limit`. Everything is deduplicated and the order is deterministic.
public enum NextScenePredictor {
    public static func pool(
        contextHits: [UUID], recentHits: [[UUID]], neighbours: [UUID: [UUID]], timeAdjacent: [UUID: [UUID]], seeds: Int = 5,
        limit: Int
    ) -> [UUID] {
        var pool: [UUID] = []
        var seen: Set<UUID> = []
        func add(_ id: UUID) {
            guard pool.count < limit, seen.insert(id).inserted else { return }
            pool.append(id)
        }
        contextHits.forEach(add)
        for hits in recentHits.reversed() { hits.forEach(add) }
        let seedIDs = Array(contextHits.prefix(seeds)) + recentHits.reversed().flatMap { $0.prefix(seeds) }
        for seed in seedIDs { (neighbours[seed] ?? []).sorted().forEach(add) }
        for seed in seedIDs { (timeAdjacent[seed] ?? []).forEach(add) }
        return pool
    }
}

/// When a search may be answered from a session's preloaded scene instead of the full index.
///
/// The judge is cheap: a keyword-only (BM25) probe of the full index for the query's best
/// `probeDepth` matches. The preloaded scene answers only when it holds every one of them: the
/// memories that lead a full search on words are then all at hand, and the scene's own hybrid
/// ranking decides among them. A query whose words match nothing (dense-only) is never answered
/// from the scene, since the probe cannot vouch for it.
public enum PreloadCriterion {
    public static func answerable(probe: [UUID], scene: Set<UUID>) -> Bool {
        !probe.isEmpty && probe.allSatisfy(scene.contains)
    }
}

/// A session's preloaded memories, indexed on their own so a query answered from them costs a
/// search over a few dozen memories rather than over every readable cube.
public struct PreloadedScene: Sendable {
    public let index: MemoryIndex
    /// The version of every member when it was preloaded; a newer version elsewhere makes the
    /// scene stale.
    public let versions: [UUID: Int]
    public let builtAt: Date
    /// The trail's turn count the scene was predicted after.
    public let turn: Int

    public init(items: [(MemoryItem, [Float]?)], builtAt: Date, turn: Int) {
        var index = MemoryIndex()
        var versions: [UUID: Int] = [:]
        for (item, vector) in items {
            index.upsert(item, vector: vector)
            versions[item.id] = item.version
        }
        self.index = index
        self.versions = versions
        self.builtAt = builtAt
        self.turn = turn
    }

    public var members: Set<UUID> { Set(versions.keys) }
    public var count: Int { versions.count }

    public func answer(_ query: RetrievalQuery, limit: Int, filter: MemoryFilter) -> [ScoredMemory] {
        index.search(query, limit: limit, filter: filter)
    }

    /// The scene without some members (erased, or changed since).
    public func removing(_ ids: Set<UUID>) -> PreloadedScene {
        var copy = self
        for id in ids where versions[id] != nil { copy.drop(id) }
        return copy
    }

    private mutating func drop(_ id: UUID) {
        var index = self.index
        index.remove(id: id)
        var versions = self.versions
        versions[id] = nil
        self = PreloadedScene(index: index, versions: versions, builtAt: builtAt, turn: turn)
    }

    private init(index: MemoryIndex, versions: [UUID: Int], builtAt: Date, turn: Int) {
        self.index = index
        self.versions = versions
        self.builtAt = builtAt
        self.turn = turn
    }
}
