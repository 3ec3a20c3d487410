import Foundation

/// Handed to a running job so it can report progress and a result.
public struct SchedulerTaskContext: Sendable {
    public let taskID: UUID
    /// 1 on the first run, 2 on the first retry, …
    public let attempt: Int
    let queue: SchedulerTaskQueue

    /// Records how far the task has come (shown in status views).
    public func progress(completed: Int, total: Int) async {
        await queue.setProgress(taskID, SchedulerTaskProgress(completed: completed, total: total))
    }
}

/// A background task queue with bounded concurrency, retries with exponential backoff, a
/// maximum number of attempts, dedupe of queued work and a bounded history of finished tasks.
///
/// It lives in memory: the scheduler's tasks are all re-derivable (a lost preload is rebuilt at
/// the next turn, a lost purge runs at the next sweep, a lost refinement leaves the fast form
/// already stored), so a restart loses no data, only pending work.
public actor SchedulerTaskQueue {
    public typealias Job = @Sendable (SchedulerTaskContext) async throws -> [String: String]

    public let maxConcurrent: Int
    public let defaultMaxAttempts: Int
    public let backoff: Duration
    /// Finished tasks kept for status views; older ones are forgotten.
    public let historyLimit: Int
    private let now: @Sendable () -> Date
    /// Turns an error into a message safe to show (no memory text, no secrets).
    private let describe: @Sendable (any Error) -> String

    private var records: [UUID: SchedulerTaskRecord] = [:]
    private var jobs: [UUID: Job] = [:]
    private var waiting: [UUID] = []
    private var finishedOrder: [UUID] = []
    private var running = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Highest number of jobs seen running at once (for tests and metrics).
    public private(set) var peakRunning = 0

    public init(
        maxConcurrent: Int = 2, maxAttempts: Int = 3, backoff: Duration = .milliseconds(500), historyLimit: Int = 500,
        now: @escaping @Sendable () -> Date = { Date() },
        describe: @escaping @Sendable (any Error) -> String = SchedulerTaskQueue.typeName
    ) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.defaultMaxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.historyLimit = max(1, historyLimit)
        self.now = now
        self.describe = describe
    }

    /// The default error description: the error's type only, which can never quote content.
    public static func typeName(_ error: any Error) -> String {
        if let failure = error as? PermanentTaskFailure { return failure.description }
        return String(describing: type(of: error))
    }

    /// Queues a job. When a task with the same `dedupeKey` is still queued (not yet running),
    /// that task is returned and nothing new is queued: one rebuild pending per persona is
    /// enough, since it will see the latest state when it runs.
    @discardableResult
    public func enqueue(
        _ kind: SchedulerTaskKind, owner: String?, dedupeKey: String? = nil, maxAttempts: Int? = nil, job: @escaping Job
    ) -> SchedulerTaskRecord {
        if let dedupeKey,
            let existing = waiting.lazy.compactMap({ self.records[$0] }).first(where: { $0.dedupeKey == dedupeKey })
        {
            return existing
        }
        let record = SchedulerTaskRecord(
            id: UUID.v7(), kind: kind, owner: owner, dedupeKey: dedupeKey, state: .queued, attempts: 0,
            maxAttempts: max(1, maxAttempts ?? defaultMaxAttempts), lastError: nil, enqueuedAt: now(), startedAt: nil,
            finishedAt: nil, progress: nil, result: [:])
        records[record.id] = record
        jobs[record.id] = job
        waiting.append(record.id)
        startWaiting()
        return records[record.id] ?? record
    }

    public func task(id: UUID) -> SchedulerTaskRecord? {
        records[id]
    }

    /// Tasks of one owner (nil: system tasks), newest first.
    public func tasks(owner: String?) -> [SchedulerTaskRecord] {
        records.values.filter { $0.owner == owner }.sorted { $0.id > $1.id }
    }

    /// Every task, newest first (operators' view).
    public func allTasks() -> [SchedulerTaskRecord] {
        records.values.sorted { $0.id > $1.id }
    }

    /// Number of tasks queued or running.
    public var pendingCount: Int { waiting.count + running }

    /// Returns once nothing is queued or running (tests, benchmarks, shutdown).
    public func waitUntilIdle() async {
        if waiting.isEmpty && running == 0 { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    func setProgress(_ id: UUID, _ progress: SchedulerTaskProgress) {
        records[id]?.progress = progress
    }

    private func startWaiting() {
        while running < maxConcurrent, !waiting.isEmpty {
            let id = waiting.removeFirst()
            guard let job = jobs[id] else { continue }
            running += 1
            peakRunning = max(peakRunning, running)
            records[id]?.state = .running
            records[id]?.startedAt = now()
            Task { await self.run(id: id, job: job) }
        }
        if waiting.isEmpty && running == 0 {
            let waiters = idleWaiters
            idleWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    private func run(id: UUID, job: Job) async {
        let attempts = records[id]?.maxAttempts ?? defaultMaxAttempts
        var lastError = ""
        for attempt in 1...attempts {
            records[id]?.attempts = attempt
            do {
                let result = try await job(SchedulerTaskContext(taskID: id, attempt: attempt, queue: self))
                finish(id: id, state: .succeeded, error: nil, result: result)
                return
            } catch {
                lastError = describe(error)
                records[id]?.lastError = lastError
                if error is PermanentTaskFailure { break }
                if attempt < attempts {
                    try? await Task.sleep(for: backoff * (1 << (attempt - 1)))
                }
            }
        }
        finish(id: id, state: .failed, error: lastError, result: [:])
    }

    private func finish(id: UUID, state: SchedulerTaskState, error: String?, result: [String: String]) {
        records[id]?.state = state
        records[id]?.lastError = error
        records[id]?.result = result
        records[id]?.finishedAt = now()
        jobs[id] = nil
        finishedOrder.append(id)
        while finishedOrder.count > historyLimit {
            records[finishedOrder.removeFirst()] = nil
        }
        running -= 1
        startWaiting()
    }
}
