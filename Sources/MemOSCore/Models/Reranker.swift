/// Re-scores retrieved memories against the query with a model that reads both together
/// (a cross-encoder), which ranks better than fusion alone but costs a model call per search.
public protocol Reranker: Sendable {
    var identifier: String { get }
    /// One relevance score per document, in the documents' order; higher is more relevant.
    func rerank(query: String, documents: [String]) async throws -> [Double]
}
