import Foundation

/// Graph expansion of a ranked list: memories linked to a good hit (the next turn of the same
/// conversation, a fact refined from it, the same entity) often hold what the query needs
/// without sharing its words, so they join the list at a fraction of their neighbour's score.
public enum GraphExpansion {
    /// Relations worth following at search time. Merges and contradictions point at settled
    /// memories that search hides anyway.
    public static let followed: Set<MemoryRelation> = [.follows, .sameEntity, .refinedFrom, .summarizes]

    /// `hits` plus the neighbours of the best `seeds` of them, scored `decay` × the neighbour's
    /// score, best first, at most `limit`. A memory already in `hits` keeps its own score.
    public static func expand(
        _ hits: [ScoredMemory], seeds: Int = 5, decay: Double = 0.5, limit: Int,
        neighbours: (UUID) -> [UUID], item: (UUID) -> MemoryItem?, filter: MemoryFilter
    ) -> [ScoredMemory] {
        var byID = Dictionary(hits.map { ($0.item.id, $0) }, uniquingKeysWith: { first, _ in first })
        for hit in hits.prefix(seeds) {
            for id in neighbours(hit.item.id) where byID[id] == nil {
                guard let neighbour = item(id), filter.matches(neighbour) else { continue }
                byID[id] = ScoredMemory(item: neighbour, score: hit.score * decay)
            }
        }
        return byID.values
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.item.id < $1.item.id }
            .prefix(limit).map { $0 }
    }
}
