import Foundation
import MemOSCore
import MemOSStore

/// The scheduler's clock: periodic retention purges and lifecycle passes, timed working-memory
/// refreshes, expiry of idle sessions, and background adds.
extension MemScheduler {
    /// Seconds between timer ticks.
    static let tickInterval: Duration = .seconds(5)

    /// Runs until cancelled: queues a re-embedding for tenants with stale vectors, then ticks.
    /// `expireUploads` runs with each retention purge (abandoned artifact uploads).
    public func run(retention: RetentionSweeper, expireUploads: (@Sendable () async throws -> Int)? = nil) async {
        if let tenants = try? await memories.store.tenants() {
            for tenant in tenants { _ = try? await enqueueReembedIfNeeded(tenantID: tenant.id) }
        }
        while !Task.isCancelled {
            await tick(retention: retention, expireUploads: expireUploads)
            try? await Task.sleep(for: Self.tickInterval)
        }
    }

    /// One timer pass (tests call it directly).
    func tick(retention: RetentionSweeper, expireUploads: (@Sendable () async throws -> Int)? = nil) async {
        let time = now()
        let policy = self.policy
        if due("retention", every: activePolicy.current.retention.sweepInterval, at: time) {
            await queue.enqueue(.retentionPurge, owner: nil, dedupeKey: "retention") { [now] _ in
                var result = ["purged": String(try await retention.sweep(now: now()))]
                if let expireUploads { result["expired_uploads"] = String(try await expireUploads()) }
                return result
            }
        }
        if due("lifecycle", every: policy.lifecycleInterval, at: time), let tenants = try? await memories.store.tenants() {
            for tenant in tenants { await enqueueLifecycle(tenantID: tenant.id) }
        }
        for key in sessions.keys() {
            guard let state = sessions.get(key), state.activeSinceRefresh,
                time.timeIntervalSince(state.lastRefresh) >= policy.refreshInterval
            else { continue }
            await enqueueWorkingMemoryRefresh(key)
        }
        sessions.expire(idleSince: time.addingTimeInterval(-policy.sessionIdle))
    }

    /// Whether a periodic task is due, marking it started when it is.
    private func due(_ name: String, every interval: TimeInterval, at time: Date) -> Bool {
        timers.withLock { timers in
            if let last = timers[name], time.timeIntervalSince(last) < max(interval, 1) { return false }
            timers[name] = time
            return true
        }
    }

    /// Stores memories in the background as an `add` task (what a chat turn produced): the
    /// caller does not wait, and a transient failure is retried.
    public func enqueueAdd(
        _ caller: MemoryCaller, cube: String?, input: AddMemoriesInput, governance: AddGovernance = AddGovernance()
    ) async -> SchedulerTaskRecord {
        await queue.enqueue(.add, owner: caller.tenantID.uuidString.lowercased()) { [memories] _ in
            let outcome = try await memories.addMemories(caller, cube: cube, input: input, governance: governance)
            return ["memories": String(outcome.memories.count)]
        }
    }

    /// Waits until no background task is queued or running (tests, benchmarks).
    public func waitUntilIdle() async {
        await queue.waitUntilIdle()
    }
}
