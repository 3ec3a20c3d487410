import Foundation
import MemOSCore
import MemOSStore

/// Usage-driven promotion and demotion, and the activation rebuilds they imply.
extension MemScheduler {
    /// What one lifecycle pass changed.
    public struct LifecycleOutcome: Sendable, Equatable {
        public var promoted: [UUID] = []
        public var archived: [UUID] = []
        /// Personas whose activation prefix was rebuilt (or dropped) because their hot set changed.
        public var activationRebuilds = 0
    }

    func enqueueLifecycle(tenantID: UUID) async {
        await queue.enqueue(
            .usageLifecycle, owner: tenantID.uuidString.lowercased(), dedupeKey: "lifecycle:\(tenantID.uuidString.lowercased())"
        ) { [self] _ in
            let outcome = try await runLifecycle(tenantID: tenantID, now: now())
            return [
                "promoted": String(outcome.promoted.count), "archived": String(outcome.archived.count),
                "activation_rebuilds": String(outcome.activationRebuilds),
            ]
        }
    }

    /// One pass over a tenant, as of `now`:
    /// - Generated memories retrieved at least `promote_after` times (all personas together) are
    ///   promoted to Activated;
    /// - Generated and Activated memories neither written nor retrieved for `archive_after`
    ///   drift to Archived (working memory is left to its own retention rule);
    /// - every persona with usage whose hot set no longer matches its stored activation prefix
    ///   gets it rebuilt.
    /// Each move is a new version, audited (as a system action) before it commits.
    public func runLifecycle(tenantID: UUID, now: Date) async throws -> LifecycleOutcome {
        let policy = self.policy
        let store = memories.store
        await memories.usageRecorder.flush()
        var outcome = LifecycleOutcome()
        let frequent = try await memories.translatingStoreErrors {
            try await store.frequentlyRetrieved(
                tenantID: tenantID, states: [MemoryState.generated.rawValue], minimumCount: policy.promoteAfter, limit: 1_000)
        }
        outcome.promoted = try await memories.systemTransition(
            frequent, to: .activated, tenantID: tenantID, action: "lifecycle.promote", reason: "retrieved often", at: now)
        if let archiveAfter = policy.archiveAfter {
            let unused = try await memories.translatingStoreErrors {
                try await store.unusedMemories(
                    tenantID: tenantID, states: [MemoryState.generated.rawValue, MemoryState.activated.rawValue],
                    excludedTypes: [MemoryType.workingMemory.rawValue], before: now.addingTimeInterval(-archiveAfter), limit: 1_000)
            }
            outcome.archived = try await memories.systemTransition(
                unused, to: .archived, tenantID: tenantID, action: "lifecycle.archive", reason: "unused", at: now)
        }
        for persona in try await memories.translatingStoreErrors({ try await store.personasWithUsage(tenantID: tenantID) }) {
            guard let caller = try await personaCaller(tenantID: tenantID, persona: persona) else { continue }
            let stored = try await loadActivation(tenantID: tenantID, userID: persona.userID, role: persona.role)
            let rebuilt = try await rebuildActivation(caller)
            if stored?.id != rebuilt?.prefix.id { outcome.activationRebuilds += 1 }
        }
        return outcome
    }

    /// A caller acting as a persona, for the scheduler's work on its behalf; nil when the user
    /// or role no longer exists, the user is not active, or it no longer holds the role.
    func personaCaller(tenantID: UUID, persona: PersonaKey) async throws -> MemoryCaller? {
        let store = memories.store
        guard let tenant = try await memories.translatingStoreErrors({ try await store.tenant(id: tenantID) }),
            let user = try await memories.translatingStoreErrors({ try await store.user(tenantID: tenantID, id: persona.userID) }),
            user.status == .active,
            let role = activePolicy.current.roles.roles[persona.role]
        else { return nil }
        let held = Set(try await memories.translatingStoreErrors { try await store.roles(userID: persona.userID) })
        guard held.contains(persona.role) else { return nil }
        return MemoryCaller(tenant: tenant, user: user, role: role, heldRoles: held, requestID: "scheduler")
    }
}
