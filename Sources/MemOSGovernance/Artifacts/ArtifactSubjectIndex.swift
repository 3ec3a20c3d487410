import Foundation
import MemOSStore

/// Lists the artifact versions derived from a data subject (named as a source, or trained on
/// one of the subject's memories) for the subject access export; the same match that
/// `ArtifactErasureObserver` erases, so the export shows what an erasure would reach.
struct ArtifactSubjectIndex: DerivedDataIndex {
    let store: any GovernanceStore
    let keyring: Keyring

    func derivedRecords(tenantID: UUID, subjectHash: String, memoryIDs: Set<UUID>) async throws -> [DerivedRecord] {
        let refs = memoryIDs.map { $0.uuidString.lowercased() } + [subjectHash]
        let matched: [ArtifactRecord]
        do {
            matched = try await store.artifacts(tenantID: tenantID, derivedFrom: refs)
        } catch let error as StoreError {
            throw MemoryService.translate(error)
        }
        let sealer = ArtifactSealer(keyring: keyring)
        var records: [DerivedRecord] = []
        for record in matched {
            let key = try? await sealer.key(of: record)
            let metadata = key.flatMap { try? sealer.openMetadata(record, key: $0) }
            let kind = ArtifactKind(rawValue: record.kind) ?? .parametric
            records.append(
                DerivedRecord(
                    store: ArtifactErasureObserver.storeName(kind), id: record.id, kind: record.kind, name: metadata?.name,
                    version: record.version, label: record.label, createdAt: record.createdAt,
                    derivedFromMemories: (metadata?.provenance.memoryIDs ?? []).filter(memoryIDs.contains),
                    namesSubject: metadata?.provenance.subjectHashes.contains(subjectHash) ?? false,
                    flags: metadata?.flags.map(\.reason) ?? []))
        }
        return records
    }
}
