import Foundation
import MemOSCore

/// A reranker behind the `/rerank` endpoint that Jina, Cohere, vLLM and llama.cpp servers share:
/// `{"model", "query", "documents"}` → `{"results": [{"index", "relevance_score"}]}`.
public struct OpenAICompatibleReranker: Reranker {
    public let client: OpenAICompatibleClient
    public var identifier: String { "rerank:\(client.endpoint.model)" }

    public init(client: OpenAICompatibleClient) {
        self.client = client
    }

    public init(endpoint: BackendEndpoint) {
        self.init(client: OpenAICompatibleClient(endpoint: endpoint))
    }

    private struct Request: Encodable {
        let model: String
        let query: String
        let documents: [String]
    }

    private struct Reply: Decodable {
        struct Result: Decodable {
            let index: Int
            let relevanceScore: Double

            enum CodingKeys: String, CodingKey {
                case index, relevanceScore = "relevance_score"
            }
        }

        let results: [Result]
    }

    public func rerank(query: String, documents: [String]) async throws -> [Double] {
        guard !documents.isEmpty else { return [] }
        let data = try await client.postJSON(
            path: "rerank", encoding: Request(model: client.endpoint.model, query: query, documents: documents))
        let reply: Reply
        do {
            reply = try JSONDecoder().decode(Reply.self, from: data)
        } catch {
            throw BackendError.malformedResponse(reason: "rerank reply is not {\"results\": [{\"index\", \"relevance_score\"}]}")
        }
        var scores = [Double?](repeating: nil, count: documents.count)
        for result in reply.results {
            guard documents.indices.contains(result.index) else {
                throw BackendError.malformedResponse(reason: "rerank result index \(result.index) is out of range")
            }
            scores[result.index] = result.relevanceScore
        }
        guard scores.allSatisfy({ $0 != nil }) else {
            throw BackendError.malformedResponse(reason: "rerank reply scored \(reply.results.count) of \(documents.count) documents")
        }
        return scores.compactMap { $0 }
    }

    /// The reranker named by `MEMOS_RERANKER_BASE_URL` and `MEMOS_RERANKER_MODEL` (with the
    /// optional `MEMOS_RERANKER_API_KEY`), or nil when none is configured.
    public static func fromEnvironment(_ environment: [String: String]) throws(ModelConfigurationError) -> BackendEndpoint? {
        let base = environment["MEMOS_RERANKER_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let model = environment["MEMOS_RERANKER_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        switch (base, model) {
        case (nil, nil):
            return nil
        case (let base?, let model?):
            guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
                throw .invalidEnvironment(variable: "MEMOS_RERANKER_BASE_URL", message: "must be an http(s) URL")
            }
            return BackendEndpoint(baseURL: url, model: model, apiKey: environment["MEMOS_RERANKER_API_KEY"])
        case (nil, _):
            throw .incomplete("MEMOS_RERANKER_MODEL needs MEMOS_RERANKER_BASE_URL")
        case (_, nil):
            throw .incomplete("MEMOS_RERANKER_BASE_URL needs MEMOS_RERANKER_MODEL")
        }
    }
}
