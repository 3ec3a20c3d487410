import Crypto
import Foundation
import MemOSCore
import MemOSStore

/// What an import created.
public struct CubeImportResult: Sendable {
    public let cube: CubeView
    public let memories: Int
    public let edges: Int
    /// History versions recreated (besides each memory's current version).
    public let versions: Int
    public let embeddingsReused: Int
    public let embeddingsComputed: Int
    /// SHA-256 of the archive's authenticated header, recorded in every memory's provenance.
    public let archive: String
    /// New id of each archived memory, by its id in the archive.
    public let ids: [UUID: UUID]
}

/// Importing an archive as a new cube of the caller's tenant (from the credential, never from
/// the archive): every memory re-sealed under this gateway's keys, labels and subjects kept,
/// provenance kept and extended, edges re-created between the new ids. All or nothing: any
/// refusal (wrong passphrase, altered archive, a label above the importer's clearance, a
/// subject it may not name) leaves nothing stored.
extension MemoryService {
    /// Most memories one archive may hold.
    public static let maxArchiveMemories = 100_000

    public func importCube(
        _ caller: MemoryCaller, archive envelope: CubeArchiveEnvelope, passphrase: String, name: String,
        subspace requested: String?, now: Date = Date()
    ) async throws -> CubeImportResult {
        try await auditedWrite(caller, "cube.import") {
            guard caller.role.has(.cubesImport) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not import cubes (cubes.import)")
            }
            guard !passphrase.isEmpty, passphrase.utf8.count <= ArchiveCipher.maximumPassphraseBytes else {
                throw GovernanceError.invalidInput(
                    field: "passphrase", message: "must be 1-\(ArchiveCipher.maximumPassphraseBytes) bytes")
            }
            try NameRules.validateCubeName(name)
            let subspace = try parseSubspace(requested, caller: caller)
            guard caller.may(.manage, in: subspace) else {
                throw GovernanceError.forbidden(
                    "role '\(caller.role.name)' may not create cubes in '\(caller.displayName(of: subspace))'")
            }
            // Cheap refusals before the deliberately expensive key derivation.
            let existing = try await translatingStoreErrors { try await self.directory.cubes(tenantID: caller.tenantID) }
            guard !existing.contains(where: { $0.subspace == subspace.storageKey && $0.name == name }) else {
                throw GovernanceError.conflict("a cube named '\(name)' already exists in '\(caller.displayName(of: subspace))'")
            }
            let manifest = envelope.manifest
            guard (0...Self.maxArchiveMemories).contains(manifest.memories) else {
                throw GovernanceError.invalidInput(
                    field: "archive.manifest.memories", message: "an archive may hold at most \(Self.maxArchiveMemories) memories")
            }
            let archiveHash = try envelope.manifestHash
            let document = try await decrypt(envelope, passphrase: passphrase)
            let plan = try await importPlan(document, caller: caller, archive: archiveHash, now: now.roundedToMilliseconds)
            let cube = CubeRecord(
                id: UUID.v7(at: now), tenantID: caller.tenantID, subspace: subspace.storageKey, name: name,
                createdBy: caller.user.id, createdAt: now.roundedToMilliseconds)
            var records: [MemoryRecord] = []
            var versionRows: [MemoryVersionRecord] = []
            for memory in plan.memories {
                for version in memory.versions.dropLast() {
                    var item = version.item
                    item.cubeID = cube.id
                    let row = try await record(for: item, governance: version.governance, tenantID: caller.tenantID, vector: nil)
                    versionRows.append(MemoryVersionRecord(snapshotOf: row))
                }
                guard let current = memory.versions.last else { continue }
                var item = current.item
                item.cubeID = cube.id
                let row = try await record(for: item, governance: current.governance, tenantID: caller.tenantID, vector: memory.vector)
                records.append(row)
                versionRows.append(MemoryVersionRecord(snapshotOf: row))
            }
            let edges = plan.edges.map { edge in
                MemoryEdgeRecord(
                    id: UUID.v7(at: now), tenantID: caller.tenantID, fromID: edge.from, toID: edge.to, relation: edge.relation,
                    provenance: Self.provenance(
                        ["via": edge.via ?? "import", "imported_from": archiveHash, "request_id": caller.requestID]),
                    createdAt: edge.createdAt)
            }
            let newIDs = records.map(\.id)
            try await auditSuccess(
                caller, "cube.import",
                AuditNote(
                    resources: [cube.id.uuidString.lowercased()] + newIDs.map { $0.uuidString.lowercased() },
                    details: [
                        "archive": archiveHash, "count": String(records.count), "edges": String(edges.count),
                        "subspace": caller.displayName(of: subspace),
                    ]),
                status: 201)
            let (rows, versions) = (records, versionRows)
            do {
                try await store.importCube(cube, memories: rows, versions: versions, edges: edges)
            } catch StoreError.conflict {
                throw GovernanceError.conflict("a cube named '\(name)' already exists in '\(caller.displayName(of: subspace))'")
            } catch let error as StoreError {
                throw Self.translate(error)
            }
            directory.invalidate(tenantID: caller.tenantID)
            return CubeImportResult(
                cube: view(of: cube, for: caller), memories: records.count, edges: edges.count,
                versions: versionRows.count - records.count, embeddingsReused: plan.reused, embeddingsComputed: plan.computed,
                archive: archiveHash, ids: plan.ids)
        }
    }

    /// The inner document, after proving the passphrase, authenticating the ciphertext and
    /// header, and checking the plaintext digest; each failure says which it was.
    private func decrypt(_ envelope: CubeArchiveEnvelope, passphrase: String) async throws -> CubeArchiveDocument {
        let keys = try await ArchiveCipher().keys(passphrase: passphrase, kdf: envelope.kdf)
        guard keys.check == envelope.keyCheck else {
            throw GovernanceError.invalidInput(field: "passphrase", message: "wrong passphrase for this archive")
        }
        let plaintext = try ArchiveCipher.open(envelope, key: keys.encryption)
        guard ByteEncoding.hex(SHA256.hash(data: plaintext)) == envelope.manifest.plaintextSHA256 else {
            throw GovernanceError.invalidInput(
                field: "archive.manifest.plaintext_sha256", message: "does not match the decrypted content")
        }
        let document: CubeArchiveDocument
        do {
            document = try ArchiveDecoding.decoder.decode(CubeArchiveDocument.self, from: plaintext)
        } catch let error as GovernanceError {
            throw error
        } catch let error as DecodingError {
            throw ArchiveDecoding.translate(error, in: "archive.content")
        }
        guard document.format == CubeArchiveEnvelope.formatV1 else {
            throw GovernanceError.invalidInput(
                field: "archive.content.format", message: "'\(document.format)' does not match the envelope's format")
        }
        let manifest = envelope.manifest
        let versions = document.memories.reduce(0) { $0 + ($1.history?.count ?? 0) }
        guard document.memories.count == manifest.memories, document.edges.count == manifest.edges, versions == manifest.versions
        else {
            throw GovernanceError.invalidInput(
                field: "archive.manifest", message: "its counts do not match the content (memories, edges or versions)")
        }
        return document
    }

    /// A memory ready to seal: its versions oldest first (the last is current) and its vector.
    private struct PlannedMemory {
        var versions: [(item: MemoryItem, governance: MemoryGovernance)]
        var vector: [Float]?
    }

    private struct ImportPlan {
        var memories: [PlannedMemory]
        var edges: [ArchivedEdge]
        var ids: [UUID: UUID]
        var reused: Int
        var computed: Int
    }

    /// Checks every memory against this gateway's policy and the importer's rights, and maps
    /// it to new ids, before anything is written.
    private func importPlan(_ document: CubeArchiveDocument, caller: MemoryCaller, archive: String, now: Date) async throws
        -> ImportPlan
    {
        var ids: [UUID: UUID] = [:]
        var memories: [PlannedMemory] = []
        var reused = 0
        for (index, memory) in document.memories.enumerated() {
            guard ids[memory.id] == nil else {
                throw GovernanceError.invalidInput(field: "archive.content.memories[\(index)].id", message: "appears twice")
            }
            let newID = UUID.v7(at: memory.createdAt)
            ids[memory.id] = newID
            let archived = (memory.history ?? []).map { ($0.content, $0.governance, $0.state, $0.recordedAt) }
                + [(memory.content, memory.governance, memory.state, memory.updatedAt)]
            var versions: [(item: MemoryItem, governance: MemoryGovernance)] = []
            for (number, version) in archived.enumerated() {
                var content = try version.0.memoryContent()
                content.info["imported_from"] = .object([
                    "archive": .string(archive), "original_id": .string(memory.id.uuidString.lowercased()),
                ])
                let governance = try importedGovernance(version.1, content: content, caller: caller, field: "archive.content.memories[\(index)]")
                // History keeps its order; versions withheld at export leave no gaps.
                versions.append(
                    (MemoryItem(
                        id: newID, cubeID: newID, content: content, state: version.2, version: number + 1,
                        createdAt: memory.createdAt, updatedAt: version.3), governance))
            }
            var vector: [Float]?
            if let embedding = memory.embedding, embedding.embedder == embedder.identifier, let floats = embedding.floats {
                vector = floats
                reused += 1
            }
            memories.append(PlannedMemory(versions: versions, vector: vector))
        }
        // After the labels: a memory above the clearance is the first thing to refuse.
        let foreignSubjects = Set(
            document.memories.flatMap { memory in
                [memory.governance.subject] + (memory.history ?? []).map(\.governance.subject)
            }
        ).subtracting([caller.user.username])
        guard foreignSubjects.isEmpty || caller.role.has(.subjectsName) else {
            throw GovernanceError.forbidden(
                "the archive holds memories about \(foreignSubjects.count) other data subject(s); role '\(caller.role.name)' "
                    + "may not import them (subjects.name)")
        }
        // Vectors from another embedder (or none) are computed here, so the index need not.
        let missing = memories.indices.filter { memories[$0].vector == nil }
        var computed = 0
        for start in stride(from: 0, to: missing.count, by: 256) {
            let batch = Array(missing[start..<min(start + 256, missing.count)])
            let fresh = await vectors(for: batch.compactMap { memories[$0].versions.last?.item })
            for (position, vector) in zip(batch, fresh) where vector != nil {
                memories[position].vector = vector
                computed += 1
            }
        }
        var edges: [ArchivedEdge] = []
        for (index, edge) in document.edges.enumerated() {
            guard let from = ids[edge.from], let to = ids[edge.to] else {
                throw GovernanceError.invalidInput(
                    field: "archive.content.edges[\(index)]", message: "refers to a memory that is not in the archive")
            }
            guard MemoryRelation(rawValue: edge.relation) != nil else {
                throw GovernanceError.invalidInput(
                    field: "archive.content.edges[\(index)].relation", message: "unknown relation '\(edge.relation)'")
            }
            var mapped = edge
            mapped.from = from
            mapped.to = to
            edges.append(mapped)
        }
        return ImportPlan(memories: memories, edges: edges, ids: ids, reused: reused, computed: computed)
    }

    /// The labels of an imported version: never lower than the archive says, raised by this
    /// gateway's own PII rules where they are stricter, and refused (403) above the importer's
    /// clearance: an import must not create memories its importer could not read.
    private func importedGovernance(
        _ archived: ArchivedGovernance, content: MemoryContent, caller: MemoryCaller, field: String
    ) throws -> MemoryGovernance {
        let scale = activePolicy.current.labels
        for label in [archived.label, archived.accessLabel, archived.requestedLabel] + (archived.derivedLabel.map { [$0] } ?? [])
        where !scale.contains(label) {
            throw GovernanceError.invalidInput(
                field: "\(field).governance",
                message: "label '\(label)' is not on this gateway's scale (\(scale.levels.joined(separator: ", ")))")
        }
        guard (1...256).contains(archived.subject.count), !archived.subject.contains(where: \.isNewline) else {
            throw GovernanceError.invalidInput(field: "\(field).governance.subject", message: "must be 1-256 characters on one line")
        }
        let derived = archived.derivedLabel.map { [Self.derivedOnly($0, subject: archived.subject)] } ?? []
        var governance = labeler.governance(
            for: content, requested: archived.requestedLabel, subject: archived.subject, derivedFrom: derived)
        governance.accessLabel = scale.highest([governance.accessLabel, archived.accessLabel])
        governance.label = scale.highest([governance.label, archived.label, governance.accessLabel])
        guard scale.allows(clearance: caller.role.clearance, toRead: governance.label) else {
            throw GovernanceError.forbidden(
                "the archive holds a memory labelled '\(governance.label)', above role '\(caller.role.name)' clearance "
                    + "'\(caller.role.clearance)'; nothing was imported")
        }
        return governance
    }
}
