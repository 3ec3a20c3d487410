/// Turns texts into vectors for dense retrieval.
///
/// `identifier` is stored beside every vector: when the configured embedder changes, stored
/// vectors with another identifier are known to be stale and are recomputed, never mixed.
public protocol Embedder: Sendable {
    /// Names the model and its settings, e.g. `builtin-hashing-v1-256` or `openai:text-embedding-3-small`.
    var identifier: String { get }
    /// Length of every vector this embedder returns.
    var dimensions: Int { get }
    /// One L2-normalised vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
