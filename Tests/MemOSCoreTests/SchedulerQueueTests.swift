import Foundation
import MemOSCore
import Synchronization
import Testing

/// Counts jobs running at once, as the jobs themselves see it.
private final class Gauge: Sendable {
    private let state = Mutex<(now: Int, peak: Int)>((0, 0))
    func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

private struct Flaky: Error {}

@Suite struct SchedulerQueueTests {
    @Test func concurrencyIsBoundedAndEveryTaskRuns() async throws {
        let queue = SchedulerTaskQueue(maxConcurrent: 2, backoff: .milliseconds(1))
        let gauge = Gauge()
        var ids: [UUID] = []
        for _ in 0..<8 {
            let record = await queue.enqueue(.preload, owner: "t1") { _ in
                gauge.enter()
                try await Task.sleep(for: .milliseconds(100))  // long enough to overlap on a loaded machine
                gauge.leave()
                return ["ok": "1"]
            }
            ids.append(record.id)
        }
        await queue.waitUntilIdle()
        #expect(gauge.peak == 2, "two jobs overlap with concurrency 2, never three")
        #expect(await queue.peakRunning == 2)
        for id in ids {
            let task = try #require(await queue.task(id: id))
            #expect(task.state == .succeeded)
            #expect(task.attempts == 1)
            #expect(task.result == ["ok": "1"])
            #expect(task.startedAt != nil && task.finishedAt != nil)
        }
    }

    @Test func failingTaskIsRetriedWithBackoffThenFails() async throws {
        let queue = SchedulerTaskQueue(maxConcurrent: 1, maxAttempts: 3, backoff: .milliseconds(20))
        let runs = Mutex<[ContinuousClock.Instant]>([])
        let record = await queue.enqueue(.reembed, owner: "t1") { context in
            runs.withLock { $0.append(.now) }
            #expect(context.attempt == runs.withLock { $0.count })
            throw Flaky()
        }
        await queue.waitUntilIdle()
        let task = try #require(await queue.task(id: record.id))
        #expect(task.state == .failed)
        #expect(task.attempts == 3)
        #expect(task.lastError == "Flaky", "only the error's type is reported, never its content")
        let times = runs.withLock { $0 }
        #expect(times.count == 3)
        // Backoff doubles: at least 20 ms before the second run and 40 ms before the third.
        #expect(times[1] - times[0] >= .milliseconds(20))
        #expect(times[2] - times[1] >= .milliseconds(40))
    }

    @Test func transientFailureSucceedsOnRetryAndPermanentFailureStopsAtOnce() async throws {
        let queue = SchedulerTaskQueue(maxConcurrent: 2, maxAttempts: 4, backoff: .milliseconds(1))
        let transient = await queue.enqueue(.refine, owner: "t1") { context in
            if context.attempt < 2 { throw Flaky() }
            return [:]
        }
        let permanent = await queue.enqueue(.add, owner: "t1") { _ in throw PermanentTaskFailure("no such persona") }
        await queue.waitUntilIdle()
        let first = try #require(await queue.task(id: transient.id))
        #expect(first.state == .succeeded && first.attempts == 2)
        let second = try #require(await queue.task(id: permanent.id))
        #expect(second.state == .failed && second.attempts == 1 && second.lastError == "no such persona")
    }

    @Test func queuedTaskWithTheSameKeyIsNotQueuedTwice() async throws {
        let queue = SchedulerTaskQueue(maxConcurrent: 1, backoff: .milliseconds(1))
        let gate = AsyncStream<Void>.makeStream()
        let blocker = await queue.enqueue(.preload, owner: "t1") { _ in
            for await _ in gate.stream { break }
            return [:]
        }
        let runs = Mutex(0)
        let first = await queue.enqueue(.activationRebuild, owner: "t1", dedupeKey: "activation:alice") { _ in
            runs.withLock { $0 += 1 }
            return [:]
        }
        let second = await queue.enqueue(.activationRebuild, owner: "t1", dedupeKey: "activation:alice") { _ in
            runs.withLock { $0 += 1 }
            return [:]
        }
        let other = await queue.enqueue(.activationRebuild, owner: "t1", dedupeKey: "activation:bob") { _ in [:] }
        #expect(first.id == second.id, "the pending rebuild is reused")
        #expect(other.id != first.id)
        gate.continuation.yield()
        gate.continuation.finish()
        await queue.waitUntilIdle()
        #expect(runs.withLock { $0 } == 1)
        #expect(await queue.task(id: blocker.id)?.state == .succeeded)
        #expect(await queue.tasks(owner: "t1").filter { $0.kind == .activationRebuild }.count == 2)
    }

    @Test func ownersSeeOnlyTheirTasksAndProgressIsRecorded() async throws {
        let queue = SchedulerTaskQueue(maxConcurrent: 2, backoff: .milliseconds(1))
        let record = await queue.enqueue(.reembed, owner: "tenant-a") { context in
            await context.progress(completed: 64, total: 100)
            await context.progress(completed: 100, total: 100)
            return [:]
        }
        await queue.enqueue(.reembed, owner: "tenant-b") { _ in [:] }
        await queue.enqueue(.retentionPurge, owner: nil) { _ in [:] }
        await queue.waitUntilIdle()
        #expect(await queue.tasks(owner: "tenant-a").map(\.id) == [record.id])
        #expect(await queue.tasks(owner: "tenant-b").count == 1)
        #expect(await queue.tasks(owner: nil).map(\.kind) == [.retentionPurge])
        #expect(await queue.task(id: record.id)?.progress == SchedulerTaskProgress(completed: 100, total: 100))
    }

    @Test func historyIsBounded() async throws {
        let queue = SchedulerTaskQueue(maxConcurrent: 2, backoff: .milliseconds(1), historyLimit: 5)
        for _ in 0..<12 { await queue.enqueue(.preload, owner: "t") { _ in [:] } }
        await queue.waitUntilIdle()
        #expect(await queue.allTasks().count == 5)
    }
}
