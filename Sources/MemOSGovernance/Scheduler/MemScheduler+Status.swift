import Foundation
import MemOSCore

/// What `GET /v1/scheduler/status` reports: counts and recent tasks, never memory text.
public struct SchedulerStatus: Sendable {
    /// Tasks per kind and state; every kind and state is present (zeros included).
    public let counts: [SchedulerTaskKind: [SchedulerTaskState: Int]]
    /// The newest tasks first (at most `recentLimit`).
    public let recent: [SchedulerTaskRecord]
    public let activeSessions: Int
    public let sessionSearches: Int
    public let preloadHits: Int
    /// The configured embedder, and how many stored vectors another one made (or none exists).
    public let embedder: String
    public let staleEmbeddings: Int?

    public static let recentLimit = 50

    public var preloadHitRate: Double? {
        sessionSearches == 0 ? nil : Double(preloadHits) / Double(sessionSearches)
    }
}

extension MemScheduler {
    /// The caller's tenant's view: its tasks only (another tenant's are invisible), and its
    /// sessions' preload statistics.
    public func status(_ caller: MemoryCaller) async throws -> SchedulerStatus {
        let owner = caller.tenantID.uuidString.lowercased()
        let tasks = await queue.tasks(owner: owner)
        let stats = sessions.stats(tenantID: caller.tenantID)
        let store = memories.store
        let embedder = memories.embedder.identifier
        let stale = try await memories.translatingStoreErrors {
            try await store.staleEmbeddingCount(tenantID: caller.tenantID, embedder: embedder)
        }
        return SchedulerStatus(
            counts: Self.counts(tasks), recent: Array(tasks.prefix(SchedulerStatus.recentLimit)),
            activeSessions: sessions.count(tenantID: caller.tenantID), sessionSearches: stats.sessionSearches,
            preloadHits: stats.preloadHits, embedder: embedder, staleEmbeddings: stale)
    }

    /// The operators' view: every tenant's and the system's tasks, as counts and recent tasks.
    public func operatorStatus() async -> SchedulerStatus {
        let tasks = await queue.allTasks()
        let searches = sessions.keys().count
        return SchedulerStatus(
            counts: Self.counts(tasks), recent: Array(tasks.prefix(SchedulerStatus.recentLimit)), activeSessions: searches,
            sessionSearches: 0, preloadHits: 0, embedder: memories.embedder.identifier, staleEmbeddings: nil)
    }

    static func counts(_ tasks: [SchedulerTaskRecord]) -> [SchedulerTaskKind: [SchedulerTaskState: Int]] {
        var counts: [SchedulerTaskKind: [SchedulerTaskState: Int]] = [:]
        for kind in SchedulerTaskKind.allCases {
            counts[kind] = Dictionary(uniqueKeysWithValues: SchedulerTaskState.allCases.map { ($0, 0) })
        }
        for task in tasks { counts[task.kind, default: [:]][task.state, default: 0] += 1 }
        return counts
    }
}

extension MemScheduler {
    /// One task of the caller's tenant; nil for another tenant's (as for a missing one).
    public func task(_ caller: MemoryCaller, id: UUID) async throws -> SchedulerTaskRecord? {
        guard let task = await queue.task(id: id), task.owner == caller.tenantID.uuidString.lowercased() else { return nil }
        return task
    }

    /// The session's working memory as an API response: like `workingMemory(_:session:)`, and
    /// watermarked like any memory text returned to a caller.
    public func presentedWorkingMemory(_ caller: MemoryCaller, session: String) async throws -> [MemoryView] {
        try await workingMemoryViews(caller, session: session, watermarked: true)
    }

    /// `noteTurn` for the API: the session id is validated (400 when unusable) instead of ignored.
    public func recordTurn(_ caller: MemoryCaller, session: String, text: String) async throws {
        try Self.validateSession(session)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GovernanceError.invalidInput(field: "text", message: "must not be empty")
        }
        await noteTurn(caller, session: session, text: text)
    }
}
