import Foundation

/// What a scheduler task does. The set is closed so status views can count every kind, even
/// those with no task yet.
public enum SchedulerTaskKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// Store memories in the background (e.g. what a chat turn produced).
    case add
    /// Fine-mode refinement of memories already stored in fast form.
    case refine
    /// Rebuild one session's working memory (intent shift or timer).
    case workingMemoryRefresh = "working_memory_refresh"
    /// Next-scene prediction: preload what a session's next query is likely to need.
    case preload
    /// Recompose one persona's activation prefix.
    case activationRebuild = "activation_rebuild"
    /// Usage-driven promotion and demotion of a tenant's memories.
    case usageLifecycle = "usage_lifecycle"
    /// Purge memories older than their retention rule allows.
    case retentionPurge = "retention_purge"
    /// Recompute stored embeddings made by another embedder than the configured one.
    case reembed
}

/// Where a task is in its life.
public enum SchedulerTaskState: String, Sendable, Codable, CaseIterable, Hashable {
    case queued, running, succeeded, failed
}

/// How far a long task (a re-embedding) has come.
public struct SchedulerTaskProgress: Sendable, Hashable, Codable {
    public var completed: Int
    public var total: Int

    public init(completed: Int, total: Int) {
        self.completed = completed
        self.total = total
    }
}

/// One task as the queue reports it. Never carries memory text: `lastError` is whatever the
/// queue's error describer made of the failure, and `result` holds counts and ids only.
public struct SchedulerTaskRecord: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let kind: SchedulerTaskKind
    /// Opaque partition key (the governance layer uses the tenant id); nil for system tasks.
    public let owner: String?
    /// Tasks with the same key are not queued twice (see `SchedulerTaskQueue.enqueue`).
    public let dedupeKey: String?
    public internal(set) var state: SchedulerTaskState
    public internal(set) var attempts: Int
    public let maxAttempts: Int
    public internal(set) var lastError: String?
    public let enqueuedAt: Date
    public internal(set) var startedAt: Date?
    public internal(set) var finishedAt: Date?
    public internal(set) var progress: SchedulerTaskProgress?
    /// What the task reported on success (counts, created ids).
    public internal(set) var result: [String: String]

    /// Seconds from the first start to the end (nil while not finished).
    public var runSeconds: Double? {
        guard let startedAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(startedAt)
    }
}

/// Thrown by a job whose failure retrying cannot fix (bad input, a missing persona): the task
/// fails at once instead of spending its remaining attempts.
public struct PermanentTaskFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
