import Foundation
import MemOSCore
import MemOSStore

/// Lifecycle moves made by the scheduler rather than by a caller: audited as system actions
/// before they commit, written as new versions like every change, applied to the indexes after.
extension MemoryService {
    /// Moves each memory to `state` as a new version; memories that may not move (the
    /// lifecycle forbids it), changed concurrently or fail to open are skipped. Returns the ids
    /// moved. One audit record per tenant batch, appended before any change commits.
    func systemTransition(
        _ records: [MemoryRecord], to state: MemoryState, tenantID: UUID, action: String, reason: String, at now: Date
    ) async throws -> [UUID] {
        guard !records.isEmpty else { return [] }
        let time = now.roundedToMilliseconds
        var changes: [(record: MemoryRecord, item: MemoryItem, governance: MemoryGovernance, vector: [Float]?)] = []
        for record in records {
            guard let (item, governance) = try? await open(record),
                let next = try? MemoryLifecycle.transition(item, to: state, at: max(time, item.updatedAt))
            else { continue }
            // A state change keeps the text, so it keeps the stored vector.
            let vector = try? await openVector(of: record)
            changes.append((record, next, governance, vector))
        }
        guard !changes.isEmpty else { return [] }
        try await audit.append(
            AuditEvent(
                tenantID: tenantID, actor: nil, actorKind: "system", role: nil, action: action,
                resources: changes.map { $0.item.id.uuidString.lowercased() }, outcome: .success, status: 200, requestID: nil,
                personal: [:], details: ["count": String(changes.count), "state": state.rawValue, "reason": reason], mark: nil))
        var moved: [UUID] = []
        for change in changes {
            let row = try await record(for: change.item, governance: change.governance, tenantID: tenantID, vector: change.vector)
            do {
                try await translatingStoreErrors { try await self.store.updateMemory(row, expectedVersion: change.record.version) }
            } catch GovernanceError.conflict, GovernanceError.notFound {
                continue  // changed or deleted meanwhile: the next run decides again
            }
            indexes.apply(.upsert(change.item, vector: change.vector, governance: change.governance), cubeID: change.item.cubeID)
            moved.append(change.item.id)
        }
        return moved
    }
}
