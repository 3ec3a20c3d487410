import Foundation
import MemOSCore
import MemOSStore

/// Reading memories: every item returned passes the label check, redaction and watermarking
/// of `present`, and every read is audited before its result is released.
extension MemoryService {
    /// A memory as read for a change: decrypted, with its governance, cube and row.
    struct StoredMemory: Sendable {
        let item: MemoryItem
        let governance: MemoryGovernance
        let cube: CubeRecord
        let record: MemoryRecord
    }

    /// The view this caller may have of a memory, or nil when it may not see it at all.
    func present(
        _ item: MemoryItem, governance: MemoryGovernance, cube: CubeView, caller: MemoryCaller, watermark: WatermarkStamp?
    ) -> MemoryView? {
        guard let content = presenter.content(item.content, governance: governance, caller: caller, watermark: watermark)
        else { return nil }
        var visible = item
        visible.content = content
        return MemoryView(item: visible, cube: cube, label: governance.label, subject: governance.subject)
    }

    /// A fresh watermark for one response (the codec's key is a wrapped system key).
    func stamp() async throws -> WatermarkStamp {
        WatermarkStamp(codec: WatermarkCodec(key: try await keyring.systemKey("watermark")))
    }

    public func get(_ caller: MemoryCaller, id: UUID) async throws -> MemoryView {
        try await auditedRead(caller, "memory.read") {
            let stored = try await readableStored(caller, id: id)
            let stamp = try await stamp()
            guard let view = present(
                stored.item, governance: stored.governance, cube: view(of: stored.cube, for: caller), caller: caller,
                watermark: stamp)
            else { throw GovernanceError.notFound("no memory \(id)") }
            return (view, AuditNote(resources: [id.uuidString.lowercased()], mark: stamp.recorded))
        }
    }

    /// Memories in id (creation) order, a page at a time; memories above the caller's
    /// clearance are skipped as if absent.
    public func list(_ caller: MemoryCaller, cube reference: String?, limit: Int, cursor: String?) async throws -> MemoryPage {
        try await auditedRead(caller, "memory.list") {
            guard (1...1_000).contains(limit) else {
                throw GovernanceError.invalidInput(field: "limit", message: "must be between 1 and 1000")
            }
            var after: UUID?
            if let cursor {
                guard let id = UUID(uuidString: cursor) else {
                    throw GovernanceError.invalidInput(field: "cursor", message: "not a cursor returned by this endpoint")
                }
                after = id
            }
            let cubes: [CubeRecord] =
                if let reference {
                    [try await resolveCube(caller, reference: reference, access: .read)]
                } else {
                    try await readableCubes(caller)
                }
            let byID = Dictionary(uniqueKeysWithValues: cubes.map { ($0.id, $0) })
            let stamp = try await stamp()
            var views: [MemoryView] = []
            var next: String?
            // Pages are filled with visible memories: rows the caller may not see are skipped,
            // so a page never reveals (by its size) how many were hidden.
            scan: while true {
                let cursorID = after
                let records = try await translatingStoreErrors {
                    try await self.store.memories(
                        tenantID: caller.tenantID, cubeIDs: Array(byID.keys), after: cursorID, limit: limit + 1)
                }
                for record in records.prefix(limit) {
                    after = record.id
                    guard let cube = byID[record.cubeID], let (item, governance) = try? await open(record),
                        let view = present(item, governance: governance, cube: view(of: cube, for: caller), caller: caller, watermark: stamp)
                    else { continue }
                    views.append(view)
                    if views.count == limit {
                        if records.count > limit || record.id != records.prefix(limit).last?.id {
                            next = record.id.uuidString.lowercased()
                        }
                        break scan
                    }
                }
                if records.count <= limit { break }
            }
            return (
                MemoryPage(memories: views, nextCursor: next),
                AuditNote(resources: views.map { $0.item.id.uuidString.lowercased() }, mark: stamp.recorded)
            )
        }
    }

    /// Ranked memories matching a query, over the named cubes or every cube the role may read.
    public func search(
        _ caller: MemoryCaller, query: String, topK: Int, cubes references: [String]?, filter: MemoryFilter,
        rerank: Bool = true
    ) async throws -> [SearchHit] {
        try await auditedRead(caller, "memory.search", personal: ["query": query]) {
            try await searchUnaudited(caller, query: query, topK: topK, cubes: references, filter: filter, rerank: rerank)
        }
    }

    private func searchUnaudited(
        _ caller: MemoryCaller, query: String, topK: Int, cubes references: [String]?, filter: MemoryFilter, rerank: Bool
    ) async throws -> ([SearchHit], AuditNote) {
        let cubes = try await searchTargets(caller, query: query, topK: topK, cubes: references)
        let queryVector = try? await embedder.embed([query]).first
        let ranked = try await rankedHits(
            caller, query: query, vector: queryVector, depth: topK, cubes: cubes, filter: filter, rerank: rerank)
        return try await presentHits(caller, ranked, topK: topK)
    }

    /// One ranked, not yet presented search result (the scheduler ranks its preloaded scenes
    /// into the same shape, so both paths present, record usage and audit alike).
    struct RankedHit: Sendable {
        var score: Double
        let item: MemoryItem
        let governance: MemoryGovernance
        let cube: CubeView
    }

    /// Validates a search and returns the cubes it covers: the named ones, or every readable one.
    func searchTargets(_ caller: MemoryCaller, query: String, topK: Int, cubes references: [String]?) async throws
        -> [CubeRecord]
    {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GovernanceError.invalidInput(field: "query", message: "must not be empty")
        }
        guard (1...1_000).contains(topK) else {
            throw GovernanceError.invalidInput(field: "top_k", message: "must be between 1 and 1000 (got \(topK))")
        }
        var cubes: [CubeRecord] = []
        if let references {
            guard !references.isEmpty else {
                throw GovernanceError.invalidInput(field: "cubes", message: "must name at least one cube when present")
            }
            for reference in references {
                let cube = try await resolveCube(caller, reference: reference, access: .read)
                if !cubes.contains(where: { $0.id == cube.id }) { cubes.append(cube) }
            }
        } else {
            cubes = try await readableCubes(caller)
        }
        return cubes
    }

    /// Hybrid search over the cubes, reranked when asked and a reranker exists, with the
    /// persona's working memory boosted; at most `depth` per cube, best first.
    func rankedHits(
        _ caller: MemoryCaller, query: String, vector queryVector: [Float]?, depth topK: Int, cubes: [CubeRecord],
        filter: MemoryFilter, rerank: Bool
    ) async throws -> [RankedHit] {
        let retrievalQuery = RetrievalQuery(text: query, vector: queryVector, options: retrieval)
        let reranking = rerank ? reranker : nil
        let depth = reranking == nil ? topK : max(topK, Self.rerankDepth)
        let presenter = self.presenter
        var found: [(ScoredMemory, MemoryGovernance, CubeView)] = []
        for cube in cubes {
            let box = try await loadedIndex(caller, cube: cube)
            let cubeView = view(of: cube, for: caller)
            // No read up, inside the search: memories the caller may not see never take a slot.
            let scale = presenter.policy.labels
            let hits =
                box.search(
                    retrievalQuery, limit: depth, filter: filter,
                    clearedFor: { scale.allows(clearance: caller.role.clearance, toRead: $0) },
                    admits: { presenter.mayRead($0, caller: caller) }) ?? []
            found += hits.map { ($0.0, $0.1, cubeView) }
        }
        var ranked = found.map { RankedHit(score: $0.0.score, item: $0.0.item, governance: $0.1, cube: $0.2) }
        if let reranking, !ranked.isEmpty {
            ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.item.id < $1.item.id }
            ranked = Array(ranked.prefix(depth))
            if let scores = try? await reranking.rerank(query: query, documents: ranked.map(\.item.content.text)),
                scores.count == ranked.count
            {
                for index in ranked.indices { ranked[index].score = scores[index] }
            }
        }
        boostWorkingMemory(&ranked, caller: caller, cubes: cubes)
        return ranked
    }

    /// The persona's working memory is consulted first: its matches count double, so they
    /// lead unless a long-term memory matches far better, and scores stay in order.
    func boostWorkingMemory(_ ranked: inout [RankedHit], caller: MemoryCaller, cubes: [CubeRecord]) {
        let ownPersona = caller.personaSubspace.storageKey
        let personaCubes = Set(cubes.filter { $0.subspace == ownPersona }.map(\.id))
        for index in ranked.indices
        where ranked[index].item.content.memoryType == .workingMemory && personaCubes.contains(ranked[index].item.cubeID) {
            ranked[index].score *= Self.workingMemoryBoost
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.item.id < $1.item.id }
    }

    /// The best `topK` hits as the caller may see them (checked again, redacted, watermarked),
    /// with their retrievals counted, and what the audit record says of them.
    func presentHits(_ caller: MemoryCaller, _ ranked: [RankedHit], topK: Int) async throws -> ([SearchHit], AuditNote) {
        let stamp = try await stamp()
        // Checked again on every returned item, whatever the index admitted.
        let results = ranked.prefix(topK).compactMap { hit in
            present(hit.item, governance: hit.governance, cube: hit.cube, caller: caller, watermark: stamp).map {
                SearchHit(memory: $0, score: hit.score)
            }
        }
        await usageRecorder.record(
            tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name,
            memoryIDs: results.map(\.memory.item.id), at: Date())
        return (
            results,
            AuditNote(
                resources: results.map { $0.memory.item.id.uuidString.lowercased() }, details: ["top_k": String(topK)],
                mark: stamp.recorded)
        )
    }

    /// Every version of a memory, oldest first; versions above the caller's clearance are left out.
    public func history(_ caller: MemoryCaller, id: UUID) async throws -> [MemoryVersionView] {
        try await auditedRead(caller, "memory.history") {
            let stored = try await readableStored(caller, id: id)
            let versions = try await translatingStoreErrors {
                try await self.store.history(tenantID: caller.tenantID, memoryID: id)
            }
            let stamp = try await stamp()
            let cube = view(of: stored.cube, for: caller)
            var views: [MemoryVersionView] = []
            for row in versions {
                guard let state = MemoryState(rawValue: row.state) else {
                    throw GovernanceError.integrity("memory \(id) v\(row.version) has unknown state")
                }
                let sealed = try await openVersion(row)
                guard let content = presenter.content(sealed.content, governance: sealed.governance, caller: caller, watermark: stamp)
                else { continue }
                views.append(
                    MemoryVersionView(
                        version: row.version, state: state, content: content, recordedAt: row.recordedAt, cube: cube,
                        label: sealed.governance.label, subject: sealed.governance.subject))
            }
            return (views, AuditNote(resources: [id.uuidString.lowercased()], mark: stamp.recorded))
        }
    }

    /// Memories linked to one memory, in both directions, limited to those the caller may read:
    /// an edge never reveals a memory in a subspace or label the role cannot see.
    public func related(_ caller: MemoryCaller, id: UUID) async throws -> [RelatedMemory] {
        try await auditedRead(caller, "memory.related") {
            _ = try await readableStored(caller, id: id)
            let edges = try await translatingStoreErrors { try await self.store.edges(tenantID: caller.tenantID, memoryID: id) }
            let stamp = try await stamp()
            var related: [RelatedMemory] = []
            for edge in edges {
                guard let relation = MemoryRelation(rawValue: edge.relation) else { continue }
                let outgoing = edge.fromID == id
                guard let other = try? await readableStored(caller, id: outgoing ? edge.toID : edge.fromID),
                    let memory = present(
                        other.item, governance: other.governance, cube: view(of: other.cube, for: caller), caller: caller,
                        watermark: stamp)
                else { continue }
                related.append(
                    RelatedMemory(
                        relation: relation, direction: outgoing ? .outgoing : .incoming, memory: memory, createdAt: edge.createdAt))
            }
            return (
                related,
                AuditNote(
                    resources: [id.uuidString.lowercased()] + related.map { $0.memory.item.id.uuidString.lowercased() },
                    mark: stamp.recorded)
            )
        }
    }

    /// Who retrieved a memory through search, how often and when last (counts may lag by the
    /// recorder's flush delay).
    public func usage(_ caller: MemoryCaller, id: UUID) async throws -> [MemoryUsageRecord] {
        try await auditedRead(caller, "memory.usage") {
            _ = try await readableStored(caller, id: id)
            await usageRecorder.flush()
            let records = try await translatingStoreErrors { try await self.store.usage(tenantID: caller.tenantID, memoryID: id) }
            return (records, AuditNote(resources: [id.uuidString.lowercased()]))
        }
    }

    /// Forgets every in-memory index, as a restart would.
    public func dropIndexes() {
        indexes.evictAll()
    }

    func loadedIndex(_ caller: MemoryCaller, cube: CubeRecord) async throws -> CubeIndexBox {
        try await loadedIndex(tenantID: caller.tenantID, cube: cube)
    }

    func loadedIndex(tenantID: UUID, cube: CubeRecord) async throws -> CubeIndexBox {
        let box = indexes.box(for: cube.id)
        try await box.ensureLoaded { [self] in
            let records = try await self.translatingStoreErrors {
                try await self.store.memories(tenantID: tenantID, cubeID: cube.id)
            }
            let edges = try await self.translatingStoreErrors {
                try await self.store.edges(tenantID: tenantID, cubeID: cube.id)
            }
            return CubeContents(
                memories: await self.indexable(records),
                links: edges.filter(Self.isFollowed).map { ($0.fromID, $0.toID) })
        }
        return box
    }

    static func isFollowed(_ edge: MemoryEdgeRecord) -> Bool {
        MemoryRelation(rawValue: edge.relation).map(GraphExpansion.followed.contains) ?? false
    }

    /// Tells the indexes of both ends' cubes about new followed edges.
    func applyLinks(_ edges: [MemoryEdgeRecord], cubes: [UUID]) {
        for edge in edges where Self.isFollowed(edge) {
            for cubeID in Set(cubes) {
                indexes.apply(.link(edge.fromID, edge.toID), cubeID: cubeID)
            }
        }
    }

    /// Decrypted memories with their stored vectors; vectors missing or made by another
    /// embedder are computed now and written back, so each is computed once. A row that fails
    /// to open (tampered, or its key destroyed) is left out of the index and audited, so one
    /// bad row cannot take a whole cube down.
    private func indexable(_ records: [MemoryRecord]) async -> [(MemoryItem, [Float]?, MemoryGovernance)] {
        var loaded: [(MemoryItem, [Float]?, MemoryGovernance)] = []
        var stale: [(position: Int, record: MemoryRecord)] = []
        loaded.reserveCapacity(records.count)
        for record in records {
            guard let (item, governance) = try? await open(record) else { continue }
            if let vector = try? await openVector(of: record) {
                loaded.append((item, vector, governance))
            } else {
                stale.append((loaded.count, record))
                loaded.append((item, nil, governance))
            }
        }
        for start in stride(from: 0, to: stale.count, by: 256) {
            let batch = Array(stale[start..<min(start + 256, stale.count)])
            let fresh = await vectors(for: batch.map { loaded[$0.position].0 })
            for (entry, vector) in zip(batch, fresh) {
                guard let vector else { continue }
                loaded[entry.position].1 = vector
                let record = entry.record
                guard let key = try? await keyring.key(id: record.keyID, tenantID: record.tenantID), !record.keyID.isEmpty,
                    let sealed = try? sealer.sealVector(
                        vector, binding: Self.binding(of: record), embedder: embedder.identifier,
                        key: DataKey(id: record.keyID, key: key))
                else { continue }
                try? await store.updateEmbedding(
                    tenantID: record.tenantID, id: record.id, version: record.version, embedding: sealed,
                    embedder: embedder.identifier)
            }
        }
        return loaded
    }

    /// The memory with its cube, if the caller may read it; otherwise not found, whatever the
    /// reason (another tenant, a subspace without a grant, a label above the clearance).
    func readableStored(_ caller: MemoryCaller, id: UUID) async throws -> StoredMemory {
        try await attachShares(caller)  // cube sharing: a shared cube's memories are readable
        guard let record = try await translatingStoreErrors({ try await self.store.memory(tenantID: caller.tenantID, id: id) }),
            let cube = try await translatingStoreErrors({ try await self.directory.cube(tenantID: caller.tenantID, id: record.cubeID) }),
            caller.may(.read, cube: cube)
        else {
            throw GovernanceError.notFound("no memory \(id)")
        }
        let (item, governance) = try await open(record)
        guard presenter.mayRead(governance, caller: caller) else { throw GovernanceError.notFound("no memory \(id)") }
        return StoredMemory(item: item, governance: governance, cube: cube, record: record)
    }
}
