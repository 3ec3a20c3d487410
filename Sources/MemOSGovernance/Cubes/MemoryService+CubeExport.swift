import Crypto
import Foundation
import MemOSCore
import MemOSStore

/// What to put in an exported archive.
public struct CubeExportOptions: Sendable {
    public var passphrase: String
    public var includeEmbeddings: Bool
    public var includeHistory: Bool

    public init(passphrase: String, includeEmbeddings: Bool = false, includeHistory: Bool = false) {
        self.passphrase = passphrase
        self.includeEmbeddings = includeEmbeddings
        self.includeHistory = includeHistory
    }
}

/// An exported archive: the envelope and the bytes of the file.
public struct CubeArchiveExport: Sendable {
    public let envelope: CubeArchiveEnvelope
    /// The archive file (the envelope as canonical JSON).
    public let data: Data
    /// A file name for the download: `<cube>-<yyyy-mm-dd>.memcube.json`.
    public let fileName: String
    /// Ids of the exported memories (as audited).
    public let memoryIDs: [UUID]
}

/// Exporting a cube as a portable, passphrase-encrypted archive (`memos-cube-archive/1`).
///
/// Bulk egress, so it needs the `cubes.export` permission on top of read access to the cube.
/// Only what the exporter may read leaves: memories above its clearance are withheld (and
/// counted in the manifest), PII it may not see is redacted exactly as a read would redact it
/// (then the archived labels are those of the redacted text), and no watermark is embedded
/// (the archive is encrypted, and the export is audited with every memory id).
extension MemoryService {
    public func exportCube(
        _ caller: MemoryCaller, cube reference: String, options: CubeExportOptions, now: Date = Date()
    ) async throws -> CubeArchiveExport {
        try await auditedWrite(caller, "cube.export") {
            guard caller.role.has(.cubesExport) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not export cubes (cubes.export)")
            }
            try ArchiveCipher.validate(passphrase: options.passphrase)
            let cube = try await resolveCube(caller, reference: reference, access: .read)
            let now = now.roundedToMilliseconds
            let records = try await translatingStoreErrors {
                try await self.store.memories(tenantID: caller.tenantID, cubeID: cube.id)
            }.sorted { $0.id < $1.id }
            var memories: [ArchivedMemory] = []
            var withheld = 0
            var needVectors: [(index: Int, item: MemoryItem)] = []
            for record in records {
                guard let (item, governance) = try? await open(record),
                    let (content, archivedGovernance) = archivable(item.content, governance: governance, caller: caller)
                else {
                    withheld += 1
                    continue
                }
                var history: [ArchivedVersion]?
                if options.includeHistory {
                    history = try await archivedHistory(of: record, caller: caller)
                }
                var embedding: ArchivedEmbedding?
                if options.includeEmbeddings {
                    // A redacted text gets a vector of its own: the stored one was made from the PII.
                    if !archivedGovernance.redacted, let vector = try? await openVector(of: record) {
                        embedding = ArchivedEmbedding(embedder: embedder.identifier, vector: vector)
                    } else {
                        var visible = item
                        visible.content = content
                        needVectors.append((memories.count, visible))
                    }
                }
                memories.append(
                    ArchivedMemory(
                        id: item.id, version: item.version, state: item.state, content: ArchivedContent(content),
                        governance: archivedGovernance, createdAt: item.createdAt, updatedAt: item.updatedAt,
                        history: history, embedding: embedding))
            }
            for start in stride(from: 0, to: needVectors.count, by: 256) {
                let batch = Array(needVectors[start..<min(start + 256, needVectors.count)])
                for (entry, vector) in zip(batch, await vectors(for: batch.map(\.item))) {
                    memories[entry.index].embedding = vector.map { ArchivedEmbedding(embedder: embedder.identifier, vector: $0) }
                }
            }
            let exported = Set(memories.map(\.id))
            let edges = try await translatingStoreErrors { try await self.store.edges(tenantID: caller.tenantID, cubeID: cube.id) }
                .filter { exported.contains($0.fromID) && exported.contains($0.toID) && MemoryRelation(rawValue: $0.relation) != nil }
                .sorted { $0.id < $1.id }
                .map { edge in
                    ArchivedEdge(
                        from: edge.fromID, to: edge.toID, relation: edge.relation, via: Self.via(of: edge), createdAt: edge.createdAt)
                }
            let subspace = Subspace(storageKey: cube.subspace)
            let document = CubeArchiveDocument(
                format: CubeArchiveEnvelope.formatV1,
                cube: ArchivedCube(name: cube.name, subspaceKind: Self.kind(of: subspace), team: Self.team(of: subspace)),
                memories: memories, edges: edges,
                provenance: try await provenance(caller, cube: cube, at: now))
            let plaintext = try ArchiveDecoding.canonicalEncoder.encode(document)
            let manifest = CubeArchiveManifest(
                cube: cube.name, subspaceKind: Self.kind(of: subspace), createdAt: ArchiveDecoding.formatDate(now),
                exporterTenant: caller.tenant.name, memories: memories.count, edges: edges.count,
                versions: memories.reduce(0) { $0 + ($1.history?.count ?? 0) }, withheld: withheld,
                memoryTypes: Self.counts(memories.map(\.content.memoryType)),
                labels: Self.counts(memories.map(\.governance.label)), states: Self.counts(memories.map(\.state.rawValue)),
                includesEmbeddings: options.includeEmbeddings, includesHistory: options.includeHistory,
                plaintextSHA256: ByteEncoding.hex(SHA256.hash(data: plaintext)))
            let kdf = ArchiveCipher.newKDF()
            let keys = try await ArchiveCipher().keys(passphrase: options.passphrase, kdf: kdf)
            let header = CubeArchiveEnvelope(manifest: manifest, kdf: kdf, keyCheck: keys.check, nonce: "", ciphertext: "")
            let sealed = try ArchiveCipher.seal(plaintext, key: keys.encryption, header: try header.authenticatedHeader)
            let envelope = CubeArchiveEnvelope(
                manifest: manifest, kdf: kdf, keyCheck: keys.check, nonce: sealed.nonce, ciphertext: sealed.ciphertext)
            let data = try envelope.encoded()
            // Bulk egress: recorded (and synced) before a byte is released; ids only, never text.
            try await auditSuccess(
                caller, "cube.export",
                AuditNote(
                    resources: [cube.id.uuidString.lowercased()] + memories.map { $0.id.uuidString.lowercased() },
                    details: [
                        "count": String(memories.count), "withheld": String(withheld), "archive": try envelope.manifestHash,
                        "embeddings": String(options.includeEmbeddings), "history": String(options.includeHistory),
                    ]))
            let day = String(ArchiveDecoding.formatDate(now).prefix(10))
            return CubeArchiveExport(
                envelope: envelope, data: data, fileName: "\(cube.name)-\(day).memcube.json", memoryIDs: memories.map(\.id))
        }
    }

    /// The content this caller may take out, with the labels of what it takes, or nil when it
    /// may not read the memory at all. No watermark: the archive itself is the audited copy.
    func archivable(_ content: MemoryContent, governance: MemoryGovernance, caller: MemoryCaller)
        -> (MemoryContent, ArchivedGovernance)?
    {
        guard let visible = presenter.content(content, governance: governance, caller: caller, watermark: nil) else {
            return nil
        }
        guard visible != content else { return (content, ArchivedGovernance(governance, redacted: false)) }
        // Redacted: label what actually leaves (the PII above the clearance is gone).
        let derived = governance.derivedLabel.map { [Self.derivedOnly($0, subject: governance.subject)] } ?? []
        let relabelled = labeler.governance(
            for: visible, requested: governance.requestedLabel, subject: governance.subject, derivedFrom: derived)
        return (visible, ArchivedGovernance(relabelled, redacted: true))
    }

    /// Earlier versions of a memory the caller may read, oldest first, without the current one.
    private func archivedHistory(of record: MemoryRecord, caller: MemoryCaller) async throws -> [ArchivedVersion] {
        let rows = try await translatingStoreErrors {
            try await self.store.history(tenantID: record.tenantID, memoryID: record.id)
        }
        var versions: [ArchivedVersion] = []
        for row in rows where row.version < record.version {
            guard let state = MemoryState(rawValue: row.state), let sealed = try? await openVersion(row),
                let (content, governance) = archivable(sealed.content, governance: sealed.governance, caller: caller)
            else { continue }
            versions.append(
                ArchivedVersion(
                    version: row.version, state: state, content: ArchivedContent(content), governance: governance,
                    recordedAt: row.recordedAt))
        }
        return versions
    }

    /// Keyed hashes of this gateway and the exporting tenant: stable per gateway, meaningless
    /// elsewhere, so an archive says where it came from without carrying internal ids.
    private func provenance(_ caller: MemoryCaller, cube: CubeRecord, at now: Date) async throws -> ArchiveProvenance {
        let key = try await keyring.systemKey("cube-archive-provenance")
        func mark(_ value: String) -> String {
            ByteEncoding.hex(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key).prefix(16))
        }
        return ArchiveProvenance(
            gateway: mark("gateway"), tenant: mark("tenant:" + caller.tenantID.uuidString.lowercased()), exportedAt: now,
            exporter: caller.user.username, exporterRole: caller.role.name, sourceCube: cube.id)
    }

    /// Why an edge exists, from its provenance (who made it stays behind).
    static func via(of edge: MemoryEdgeRecord) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(edge.provenance.utf8)) as? [String: Any] else {
            return nil
        }
        return object["via"] as? String
    }

    static func kind(of subspace: Subspace?) -> String {
        switch subspace {
        case .persona?: "persona"
        case .team?: "team"
        case .tenant?, nil: "tenant"
        }
    }

    static func team(of subspace: Subspace?) -> String? {
        if case .team(let name)? = subspace { return name }
        return nil
    }

    static func counts(_ values: [String]) -> [String: Int] {
        values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
