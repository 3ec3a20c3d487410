import Foundation
import MemOSCore
import Synchronization

/// One conversation of one persona: the scheduler's unit of working memory and preloading.
struct SessionKey: Hashable, Sendable {
    let tenantID: UUID
    let userID: UUID
    let role: String
    let session: String

    init(_ caller: MemoryCaller, session: String) {
        tenantID = caller.tenantID
        userID = caller.user.id
        role = caller.role.name
        self.session = session
    }

    /// For dedupe keys of the session's tasks (ids and role only; the session id is the client's).
    var taskKey: String { "\(tenantID.uuidString.lowercased())/\(userID.uuidString.lowercased())/\(role)/\(session)" }
}

/// A memory the scheduler remembers a session retrieved, with its cube.
struct SceneSeed: Hashable, Sendable {
    let id: UUID
    let cubeID: UUID
}

/// What the scheduler keeps per session, in memory only (it is all rebuilt by the next turns).
struct SessionState: Sendable {
    /// The latest caller of the session, whose role and clearance background work acts with.
    var caller: MemoryCaller
    var trail: SessionTrail
    var workingMemory: WorkingMemorySet
    /// Top hits of the latest searches, oldest first.
    var recentHits: [[SceneSeed]] = []
    var scene: PreloadedScene?
    /// The cubes the scene was preloaded from; a search over other cubes is not answered by it.
    var sceneCubes: Set<UUID> = []
    /// The cubes the latest search covered (nil: every readable cube); the next preload uses them.
    var searchCubes: Set<UUID>?
    var lastActivity: Date
    var lastRefresh: Date
    /// Whether a turn arrived since the last working-memory refresh (the timer skips idle sessions).
    var activeSinceRefresh = false
}

/// Session searches and how many the preloaded scenes answered, per tenant.
struct PreloadStats: Sendable, Hashable {
    var sessionSearches = 0
    var preloadHits = 0
}

/// The scheduler's sessions, behind one lock; every method is short and never awaits.
final class SchedulerSessions: Sendable {
    private let state = Mutex<[SessionKey: SessionState]>([:])
    private let stats = Mutex<[UUID: PreloadStats]>([:])

    func with<T>(_ key: SessionKey, _ body: (inout SessionState?) -> T) -> T {
        state.withLock { sessions in
            var value = sessions[key]
            let result = body(&value)
            sessions[key] = value
            return result
        }
    }

    func get(_ key: SessionKey) -> SessionState? {
        state.withLock { $0[key] }
    }

    func keys() -> [SessionKey] {
        state.withLock { Array($0.keys) }
    }

    func count(tenantID: UUID) -> Int {
        state.withLock { $0.keys.filter { $0.tenantID == tenantID }.count }
    }

    /// Forgets sessions idle since `cutoff`.
    func expire(idleSince cutoff: Date) {
        state.withLock { sessions in sessions = sessions.filter { $0.value.lastActivity >= cutoff } }
    }

    /// Drops erased memories from every session of the tenant (working memory, recent hits and
    /// preloaded scenes), returning how many sessions held any of them. With `dropSessions`
    /// (a data subject's erasure) those sessions are forgotten whole, trail included: what was
    /// said in a conversation that used the subject's memories may be about the subject too.
    func forget(_ ids: Set<UUID>, tenantID: UUID, dropSessions: Bool = false) -> Int {
        state.withLock { sessions in
            var touched = 0
            for key in sessions.keys where key.tenantID == tenantID {
                var session = sessions[key]!
                var held = session.workingMemory.weights.keys.contains(where: ids.contains)
                session.workingMemory.remove(ids)
                for index in session.recentHits.indices {
                    let before = session.recentHits[index].count
                    session.recentHits[index].removeAll { ids.contains($0.id) }
                    held = held || session.recentHits[index].count != before
                }
                if let scene = session.scene, !scene.members.isDisjoint(with: ids) {
                    session.scene = scene.removing(ids)
                    held = true
                }
                if held { touched += 1 }
                sessions[key] = held && dropSessions ? nil : session
            }
            return touched
        }
    }

    /// Forgets every session of a tenant (tenant deletion).
    func forgetTenant(_ tenantID: UUID) {
        state.withLock { sessions in sessions = sessions.filter { $0.key.tenantID != tenantID } }
        stats.withLock { _ = $0.removeValue(forKey: tenantID) }
    }

    func countSearch(tenantID: UUID, preloadHit: Bool) {
        stats.withLock { stats in
            stats[tenantID, default: PreloadStats()].sessionSearches += 1
            if preloadHit { stats[tenantID, default: PreloadStats()].preloadHits += 1 }
        }
    }

    func stats(tenantID: UUID) -> PreloadStats {
        stats.withLock { $0[tenantID] ?? PreloadStats() }
    }
}
