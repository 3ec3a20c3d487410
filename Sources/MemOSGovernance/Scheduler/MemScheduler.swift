import Foundation
import MemOSCore
import MemOSStore
import Synchronization

/// A persona's activation memory: its hottest memories composed into one stable prefix that an
/// inference backend can keep in its KV cache. The id is the SHA-256 of the exact text, so a
/// backend (and a stored KV snapshot) can tell whether its cache still matches.
public struct ActivationPrefix: Sendable, Hashable {
    public let id: String
    /// Unmarked text, for the model only; callers get it watermarked.
    public let text: String
    public let memoryIDs: [UUID]
    public let builtAt: Date

    public init(id: String, text: String, memoryIDs: [UUID], builtAt: Date) {
        self.id = id
        self.text = text
        self.memoryIDs = memoryIDs
        self.builtAt = builtAt
    }

    /// Approximate tokens (see `ActivationComposer.approximateTokens`).
    public var approximateTokens: Int { ActivationComposer.approximateTokens(text) }
}

/// The MemScheduler: background tasks, working memory per session, next-scene preloading,
/// usage-driven promotion and demotion, and activation memory.
///
/// - One task queue (bounded concurrency, retries, visible per tenant) runs every kind of
///   background work, refinements included.
/// - Each session of each persona keeps a trail of recent turns, a bounded working memory and a
///   preloaded scene: what the next query probably needs, so a search naming the session can be
///   answered from it (see `search(_:session:query:topK:cubes:filter:rerank:)`).
/// - Activation prefixes are composed from each persona's most retrieved memories, sealed and
///   stored, and erased with the memories they hold.
///
/// Everything in memory here (trails, working memory, scenes) is a cache of what the store
/// holds; losing it at a restart loses nothing.
public final class MemScheduler: Sendable {
    let memories: MemoryService
    let activePolicy: ActivePolicy
    /// Every background task of the gateway, refinements included.
    public let queue: SchedulerTaskQueue
    let sessions = SchedulerSessions()
    let now: @Sendable () -> Date
    /// When the timer last started each periodic task.
    let timers = Mutex<[String: Date]>([:])

    var policy: SchedulerPolicy { activePolicy.current.scheduler }

    init(memories: MemoryService, activePolicy: ActivePolicy, now: @escaping @Sendable () -> Date = { Date() }) {
        self.memories = memories
        self.activePolicy = activePolicy
        self.now = now
        let policy = activePolicy.current.scheduler
        queue = SchedulerTaskQueue(
            maxConcurrent: policy.concurrency, maxAttempts: policy.maxAttempts,
            backoff: .milliseconds(Int64(policy.retryBackoff * 1_000)), now: now, describe: RefinementQueue.describe)
    }

    /// Makes refinements run on the scheduler's queue; called once when governance opens.
    func attach() async {
        await memories.refinements.use(queue)
    }

    /// The acting persona's activation prefix (unmarked, for the model), or nil when it has no
    /// memory hot enough yet. Members the caller can no longer read (a label raised, a role's
    /// clearance lowered) make it rebuild first, so the prefix never carries what the persona
    /// may not see.
    public func activation(_ caller: MemoryCaller) async throws -> ActivationPrefix? {
        try await currentActivation(caller)?.prefix
    }

    /// The session's working memory for the acting persona, most relevant first, presented as
    /// the caller may see it now (labels checked at read time, PII redacted), without watermark:
    /// this is what a prompt is built from. Audited as a read.
    public func workingMemory(_ caller: MemoryCaller, session: String) async throws -> [MemoryView] {
        try await workingMemoryViews(caller, session: session, watermarked: false)
    }

    /// Tells the scheduler what was said in a session, so it can notice intent shifts, refresh
    /// working memory and predict and preload the next scene. Never fails the caller: the
    /// scheduler's work happens in the background.
    public func noteTurn(_ caller: MemoryCaller, session: String, text: String) async {
        guard (try? Self.validateSession(session)) != nil,
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { return }
        let vector = try? await memories.embedder.embed([text]).first
        await observe(caller, session: session, text: text, vector: vector, hits: nil)
    }

    /// Session ids are the client's: 1-128 printable characters.
    static func validateSession(_ session: String) throws {
        guard (1...128).contains(session.count), session.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw GovernanceError.invalidInput(field: "session_id", message: "must be 1-128 printable characters")
        }
    }

    /// Records a turn (and, for a search, its hits) and schedules what follows from it: a
    /// working-memory refresh when the intent shifted (or on the first turn), and a new preload.
    func observe(
        _ caller: MemoryCaller, session: String, text: String, vector: [Float]?, hits: [SceneSeed]?, cubes: Set<UUID>? = nil
    ) async {
        let key = SessionKey(caller, session: session)
        let policy = self.policy
        let time = now()
        let change = sessions.with(key) { state -> SessionTrail.Change in
            var value =
                state
                ?? SessionState(
                    caller: caller, trail: SessionTrail(window: 4, shiftThreshold: policy.shiftThreshold),
                    workingMemory: WorkingMemorySet(capacity: policy.workingMemorySize), lastActivity: time, lastRefresh: time)
            value.caller = caller
            value.lastActivity = time
            value.activeSinceRefresh = true
            let change = value.trail.record(text, vector: vector)
            if let hits {
                value.searchCubes = cubes
                value.recentHits.append(Array(hits.prefix(10)))
                if value.recentHits.count > 3 { value.recentHits.removeFirst(value.recentHits.count - 3) }
                if case .shifted = change {
                    value.recentHits = [Array(hits.prefix(10))]
                }
                value.workingMemory.observe(hits.map(\.id))
            }
            state = value
            return change
        }
        switch change {
        case .started, .shifted:
            await enqueueWorkingMemoryRefresh(key)
        case .continued, .unknown:
            break
        }
        await enqueuePreload(key)
    }
}
