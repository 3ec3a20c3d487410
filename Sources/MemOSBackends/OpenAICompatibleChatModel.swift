import AsyncHTTPClient
import Foundation
import Logging
import MemOSCore

/// A chat model behind an OpenAI-compatible `POST {base}/chat/completions`, whole or streamed.
public struct OpenAICompatibleChatModel: StreamingLanguageModel {
    public let client: OpenAICompatibleClient
    /// Whether a `cachePrompt` hint is sent as llama.cpp's `"cache_prompt": true`. llama.cpp
    /// reuses the KV cache of a repeated prefix with it; Ollama and vLLM ignore unknown fields;
    /// api.openai.com rejects them (and caches prefixes by itself), so by default the field is
    /// sent to every server except that one.
    public var sendsCachePrompt: Bool

    public var endpoint: BackendEndpoint { client.endpoint }
    /// `openai:<model>`, whichever server actually runs it.
    public var identifier: String { "openai:\(client.endpoint.model)" }

    public init(client: OpenAICompatibleClient) {
        self.client = client
        self.sendsCachePrompt = client.endpoint.baseURL.host?.lowercased() != "api.openai.com"
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
        var stream: Bool? = nil
        var cachePrompt: Bool? = nil

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream
            case responseFormat = "response_format"
            case cachePrompt = "cache_prompt"
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
        try await complete(
            Request(
                model: endpoint.model, messages: messages, temperature: temperature,
                responseFormat: jsonOutput ? .init(type: "json_object") : nil))
    }

    /// `choices[0].message.content`, with `cache_prompt` when hinted (see `sendsCachePrompt`).
    public func complete(_ messages: [ChatTurn], temperature: Double, hints: CompletionHints) async throws -> String {
        var request = Request(model: endpoint.model, messages: messages, temperature: temperature, responseFormat: nil)
        request.cachePrompt = hints.cachePrompt && sendsCachePrompt ? true : nil
        return try await complete(request)
    }

    private func complete(_ request: Request) async throws -> String {
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

    /// One event of a streamed answer: `choices[0].delta.content` (a server that answered
    /// without streaming sends `message` instead), or an `error` object.
    struct StreamEvent: Decodable {
        struct Choice: Decodable {
            struct Text: Decodable {
                let content: String?
            }

            let delta: Text?
            let message: Text?
        }

        struct Failure: Decodable {
            let message: String?
        }

        let choices: [Choice]?
        let error: Failure?
    }

    /// The answer as the server generates it (`"stream": true`), chunk by chunk.
    ///
    /// - Throws (from the stream): `BackendError` as `postEventStream` describes, or
    ///   `malformedResponse` for an event that is not a chunk or reports an error.
    public func stream(_ messages: [ChatTurn], temperature: Double, hints: CompletionHints) -> AsyncThrowingStream<
        String, any Error
    > {
        var request = Request(model: endpoint.model, messages: messages, temperature: temperature, responseFormat: nil)
        request.stream = true
        request.cachePrompt = hints.cachePrompt && sendsCachePrompt ? true : nil
        let client = self.client
        let body: Data
        do {
            body = try JSONEncoder().encode(request)
        } catch {
            return AsyncThrowingStream {
                throw BackendError.invalidRequest(reason: "cannot encode the request body: \(client.redact("\(error)"))")
            }
        }
        let events = client.postEventStream(path: "chat/completions", body: body)
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let task = Task {
            do {
                for try await event in events {
                    let decoded: StreamEvent
                    do {
                        decoded = try JSONDecoder().decode(StreamEvent.self, from: Data(event.utf8))
                    } catch {
                        throw BackendError.malformedResponse(
                            reason: "stream event: \(client.redact(describeDecodingFailure(error)))")
                    }
                    if let failure = decoded.error {
                        throw BackendError.malformedResponse(
                            reason: "the stream reported an error: \(client.redact(failure.message ?? "no message"))")
                    }
                    guard let choice = decoded.choices?.first else { continue }
                    if let text = choice.delta?.content ?? choice.message?.content, !text.isEmpty {
                        continuation.yield(text)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
