import Foundation
import MemOSCore
import MemOSStore

/// A session search's results, and whether the session's preloaded scene answered it.
public struct SessionSearchResult: Sendable {
    public let hits: [SearchHit]
    /// True when the preloaded scene answered (see `PreloadCriterion`), false after a full search.
    public let preloadHit: Bool
}

/// Searches within a session: answered from the preloaded scene when it holds what a full
/// search would lead with, and observed to keep working memory and the next preload current.
extension MemScheduler {
    /// A governed search (same validation, no read up, redaction, watermarks, usage counts and
    /// audit record as `MemoryService.search`) in the named session of the acting persona.
    ///
    /// The preloaded scene answers only the plain form of a search (no filters, no reranking)
    /// over the same cubes it was preloaded from, while younger than `preload.max_age`, and only
    /// when it holds every one of the full index's best `preload.probe` keyword matches the
    /// caller may read. Every result is checked against the live index (same version, still
    /// readable); anything stale falls back to the full search.
    public func search(
        _ caller: MemoryCaller, session: String, query: String, topK: Int, cubes references: [String]?, filter: MemoryFilter,
        rerank: Bool = true
    ) async throws -> SessionSearchResult {
        let key = SessionKey(caller, session: session)
        let (result, vector, cubeIDs) = try await memories.auditedRead(
            caller, "memory.search", personal: ["query": query, "session": session]
        ) { () async throws -> ((SessionSearchResult, [Float]?, Set<UUID>), MemoryService.AuditNote) in
            try Self.validateSession(session)
            let cubes = try await memories.searchTargets(caller, query: query, topK: topK, cubes: references)
            let vector = try? await memories.embedder.embed([query]).first
            var ranked: [MemoryService.RankedHit]?
            if filter == MemoryFilter(), !(rerank && memories.reranker != nil) {
                ranked = try await answerFromScene(key, caller: caller, query: query, vector: vector, topK: topK, cubes: cubes)
            }
            let preloadHit = ranked != nil
            let final: [MemoryService.RankedHit]
            if let ranked {
                final = ranked
            } else {
                final = try await memories.rankedHits(
                    caller, query: query, vector: vector, depth: topK, cubes: cubes, filter: filter, rerank: rerank)
            }
            var (hits, note) = try await memories.presentHits(caller, final, topK: topK)
            note.details["preload"] = preloadHit ? "hit" : "miss"
            return ((SessionSearchResult(hits: hits, preloadHit: preloadHit), vector, Set(cubes.map(\.id))), note)
        }
        sessions.countSearch(tenantID: caller.tenantID, preloadHit: result.preloadHit)
        await observe(
            caller, session: session, text: query, vector: vector,
            hits: result.hits.map { SceneSeed(id: $0.memory.item.id, cubeID: $0.memory.item.cubeID) },
            cubes: references == nil ? nil : cubeIDs)
        return result
    }

    /// The scene's ranking of the query, or nil when the scene may not answer it.
    private func answerFromScene(
        _ key: SessionKey, caller: MemoryCaller, query: String, vector: [Float]?, topK: Int, cubes: [CubeRecord]
    ) async throws -> [MemoryService.RankedHit]? {
        let policy = self.policy
        guard let state = sessions.get(key), let scene = state.scene, scene.count > 0,
            now().timeIntervalSince(scene.builtAt) <= policy.preloadMaxAge, state.sceneCubes == Set(cubes.map(\.id))
        else { return nil }
        let presenter = memories.presenter
        let filter = MemoryFilter()
        var boxes: [UUID: (box: CubeIndexBox, cube: CubeRecord)] = [:]
        var probe: [ScoredMemory] = []
        for cube in cubes {
            let box = try await memories.loadedIndex(caller, cube: cube)
            boxes[cube.id] = (box, cube)
            let hits = box.read { $0.search(query, limit: policy.preloadProbe * 4, filter: filter) } ?? []
            probe += hits.filter { hit in
                box.governance(of: hit.item.id).map { presenter.mayRead($0, caller: caller) } ?? false
            }.prefix(policy.preloadProbe)
        }
        probe.sort { $0.score != $1.score ? $0.score > $1.score : $0.item.id < $1.item.id }
        guard PreloadCriterion.answerable(probe: probe.prefix(policy.preloadProbe).map(\.item.id), scene: scene.members) else {
            return nil
        }
        let answer = scene.answer(
            RetrievalQuery(text: query, vector: vector, options: memories.retrieval), limit: topK, filter: filter)
        guard !answer.isEmpty else { return nil }
        var ranked: [MemoryService.RankedHit] = []
        for hit in answer {
            guard let (box, cube) = boxes[hit.item.cubeID], let live = box.read({ $0.item(id: hit.item.id) }) ?? nil,
                live.version == hit.item.version, let governance = box.governance(of: live.id),
                presenter.mayRead(governance, caller: caller)
            else {
                // Changed or gone since it was preloaded: the scene is stale.
                sessions.with(key) { state in state?.scene = nil }
                return nil
            }
            ranked.append(
                MemoryService.RankedHit(score: hit.score, item: live, governance: governance, cube: memories.view(of: cube, for: caller)))
        }
        memories.boostWorkingMemory(&ranked, caller: caller, cubes: cubes)
        return ranked
    }

    /// Ids of the memories preloaded for the caller's session (diagnostics and benchmarks; no text).
    public func preloadedMemoryIDs(_ caller: MemoryCaller, session: String) -> Set<UUID> {
        sessions.get(SessionKey(caller, session: session))?.scene?.members ?? []
    }

    /// The session's working memory as the caller may see it now, audited.
    func workingMemoryViews(_ caller: MemoryCaller, session: String, watermarked: Bool) async throws -> [MemoryView] {
        try await memories.auditedRead(caller, "scheduler.working_memory", personal: ["session": session]) {
            try Self.validateSession(session)
            let key = SessionKey(caller, session: session)
            let ids = sessions.get(key)?.workingMemory.ranked ?? []
            let stamp = watermarked ? try await memories.stamp() : nil
            var views: [MemoryView] = []
            var gone: Set<UUID> = []
            for id in ids {
                // Re-checked now: the label, the caller's clearance and the memory's state today.
                guard let stored = try? await memories.readableStored(caller, id: id), MemoryFilter().matches(stored.item),
                    let view = memories.present(
                        stored.item, governance: stored.governance, cube: memories.view(of: stored.cube, for: caller),
                        caller: caller, watermark: stamp)
                else {
                    gone.insert(id)
                    continue
                }
                views.append(view)
            }
            if !gone.isEmpty {
                let dropped = gone
                sessions.with(key) { state in state?.workingMemory.remove(dropped) }
            }
            return (
                views,
                MemoryService.AuditNote(resources: views.map { $0.item.id.uuidString.lowercased() }, mark: stamp?.recorded)
            )
        }
    }
}
