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

/// Runs fine-mode refinements in the background with bounded concurrency and retries.
///
/// The fast form of the memories is already committed when a task is queued, so a failed or
/// lost refinement (the queue lives in memory) never loses what the client stored.
actor RefinementQueue {
    typealias Job = @Sendable () async throws -> [UUID]

    private let maxConcurrent: Int
    private let maxAttempts: Int
    private let backoff: Duration
    private var tasks: [UUID: RefinementTask] = [:]
    private var waiting: [(UUID, Job)] = []
    private var running = 0

    init(maxConcurrent: Int = 2, maxAttempts: Int = 3, backoff: Duration = .milliseconds(500)) {
        self.maxConcurrent = maxConcurrent
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }

    func enqueue(tenantID: UUID, job: @escaping Job) -> RefinementTask {
        let task = RefinementTask(
            id: UUID.v7(), tenantID: tenantID, status: .queued, attempts: 0, createdMemoryIDs: [], error: nil,
            createdAt: Date(), finishedAt: nil)
        tasks[task.id] = task
        waiting.append((task.id, job))
        startWaiting()
        return task
    }

    /// A task, only for its own tenant.
    func task(id: UUID, tenantID: UUID) -> RefinementTask? {
        guard let task = tasks[id], task.tenantID == tenantID else { return nil }
        return task
    }

    private func startWaiting() {
        while running < maxConcurrent, !waiting.isEmpty {
            let (id, job) = waiting.removeFirst()
            running += 1
            tasks[id]?.status = .running
            Task { await self.run(id: id, job: job) }
        }
    }

    private func run(id: UUID, job: Job) async {
        var lastError = ""
        for attempt in 1...maxAttempts {
            tasks[id]?.attempts = attempt
            do {
                let created = try await job()
                finish(id: id, status: .succeeded, created: created, error: nil)
                return
            } catch {
                lastError = "\(error)"
                if attempt < maxAttempts {
                    try? await Task.sleep(for: backoff * (1 << (attempt - 1)))
                }
            }
        }
        finish(id: id, status: .failed, created: [], error: lastError)
    }

    private func finish(id: UUID, status: RefinementTask.Status, created: [UUID], error: String?) {
        tasks[id]?.status = status
        tasks[id]?.createdMemoryIDs = created
        tasks[id]?.error = error
        tasks[id]?.finishedAt = Date()
        running -= 1
        startWaiting()
    }
}
