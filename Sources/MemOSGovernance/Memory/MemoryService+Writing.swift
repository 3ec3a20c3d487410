import Foundation
import MemOSCore
import MemOSStore

/// Adding, changing and deleting memories: labelled, sealed, audited before commit, indexed after.
extension MemoryService {
    /// Stores memories atomically: all of them, or (on any error) none.
    public func add(
        _ caller: MemoryCaller, cube reference: String?, input: AddMemoriesInput, governance: AddGovernance = AddGovernance(),
        now: Date = Date()
    ) async throws -> [MemoryView] {
        try await addMemories(caller, cube: reference, input: input, governance: governance, now: now).memories
    }

    /// Stores memories atomically and, when asked, queues their background refinement.
    public func addMemories(
        _ caller: MemoryCaller, cube reference: String?, input: AddMemoriesInput, governance options: AddGovernance = AddGovernance(),
        now: Date = Date()
    ) async throws -> AddOutcome {
        try await auditedWrite(caller, "memory.add", personal: options.subject.map { ["subject": $0] } ?? [:]) {
            try await storeMemories(caller, cube: reference, input: input, options: options, now: now)
        }
    }

    /// The subject memories written by this caller are about, after checking the caller may name it.
    func subject(for options: AddGovernance, caller: MemoryCaller) throws -> String {
        guard let named = options.subject, named != caller.user.username else { return caller.user.username }
        guard caller.role.has(.subjectsName) else {
            throw GovernanceError.forbidden("role '\(caller.role.name)' may not name another data subject (subjects.name)")
        }
        guard (1...256).contains(named.count), !named.contains(where: \.isNewline) else {
            throw GovernanceError.invalidInput(field: "subject", message: "must be 1-256 characters on one line")
        }
        return named
    }

    private func storeMemories(
        _ caller: MemoryCaller, cube reference: String?, input: AddMemoriesInput, options: AddGovernance, now: Date
    ) async throws -> AddOutcome {
        let now = now.roundedToMilliseconds
        if let label = options.label { try labeler.validate(requested: label, caller: caller) }
        var options = options
        options.label = options.label ?? labeler.defaultLabel(for: caller)
        let subject = try subject(for: options, caller: caller)
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
        var derivedFrom: [[MemoryGovernance]] = Array(repeating: [], count: items.count)
        var edges: [MemoryEdgeRecord] = []
        var changed: [(item: MemoryItem, governance: MemoryGovernance, expectedVersion: Int)] = []
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
                // Only memories of the same subject consolidate: merging across subjects would
                // let one subject's erasure take another's memory with it.
                func sameSubject(_ candidate: MemoryItem) -> MemoryGovernance? {
                    box.governance(of: candidate.id).flatMap { $0.subject == subject ? $0 : nil }
                }
                if let duplicate = candidates.duplicate, let duplicateGovernance = sameSubject(duplicate),
                    claimed.insert(duplicate.id).inserted
                {
                    // The same fact again: the new memory survives, carries both provenances,
                    // and inherits the older one's labels.
                    items[index].content = MemoryConsolidation.absorb(duplicate.content, into: content)
                    derivedFrom[index].append(duplicateGovernance)
                    changed.append((try move(duplicate, to: .merged, at: now), duplicateGovernance, duplicate.version))
                    edges.append(edge(caller, from: duplicate.id, to: items[index].id, .mergedInto, via: "near-duplicate", at: now))
                } else if let older = candidates.sameKey, older.content.text != content.text,
                    let olderGovernance = sameSubject(older), claimed.insert(older.id).inserted
                {
                    // A newer value of the same keyed fact supersedes the older one.
                    changed.append((try move(older, to: .archived, at: now), olderGovernance, older.version))
                    edges.append(edge(caller, from: items[index].id, to: older.id, .contradicts, via: "same-key", at: now))
                }
            }
        }
        let governances = zip(items, derivedFrom).map { item, sources in
            labeler.governance(for: item.content, requested: options.label, subject: subject, derivedFrom: sources)
        }
        let newVectors = await vectors(for: items)
        let changedVectors = await vectors(for: changed.map(\.item))
        var records: [MemoryRecord] = []
        for (index, item) in items.enumerated() {
            records.append(
                try await record(for: item, governance: governances[index], tenantID: caller.tenantID, vector: newVectors[index]))
        }
        var updates: [(record: MemoryRecord, expectedVersion: Int)] = []
        for (index, change) in changed.enumerated() {
            updates.append(
                (try await record(
                    for: change.item, governance: change.governance, tenantID: caller.tenantID, vector: changedVectors[index]),
                    change.expectedVersion))
        }
        let links = edges
        let rows = updates
        let inserts = records
        try await auditSuccess(
            caller, "memory.add",
            AuditNote(
                resources: (items.map(\.id) + changed.map(\.item.id)).map { $0.uuidString.lowercased() },
                personal: options.subject.map { ["subject": $0] } ?? [:],
                details: ["cube": cube.id.uuidString.lowercased(), "count": String(items.count)]), status: 201)
        do {
            try await translatingStoreErrors {
                try await self.store.commitVersions(rows, inserts: inserts, edges: links)
            }
        } catch GovernanceError.conflict {
            throw GovernanceError.conflict("memories of cube '\(cube.name)' changed concurrently; retry the add")
        }
        for (index, item) in items.enumerated() {
            indexes.apply(.upsert(item, vector: newVectors[index], governance: governances[index]), cubeID: cube.id)
        }
        for (index, change) in changed.enumerated() {
            indexes.apply(.upsert(change.item, vector: changedVectors[index], governance: change.governance), cubeID: cube.id)
        }
        applyLinks(edges, cubes: [cube.id])
        let cubeView = view(of: cube, for: caller)
        var refinement: RefinementTask?
        if case .messages(let messages, let reading) = input, reading.mode == .fast, reading.refineInBackground {
            let raw = items
            let label = options.label
            refinement = await refinements.enqueue(tenantID: caller.tenantID) { [self] in
                try await self.storeRefinement(
                    caller, cube: cube, raw: raw, rawGovernance: governances, messages: messages, reading: reading,
                    label: label, subject: subject)
            }
        }
        let views = zip(items, governances).compactMap { item, governance in
            present(item, governance: governance, cube: cubeView, caller: caller, watermark: nil)
        }
        return AddOutcome(memories: views, refinement: refinement)
    }

    /// A background refinement's state, for the tenant that queued it.
    public func refinementTask(_ caller: MemoryCaller, id: UUID) async throws -> RefinementTask {
        guard let task = await refinements.task(id: id, tenantID: caller.tenantID) else {
            throw GovernanceError.notFound("no task \(id)")
        }
        return task
    }

    func requireFineReader() throws -> FineModeReader {
        guard let fineReader else {
            throw GovernanceError.invalidInput(
                field: "mode",
                message: "fine mode needs a chat model, and this gateway has none configured (MEMOS_LLM_BASE_URL, MEMOS_LLM_MODEL)")
        }
        return fineReader
    }

    /// Facts extracted by the chat model, with the request's tags and info.
    func refine(_ messages: [ChatMessage], reading: MessageReading) async throws -> [MemoryContent] {
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
    /// the raw windows that hold its source messages, and labelled at least as they are.
    private func storeRefinement(
        _ caller: MemoryCaller, cube: CubeRecord, raw: [MemoryItem], rawGovernance: [MemoryGovernance],
        messages: [ChatMessage], reading: MessageReading, label: String?, subject: String
    ) async throws -> [UUID] {
        let contents = try await refine(messages, reading: reading)
        guard !contents.isEmpty else { return [] }
        let now = Date().roundedToMilliseconds
        let items = contents.map {
            MemoryItem(id: UUID.v7(at: now), cubeID: cube.id, content: $0, state: .activated, version: 1, createdAt: now, updatedAt: now)
        }
        var edges: [MemoryEdgeRecord] = []
        var governances: [MemoryGovernance] = []
        for item in items {
            let cited = Set(item.content.sources.compactMap(\.messageID))
            let windows = raw.indices.filter { index in
                raw[index].content.sources.contains { $0.messageID.map(cited.contains) ?? false }
            }
            let sources = windows.isEmpty ? Array(raw.indices) : windows
            for index in sources {
                edges.append(edge(caller, from: item.id, to: raw[index].id, .refinedFrom, via: "fine-reader", at: now))
            }
            governances.append(
                labeler.governance(
                    for: item.content, requested: label, subject: subject, derivedFrom: sources.map { rawGovernance[$0] }))
        }
        let vectors = await vectors(for: items)
        var records: [MemoryRecord] = []
        for (index, item) in items.enumerated() {
            records.append(try await record(for: item, governance: governances[index], tenantID: caller.tenantID, vector: vectors[index]))
        }
        let links = edges
        let inserts = records
        try await auditSuccess(
            caller, "memory.refine",
            AuditNote(resources: items.map { $0.id.uuidString.lowercased() }, details: ["cube": cube.id.uuidString.lowercased()]),
            status: 201)
        try await translatingStoreErrors { try await self.store.commitVersions([], inserts: inserts, edges: links) }
        for (index, item) in items.enumerated() {
            indexes.apply(.upsert(item, vector: vectors[index], governance: governances[index]), cubeID: cube.id)
        }
        applyLinks(links, cubes: [cube.id])
        return items.map(\.id)
    }

    public func update(_ caller: MemoryCaller, id: UUID, patch: MemoryPatch, now: Date = Date()) async throws -> MemoryView {
        try await auditedWrite(caller, "memory.update") {
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
            var requested = stored.governance.requestedLabel
            var note = AuditNote()
            if let label = patch.label, label != requested {
                try labeler.validate(requested: label, caller: caller)
                let scale = presenter.policy.labels
                if let newRank = scale.rank(label), let oldRank = scale.rank(stored.governance.accessLabel), newRank < oldRank {
                    guard caller.role.has(.labelsLower) else {
                        throw GovernanceError.forbidden(
                            "role '\(caller.role.name)' may not lower a label (labels.lower) from '\(stored.governance.accessLabel)' to '\(label)'")
                    }
                    let justification = patch.justification?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                    guard (10...500).contains(justification.count) else {
                        throw GovernanceError.invalidInput(
                            field: "justification", message: "lowering a label needs a justification of 10-500 characters")
                    }
                    note.details = [
                        "label_lowered_from": stored.governance.accessLabel, "label_lowered_to": label,
                        "justification": justification,
                    ]
                }
                requested = label
            }
            // A lowered label drops what the memory inherited from its sources only when
            // lowering was explicitly justified; otherwise derived labels stay.
            let derived: [MemoryGovernance] =
                note.details.isEmpty
                ? stored.governance.derivedLabel.map { [Self.derivedOnly($0, subject: stored.governance.subject)] } ?? [] : []
            let governance = labeler.governance(
                for: next.content, requested: requested, subject: stored.governance.subject, derivedFrom: derived)
            return try await commit(next, governance: governance, replacing: stored, caller: caller, action: "memory.update", note: note)
        }
    }

    /// A stand-in source carrying only a derived label, to keep it through an update.
    static func derivedOnly(_ label: String, subject: String) -> MemoryGovernance {
        MemoryGovernance(subject: subject, requestedLabel: label, derivedLabel: nil, pii: [], accessLabel: label, label: label)
    }

    /// Moves a memory to another lifecycle state, as a new version.
    public func transition(_ caller: MemoryCaller, id: UUID, to state: MemoryState, now: Date = Date()) async throws
        -> MemoryView
    {
        try await auditedWrite(caller, "memory.transition") {
            let stored = try await writable(caller, id: id)
            let next: MemoryItem
            do {
                next = try MemoryLifecycle.transition(stored.item, to: state, at: now.roundedToMilliseconds)
            } catch {
                throw GovernanceError.conflict("memory \(id): \(error)")
            }
            return try await commit(
                next, governance: stored.governance, replacing: stored, caller: caller, action: "memory.transition",
                note: AuditNote(details: ["state": state.rawValue]))
        }
    }

    /// Restores the content of an earlier version as a new version; history keeps everything.
    public func rollback(_ caller: MemoryCaller, id: UUID, to version: Int, now: Date = Date()) async throws -> MemoryView {
        try await auditedWrite(caller, "memory.rollback") {
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
            let restored = try await openVersion(old)
            // Restoring older text must not restore an older, lower label: the current one stands.
            guard presenter.mayRead(restored.governance, caller: caller) else {
                throw GovernanceError.notFound("memory \(id) has no version \(version)")
            }
            let next: MemoryItem
            do {
                next = try MemoryLifecycle.rollback(current, to: restored.content, at: now.roundedToMilliseconds)
            } catch {
                throw GovernanceError.conflict("memory \(id): \(error)")
            }
            let governance = labeler.governance(
                for: next.content, requested: stored.governance.requestedLabel, subject: stored.governance.subject,
                derivedFrom: [restored.governance, stored.governance])
            return try await commit(
                next, governance: governance, replacing: stored, caller: caller, action: "memory.rollback",
                note: AuditNote(details: ["to_version": String(version)]))
        }
    }

    /// Writes a new version with optimistic concurrency (audited first), then updates the index.
    private func commit(
        _ next: MemoryItem, governance: MemoryGovernance, replacing stored: StoredMemory, caller: MemoryCaller,
        action: String, note: AuditNote
    ) async throws -> MemoryView {
        let current = stored.item
        let cube = stored.cube
        // A state change keeps the text, so it keeps the stored vector: no second embedding call.
        var vector: [Float]?
        if next.content == current.content {
            vector = try? await openVector(of: stored.record)
        }
        if vector == nil {
            vector = await vectors(for: [next])[0]
        }
        let record = try await record(for: next, governance: governance, tenantID: caller.tenantID, vector: vector)
        var recorded = note
        recorded.resources = [next.id.uuidString.lowercased()]
        try await auditSuccess(caller, action, recorded)
        do {
            try await translatingStoreErrors { try await self.store.updateMemory(record, expectedVersion: current.version) }
        } catch GovernanceError.conflict {
            throw GovernanceError.conflict("memory \(next.id) changed concurrently; re-read it and retry")
        }
        indexes.apply(.upsert(next, vector: vector, governance: governance), cubeID: cube.id)
        guard let view = present(next, governance: governance, cube: view(of: cube, for: caller), caller: caller, watermark: nil)
        else {
            // Written (the caller could write it) but no longer readable by it, e.g. raised label.
            throw GovernanceError.forbidden("memory \(next.id) was saved, but its label is above role '\(caller.role.name)' clearance")
        }
        return view
    }

    /// The memory and its cube, if the caller may read and write it.
    func writable(_ caller: MemoryCaller, id: UUID) async throws -> StoredMemory {
        let stored = try await readableStored(caller, id: id)
        guard caller.may(.write, cube: stored.cube) else {
            throw GovernanceError.forbidden("role '\(caller.role.name)' may not write cube '\(stored.cube.name)'")
        }
        return stored
    }

    /// Deletes a memory for real: the row, every version, edges, usage, index entries.
    public func delete(_ caller: MemoryCaller, id: UUID) async throws {
        try await auditedWrite(caller, "memory.delete") {
            let cube = try await writable(caller, id: id).cube
            try await auditSuccess(caller, "memory.delete", AuditNote(resources: [id.uuidString.lowercased()]), status: 204)
            let erased = try await translatingStoreErrors { try await self.store.eraseMemories(tenantID: caller.tenantID, ids: [id]) }
            indexes.apply(.remove(id), cubeID: cube.id)
            guard erased.memories > 0 else { throw GovernanceError.notFound("no memory \(id)") }
        }
    }

    // MARK: Graph

    /// Links two memories. The caller must be able to write the source and read the target;
    /// both must belong to the caller's tenant.
    public func link(_ caller: MemoryCaller, from: UUID, to: UUID, relation: MemoryRelation, now: Date = Date()) async throws
        -> RelatedMemory
    {
        try await auditedWrite(caller, "memory.link") {
            guard from != to else {
                throw GovernanceError.invalidInput(field: "to", message: "a memory cannot relate to itself")
            }
            let sourceCube = try await writable(caller, id: from).cube
            let target = try await readableStored(caller, id: to)
            let edge = MemoryEdgeRecord(
                id: UUID.v7(at: now), tenantID: caller.tenantID, fromID: from, toID: to, relation: relation.rawValue,
                provenance: Self.provenance(["created_by": caller.user.id.uuidString.lowercased(), "role": caller.role.name, "via": "api"]),
                createdAt: now.roundedToMilliseconds)
            try await auditSuccess(
                caller, "memory.link",
                AuditNote(resources: [from, to].map { $0.uuidString.lowercased() }, details: ["relation": relation.rawValue]),
                status: 201)
            do {
                try await translatingStoreErrors { try await self.store.insertEdges([edge]) }
            } catch GovernanceError.conflict {
                throw GovernanceError.conflict("memory \(from) already \(relation.rawValue) memory \(to)")
            }
            applyLinks([edge], cubes: [sourceCube.id, target.cube.id])
            guard let memory = present(
                target.item, governance: target.governance, cube: view(of: target.cube, for: caller), caller: caller,
                watermark: nil)
            else { throw GovernanceError.notFound("no memory \(to)") }
            return RelatedMemory(relation: relation, direction: .outgoing, memory: memory, createdAt: edge.createdAt)
        }
    }

    func move(_ item: MemoryItem, to state: MemoryState, at now: Date) throws -> MemoryItem {
        do {
            return try MemoryLifecycle.transition(item, to: state, at: now)
        } catch {
            throw GovernanceError.conflict("memory \(item.id): \(error)")
        }
    }

    func edge(
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
}
