import AsyncHTTPClient
import Foundation
import Logging
import MemOSCore

/// An embedding model behind an OpenAI-compatible `POST {base}/embeddings`.
///
/// Texts are sent in batches of at most `maxBatch`, one request after another. Every vector is
/// placed by the `index` the server gives it (servers may answer out of order), checked against
/// the configured `dimensions` and L2-normalised, so vectors from any server compare by dot
/// product like the built-in embedder's.
public struct OpenAICompatibleEmbedder: Embedder {
    public let client: OpenAICompatibleClient
    public let dimensions: Int
    /// Most texts sent in one request (at least 1).
    public let maxBatch: Int

    public var endpoint: BackendEndpoint { client.endpoint }
    /// `openai:<model>`, whichever server actually runs it.
    public var identifier: String { "openai:\(client.endpoint.model)" }

    public init(client: OpenAICompatibleClient, dimensions: Int, maxBatch: Int = 64) {
        self.client = client
        self.dimensions = dimensions
        self.maxBatch = max(1, maxBatch)
    }

    public init(
        endpoint: BackendEndpoint, dimensions: Int, maxBatch: Int = 64, httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "memos.backends")
    ) {
        self.init(
            client: OpenAICompatibleClient(endpoint: endpoint, httpClient: httpClient, logger: logger),
            dimensions: dimensions, maxBatch: maxBatch)
    }

    struct Request: Encodable {
        let model: String
        let input: [String]
    }

    struct Response: Decodable {
        struct Item: Decodable {
            // Decoded as Double: tiny components would not fit a Float and fail decoding.
            let embedding: [Double]
            let index: Int?
        }

        let data: [Item]
    }

    /// One unit-length vector of `dimensions` components per text, in the order of `texts`.
    ///
    /// - Throws: `BackendError`: `dimensionMismatch` when a vector has another length,
    ///   `malformedResponse` when the answer does not give exactly one vector per input or a
    ///   vector cannot be normalised, or what `OpenAICompatibleClient.postJSON` throws.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let end = min(start + maxBatch, texts.count)
            vectors += try await embedBatch(Array(texts[start..<end]), offset: start)
            start = end
        }
        return vectors
    }

    private func embedBatch(_ batch: [String], offset: Int) async throws -> [[Float]] {
        let data = try await client.postJSON(path: "embeddings", encoding: Request(model: endpoint.model, input: batch))
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw BackendError.malformedResponse(reason: client.redact(describeDecodingFailure(error)))
        }
        guard response.data.count == batch.count else {
            throw BackendError.malformedResponse(
                reason: "expected \(batch.count) embeddings, got \(response.data.count)")
        }
        var placed = [[Float]?](repeating: nil, count: batch.count)
        for (position, item) in response.data.enumerated() {
            let index = item.index ?? position
            guard placed.indices.contains(index) else {
                throw BackendError.malformedResponse(
                    reason: "data[\(position)].index is \(index), outside 0..<\(batch.count)")
            }
            guard placed[index] == nil else {
                throw BackendError.malformedResponse(reason: "data[\(position)].index \(index) appears twice")
            }
            guard item.embedding.count == dimensions else {
                throw BackendError.dimensionMismatch(expected: dimensions, got: item.embedding.count)
            }
            let norm = item.embedding.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else {
                throw BackendError.malformedResponse(
                    reason: "embedding of input \(offset + index) has no direction (norm \(norm)); it cannot be normalised")
            }
            placed[index] = item.embedding.map { Float($0 / norm) }
        }
        return placed.compactMap { $0 }
    }
}
