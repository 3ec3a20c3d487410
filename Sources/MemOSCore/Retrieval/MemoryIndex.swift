import Foundation

/// A memory with its retrieval score.
public struct ScoredMemory: Sendable, Hashable {
    public let item: MemoryItem
    public let score: Double

    public init(item: MemoryItem, score: Double) {
        self.item = item
        self.score = score
    }
}

/// The searchable, in-memory view of one cube: current memories plus their lexical index.
///
/// It lives only in memory (rebuilt from the store on demand) so nothing derived from memory
/// text reaches the disk. Changes may arrive out of order from concurrent writers, so `upsert`
/// keeps the highest version and `remove` leaves a tombstone: an older write can never bring a
/// deleted or newer memory back.
public struct MemoryIndex: Sendable {
    private var lexical = BM25Index()
    private var items: [UUID: MemoryItem] = [:]
    private var tombstones: Set<UUID> = []

    public init() {}

    public var count: Int { items.count }

    public func item(id: UUID) -> MemoryItem? { items[id] }

    public mutating func upsert(_ item: MemoryItem) {
        guard !tombstones.contains(item.id) else { return }
        if let existing = items[item.id], existing.version >= item.version { return }
        items[item.id] = item
        lexical.upsert(id: item.id, text: Self.indexedText(of: item.content))
    }

    public mutating func remove(id: UUID) {
        tombstones.insert(id)
        items[id] = nil
        lexical.remove(id: id)
    }

    /// Best-first matches for `query` among memories the filter admits.
    public func search(_ query: String, limit: Int, filter: MemoryFilter = MemoryFilter()) -> [ScoredMemory] {
        let hits = lexical.search(query, limit: limit) { id in
            guard let item = items[id] else { return false }
            return filter.matches(item)
        }
        return hits.compactMap { hit in
            items[hit.id].map { ScoredMemory(item: $0, score: hit.score) }
        }
    }

    /// Every memory the filter admits, for listing without a query.
    public func all(filter: MemoryFilter) -> [MemoryItem] {
        items.values.filter(filter.matches)
    }

    /// Key and tags are searchable too: people ask for a memory by its title as often as by its words.
    static func indexedText(of content: MemoryContent) -> String {
        var parts = [content.text]
        if let key = content.key, !key.isEmpty { parts.append(key) }
        if !content.tags.isEmpty { parts.append(content.tags.joined(separator: " ")) }
        return parts.joined(separator: "\n")
    }
}
