import Crypto
import Foundation
import MemOSCore
import MemOSStore

/// Data-subject rights: export everything held about a subject, and erase it everywhere.
extension MemoryService {
    /// The gateway's Ed25519 signing key (audit checkpoints, erasure receipts), kept wrapped.
    public func signingKey() async throws -> Curve25519.Signing.PrivateKey {
        try await keyring.signingKey()
    }

    private func requireSubject(_ subject: String) throws {
        guard (1...256).contains(subject.count), !subject.contains(where: \.isNewline) else {
            throw GovernanceError.invalidInput(field: "subject", message: "must be 1-256 characters on one line")
        }
    }

    public func exportSubject(_ caller: MemoryCaller, subject: String) async throws -> SubjectExport {
        try await auditedRead(caller, "subject.export", personal: ["subject": subject]) {
            guard caller.role.has(.subjectsExport) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not export data subjects (subjects.export)")
            }
            try requireSubject(subject)
            let subjectHash = try await keyring.subjectHash(tenantID: caller.tenantID, subject: subject)
            let records = try await translatingStoreErrors {
                try await self.store.memories(tenantID: caller.tenantID, subjectHash: subjectHash)
            }
            await usageRecorder.flush()
            var memories: [SubjectExport.Memory] = []
            var withheld = 0
            for record in records {
                let (item, governance) = try await open(record)
                guard let cube = try await translatingStoreErrors({ try await self.directory.cube(tenantID: caller.tenantID, id: record.cubeID) })
                else { continue }
                let cubeView = CubeView(id: cube.id, name: cube.name, subspace: cube.subspace, createdAt: cube.createdAt)
                guard let view = present(item, governance: governance, cube: cubeView, caller: caller, watermark: nil) else {
                    withheld += 1
                    continue
                }
                var versions: [MemoryVersionView] = []
                for row in try await translatingStoreErrors({ try await self.store.history(tenantID: caller.tenantID, memoryID: item.id) }) {
                    let sealed = try await openVersion(row)
                    guard let state = MemoryState(rawValue: row.state),
                        let content = presenter.content(sealed.content, governance: sealed.governance, caller: caller, watermark: nil)
                    else { continue }
                    versions.append(
                        MemoryVersionView(
                            version: row.version, state: state, content: content, recordedAt: row.recordedAt, cube: cubeView,
                            label: sealed.governance.label, subject: sealed.governance.subject))
                }
                let edges = try await translatingStoreErrors { try await self.store.edges(tenantID: caller.tenantID, memoryID: item.id) }
                let usage = try await translatingStoreErrors { try await self.store.usage(tenantID: caller.tenantID, memoryID: item.id) }
                memories.append(SubjectExport.Memory(memory: view, versions: versions, edges: edges, usage: usage))
            }
            var derived: [DerivedRecord] = []
            for index in derivedIndexes.withLock({ $0 }) {
                let found = try await index.derivedRecords(
                    tenantID: caller.tenantID, subjectHash: subjectHash, memoryIDs: Set(records.map(\.id)))
                for record in found {
                    // An item derived from memories above the clearance carries their label, so it is withheld too.
                    if activePolicy.current.labels.allows(clearance: caller.role.clearance, toRead: record.label) {
                        derived.append(record)
                    } else {
                        withheld += 1
                    }
                }
            }
            let export = SubjectExport(
                subject: subject, tenantID: caller.tenantID, exportedAt: Date(), memories: memories, derived: derived,
                withheld: withheld)
            let resources = memories.map { $0.memory.item.id.uuidString.lowercased() } + derived.map { $0.id.uuidString.lowercased() }
            return (export, AuditNote(resources: resources))
        }
    }

    /// Erases a subject: every memory, version, edge, usage record, embedding and
    /// index entry; the subject's data key (so backups cannot be opened either); then compacts
    /// the database and returns a signed receipt. Audited before anything is removed.
    public func eraseSubject(_ caller: MemoryCaller, subject: String, reason: String?) async throws -> ErasureReceipt {
        try await auditedWrite(caller, "subject.erase", personal: ["subject": subject]) {
            guard caller.role.has(.subjectsErase) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not erase data subjects (subjects.erase)")
            }
            try requireSubject(subject)
            let subjectHash = try await keyring.subjectHash(tenantID: caller.tenantID, subject: subject)
            let records = try await translatingStoreErrors {
                try await self.store.memories(tenantID: caller.tenantID, subjectHash: subjectHash)
            }
            try await auditSuccess(
                caller, "subject.erase",
                AuditNote(
                    resources: records.map { $0.id.uuidString.lowercased() }, personal: ["subject": subject],
                    details: ["memories": String(records.count)]))
            let outcome = try await erase(records, tenantID: caller.tenantID, subjectHash: subjectHash)
            let keys = try await keyring.destroySubjectKey(tenantID: caller.tenantID, subjectHash: subjectHash) ? 1 : 0
            try await translatingStoreErrors { try await self.store.compact() }
            return try await signedReceipt(
                tenantID: caller.tenantID, subjectHash: subjectHash, requestedBy: caller.user.id.uuidString.lowercased(),
                role: caller.role.name, requestID: caller.requestID, reason: reason ?? "data subject request",
                outcome: outcome, dataKeysDestroyed: keys, stores: Self.erasureStores)
        }
    }

    /// What erasing a set of rows removed.
    struct ErasureOutcome: Sendable {
        var counts = ErasureCounts()
        var indexEntries = 0
        var embeddings = 0
        /// What erasure observers removed or flagged (activation, parametric, MemStore).
        var derived: [DerivedErasure] = []
    }

    /// Deletes rows and everything hanging off them, in one transaction, then drops them from
    /// the in-memory indexes and the pending usage counts.
    func erase(_ records: [MemoryRecord], tenantID: UUID, subjectHash: String? = nil) async throws -> ErasureOutcome {
        var outcome = ErasureOutcome()
        guard !records.isEmpty || subjectHash != nil else { return outcome }
        let ids = records.map(\.id)
        outcome.counts = try await translatingStoreErrors { try await self.store.eraseMemories(tenantID: tenantID, ids: ids) }
        outcome.embeddings = records.filter { $0.embedding != nil }.count
        for record in records {
            if indexes.box(for: record.cubeID).governance(of: record.id) != nil { outcome.indexEntries += 1 }
            indexes.apply(.remove(record.id), cubeID: record.cubeID)
        }
        await usageRecorder.forget(Set(ids))
        let erasure = MemoryErasure(tenantID: tenantID, subjectHash: subjectHash, memoryIDs: Set(ids))
        for observer in erasureObservers.withLock({ $0 }) {
            outcome.derived += try await observer.memoriesErased(erasure)
        }
        return outcome
    }

    /// The audit checkpoint an erasure is anchored to.
    func auditCheckpoint(_ tenantID: UUID) async throws -> ErasureReceipt.Checkpoint? {
        guard let log = audit as? AuditLog else { return nil }
        return try await log.checkpointForReceipt(tenantID: tenantID)
    }

    static let erasureStores: [ErasureReceipt.Store] = [
        .init(
            store: "sqlite:memories,memory_versions,memory_edges,memory_usage",
            method: "DELETE in one transaction with secure_delete=ON (freed pages zeroed), then VACUUM and wal_checkpoint(TRUNCATE)"),
        .init(store: "sqlite:data_keys", method: "subject data key row deleted (crypto-shredding: copies in backups cannot be decrypted)"),
        .init(store: "memory:search-indexes", method: "entries removed from BM25, vector and graph indexes"),
        .init(store: "memory:usage-queue", method: "pending retrieval counts dropped"),
        .init(store: "audit-trail", method: "keeps only keyed hashes of the subject and memory ids, never text"),
    ]

    /// A receipt for what an erasure removed, anchored to a fresh audit checkpoint of the
    /// tenant's chain and signed with the gateway key (subject and tenant erasure share it).
    func signedReceipt(
        tenantID: UUID, subjectHash: String, requestedBy: String, role: String, requestID: String, reason: String,
        outcome: ErasureOutcome, dataKeysDestroyed: Int, stores: [ErasureReceipt.Store]
    ) async throws -> ErasureReceipt {
        let checkpoint = try await auditCheckpoint(tenantID)
        let key = try await signingKey()
        let receipt = ErasureReceipt(
            receiptID: UUID.v7().uuidString.lowercased(), tenant: tenantID.uuidString.lowercased(),
            subjectHash: subjectHash, requestedBy: requestedBy, role: role, requestID: requestID, reason: reason,
            erasedAt: AuditTime.format(Date()), erased: outcome.counts, indexEntries: outcome.indexEntries,
            embeddings: outcome.embeddings, dataKeysDestroyed: dataKeysDestroyed, stores: stores,
            derived: outcome.derived.isEmpty ? nil : outcome.derived,
            auditCheckpoint: checkpoint, policyHash: presenter.policy.hash, keyID: AuditFormat.keyID(of: key.publicKey),
            publicKey: key.publicKey.rawRepresentation.base64EncodedString(), signature: nil)
        return try receipt.signed(with: key)
    }
}
