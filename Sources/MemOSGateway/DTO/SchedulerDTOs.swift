import Foundation
import MemOSCore
import MemOSGovernance

/// `POST /v1/memories/search` with `session_id`: the results, and whether the session's
/// preloaded scene answered.
struct SessionSearchEnvelope: Encodable {
    let results: [SearchResultOutput]
    let sessionID: String
    let preloadHit: Bool

    enum CodingKeys: String, CodingKey {
        case results, sessionID = "session_id", preloadHit = "preload_hit"
    }
}

/// One scheduler task as reported: kind, state, attempts, timings, progress; never memory text.
struct SchedulerTaskOutput: Encodable {
    let id: String
    let kind: String
    let state: String
    let attempts: Int
    let maxAttempts: Int
    let lastError: String?
    let enqueuedAt: Date
    let startedAt: Date?
    let finishedAt: Date?
    let runMilliseconds: Double?
    let progress: ProgressOutput?
    let result: [String: String]

    struct ProgressOutput: Encodable {
        let completed: Int
        let total: Int
    }

    init(_ task: SchedulerTaskRecord) {
        id = task.id.uuidString.lowercased()
        kind = task.kind.rawValue
        state = task.state.rawValue
        attempts = task.attempts
        maxAttempts = task.maxAttempts
        lastError = task.lastError
        enqueuedAt = task.enqueuedAt
        startedAt = task.startedAt
        finishedAt = task.finishedAt
        runMilliseconds = task.runSeconds.map { ($0 * 1_000_000).rounded() / 1_000 }
        progress = task.progress.map { ProgressOutput(completed: $0.completed, total: $0.total) }
        result = task.result
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, state, attempts, maxAttempts = "max_attempts", lastError = "last_error", enqueuedAt = "enqueued_at",
            startedAt = "started_at", finishedAt = "finished_at", runMilliseconds = "run_ms", progress, result
    }
}

struct SchedulerTaskEnvelope: Encodable {
    let task: SchedulerTaskOutput
}

/// `GET /v1/scheduler/status`.
struct SchedulerStatusOutput: Encodable {
    struct Sessions: Encodable {
        let active: Int
        let searches: Int
        let preloadHits: Int
        let preloadHitRate: Double?

        enum CodingKeys: String, CodingKey {
            case active, searches, preloadHits = "preload_hits", preloadHitRate = "preload_hit_rate"
        }
    }

    struct Embeddings: Encodable {
        let embedder: String
        let stale: Int?
    }

    /// "tenant" for a tenant user's view, "platform" for an operator's.
    let scope: String
    let counts: [String: [String: Int]]
    let tasks: [SchedulerTaskOutput]
    let sessions: Sessions
    let embeddings: Embeddings

    init(_ status: SchedulerStatus, scope: String) {
        self.scope = scope
        var counts: [String: [String: Int]] = [:]
        for (kind, states) in status.counts {
            counts[kind.rawValue] = Dictionary(uniqueKeysWithValues: states.map { ($0.key.rawValue, $0.value) })
        }
        self.counts = counts
        tasks = status.recent.map(SchedulerTaskOutput.init)
        sessions = Sessions(
            active: status.activeSessions, searches: status.sessionSearches, preloadHits: status.preloadHits,
            preloadHitRate: status.preloadHitRate)
        embeddings = Embeddings(embedder: status.embedder, stale: status.staleEmbeddings)
    }
}

/// `GET /v1/scheduler/working-memory`.
struct WorkingMemoryEnvelope: Encodable {
    let sessionID: String
    let memories: [MemoryOutput]

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", memories
    }
}

/// `GET /v1/activation`.
struct ActivationOutput: Encodable {
    let id: String
    let text: String
    let label: String
    let memoryIDs: [String]
    let builtAt: Date
    let approxTokens: Int

    init(_ view: ActivationView) {
        id = view.id
        text = view.text
        label = view.label
        memoryIDs = view.memoryIDs.map { $0.uuidString.lowercased() }
        builtAt = view.builtAt
        approxTokens = view.approximateTokens
    }

    enum CodingKeys: String, CodingKey {
        case id, text, label, memoryIDs = "memory_ids", builtAt = "built_at", approxTokens = "approx_tokens"
    }
}

struct ActivationEnvelope: Encodable {
    let activation: ActivationOutput
}

/// `POST /v1/scheduler/sessions/{session}/turns`: what was said, for intent tracking and preloading.
struct SessionTurnRequest: Decodable {
    let text: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        text = try decoder.container(keyedBy: CodingKeys.self).decodeNonEmptyString(forKey: .text)
    }
}
