import Crypto
import Foundation
import MemOSCore
import MemOSStore

/// Between memories and rows: every version is sealed under its subject's data key, with its
/// labels and key bound into the associated data.
extension MemoryService {
    func record(for item: MemoryItem, governance: MemoryGovernance, tenantID: UUID, vector: [Float]?) async throws
        -> MemoryRecord
    {
        let subjectHash = try await keyring.subjectHash(tenantID: tenantID, subject: governance.subject)
        guard let key = try await keyring.subjectKey(tenantID: tenantID, subjectHash: subjectHash, create: true) else {
            throw GovernanceError.unavailable("no data key for the subject could be created")
        }
        let binding = SealBinding(
            tenantID: tenantID, memoryID: item.id, version: item.version, label: governance.label,
            accessLabel: governance.accessLabel, keyID: key.id)
        return MemoryRecord(
            id: item.id, tenantID: tenantID, cubeID: item.cubeID, version: item.version, state: item.state.rawValue,
            payload: try sealer.seal(SealedMemory(content: item.content, governance: governance), binding: binding, key: key),
            embedding: try vector.map { try sealer.sealVector($0, binding: binding, embedder: embedder.identifier, key: key) },
            embedder: vector == nil ? nil : embedder.identifier,
            createdAt: item.createdAt, updatedAt: item.updatedAt, label: governance.label,
            accessLabel: governance.accessLabel, subjectHash: subjectHash, keyID: key.id,
            memoryType: item.content.memoryType.rawValue)
    }

    static func binding(of record: MemoryRecord) -> SealBinding {
        SealBinding(
            tenantID: record.tenantID, memoryID: record.id, version: record.version, label: record.label,
            accessLabel: record.accessLabel, keyID: record.keyID)
    }

    static func binding(of row: MemoryVersionRecord) -> SealBinding {
        SealBinding(
            tenantID: row.tenantID, memoryID: row.memoryID, version: row.version, label: row.label,
            accessLabel: row.accessLabel, keyID: row.keyID)
    }

    /// The memory and its governance facts; an integrity failure is audited before it is thrown.
    func open(_ record: MemoryRecord) async throws -> (MemoryItem, MemoryGovernance) {
        guard let state = MemoryState(rawValue: record.state) else {
            throw GovernanceError.integrity("memory \(record.id) has unknown state '\(record.state)'")
        }
        let sealed: SealedMemory
        do {
            sealed = try await sealer.open(record.payload, binding: Self.binding(of: record))
        } catch let error as GovernanceError {
            if case .integrity = error { await reportIntegrityFailure(tenantID: record.tenantID, resource: record.id, error) }
            throw error
        }
        var governance = sealed.governance
        if record.keyID.isEmpty {
            // Written before labels existed: detect its PII now, so it is redacted like any other.
            governance = labeler.governance(
                for: sealed.content, requested: record.accessLabel, subject: governance.subject, derivedFrom: [])
        }
        let item = MemoryItem(
            id: record.id, cubeID: record.cubeID, content: sealed.content, state: state, version: record.version,
            createdAt: record.createdAt, updatedAt: record.updatedAt)
        return (item, governance)
    }

    func openVersion(_ row: MemoryVersionRecord) async throws -> SealedMemory {
        do {
            return try await sealer.open(row.payload, binding: Self.binding(of: row))
        } catch let error as GovernanceError {
            if case .integrity = error { await reportIntegrityFailure(tenantID: row.tenantID, resource: row.memoryID, error) }
            throw error
        }
    }

    func openVector(of record: MemoryRecord) async throws -> [Float]? {
        guard let sealed = record.embedding, record.embedder == embedder.identifier else { return nil }
        return try await sealer.openVector(sealed, binding: Self.binding(of: record), embedder: embedder.identifier)
    }

    /// The key of a tenant's leak fingerprints (keyed shingle hashes), for tracing excerpts
    /// whose watermark was stripped.
    func fingerprintKey(tenantID: UUID) async throws -> SymmetricKey {
        let tenantKey = try await keyring.tenantKey(tenantID).key
        return SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("leak-fingerprints".utf8), using: tenantKey))
    }

    /// The tenant's memory whose text best explains a leaked excerpt, and how much of the
    /// excerpt's fingerprint it shares (0...1). The keyword index proposes candidates (the
    /// excerpt's own words), the keyed fingerprints decide, so the answer needs nothing stored
    /// beyond the memories themselves and costs nothing on the read path.
    func fingerprintSource(of excerpt: String, tenantID: UUID) async throws -> (memoryID: UUID, overlap: Double)? {
        let fingerprinter = TextFingerprinter(key: try await fingerprintKey(tenantID: tenantID))
        let wanted = fingerprinter.fingerprint(excerpt)
        guard !wanted.isEmpty else { return nil }
        var best: (memoryID: UUID, overlap: Double)?
        for cube in try await translatingStoreErrors({ try await self.directory.cubes(tenantID: tenantID) }) {
            let box = try await loadedIndex(tenantID: tenantID, cube: cube)
            let candidates = box.read { index in index.search(excerpt, limit: 8).map(\.item) } ?? []
            for candidate in candidates {
                let overlap = TextFingerprinter.overlap(excerpt: wanted, memory: Set(fingerprinter.fingerprint(candidate.content.text)))
                if overlap > (best?.overlap ?? 0) { best = (candidate.id, overlap) }
            }
        }
        return best
    }
}
