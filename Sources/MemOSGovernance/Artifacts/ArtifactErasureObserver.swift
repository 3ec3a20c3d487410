import Foundation
import MemOSStore

/// Makes erasure reach parametric and activation artifacts: when a data subject is erased, or
/// memories an artifact was derived from are erased (subject erasure, retention), every version
/// of that artifact's name is deleted with its chunks and its data keys destroyed, or, where
/// the artifact's policy is `on_subject_erasure: flag`, kept and flagged with the reason (in its
/// sealed metadata, so downloads are refused unless the flag is accepted, and in the receipt).
struct ArtifactErasureObserver: ErasureObserver {
    let store: any GovernanceStore
    let keyring: Keyring
    let audit: any AuditSink

    static func storeName(_ kind: ArtifactKind) -> String {
        "sqlite:artifacts(\(kind.rawValue))"
    }

    static let deleteMethod =
        "every version deleted with its sealed chunks and provenance (secure_delete=ON, then VACUUM); each version's data key destroyed (crypto-shredding)"
    static let flagMethod = "kept by its policy (on_subject_erasure: flag); flagged in its sealed metadata, downloads refused unless accepted"

    func memoriesErased(_ erasure: MemoryErasure) async throws -> [DerivedErasure] {
        let refs = erasure.memoryIDs.map { $0.uuidString.lowercased() } + (erasure.subjectHash.map { [$0] } ?? [])
        let matched = try await translating { try await store.artifacts(tenantID: erasure.tenantID, derivedFrom: refs) }
        let sealer = ArtifactSealer(keyring: keyring)
        var deleted: [ArtifactKind: [ArtifactRecord]] = [:]
        var flagged: [ArtifactKind: [DerivedErasure.Flag]] = [:]
        var handled: Set<UUID> = []
        let reason =
            erasure.subjectHash != nil
            ? "derived from memories of an erased data subject"
            : "derived from memories erased by retention or deletion"
        var reseal: [(ArtifactRecord, Data)] = []
        for record in matched where !handled.contains(record.id) {
            let kind = ArtifactKind(rawValue: record.kind) ?? .parametric
            // The whole lineage: a later version may have been trained from an earlier one.
            let lineage = try await translating {
                try await store.artifactVersions(
                    tenantID: record.tenantID, kind: record.kind, subspace: record.subspace, nameKey: record.nameKey)
            }
            handled.formUnion(lineage.map(\.id))
            // An artifact whose metadata cannot be opened cannot prove it may be kept: delete it.
            let key = try? await sealer.key(of: record)
            let metadata = key.flatMap { try? sealer.openMetadata(record, key: $0) }
            guard metadata?.onSubjectErasure == .flag else {
                deleted[kind, default: []] += lineage
                continue
            }
            for version in lineage {
                guard let versionKey = try? await sealer.key(of: version),
                    var versionMetadata = try? sealer.openMetadata(version, key: versionKey)
                else {
                    deleted[kind, default: []].append(version)
                    continue
                }
                if !versionMetadata.flags.contains(where: { $0.reason == reason }) {
                    versionMetadata.flags.append(ArtifactFlag(reason: reason, flaggedAt: Date()))
                    reseal.append((version, try sealer.sealMetadata(versionMetadata, record: version, key: versionKey)))
                }
                flagged[kind, default: []].append(
                    DerivedErasure.Flag(
                        id: version.id.uuidString.lowercased(), reason: reason + "; kept by its policy (on_subject_erasure: flag)"))
            }
        }
        // Recorded before anything changes (fail-closed), with ids only.
        let doomed = deleted.values.flatMap { $0 }
        if !doomed.isEmpty || !reseal.isEmpty {
            try await audit.append(
                AuditEvent(
                    tenantID: erasure.tenantID, actorKind: "system", action: "artifact.erase",
                    resources: doomed.map { $0.id.uuidString.lowercased() } + reseal.map { $0.0.id.uuidString.lowercased() },
                    details: ["reason": reason, "deleted": String(doomed.count), "flagged": String(reseal.count)]))
        }
        for (version, sealed) in reseal {
            _ = try await translating {
                try await store.updateArtifactMetadata(tenantID: version.tenantID, id: version.id, metadata: sealed)
            }
        }
        _ = try await translating { try await store.deleteArtifacts(tenantID: erasure.tenantID, ids: doomed.map(\.id)) }
        for record in doomed {
            try await keyring.destroySubjectKey(tenantID: erasure.tenantID, subjectHash: ArtifactSealer.keyScope(record.id))
        }
        // A subject erasure always reports that artifacts were searched, even when none matched.
        var results: [DerivedErasure] = []
        for kind in ArtifactKind.allCases {
            let erased = deleted[kind]?.count ?? 0
            let flags = flagged[kind] ?? []
            guard erased > 0 || !flags.isEmpty || erasure.subjectHash != nil else { continue }
            results.append(
                DerivedErasure(
                    store: Self.storeName(kind), method: flags.isEmpty ? Self.deleteMethod : Self.deleteMethod + "; " + Self.flagMethod,
                    erased: erased, flagged: flags))
        }
        return results
    }

    private func translating<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw MemoryService.translate(error)
        }
    }
}
