import Foundation

// MARK: - Top-k selection shared by the lexical and the vector index

/// A UUID as two big-endian integers: byte-wise ordering at the cost of two comparisons.
struct UUIDKey: Comparable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ id: UUID) {
        let bytes = id.uuid
        high = withUnsafeBytes(of: bytes) { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian }
        low = withUnsafeBytes(of: bytes) { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian }
    }

    static func < (lhs: UUIDKey, rhs: UUIDKey) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    /// The UUID back from its two halves.
    var uuid: UUID {
        let bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeBytes(of: bytes) { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }
}

/// Bounded min-heap holding the best `capacity` entries seen so far; its root is the worst of
/// them, so deciding whether a new candidate gets in is O(1) and inserting is O(log k).
struct TopHeap {
    struct Entry {
        let score: Double
        let key: UUIDKey
        let slot: Int32

        /// Higher score first, then smaller id.
        func isBetter(than other: Entry) -> Bool {
            score != other.score ? score > other.score : key < other.key
        }
    }

    private let capacity: Int
    private var entries: [Entry] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        entries.reserveCapacity(self.capacity)
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= capacity }

    /// The score a candidate must at least reach to have a chance (ties are decided by id);
    /// -infinity while the heap still has room.
    var threshold: Double {
        guard capacity > 0 else { return .infinity }
        return entries.count == capacity ? entries[0].score : -.infinity
    }

    /// Whether `candidate` would be kept if inserted now.
    func admits(_ candidate: Entry) -> Bool {
        guard capacity > 0 else { return false }
        guard entries.count == capacity else { return true }
        return candidate.isBetter(than: entries[0])
    }

    /// Adds a candidate that `admits` accepted, evicting the current worst when full.
    mutating func insert(_ candidate: Entry) {
        if entries.count < capacity {
            entries.append(candidate)
            siftUp(from: entries.count - 1)
        } else {
            entries[0] = candidate
            siftDown(from: 0)
        }
    }

    func sortedBestFirst() -> [Entry] {
        entries.sorted { $0.isBetter(than: $1) }
    }

    /// In this heap "smaller" means worse, so the worst entry sits at the root.
    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[parent].isBetter(than: entries[child]) else { return }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = entries.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worst = left
            let right = left + 1
            if right < count, entries[left].isBetter(than: entries[right]) { worst = right }
            guard entries[parent].isBetter(than: entries[worst]) else { return }
            entries.swapAt(parent, worst)
            parent = worst
        }
    }
}
