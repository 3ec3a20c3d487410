import AsyncHTTPClient
import Foundation
import Logging
import MemOSCore

/// A chat model behind an OpenAI-compatible `POST {base}/chat/completions`.
public struct OpenAICompatibleChatModel: LanguageModel {
    public let client: OpenAICompatibleClient

    public var endpoint: BackendEndpoint { client.endpoint }
    /// `openai:<model>`, whichever server actually runs it.
    public var identifier: String { "openai:\(client.endpoint.model)" }

    public init(client: OpenAICompatibleClient) {
        self.client = client
    }

    public init(
        endpoint: BackendEndpoint, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "memos.backends")
    ) {
        self.init(client: OpenAICompatibleClient(endpoint: endpoint, httpClient: httpClient, logger: logger))
    }

    struct Request: Encodable {
        struct ResponseFormat: Encodable {
            let type: String
        }

        let model: String
        let messages: [ChatTurn]
        let temperature: Double
        let responseFormat: ResponseFormat?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature
            case responseFormat = "response_format"
        }
    }

    struct Response: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                let content: String?
            }

            let message: Message
        }

        let choices: [Choice]
    }

    /// `choices[0].message.content` of the completion.
    ///
    /// - Throws: `BackendError` (see `OpenAICompatibleClient.postJSON`), `malformedResponse` when
    ///   the body has no such string.
    public func complete(_ messages: [ChatTurn], temperature: Double, jsonOutput: Bool) async throws -> String {
        let request = Request(
            model: endpoint.model, messages: messages, temperature: temperature,
            responseFormat: jsonOutput ? .init(type: "json_object") : nil)
        let data = try await client.postJSON(path: "chat/completions", encoding: request)
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw BackendError.malformedResponse(reason: client.redact(describeDecodingFailure(error)))
        }
        guard let first = response.choices.first else {
            throw BackendError.malformedResponse(reason: "`choices` is empty")
        }
        guard let content = first.message.content else {
            throw BackendError.malformedResponse(reason: "choices[0].message.content is null")
        }
        return content
    }
}
