import Foundation
import MemOSStore

/// Makes erasure reach what the scheduler derived from memories: stored activation prefixes
/// holding an erased memory are deleted (the next use rebuilds without it), and erased
/// memories leave every session's working memory, recent hits and preloaded scene (a subject's
/// erasure forgets the sessions that used them altogether).
///
/// The memory service keeps its observers, and the scheduler keeps the memory service, so the
/// observer holds the scheduler weakly: a strong reference would be a cycle that keeps every
/// closed gateway's database connections open.
final class SchedulerErasureObserver: ErasureObserver {
    weak let scheduler: MemScheduler?

    init(scheduler: MemScheduler) {
        self.scheduler = scheduler
    }

    func memoriesErased(_ erasure: MemoryErasure) async throws -> [DerivedErasure] {
        guard !erasure.memoryIDs.isEmpty, let scheduler else { return [] }
        let store = scheduler.memories.store
        let personas = try await scheduler.memories.translatingStoreErrors {
            try await store.deleteActivationPrefixes(tenantID: erasure.tenantID, containingAny: erasure.memoryIDs)
        }
        let sessions = scheduler.sessions.forget(
            erasure.memoryIDs, tenantID: erasure.tenantID, dropSessions: erasure.subjectHash != nil)
        return [
            DerivedErasure(
                store: "sqlite:activation_prefixes",
                method: "sealed prefixes holding an erased memory deleted (secure_delete, compacted with the erasure); rebuilt without it on next use",
                erased: personas.count),
            DerivedErasure(
                store: "memory:scheduler-sessions",
                method: "erased memories dropped from working memory, recent hits and preloaded scenes (sessions that used a subject's memories forgotten)",
                erased: sessions),
        ]
    }
}
