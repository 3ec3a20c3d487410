import Foundation
import MemOSCore

/// What became of a background refinement.
public struct RefinementTask: Sendable {
    public enum Status: String, Sendable {
        case queued, running, succeeded, failed
    }

    public let id: UUID
    public let tenantID: UUID
    public var status: Status
    public var attempts: Int
    /// Memories the fine reader produced (on success).
    public var createdMemoryIDs: [UUID]
    /// Why it failed (on failure); never memory text.
    public var error: String?
    public let createdAt: Date
    public var finishedAt: Date?
}

/// Runs fine-mode refinements in the background as `refine` tasks of the scheduler's queue
/// (bounded concurrency, retries with backoff), so they show in `GET /v1/scheduler/status`.
///
/// The fast form of the memories is already committed when a task is queued, so a failed or
/// lost refinement (the queue lives in memory) never loses what the client stored.
actor RefinementQueue {
    typealias Job = @Sendable () async throws -> [UUID]

    /// The queue refinements run on; the scheduler replaces it with the shared one at startup.
    private(set) var queue: SchedulerTaskQueue

    init(maxConcurrent: Int = 2, maxAttempts: Int = 3, backoff: Duration = .milliseconds(500)) {
        queue = SchedulerTaskQueue(
            maxConcurrent: maxConcurrent, maxAttempts: maxAttempts, backoff: backoff, describe: RefinementQueue.describe)
    }

    /// Runs later refinements on `queue` (the scheduler's, shared by every task kind).
    func use(_ queue: SchedulerTaskQueue) {
        self.queue = queue
    }

    func enqueue(tenantID: UUID, job: @escaping Job) async -> RefinementTask {
        let record = await queue.enqueue(.refine, owner: tenantID.uuidString.lowercased()) { _ in
            let created = try await job()
            return ["created": created.map { $0.uuidString.lowercased() }.joined(separator: ",")]
        }
        return Self.task(record, tenantID: tenantID)
    }

    /// A task, only for its own tenant.
    func task(id: UUID, tenantID: UUID) async -> RefinementTask? {
        guard let record = await queue.task(id: id), record.kind == .refine,
            record.owner == tenantID.uuidString.lowercased()
        else { return nil }
        return Self.task(record, tenantID: tenantID)
    }

    private static func task(_ record: SchedulerTaskRecord, tenantID: UUID) -> RefinementTask {
        let created = (record.result["created"] ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) }
        return RefinementTask(
            id: record.id, tenantID: tenantID, status: RefinementTask.Status(rawValue: record.state.rawValue) ?? .queued,
            attempts: record.attempts, createdMemoryIDs: created, error: record.lastError, createdAt: record.enqueuedAt,
            finishedAt: record.finishedAt)
    }

    /// A failure as shown to clients: the governance error's message when it cannot quote
    /// memory text, else its kind.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as GovernanceError:
            switch error {
            case .unavailable, .integrity, .conflict, .notFound, .forbidden, .unauthenticated: "\(error)"
            case .invalidInput, .upstream: MemoryService.reason(of: error)
            }
        case let failure as PermanentTaskFailure: failure.description
        default: SchedulerTaskQueue.typeName(error)
        }
    }
}
