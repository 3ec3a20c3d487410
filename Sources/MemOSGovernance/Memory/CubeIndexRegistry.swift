import Foundation
import MemOSCore
import Synchronization

/// The in-memory search indexes of every cube this process has touched.
///
/// Indexes are built lazily from the store (decrypting as they go) and kept current by every
/// write, so a search never reads the database and nothing derived from memory text is written.
final class CubeIndexRegistry: Sendable {
    private let boxes = Mutex<[UUID: CubeIndexBox]>([:])

    func box(for cubeID: UUID) -> CubeIndexBox {
        boxes.withLock { boxes in
            if let box = boxes[cubeID] { return box }
            let box = CubeIndexBox()
            boxes[cubeID] = box
            return box
        }
    }

    /// Records a committed change; cubes not loaded yet will read it from the store when they load.
    func apply(_ change: IndexChange, cubeID: UUID) {
        let box = boxes.withLock { $0[cubeID] }
        box?.apply(change)
    }

    /// Drops every index (tests use it to prove a restart rebuilds them from the store).
    func evictAll() {
        boxes.withLock { $0.removeAll() }
    }
}

/// One committed change to a cube's memories.
enum IndexChange: Sendable {
    /// A memory's current version, with the embedding of its text when there is one, and its
    /// governance facts (labels, subject, PII), which every search consults.
    case upsert(MemoryItem, vector: [Float]?, governance: MemoryGovernance)
    case remove(UUID)
    /// An edge search follows (see `GraphExpansion.followed`), between two memories.
    case link(UUID, UUID)
}

/// What a cube's index is built from: its memories (with vectors) and its followed edges.
struct CubeContents: Sendable {
    var memories: [(MemoryItem, [Float]?, MemoryGovernance)]
    var links: [(UUID, UUID)]
}

/// One cube's index and its loading state.
///
/// Writes that land while the cube is loading are queued and replayed on top of the loaded
/// snapshot; `MemoryIndex` ignores stale versions, so a change seen twice is harmless.
final class CubeIndexBox: Sendable {
    /// Mutable index storage; only ever touched while `state`'s lock is held.
    private final class Holder: @unchecked Sendable {
        var index = MemoryIndex()
        /// Live memories by fingerprint and by explicit key, for consolidation on add.
        var byFingerprint: [String: UUID] = [:]
        var byKey: [String: UUID] = [:]
        var lookupEntries: [UUID: (fingerprint: String?, key: String?)] = [:]
        /// Labels, subject and PII spans of each live memory.
        var governance: [UUID: MemoryGovernance] = [:]
        /// How many live memories carry each effective label, so a search by a caller cleared
        /// for all of them skips the per-candidate check.
        var labelCounts: [String: Int] = [:]

        func setGovernance(_ value: MemoryGovernance?, for id: UUID) {
            if let old = governance[id] {
                labelCounts[old.label, default: 0] -= 1
                if labelCounts[old.label] == 0 { labelCounts[old.label] = nil }
            }
            governance[id] = value
            if let value { labelCounts[value.label, default: 0] += 1 }
        }
        /// Undirected adjacency over followed edges, for graph expansion.
        var neighbours: [UUID: Set<UUID>] = [:]

        func forget(_ id: UUID) {
            guard let entry = lookupEntries.removeValue(forKey: id) else { return }
            if let fingerprint = entry.fingerprint, byFingerprint[fingerprint] == id { byFingerprint[fingerprint] = nil }
            if let key = entry.key, byKey[key] == id { byKey[key] = nil }
        }

        func remember(_ item: MemoryItem) {
            forget(item.id)
            guard MemoryConsolidation.participates(item.state) else { return }
            let fingerprint = MemoryConsolidation.fingerprint(item.content.text, tokenizer: tokenizer)
            let key = MemoryConsolidation.normalizedKey(item.content.key)
            if let fingerprint { byFingerprint[fingerprint] = item.id }
            if let key { byKey[key] = item.id }
            lookupEntries[item.id] = (fingerprint, key)
        }

        let tokenizer = TextTokenizer()
    }

    private enum State {
        case unloaded
        case loading(Task<Void, any Error>, pending: [IndexChange])
        case ready(Holder)
    }

    private let state = Mutex<State>(.unloaded)

    /// Waits until the index is loaded, loading it with `loader` if nobody has started yet.
    func ensureLoaded(_ loader: @escaping @Sendable () async throws -> CubeContents) async throws {
        let task: Task<Void, any Error>? = state.withLock { state in
            switch state {
            case .ready:
                return nil
            case .loading(let task, _):
                return task
            case .unloaded:
                let task = Task { try await self.load(loader) }
                state = .loading(task, pending: [])
                return task
            }
        }
        try await task?.value
    }

    private func load(_ loader: @Sendable () async throws -> CubeContents) async throws {
        do {
            let contents = try await loader()
            let holder = Holder()
            for (item, vector, governance) in contents.memories {
                Self.apply(.upsert(item, vector: vector, governance: governance), to: holder)
            }
            for (from, to) in contents.links {
                Self.apply(.link(from, to), to: holder)
            }
            state.withLock { state in
                if case .loading(_, let pending) = state {
                    for change in pending {
                        Self.apply(change, to: holder)
                    }
                }
                state = .ready(holder)
            }
        } catch {
            state.withLock { $0 = .unloaded }
            throw error
        }
    }

    func apply(_ change: IndexChange) {
        state.withLock { state in
            switch state {
            case .unloaded:
                break
            case .loading(let task, var pending):
                pending.append(change)
                state = .loading(task, pending: pending)
            case .ready(let holder):
                Self.apply(change, to: holder)
            }
        }
    }

    private static func apply(_ change: IndexChange, to holder: Holder) {
        switch change {
        case .upsert(let item, let vector, let governance):
            holder.index.upsert(item, vector: vector)
            // Mirror only what the index accepted (it ignores stale versions and tombstones).
            if holder.index.item(id: item.id)?.version == item.version {
                holder.remember(item)
                holder.setGovernance(governance, for: item.id)
            }
        case .remove(let id):
            holder.index.remove(id: id)
            holder.forget(id)
            holder.setGovernance(nil, for: id)
            for neighbour in holder.neighbours.removeValue(forKey: id) ?? [] {
                holder.neighbours[neighbour]?.remove(id)
            }
        case .link(let from, let to):
            holder.neighbours[from, default: []].insert(to)
            holder.neighbours[to, default: []].insert(from)
        }
    }

    /// Hybrid search among the memories `admits` accepts, then expansion along followed edges
    /// within the cube (to admitted memories only); each hit comes with its governance facts.
    /// When `clearedFor` accepts every effective label present in the cube, every memory is
    /// readable and the per-candidate check is skipped (callers still check each result).
    func search(
        _ query: RetrievalQuery, limit: Int, filter: MemoryFilter, clearedFor: (String) -> Bool,
        admits: (MemoryGovernance) -> Bool
    ) -> [(ScoredMemory, MemoryGovernance)]? {
        withoutActuallyEscaping(admits) { admits in
        state.withLock { state in
            guard case .ready(let holder) = state else { return nil }
            let admitted: (UUID) -> Bool = { id in holder.governance[id].map(admits) ?? false }
            let everythingReadable = holder.labelCounts.keys.allSatisfy(clearedFor)
            var hits = holder.index.search(
                query, limit: limit, filter: filter, admitting: everythingReadable ? nil : admitted)
            if !holder.neighbours.isEmpty {
                hits = GraphExpansion.expand(
                    hits, limit: limit, neighbours: { Array(holder.neighbours[$0] ?? []) },
                    item: { admitted($0) ? holder.index.item(id: $0) : nil }, filter: filter)
            }
            return hits.compactMap { hit in holder.governance[hit.item.id].map { (hit, $0) } }
        }
        }
    }

    /// The governance facts of a live memory in this cube, if loaded.
    func governance(of id: UUID) -> MemoryGovernance? {
        state.withLock { state in
            guard case .ready(let holder) = state else { return nil }
            return holder.governance[id]
        }
    }

    /// The live memory with this fingerprint or key, if any.
    func consolidationCandidates(fingerprint: String?, key: String?) -> (duplicate: MemoryItem?, sameKey: MemoryItem?) {
        state.withLock { state in
            guard case .ready(let holder) = state else { return (nil, nil) }
            let duplicate = fingerprint.flatMap { holder.byFingerprint[$0] }.flatMap { holder.index.item(id: $0) }
            let sameKey = key.flatMap { holder.byKey[$0] }.flatMap { holder.index.item(id: $0) }
            return (duplicate, sameKey)
        }
    }

    /// Runs a read against the loaded index; nil when it is not loaded.
    func read<T>(_ body: (MemoryIndex) -> T) -> T? {
        state.withLock { state in
            guard case .ready(let holder) = state else { return nil }
            return body(holder.index)
        }
    }
}
