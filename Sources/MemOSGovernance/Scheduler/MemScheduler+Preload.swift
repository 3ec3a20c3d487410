import Foundation
import MemOSCore
import MemOSStore

/// Working-memory refresh and next-scene preloading: background tasks per session.
extension MemScheduler {
    func enqueueWorkingMemoryRefresh(_ key: SessionKey) async {
        await queue.enqueue(.workingMemoryRefresh, owner: key.tenantID.uuidString.lowercased(), dedupeKey: "wm:" + key.taskKey) {
            [self] _ in
            try await refreshWorkingMemory(key)
        }
    }

    func enqueuePreload(_ key: SessionKey) async {
        await queue.enqueue(.preload, owner: key.tenantID.uuidString.lowercased(), dedupeKey: "preload:" + key.taskKey) {
            [self] _ in
            try await preload(key)
        }
    }

    /// Rebuilds a session's working memory from its recent turns taken together.
    func refreshWorkingMemory(_ key: SessionKey) async throws -> [String: String] {
        guard let state = sessions.get(key) else { return ["sessions": "0"] }
        let context = state.trail.contextText()
        guard !context.isEmpty else { return ["memories": "0"] }
        let caller = state.caller
        let cubes = try await sessionCubes(state)
        let vector = try? await memories.embedder.embed([context]).first
        let hits = try await memories.rankedHits(
            caller, query: context, vector: vector, depth: policy.workingMemorySize, cubes: cubes, filter: MemoryFilter(),
            rerank: false)
        let ids = hits.prefix(policy.workingMemorySize).map(\.item.id)
        let time = now()
        sessions.with(key) { state in
            state?.workingMemory.replace(with: Array(ids))
            state?.lastRefresh = time
            state?.activeSinceRefresh = false
        }
        return ["memories": String(ids.count)]
    }

    /// Next-scene prediction for a session: retrieve for the recent turns taken together, add the
    /// latest queries' hits, their graph neighbours and time-adjacent memories (see
    /// `NextScenePredictor`), and index them on their own as the session's preloaded scene.
    /// Only memories the session's persona may read are preloaded.
    func preload(_ key: SessionKey) async throws -> [String: String] {
        guard let state = sessions.get(key) else { return ["memories": "0"] }
        let caller = state.caller
        let turn = state.trail.turnCount
        let policy = self.policy
        let context = state.trail.contextText()
        guard !context.isEmpty else { return ["memories": "0"] }
        let cubes = try await sessionCubes(state)
        let vector = try? await memories.embedder.embed([context]).first
        let contextHits = try await memories.rankedHits(
            caller, query: context, vector: vector, depth: max(1, policy.preloadSize / 2), cubes: cubes, filter: MemoryFilter(),
            rerank: false)
        let contextSeeds = contextHits.map { SceneSeed(id: $0.item.id, cubeID: $0.item.cubeID) }
        let seeds = Array(contextSeeds.prefix(5)) + state.recentHits.reversed().flatMap { $0.prefix(5) }
        var neighbours: [UUID: [UUID]] = [:]
        var adjacent: [UUID: [UUID]] = [:]
        let store = memories.store
        for seed in Set(seeds) {
            let edges = try await memories.translatingStoreErrors {
                try await store.edges(tenantID: key.tenantID, memoryID: seed.id)
            }
            neighbours[seed.id] = edges.filter(MemoryService.isFollowed).map { $0.fromID == seed.id ? $0.toID : $0.fromID }
            adjacent[seed.id] = try await memories.translatingStoreErrors {
                try await store.adjacentMemoryIDs(tenantID: key.tenantID, cubeID: seed.cubeID, around: seed.id, count: 1)
            }
        }
        let pool = NextScenePredictor.pool(
            contextHits: contextSeeds.map(\.id), recentHits: state.recentHits.map { $0.map(\.id) }, neighbours: neighbours,
            timeAdjacent: adjacent, limit: policy.preloadSize)
        let items = try await sceneItems(pool, caller: caller, cubes: cubes)
        let scene = PreloadedScene(items: items, builtAt: now(), turn: turn)
        let cubeIDs = Set(cubes.map(\.id))
        sessions.with(key) { state in
            // A newer turn's preload may have finished first: keep the newest prediction.
            guard state != nil, (state?.scene?.turn ?? -1) <= turn else { return }
            state?.scene = scene
            state?.sceneCubes = cubeIDs
        }
        return ["memories": String(items.count)]
    }

    /// The cubes a session's background work ranks over: those its latest search named (access
    /// checked again now), else every cube the persona may read.
    private func sessionCubes(_ state: SessionState) async throws -> [CubeRecord] {
        try await memories.readableCubes(state.caller).filter { state.searchCubes?.contains($0.id) ?? true }
    }

    /// The pool's memories as the loaded indexes hold them (current versions, searchable states,
    /// readable by the caller), with their stored vectors (computed when missing or stale).
    private func sceneItems(_ pool: [UUID], caller: MemoryCaller, cubes: [CubeRecord]) async throws
        -> [(MemoryItem, [Float]?)]
    {
        let presenter = memories.presenter
        let filter = MemoryFilter()
        var items: [MemoryItem] = []
        var remaining = Set(pool)
        for cube in cubes where !remaining.isEmpty {
            let box = try await memories.loadedIndex(caller, cube: cube)
            for id in remaining {
                guard let item = box.read({ $0.item(id: id) }) ?? nil, filter.matches(item),
                    let governance = box.governance(of: id), presenter.mayRead(governance, caller: caller)
                else { continue }
                items.append(item)
                remaining.remove(id)
            }
        }
        let ids = items.map(\.id)
        let records = try await memories.translatingStoreErrors { [store = memories.store] in
            try await store.memories(tenantID: caller.tenantID, ids: ids)
        }
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var vectors: [[Float]?] = []
        var missing: [Int] = []
        for (position, item) in items.enumerated() {
            var vector: [Float]?
            if let record = byID[item.id], record.version == item.version {
                vector = try? await memories.openVector(of: record)
            }
            if vector == nil { missing.append(position) }
            vectors.append(vector)
        }
        if !missing.isEmpty {
            let fresh = await memories.vectors(for: missing.map { items[$0] })
            for (position, vector) in zip(missing, fresh) { vectors[position] = vector }
        }
        return Array(zip(items, vectors))
    }
}
