import Crypto
import Foundation
import MemOSCore
import MemOSStore
import Synchronization

/// Parametric memory (adapters such as LoRA files) and activation KV snapshots, governed like
/// memories: tenant-bound, in a subspace, labelled (no read up), sealed under a per-artifact
/// data key, versioned by name, audited, and erased with the data they were derived from.
///
/// An artifact is created from its metadata (`create`), then its content is uploaded once
/// (`uploadContent`); from then on the version is immutable. Reading metadata needs read
/// access to the subspace and clearance for the label; downloads need `artifacts.read` too;
/// creating, uploading and deleting need `artifacts.write` and write access to the subspace.
public struct ArtifactService: Sendable {
    /// Content is sealed in chunks of this size, so no artifact is one giant blob.
    public static let chunkSize = 1 << 20

    let store: any GovernanceStore
    let keyring: Keyring
    let memories: MemoryService
    let scheduler: MemScheduler
    let activePolicy: ActivePolicy
    let chunkSize: Int
    var sealer: ArtifactSealer { ArtifactSealer(keyring: keyring) }

    /// Uploads in progress in this process: one content upload per artifact at a time.
    static let uploadsInFlight = Mutex<Set<UUID>>([])

    init(
        store: any GovernanceStore, keyring: Keyring, memories: MemoryService, scheduler: MemScheduler,
        activePolicy: ActivePolicy, chunkSize: Int = ArtifactService.chunkSize
    ) {
        self.store = store
        self.keyring = keyring
        self.memories = memories
        self.scheduler = scheduler
        self.activePolicy = activePolicy
        self.chunkSize = chunkSize
    }

    typealias AuditNote = MemoryService.AuditNote

    // MARK: Create

    /// Creates a pending artifact version from its metadata: validates it, checks that every
    /// named source memory is readable (an unreadable one answers 404 like a missing one),
    /// labels it max(requested, source labels) within the caller's clearance, and records the
    /// provenance erasure will look for. Upload the content next with `uploadContent`.
    public func create(_ caller: MemoryCaller, _ draft: ArtifactDraft, now: Date = Date()) async throws -> ArtifactView {
        try await memories.auditedWrite(caller, "artifact.create") {
            guard caller.role.has(.artifactsWrite) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not upload artifacts (artifacts.write)")
            }
            try ArtifactDraftValidation.validate(draft)
            let subspace = try parseSubspace(draft.subspace, caller: caller)
            guard caller.may(.write, in: subspace) else {
                throw GovernanceError.forbidden(
                    "role '\(caller.role.name)' may not write to '\(caller.displayName(of: subspace))'")
            }
            let scale = activePolicy.current.labels
            if let requested = draft.label, !scale.contains(requested) {
                throw GovernanceError.invalidInput(
                    field: "label", message: "unknown label '\(requested)' (expected one of: \(scale.levels.joined(separator: ", ")))")
            }
            var memoryIDs = draft.derivedFromMemories
            if draft.kind == .kvSnapshot, memoryIDs.isEmpty, let prefix = draft.kvSnapshot {
                memoryIDs = try await activationMemories(caller, prefixID: prefix.activationPrefixID)
            }
            let sources = try await resolveSources(caller, memoryIDs: memoryIDs, subjects: draft.derivedFromSubjects)
            let sourceLabel = sources.labels.isEmpty ? nil : scale.highest(sources.labels)
            let label = scale.highest(
                [sourceLabel, draft.label ?? (sourceLabel == nil ? scale.defaultLabel : nil)].compactMap { $0 })
            guard scale.allows(clearance: caller.role.clearance, toRead: label) else {
                throw GovernanceError.forbidden(
                    "the artifact's label '\(label)' (max of the requested label and its source memories' labels) exceeds the clearance '\(caller.role.clearance)' of role '\(caller.role.name)'")
            }
            let id = UUID.v7(at: now)
            let key = try await sealer.newKey(tenantID: caller.tenantID, artifactID: id)
            let metadata = ArtifactMetadata(
                name: draft.name, kind: draft.kind, description: draft.description, parametric: draft.parametric,
                kvSnapshot: draft.kvSnapshot,
                provenance: ArtifactProvenance(memoryIDs: sources.memoryIDs, subjectHashes: sources.subjectHashes.sorted()),
                onSubjectErasure: draft.onSubjectErasure, requestedLabel: draft.label, sourceLabel: sourceLabel, size: nil,
                sha256: nil, chunkSize: chunkSize, chunkCount: nil, flags: [])
            let nameKey = try await nameKey(tenantID: caller.tenantID, name: draft.name)
            do {
                // A concurrent upload of the same name may take the version first: take the next.
                for _ in 0..<5 {
                    let latest = try await memories.translatingStoreErrors {
                        try await self.store.latestArtifactVersion(
                            tenantID: caller.tenantID, kind: draft.kind.rawValue, subspace: subspace.storageKey, nameKey: nameKey)
                    }
                    var record = ArtifactRecord(
                        id: id, tenantID: caller.tenantID, kind: draft.kind.rawValue, nameKey: nameKey, version: latest + 1,
                        label: label, subspace: subspace.storageKey, ownerUserID: caller.user.id, ownerRole: caller.role.name,
                        state: ArtifactState.pending.rawValue, size: 0, chunkCount: 0, keyID: key.id, metadata: Data(),
                        createdAt: now.roundedToMilliseconds)
                    record.metadata = try sealer.sealMetadata(metadata, record: record, key: key.key)
                    let rows =
                        sources.memoryIDs.map {
                            ArtifactSourceRecord(artifactID: id, tenantID: caller.tenantID, kind: .memory, ref: $0.uuidString.lowercased())
                        }
                        + sources.subjectHashes.map {
                            ArtifactSourceRecord(artifactID: id, tenantID: caller.tenantID, kind: .subject, ref: $0)
                        }
                    try await memories.auditSuccess(
                        caller, "artifact.create",
                        AuditNote(
                            resources: [id.uuidString.lowercased()] + sources.memoryIDs.map { $0.uuidString.lowercased() },
                            details: [
                                "kind": draft.kind.rawValue, "version": String(record.version), "label": label,
                                "subspace": caller.displayName(of: subspace), "sources": String(sources.memoryIDs.count),
                                "subjects": String(sources.subjectHashes.count),
                                "on_subject_erasure": draft.onSubjectErasure.rawValue,
                            ]),
                        status: 201)
                    do {
                        try await store.insertArtifact(record, sources: rows)
                    } catch StoreError.conflict {
                        continue
                    }
                    try await requireSourcesStillExist(record, memoryIDs: sources.memoryIDs)
                    return view(record, metadata, caller: caller)
                }
                throw GovernanceError.conflict("artifact '\(draft.name)' is being versioned concurrently; retry")
            } catch {
                _ = try? await keyring.destroySubjectKey(tenantID: caller.tenantID, subjectHash: ArtifactSealer.keyScope(id))
                if let error = error as? StoreError { throw MemoryService.translate(error) }
                throw error
            }
        }
    }

    /// What the named sources amount to: the memories (each readable by the caller), their
    /// highest labels, and the subjects' keyed hashes (of the memories and of named subjects).
    private func resolveSources(_ caller: MemoryCaller, memoryIDs: [UUID], subjects: [String]) async throws
        -> (memoryIDs: [UUID], labels: [String], subjectHashes: Set<String>)
    {
        var ids: [UUID] = []
        var labels: [String] = []
        var hashes: Set<String> = []
        for id in memoryIDs where !ids.contains(id) {
            // Throws not-found for a missing memory and for one the caller may not read alike.
            let stored = try await memories.readableStored(caller, id: id)
            ids.append(id)
            labels.append(stored.governance.label)
            if !stored.record.subjectHash.isEmpty {
                hashes.insert(stored.record.subjectHash)
            } else if !stored.governance.subject.isEmpty {
                hashes.insert(try await keyring.subjectHash(tenantID: caller.tenantID, subject: stored.governance.subject))
            }
        }
        if !subjects.isEmpty {
            guard caller.role.has(.subjectsName) else {
                throw GovernanceError.forbidden(
                    "role '\(caller.role.name)' may not name data subjects (subjects.name); name the memories instead")
            }
            for subject in subjects {
                hashes.insert(try await keyring.subjectHash(tenantID: caller.tenantID, subject: subject))
            }
        }
        return (ids, labels, hashes)
    }

    /// Closes the race with an erasure of a source memory: erasure deletes memories before its
    /// observers look for derived artifacts, so an artifact inserted after they looked finds a
    /// source gone here, and is removed again instead of outliving the erasure.
    private func requireSourcesStillExist(_ record: ArtifactRecord, memoryIDs: [UUID]) async throws {
        for id in memoryIDs {
            let exists = try await memories.translatingStoreErrors {
                try await self.store.memory(tenantID: record.tenantID, id: id) != nil
            }
            guard exists else {
                _ = try await memories.translatingStoreErrors {
                    try await self.store.deleteArtifacts(tenantID: record.tenantID, ids: [record.id])
                }
                throw GovernanceError.notFound("no memory \(id)")
            }
        }
    }

    /// The memories of the persona's current activation prefix, when the snapshot is of it.
    private func activationMemories(_ caller: MemoryCaller, prefixID: String) async throws -> [UUID] {
        guard let prefix = try await scheduler.activation(caller), prefix.id == prefixID else {
            throw GovernanceError.invalidInput(
                field: "derived_from.memory_ids",
                message: "required: activation prefix \(prefixID) is not the acting persona's current prefix, so name the memories it was built from")
        }
        return prefix.memoryIDs
    }

    // MARK: Read

    /// Artifacts the caller may see (subspace read access and clearance), newest first: the
    /// latest version of each name, or every version with `allVersions`.
    public func list(_ caller: MemoryCaller, kind: ArtifactKind? = nil, allVersions: Bool = false) async throws -> [ArtifactView] {
        try await memories.auditedRead(caller, "artifact.list") {
            let records = try await memories.translatingStoreErrors { try await self.store.artifacts(tenantID: caller.tenantID) }
            var seen: Set<String> = []
            var views: [ArtifactView] = []
            for record in records where kind == nil || record.kind == kind?.rawValue {
                guard mayRead(caller, record) else { continue }
                if !allVersions {
                    // Newest first per name: the first seen of a lineage is its latest visible version.
                    let lineage = "\(record.kind)|\(record.subspace)|\(record.nameKey)"
                    guard !seen.contains(lineage) else { continue }
                    seen.insert(lineage)
                }
                guard let metadata = try? await open(record) else { continue }
                views.append(view(record, metadata, caller: caller))
            }
            views.sort { $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id > $1.id }
            return (views, AuditNote(resources: views.map { $0.id.uuidString.lowercased() }))
        }
    }

    /// One artifact version's metadata.
    public func get(_ caller: MemoryCaller, id: UUID) async throws -> ArtifactView {
        try await memories.auditedRead(caller, "artifact.read") {
            let (record, metadata) = try await visible(caller, id: id)
            return (view(record, metadata, caller: caller), AuditNote(resources: [id.uuidString.lowercased()]))
        }
    }

    /// Every version of the artifact's name the caller may see, oldest first.
    public func versions(_ caller: MemoryCaller, id: UUID) async throws -> [ArtifactView] {
        try await memories.auditedRead(caller, "artifact.versions") {
            let (record, _) = try await visible(caller, id: id)
            let views = try await lineage(caller, of: record)
            return (views.map(\.0), AuditNote(resources: views.map { $0.0.id.uuidString.lowercased() }))
        }
    }

    private func lineage(_ caller: MemoryCaller, of record: ArtifactRecord) async throws -> [(ArtifactView, ArtifactRecord)] {
        let rows = try await memories.translatingStoreErrors {
            try await self.store.artifactVersions(
                tenantID: caller.tenantID, kind: record.kind, subspace: record.subspace, nameKey: record.nameKey)
        }
        var views: [(ArtifactView, ArtifactRecord)] = []
        for row in rows where mayRead(caller, row) {
            views.append((view(row, try await open(row), caller: caller), row))
        }
        return views
    }

    // MARK: Delete

    /// Deletes one version (or, with `allVersions`, every version the caller can see): rows,
    /// chunks and provenance go in one transaction, then each version's data key is destroyed.
    /// Returns the ids deleted.
    public func delete(_ caller: MemoryCaller, id: UUID, allVersions: Bool = false) async throws -> [UUID] {
        try await memories.auditedWrite(caller, "artifact.delete") {
            let (record, _) = try await visible(caller, id: id)
            guard caller.role.has(.artifactsWrite) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not delete artifacts (artifacts.write)")
            }
            guard let subspace = Subspace(storageKey: record.subspace), caller.may(.write, in: subspace) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not delete artifacts in this subspace")
            }
            let targets = allVersions ? try await lineage(caller, of: record).map(\.1) : [record]
            let ids = targets.map(\.id)
            try await memories.auditSuccess(
                caller, "artifact.delete",
                AuditNote(resources: ids.map { $0.uuidString.lowercased() }, details: ["kind": record.kind, "versions": String(ids.count)]))
            _ = try await memories.translatingStoreErrors { try await self.store.deleteArtifacts(tenantID: caller.tenantID, ids: ids) }
            for target in targets {
                try await keyring.destroySubjectKey(tenantID: caller.tenantID, subjectHash: ArtifactSealer.keyScope(target.id))
            }
            return ids
        }
    }

    // MARK: Helpers

    /// No read up, and only subspaces the acting role may read; the label column is bound into
    /// the sealed metadata, so editing it makes the row fail to open rather than widen access.
    func mayRead(_ caller: MemoryCaller, _ record: ArtifactRecord) -> Bool {
        guard let subspace = Subspace(storageKey: record.subspace), caller.may(.read, in: subspace) else { return false }
        return activePolicy.current.labels.allows(clearance: caller.role.clearance, toRead: record.label)
    }

    /// The artifact and its opened metadata, when the caller may see it; otherwise not-found,
    /// exactly as for an id that does not exist (in this tenant or at all).
    func visible(_ caller: MemoryCaller, id: UUID) async throws -> (ArtifactRecord, ArtifactMetadata) {
        guard let record = try await memories.translatingStoreErrors({ try await self.store.artifact(tenantID: caller.tenantID, id: id) }),
            mayRead(caller, record)
        else { throw GovernanceError.notFound("no artifact \(id.uuidString.lowercased())") }
        return (record, try await open(record))
    }

    /// Opens the sealed metadata; a failure is recorded as `integrity.failure` and rethrown.
    func open(_ record: ArtifactRecord) async throws -> ArtifactMetadata {
        try await reportingIntegrity(record) {
            try sealer.openMetadata(record, key: try await sealer.key(of: record))
        }
    }

    func reportingIntegrity<T>(_ record: ArtifactRecord, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GovernanceError {
            if case .integrity = error {
                await memories.reportIntegrityFailure(tenantID: record.tenantID, resource: record.id, error)
            }
            throw error
        }
    }

    /// The keyed hash versions group by, so the name itself stays sealed.
    func nameKey(tenantID: UUID, name: String) async throws -> String {
        let key = try await keyring.tenantKey(tenantID).key
        return ByteEncoding.hex(HMAC<SHA256>.authenticationCode(for: Data("artifact-name:\(name)".utf8), using: key))
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
                throw GovernanceError.invalidInput(field: "subspace", message: "team name must be 1-63 characters of a-z, 0-9 and '-'")
            }
            return .team(name)
        case let value?:
            throw GovernanceError.invalidInput(
                field: "subspace", message: "unknown subspace '\(value)' (expected persona, team/<name> or tenant)")
        }
    }

    func view(_ record: ArtifactRecord, _ metadata: ArtifactMetadata, caller: MemoryCaller) -> ArtifactView {
        let subspace = Subspace(storageKey: record.subspace)
        return ArtifactView(
            id: record.id, kind: metadata.kind, name: metadata.name, version: record.version, label: record.label,
            subspace: subspace.map(caller.displayName(of:)) ?? record.subspace,
            state: ArtifactState(rawValue: record.state) ?? .pending, size: metadata.size, sha256: metadata.sha256,
            chunkCount: metadata.chunkCount, description: metadata.description, parametric: metadata.parametric,
            kvSnapshot: metadata.kvSnapshot, provenance: metadata.provenance, onSubjectErasure: metadata.onSubjectErasure,
            flags: metadata.flags, ownedByCaller: record.ownerUserID == caller.user.id && record.ownerRole == caller.role.name,
            createdAt: record.createdAt)
    }
}
