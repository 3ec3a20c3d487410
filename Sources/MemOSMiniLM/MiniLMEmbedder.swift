import Dispatch
import Foundation
import MemOSCore
import Synchronization

/// The built-in semantic embedder: all-MiniLM-L6-v2 computed in-process (no model server).
///
/// Encoding is CPU work of milliseconds to seconds, so it never runs on Swift's cooperative
/// pool: each call is handed to the embedder's own lanes (serial dispatch queues, one per
/// thread, each with reusable scratch memory) and resumes through a continuation. A call's
/// texts are tokenized, sorted by length and cut into packed batches of similar lengths that
/// the lanes take in turn, so a large add uses every lane and a single query runs on one core.
public final class MiniLMEmbedder: Embedder {
    public let identifier = MiniLM.identifier
    public let dimensions = MiniLM.dimensions
    /// The loaded model (shared, read-only).
    public let model: MiniLMModel
    /// Tokens in one packed batch, about: bounds scratch memory (about 20 KB per token) and
    /// keeps batches small enough for the lanes to share the work evenly; above ~500 tokens
    /// the matrix products run at full speed anyway.
    public let maxBatchTokens: Int
    private let lanes: [Lane]
    /// Round-robin start lane, so concurrent calls begin on different lanes.
    private let nextLane = Atomic<UInt>(0)

    /// - Parameters:
    ///   - threads: lanes computing in parallel (default: one per active processor).
    ///   - maxBatchTokens: upper bound on the tokens of one packed batch.
    public init(model: MiniLMModel, threads: Int = ProcessInfo.processInfo.activeProcessorCount, maxBatchTokens: Int = 1024) {
        // Parallelism comes from the lanes; OpenBLAS computes each product on its caller's thread.
        BLAS.setThreads(1)
        self.model = model
        self.maxBatchTokens = max(maxBatchTokens, MiniLM.maxTokens)
        lanes = (0..<max(1, threads)).map { Lane(label: "memos.minilm.lane-\($0)") }
    }

    /// One embedder per model directory for the whole process: the weights (about 90 MB) are
    /// read, verified and held once however many gateways or services ask for them.
    public static func shared(directory: URL) throws(MiniLMError) -> MiniLMEmbedder {
        let key = directory.standardizedFileURL.path
        return try sharedEmbedders.withLock { (embedders: inout [String: MiniLMEmbedder]) throws(MiniLMError) -> MiniLMEmbedder in
            if let existing = embedders[key] { return existing }
            let embedder = MiniLMEmbedder(model: try MiniLMModel.load(directory: directory))
            embedders[key] = embedder
            return embedder
        }
    }

    private static let sharedEmbedders = Mutex<[String: MiniLMEmbedder]>([:])

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let start = Int(nextLane.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(lanes.count))
        return await withCheckedContinuation { continuation in
            let first = lanes[start]
            first.queue.async { [self] in
                let job = EmbeddingJob(
                    sequences: texts.map(model.tokenize), lanes: lanes.count, maxBatchTokens: maxBatchTokens,
                    model: model, continuation: continuation)
                let helpers = min(lanes.count, job.batches.count) - 1
                for offset in 0..<max(0, helpers) {
                    let lane = lanes[(start + 1 + offset) % lanes.count]
                    lane.queue.async { job.work(workspace: lane.workspace) }
                }
                job.work(workspace: first.workspace)
            }
        }
    }
}

/// A serial queue (one thread at a time) and the scratch memory only its blocks touch.
private final class Lane: @unchecked Sendable {
    let queue: DispatchQueue
    /// Only used from blocks running on `queue`, hence never concurrently.
    let workspace = EncoderWorkspace()

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }
}

/// One `embed` call in flight: its batches, handed out one at a time to the lanes that work on
/// it, and its results, returned when the last batch is done.
private final class EmbeddingJob: Sendable {
    /// Indices of the texts in each packed batch (similar lengths together).
    let batches: [[Int]]
    private let sequences: [[Int32]]
    private let model: MiniLMModel
    private let state: Mutex<State>
    private let continuation: CheckedContinuation<[[Float]], Never>

    private struct State {
        var next = 0
        var remaining: Int
        var vectors: [[Float]]
    }

    init(
        sequences: [[Int32]], lanes: Int, maxBatchTokens: Int, model: MiniLMModel,
        continuation: CheckedContinuation<[[Float]], Never>
    ) {
        self.sequences = sequences
        self.model = model
        self.continuation = continuation
        let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
        let total = sequences.reduce(0) { $0 + $1.count }
        // Batches of about equal size, none much above the token bound, in a multiple of the
        // lanes so that all lanes finish together.
        let rounds = max(1, (total + lanes * maxBatchTokens - 1) / (lanes * maxBatchTokens))
        let target = max(1, (total + lanes * rounds - 1) / (lanes * rounds))
        var batches: [[Int]] = []
        var current: [Int] = []
        var tokens = 0
        for index in order {
            let length = sequences[index].count
            if !current.isEmpty, tokens + length > target {
                batches.append(current)
                current = []
                tokens = 0
            }
            current.append(index)
            tokens += length
        }
        if !current.isEmpty { batches.append(current) }
        self.batches = batches
        state = Mutex(State(remaining: batches.count, vectors: Array(repeating: [], count: sequences.count)))
    }

    /// Encodes batches until none is left; the lane finishing the last one returns the results.
    func work(workspace: EncoderWorkspace) {
        while true {
            let index: Int? = state.withLock { state in
                guard state.next < batches.count else { return nil }
                state.next += 1
                return state.next - 1
            }
            guard let index else { return }
            let batch = batches[index]
            let vectors = model.encode(batch.map { sequences[$0] }, workspace: workspace)
            let finished: [[Float]]? = state.withLock { state in
                for (position, textIndex) in batch.enumerated() { state.vectors[textIndex] = vectors[position] }
                state.remaining -= 1
                return state.remaining == 0 ? state.vectors : nil
            }
            if let finished { continuation.resume(returning: finished) }
        }
    }
}
