import Foundation
import MemOSCore
import MemOSStore

/// Every memory operation, governed: the caller's tenant bounds every query, the acting role's
/// grants decide which cubes it may read or write, content is sealed before it reaches the
/// store, and the in-memory indexes follow every committed write.
public final class MemoryService: Sendable {
    /// The cube a persona writes to when a request names none.
    public static let defaultCubeName = "default"
    /// Score factor for matches in the acting persona's working memory.
    public static let workingMemoryBoost = 2.0
    /// Largest batch stored in one atomic call.
    public static let maxBatch = 1_000

    let store: any GatewayStore
    let sealer: MemoryPayloadSealer
    let reader: MessageWindowReader
    let indexes = CubeIndexRegistry()
    let directory: CubeDirectory
    let usageRecorder: UsageRecorder
    /// nil when no chat model is configured: fine mode is then refused with a clear message.
    let fineReader: FineModeReader?
    let refinements = RefinementQueue()
    /// Dense vectors for hybrid retrieval; computed once per version and stored sealed.
    let embedder: any Embedder
    let retrieval: RetrievalOptions
    /// Optional second-stage ranking by a cross-encoder; nil when none is configured.
    let reranker: (any Reranker)?
    /// How many fused candidates a reranker reads (at least top_k).
    public static let rerankDepth = 30

    public init(
        store: any GatewayStore, sealer: MemoryPayloadSealer, reader: MessageWindowReader = MessageWindowReader(),
        fineReader: FineModeReader? = nil, embedder: any Embedder = HashingEmbedder(),
        retrieval: RetrievalOptions = RetrievalOptions(), reranker: (any Reranker)? = nil
    ) {
        self.reranker = reranker
        self.store = store
        self.sealer = sealer
        self.reader = reader
        self.fineReader = fineReader
        self.embedder = embedder
        self.retrieval = retrieval
        self.usageRecorder = UsageRecorder(store: store)
        self.directory = CubeDirectory(store: store)
    }

    /// Embeddings of the memories' texts. A failing embedder (a remote server down) must not
    /// lose the write: the memories are stored without vectors, and the next index load
    /// computes the missing ones.
    private func vectors(for items: [MemoryItem]) async -> [[Float]?] {
        guard !items.isEmpty else { return [] }
        let texts = items.map { MemoryIndex.embeddingText(of: $0.content) }
        guard let vectors = try? await embedder.embed(texts), vectors.count == items.count else {
            return Array(repeating: nil, count: items.count)
        }
        return vectors
    }

    // MARK: Cubes

    public func createCube(_ caller: MemoryCaller, name: String, subspace requested: String?, now: Date = Date())
        async throws -> CubeView
    {
        try NameRules.validateCubeName(name)
        let subspace = try parseSubspace(requested, caller: caller)
        guard caller.may(.manage, in: subspace) else {
            throw GovernanceError.forbidden(
                "role '\(caller.role.name)' may not create cubes in '\(caller.displayName(of: subspace))'")
        }
        let record = CubeRecord(
            id: UUID.v7(at: now), tenantID: caller.tenantID, subspace: subspace.storageKey, name: name,
            createdBy: caller.user.id, createdAt: now)
        do {
            try await store.createCube(record)
            directory.invalidate(tenantID: caller.tenantID)
        } catch StoreError.conflict {
            throw GovernanceError.conflict("a cube named '\(name)' already exists in '\(caller.displayName(of: subspace))'")
        }
        return view(of: record, for: caller)
    }

    /// Every cube the acting role may read, its own default cube included.
    public func cubes(_ caller: MemoryCaller) async throws -> [CubeView] {
        if caller.may(.write, in: caller.personaSubspace) {
            _ = try await defaultCube(caller)
        }
        return try await readableCubes(caller).map { view(of: $0, for: caller) }
    }

    private func parseSubspace(_ requested: String?, caller: MemoryCaller) throws -> Subspace {
        switch requested {
        case nil, "persona":
            return caller.personaSubspace
        case "tenant":
            return .tenant
        case let value? where value.hasPrefix("team/"):
            let name = String(value.dropFirst("team/".count))
            guard Subspace.isValidTeamName(name) else {
                throw GovernanceError.invalidInput(
                    field: "subspace", message: "team name must be 1-63 characters of a-z, 0-9 and '-'")
            }
            return .team(name)
        case let value?:
            throw GovernanceError.invalidInput(
                field: "subspace", message: "unknown subspace '\(value)' (expected persona, team/<name> or tenant)")
        }
    }

    private func readableCubes(_ caller: MemoryCaller) async throws -> [CubeRecord] {
        try await directory.cubes(tenantID: caller.tenantID).filter { caller.may(.read, cube: $0) }
    }

    private func defaultCube(_ caller: MemoryCaller) async throws -> CubeRecord {
        let key = caller.personaSubspace.storageKey
        func existing() async throws -> CubeRecord? {
            try await directory.cubes(tenantID: caller.tenantID).first {
                $0.subspace == key && $0.name == Self.defaultCubeName
            }
        }
        if let cube = try await existing() { return cube }
        let now = Date()
        let record = CubeRecord(
            id: UUID.v7(at: now), tenantID: caller.tenantID, subspace: key, name: Self.defaultCubeName,
            createdBy: caller.user.id, createdAt: now)
        do {
            try await store.createCube(record)
            directory.invalidate(tenantID: caller.tenantID)
            return record
        } catch StoreError.conflict {
            // Another request (or process) created it first.
            directory.invalidate(tenantID: caller.tenantID)
            guard let cube = try await existing() else {
                throw GovernanceError.unavailable("default cube vanished while being created")
            }
            return cube
        }
    }

    /// Finds a cube by id or name among those the caller may read, then checks `access`.
    /// A cube the caller may not read answers exactly like a missing one.
    func resolveCube(_ caller: MemoryCaller, reference: String?, access: SubspaceAccess) async throws -> CubeRecord {
        let cube: CubeRecord
        if let reference {
            if let id = UUID(uuidString: reference) {
                guard let found = try await directory.cube(tenantID: caller.tenantID, id: id), caller.may(.read, cube: found)
                else { throw GovernanceError.notFound("no cube '\(reference)'") }
                cube = found
            } else {
                let matches = try await readableCubes(caller).filter { $0.name == reference }
                guard let first = matches.first else { throw GovernanceError.notFound("no cube '\(reference)'") }
                guard matches.count == 1 else {
                    throw GovernanceError.conflict(
                        "cube name '\(reference)' is ambiguous (\(matches.count) cubes in "
                            + matches.map { view(of: $0, for: caller).subspace }.joined(separator: ", ")
                            + "); name it by id")
                }
                cube = first
            }
        } else {
            guard caller.may(access, in: caller.personaSubspace) else {
                throw GovernanceError.forbidden(
                    "role '\(caller.role.name)' may not \(access.rawValue) its persona subspace")
            }
            cube = try await defaultCube(caller)
        }
        guard caller.may(access, cube: cube) else {
            throw GovernanceError.forbidden(
                "role '\(caller.role.name)' may not \(access.rawValue) cube '\(cube.name)'")
        }
        return cube
    }

    func view(of cube: CubeRecord, for caller: MemoryCaller) -> CubeView {
        let subspace = Subspace(storageKey: cube.subspace).map(caller.displayName(of:)) ?? cube.subspace
        return CubeView(id: cube.id, name: cube.name, subspace: subspace, createdAt: cube.createdAt)
    }

    // MARK: Writing

    /// Stores memories atomically: all of them, or (on any error) none.
    public func add(_ caller: MemoryCaller, cube reference: String?, input: AddMemoriesInput, now: Date = Date())
        async throws -> [MemoryView]
    {
        try await addMemories(caller, cube: reference, input: input, now: now).memories
    }

    /// Stores memories atomically and, when asked, queues their background refinement.
    public func addMemories(_ caller: MemoryCaller, cube reference: String?, input: AddMemoriesInput, now: Date = Date())
        async throws -> AddOutcome
    {
        let now = now.roundedToMilliseconds
        let cube = try await resolveCube(caller, reference: reference, access: .write)
        let contents: [MemoryContent]
        switch input {
        case .items(let items):
            contents = items
        case .messages(let messages, let reading):
            if reading.mode == .fine || reading.refineInBackground {
                _ = try requireFineReader()
            }
            if reading.mode == .fine {
                contents = try await refine(messages, reading: reading)
                guard !contents.isEmpty else { return AddOutcome(memories: [], refinement: nil) }
            } else {
                contents = reader.read(messages, memoryType: reading.memoryType, tags: reading.tags).map { draft in
                    var draft = draft
                    draft.info = reading.info
                    return draft
                }
            }
        case .document(let document):
            let chunks = reader.chunk(document: document.text)
            let documentID = document.documentID ?? UUID.v7(at: now).uuidString.lowercased()
            contents = chunks.enumerated().map { index, chunk in
                MemoryContent(
                    text: chunk,
                    key: document.title.map { chunks.count > 1 ? "\($0) (\(index + 1)/\(chunks.count))" : $0 },
                    tags: document.tags, memoryType: .documentChunk,
                    sources: [SourceMessage(documentID: documentID)], info: document.info)
            }
        }
        guard !contents.isEmpty else {
            throw GovernanceError.invalidInput(field: nil, message: "nothing to store: no memory has any text")
        }
        guard contents.count <= Self.maxBatch else {
            throw GovernanceError.invalidInput(
                field: "memories", message: "at most \(Self.maxBatch) memories per call (got \(contents.count))")
        }
        var items = contents.map { content in
            MemoryItem(
                id: UUID.v7(at: now), cubeID: cube.id, content: content, state: .activated, version: 1,
                createdAt: now, updatedAt: now)
        }
        var edges: [MemoryEdgeRecord] = []
        var changed: [(item: MemoryItem, expectedVersion: Int)] = []
        switch input {
        case .document, .messages:
            // Windows of one conversation, and chunks of one document, follow each other; facts
            // a model extracted are independent of each other and are not linked.
            if case .messages(_, let reading) = input, reading.mode == .fine { break }
            for index in items.indices.dropFirst() {
                edges.append(
                    edge(caller, from: items[index].id, to: items[index - 1].id, .follows, via: "reader", at: now))
            }
        case .items:
            let box = try await loadedIndex(caller, cube: cube)
            var claimed: Set<UUID> = []
            for index in items.indices {
                let content = items[index].content
                let candidates = box.consolidationCandidates(
                    fingerprint: MemoryConsolidation.fingerprint(content.text),
                    key: MemoryConsolidation.normalizedKey(content.key))
                if let duplicate = candidates.duplicate, claimed.insert(duplicate.id).inserted {
                    // The same fact again: the new memory survives and carries both provenances.
                    items[index].content = MemoryConsolidation.absorb(duplicate.content, into: content)
                    changed.append((try move(duplicate, to: .merged, at: now), duplicate.version))
                    edges.append(edge(caller, from: duplicate.id, to: items[index].id, .mergedInto, via: "near-duplicate", at: now))
                } else if let older = candidates.sameKey, older.content.text != content.text,
                    claimed.insert(older.id).inserted
                {
                    // A newer value of the same keyed fact supersedes the older one.
                    changed.append((try move(older, to: .archived, at: now), older.version))
                    edges.append(edge(caller, from: items[index].id, to: older.id, .contradicts, via: "same-key", at: now))
                }
            }
        }
        let newVectors = await vectors(for: items)
        let changedVectors = await vectors(for: changed.map(\.item))
        let records = try zip(items, newVectors).map { try record(for: $0, tenantID: caller.tenantID, vector: $1) }
        let updates = try zip(changed, changedVectors).map {
            (record: try record(for: $0.item, tenantID: caller.tenantID, vector: $1), expectedVersion: $0.expectedVersion)
        }
        let links = edges
        do {
            try await translatingStoreErrors {
                try await self.store.commitVersions(updates, inserts: records, edges: links)
            }
        } catch GovernanceError.conflict {
            throw GovernanceError.conflict("memories of cube '\(cube.name)' changed concurrently; retry the add")
        }
        for (item, vector) in zip(items + changed.map(\.item), newVectors + changedVectors) {
            indexes.apply(.upsert(item, vector: vector), cubeID: cube.id)
        }
        applyLinks(edges, cubes: [cube.id])
        let cubeView = view(of: cube, for: caller)
        var refinement: RefinementTask?
        if case .messages(let messages, let reading) = input, reading.mode == .fast, reading.refineInBackground {
            let raw = items
            refinement = await refinements.enqueue(tenantID: caller.tenantID) { [self] in
                try await self.storeRefinement(caller, cube: cube, raw: raw, messages: messages, reading: reading)
            }
        }
        return AddOutcome(memories: items.map { MemoryView(item: $0, cube: cubeView) }, refinement: refinement)
    }

    /// A background refinement's state, for the tenant that queued it.
    public func refinementTask(_ caller: MemoryCaller, id: UUID) async throws -> RefinementTask {
        guard let task = await refinements.task(id: id, tenantID: caller.tenantID) else {
            throw GovernanceError.notFound("no task \(id)")
        }
        return task
    }

    private func requireFineReader() throws -> FineModeReader {
        guard let fineReader else {
            throw GovernanceError.invalidInput(
                field: "mode",
                message: "fine mode needs a chat model, and this gateway has none configured (MEMOS_LLM_BASE_URL, MEMOS_LLM_MODEL)")
        }
        return fineReader
    }

    /// Facts extracted by the chat model, with the request's tags and info.
    private func refine(_ messages: [ChatMessage], reading: MessageReading) async throws -> [MemoryContent] {
        let drafts: [MemoryDraft]
        do {
            drafts = try await requireFineReader().read(messages)
        } catch let error as ReaderError {
            throw GovernanceError.upstream("the model's output could not be used: \(error)")
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.upstream("the model backend failed: \(error)")
        }
        return drafts.map { draft in
            var draft = draft
            for tag in reading.tags where !draft.tags.contains(tag) { draft.tags.append(tag) }
            draft.info = reading.info.merging(draft.info) { _, own in own }
            return draft
        }
    }

    /// Stores the refined facts of a conversation already stored in fast form, each linked to
    /// the raw windows that hold its source messages.
    private func storeRefinement(
        _ caller: MemoryCaller, cube: CubeRecord, raw: [MemoryItem], messages: [ChatMessage], reading: MessageReading
    ) async throws -> [UUID] {
        let contents = try await refine(messages, reading: reading)
        guard !contents.isEmpty else { return [] }
        let now = Date().roundedToMilliseconds
        let items = contents.map {
            MemoryItem(id: UUID.v7(at: now), cubeID: cube.id, content: $0, state: .activated, version: 1, createdAt: now, updatedAt: now)
        }
        var edges: [MemoryEdgeRecord] = []
        for item in items {
            let cited = Set(item.content.sources.compactMap(\.messageID))
            let windows = raw.filter { window in window.content.sources.contains { $0.messageID.map(cited.contains) ?? false } }
            for window in windows.isEmpty ? raw : windows {
                edges.append(edge(caller, from: item.id, to: window.id, .refinedFrom, via: "fine-reader", at: now))
            }
        }
        let vectors = await vectors(for: items)
        let records = try zip(items, vectors).map { try record(for: $0, tenantID: caller.tenantID, vector: $1) }
        let links = edges
        try await translatingStoreErrors { try await self.store.commitVersions([], inserts: records, edges: links) }
        for (item, vector) in zip(items, vectors) {
            indexes.apply(.upsert(item, vector: vector), cubeID: cube.id)
        }
        applyLinks(links, cubes: [cube.id])
        return items.map(\.id)
    }

    public func update(_ caller: MemoryCaller, id: UUID, patch: MemoryPatch, now: Date = Date()) async throws -> MemoryView {
        guard !patch.isEmpty else {
            throw GovernanceError.invalidInput(field: nil, message: "the patch changes nothing")
        }
        let stored = try await writable(caller, id: id)
        let current = stored.item
        guard MemoryLifecycle.isMutable(current.state) else {
            throw GovernanceError.conflict("memory \(id) is \(current.state.rawValue) and cannot change")
        }
        var next = current
        next.content = patch.applied(to: current.content)
        next.version = current.version + 1
        next.updatedAt = now.roundedToMilliseconds
        return try await commit(next, replacing: stored, caller: caller)
    }

    /// Moves a memory to another lifecycle state, as a new version.
    public func transition(_ caller: MemoryCaller, id: UUID, to state: MemoryState, now: Date = Date()) async throws
        -> MemoryView
    {
        let stored = try await writable(caller, id: id)
        let current = stored.item
        let next: MemoryItem
        do {
            next = try MemoryLifecycle.transition(current, to: state, at: now.roundedToMilliseconds)
        } catch {
            throw GovernanceError.conflict("memory \(id): \(error)")
        }
        return try await commit(next, replacing: stored, caller: caller)
    }

    /// Restores the content of an earlier version as a new version; history keeps everything.
    public func rollback(_ caller: MemoryCaller, id: UUID, to version: Int, now: Date = Date()) async throws -> MemoryView {
        let stored = try await writable(caller, id: id)
        let current = stored.item
        guard version >= 1, version < current.version else {
            throw GovernanceError.invalidInput(
                field: "version", message: "must be an earlier version of this memory (1...\(current.version - 1))")
        }
        let versions = try await translatingStoreErrors {
            try await self.store.history(tenantID: caller.tenantID, memoryID: id)
        }
        guard let old = versions.first(where: { $0.version == version }) else {
            throw GovernanceError.notFound("memory \(id) has no version \(version)")
        }
        let content = try sealer.open(old.payload, tenantID: caller.tenantID, memoryID: id, version: old.version)
        let next: MemoryItem
        do {
            next = try MemoryLifecycle.rollback(current, to: content, at: now.roundedToMilliseconds)
        } catch {
            throw GovernanceError.conflict("memory \(id): \(error)")
        }
        return try await commit(next, replacing: stored, caller: caller)
    }

    /// Every version of a memory, oldest first.
    public func history(_ caller: MemoryCaller, id: UUID) async throws -> [MemoryVersionView] {
        let (_, cube) = try await readable(caller, id: id)
        let versions = try await translatingStoreErrors {
            try await self.store.history(tenantID: caller.tenantID, memoryID: id)
        }
        return try versions.map { row in
            guard let state = MemoryState(rawValue: row.state) else {
                throw GovernanceError.unavailable("integrity error: memory \(id) v\(row.version) has unknown state")
            }
            return MemoryVersionView(
                version: row.version, state: state,
                content: try sealer.open(row.payload, tenantID: caller.tenantID, memoryID: id, version: row.version),
                recordedAt: row.recordedAt, cube: view(of: cube, for: caller))
        }
    }

    /// Writes a new version with optimistic concurrency, then updates the index.
    private func commit(_ next: MemoryItem, replacing stored: StoredMemory, caller: MemoryCaller) async throws -> MemoryView {
        let current = stored.item
        let cube = stored.cube
        // A state change keeps the text, so it keeps the stored vector (sealed without the
        // version): no second embedding call for a transition.
        var vector: [Float]?
        if next.content == current.content, let sealed = stored.record.embedding,
            stored.record.embedder == embedder.identifier
        {
            vector = try? sealer.openVector(sealed, tenantID: caller.tenantID, memoryID: current.id, embedder: embedder.identifier)
        }
        if vector == nil {
            vector = await vectors(for: [next])[0]
        }
        let record = try record(for: next, tenantID: caller.tenantID, vector: vector)
        do {
            try await translatingStoreErrors { try await self.store.updateMemory(record, expectedVersion: current.version) }
        } catch GovernanceError.conflict {
            throw GovernanceError.conflict("memory \(next.id) changed concurrently; re-read it and retry")
        }
        indexes.apply(.upsert(next, vector: vector), cubeID: cube.id)
        return MemoryView(item: next, cube: view(of: cube, for: caller))
    }

    /// The memory and its cube, if the caller may read and write it.
    private func writable(_ caller: MemoryCaller, id: UUID) async throws -> StoredMemory {
        let stored = try await readableStored(caller, id: id)
        guard caller.may(.write, cube: stored.cube) else {
            throw GovernanceError.forbidden("role '\(caller.role.name)' may not write cube '\(stored.cube.name)'")
        }
        return stored
    }

    /// Deletes a memory for real: the row, every version, and its index entries.
    public func delete(_ caller: MemoryCaller, id: UUID) async throws {
        let cube = try await writable(caller, id: id).cube
        let deleted = try await translatingStoreErrors { try await self.store.deleteMemory(tenantID: caller.tenantID, id: id) }
        indexes.apply(.remove(id), cubeID: cube.id)
        guard deleted else { throw GovernanceError.notFound("no memory \(id)") }
    }

    // MARK: Graph

    /// Links two memories. The caller must be able to write the source and read the target;
    /// both must belong to the caller's tenant.
    public func link(_ caller: MemoryCaller, from: UUID, to: UUID, relation: MemoryRelation, now: Date = Date()) async throws
        -> RelatedMemory
    {
        guard from != to else {
            throw GovernanceError.invalidInput(field: "to", message: "a memory cannot relate to itself")
        }
        let sourceCube = try await writable(caller, id: from).cube
        let (target, targetCube) = try await readable(caller, id: to)
        let edge = MemoryEdgeRecord(
            id: UUID.v7(at: now), tenantID: caller.tenantID, fromID: from, toID: to, relation: relation.rawValue,
            provenance: Self.provenance(["created_by": caller.user.id.uuidString.lowercased(), "role": caller.role.name, "via": "api"]),
            createdAt: now.roundedToMilliseconds)
        do {
            try await translatingStoreErrors { try await self.store.insertEdges([edge]) }
        } catch GovernanceError.conflict {
            throw GovernanceError.conflict("memory \(from) already \(relation.rawValue) memory \(to)")
        }
        applyLinks([edge], cubes: [sourceCube.id, targetCube.id])
        return RelatedMemory(
            relation: relation, direction: .outgoing, memory: MemoryView(item: target, cube: view(of: targetCube, for: caller)),
            createdAt: edge.createdAt)
    }

    /// Memories linked to one memory, in both directions, limited to those the caller may read:
    /// an edge never reveals a memory in a subspace the role cannot see.
    public func related(_ caller: MemoryCaller, id: UUID) async throws -> [RelatedMemory] {
        _ = try await readable(caller, id: id)
        let edges = try await translatingStoreErrors { try await self.store.edges(tenantID: caller.tenantID, memoryID: id) }
        var related: [RelatedMemory] = []
        for edge in edges {
            guard let relation = MemoryRelation(rawValue: edge.relation) else { continue }
            let outgoing = edge.fromID == id
            guard let (item, cube) = try? await readable(caller, id: outgoing ? edge.toID : edge.fromID) else { continue }
            related.append(
                RelatedMemory(
                    relation: relation, direction: outgoing ? .outgoing : .incoming,
                    memory: MemoryView(item: item, cube: view(of: cube, for: caller)), createdAt: edge.createdAt))
        }
        return related
    }

    private func move(_ item: MemoryItem, to state: MemoryState, at now: Date) throws -> MemoryItem {
        do {
            return try MemoryLifecycle.transition(item, to: state, at: now)
        } catch {
            throw GovernanceError.conflict("memory \(item.id): \(error)")
        }
    }

    private func edge(
        _ caller: MemoryCaller, from: UUID, to: UUID, _ relation: MemoryRelation, via reason: String, at now: Date
    ) -> MemoryEdgeRecord {
        MemoryEdgeRecord(
            id: UUID.v7(at: now), tenantID: caller.tenantID, fromID: from, toID: to, relation: relation.rawValue,
            provenance: Self.provenance(["via": reason, "request_id": caller.requestID]), createdAt: now)
    }

    static func provenance(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Reading

    public func get(_ caller: MemoryCaller, id: UUID) async throws -> MemoryView {
        let (item, cube) = try await readable(caller, id: id)
        return MemoryView(item: item, cube: view(of: cube, for: caller))
    }

    /// Memories in id (creation) order, a page at a time.
    public func list(_ caller: MemoryCaller, cube reference: String?, limit: Int, cursor: String?) async throws -> MemoryPage {
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
        let cursorID = after
        let records = try await translatingStoreErrors {
            try await self.store.memories(tenantID: caller.tenantID, cubeIDs: Array(byID.keys), after: cursorID, limit: limit + 1)
        }
        let page = records.prefix(limit)
        let views = try page.map { record in
            MemoryView(item: try item(from: record), cube: view(of: byID[record.cubeID]!, for: caller))
        }
        let next = records.count > limit ? page.last?.id.uuidString.lowercased() : nil
        return MemoryPage(memories: views, nextCursor: next)
    }

    /// Ranked memories matching a query, over the named cubes or every cube the role may read.
    public func search(
        _ caller: MemoryCaller, query: String, topK: Int, cubes references: [String]?, filter: MemoryFilter,
        rerank: Bool = true
    ) async throws -> [SearchHit] {
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
        let queryVector = try? await embedder.embed([query]).first
        let retrievalQuery = RetrievalQuery(text: query, vector: queryVector, options: retrieval)
        let reranking = rerank ? reranker : nil
        let depth = reranking == nil ? topK : max(topK, Self.rerankDepth)
        var hits: [SearchHit] = []
        for cube in cubes {
            let box = try await loadedIndex(caller, cube: cube)
            let cubeView = view(of: cube, for: caller)
            let found = box.search(retrievalQuery, limit: depth, filter: filter) ?? []
            hits += found.map { SearchHit(memory: MemoryView(item: $0.item, cube: cubeView), score: $0.score) }
        }
        if let reranking, !hits.isEmpty {
            hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.memory.item.id < $1.memory.item.id }
            hits = await Self.reranked(Array(hits.prefix(depth)), query: query, by: reranking)
        }
        // The persona's working memory is consulted first: its matches count double, so they
        // lead unless a long-term memory matches far better, and scores stay in order.
        let ownPersona = caller.personaSubspace.storageKey
        let personaCubes = Set(cubes.filter { $0.subspace == ownPersona }.map(\.id))
        hits = hits.map { hit in
            guard hit.memory.item.content.memoryType == .workingMemory, personaCubes.contains(hit.memory.item.cubeID)
            else { return hit }
            return SearchHit(memory: hit.memory, score: hit.score * Self.workingMemoryBoost)
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.memory.item.id < $1.memory.item.id }
        let results = Array(hits.prefix(topK))
        await usageRecorder.record(
            tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name,
            memoryIDs: results.map(\.memory.item.id), at: Date())
        return results
    }

    /// Hits re-scored by the reranker; when it fails, the fused order stands (a search must not
    /// fail because an optional model is down).
    static func reranked(_ hits: [SearchHit], query: String, by reranker: any Reranker) async -> [SearchHit] {
        guard let scores = try? await reranker.rerank(query: query, documents: hits.map(\.memory.item.content.text)),
            scores.count == hits.count
        else { return hits }
        return zip(hits, scores).map { SearchHit(memory: $0.memory, score: $1) }
    }

    /// Who retrieved a memory through search, how often and when last (counts may lag by the
    /// recorder's flush delay).
    public func usage(_ caller: MemoryCaller, id: UUID) async throws -> [MemoryUsageRecord] {
        _ = try await readable(caller, id: id)
        await usageRecorder.flush()
        return try await translatingStoreErrors { try await self.store.usage(tenantID: caller.tenantID, memoryID: id) }
    }

    /// Forgets every in-memory index, as a restart would.
    public func dropIndexes() {
        indexes.evictAll()
    }

    private func loadedIndex(_ caller: MemoryCaller, cube: CubeRecord) async throws -> CubeIndexBox {
        let box = indexes.box(for: cube.id)
        let tenantID = caller.tenantID
        try await box.ensureLoaded { [self] in
            let records = try await self.translatingStoreErrors {
                try await self.store.memories(tenantID: tenantID, cubeID: cube.id)
            }
            let edges = try await self.translatingStoreErrors {
                try await self.store.edges(tenantID: tenantID, cubeID: cube.id)
            }
            return CubeContents(
                memories: try await self.indexable(records, tenantID: tenantID),
                links: edges.filter(Self.isFollowed).map { ($0.fromID, $0.toID) })
        }
        return box
    }

    static func isFollowed(_ edge: MemoryEdgeRecord) -> Bool {
        MemoryRelation(rawValue: edge.relation).map(GraphExpansion.followed.contains) ?? false
    }

    /// Tells the indexes of both ends' cubes about new followed edges.
    private func applyLinks(_ edges: [MemoryEdgeRecord], cubes: [UUID]) {
        for edge in edges where Self.isFollowed(edge) {
            for cubeID in Set(cubes) {
                indexes.apply(.link(edge.fromID, edge.toID), cubeID: cubeID)
            }
        }
    }

    /// Decrypted memories with their stored vectors; vectors missing or made by another
    /// embedder are computed now and written back, so each is computed once.
    private func indexable(_ records: [MemoryRecord], tenantID: UUID) async throws -> [(MemoryItem, [Float]?)] {
        var loaded: [(MemoryItem, [Float]?)] = []
        var stale: [Int] = []
        loaded.reserveCapacity(records.count)
        for record in records {
            let item = try item(from: record)
            if let sealed = record.embedding, record.embedder == embedder.identifier {
                loaded.append((item, try sealer.openVector(sealed, tenantID: tenantID, memoryID: record.id, embedder: embedder.identifier)))
            } else {
                stale.append(loaded.count)
                loaded.append((item, nil))
            }
        }
        for batch in stride(from: 0, to: stale.count, by: 256).map({ Array(stale[$0..<min($0 + 256, stale.count)]) }) {
            let fresh = await vectors(for: batch.map { loaded[$0].0 })
            for (position, vector) in zip(batch, fresh) {
                guard let vector else { continue }
                let item = loaded[position].0
                loaded[position].1 = vector
                let sealed = try sealer.sealVector(vector, tenantID: tenantID, memoryID: item.id, embedder: embedder.identifier)
                try? await store.updateEmbedding(
                    tenantID: tenantID, id: item.id, version: item.version, embedding: sealed, embedder: embedder.identifier)
            }
        }
        return loaded
    }

    /// The memory and its cube, if the caller may read it; otherwise not found, whatever the reason.
    private func readable(_ caller: MemoryCaller, id: UUID) async throws -> (MemoryItem, CubeRecord) {
        let stored = try await readableStored(caller, id: id)
        return (stored.item, stored.cube)
    }

    /// A memory as read for a change: decrypted, with its cube and its row (for the stored vector).
    private struct StoredMemory {
        let item: MemoryItem
        let cube: CubeRecord
        let record: MemoryRecord
    }

    private func readableStored(_ caller: MemoryCaller, id: UUID) async throws -> StoredMemory {
        guard let record = try await translatingStoreErrors({ try await self.store.memory(tenantID: caller.tenantID, id: id) }),
            let cube = try await translatingStoreErrors({ try await self.directory.cube(tenantID: caller.tenantID, id: record.cubeID) }),
            caller.may(.read, cube: cube)
        else {
            throw GovernanceError.notFound("no memory \(id)")
        }
        return StoredMemory(item: try item(from: record), cube: cube, record: record)
    }

    // MARK: Sealing

    private func record(for item: MemoryItem, tenantID: UUID, vector: [Float]?) throws -> MemoryRecord {
        MemoryRecord(
            id: item.id, tenantID: tenantID, cubeID: item.cubeID, version: item.version, state: item.state.rawValue,
            payload: try sealer.seal(item.content, tenantID: tenantID, memoryID: item.id, version: item.version),
            embedding: try vector.map {
                try sealer.sealVector($0, tenantID: tenantID, memoryID: item.id, embedder: embedder.identifier)
            },
            embedder: vector == nil ? nil : embedder.identifier,
            createdAt: item.createdAt, updatedAt: item.updatedAt)
    }

    private func item(from record: MemoryRecord) throws -> MemoryItem {
        guard let state = MemoryState(rawValue: record.state) else {
            throw GovernanceError.unavailable("integrity error: memory \(record.id) has unknown state '\(record.state)'")
        }
        let content = try sealer.open(record.payload, tenantID: record.tenantID, memoryID: record.id, version: record.version)
        return MemoryItem(
            id: record.id, cubeID: record.cubeID, content: content, state: state, version: record.version,
            createdAt: record.createdAt, updatedAt: record.updatedAt)
    }

    // MARK: Store errors

    private func translatingStoreErrors<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw Self.translate(error)
        }
    }

    static func translate(_ error: StoreError) -> GovernanceError {
        switch error {
        case .conflict(let message): .conflict(message)
        case .notFound(let message): .notFound(message)
        case .versionMismatch(let expected, let actual):
            .conflict("version mismatch: expected \(expected), found \(actual)")
        case .unavailable(let message): .unavailable("store unavailable: \(message)")
        }
    }
}

extension Date {
    /// The store keeps milliseconds; rounding first makes the in-memory copy equal the stored one.
    var roundedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
