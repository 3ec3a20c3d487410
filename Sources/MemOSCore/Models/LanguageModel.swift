/// One message of a chat-completion request.
public struct ChatTurn: Sendable, Hashable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A chat model, as the MemReader's fine mode and chat-with-memory use it.
///
/// Core only knows this protocol; the OpenAI-compatible HTTP client lives outside Core.
public protocol LanguageModel: Sendable {
    /// Names the model, for provenance of what it produced.
    var identifier: String { get }
    /// The assistant's reply to `messages`. `jsonOutput` asks the backend for a JSON object
    /// where it supports that (OpenAI `response_format`), but callers still validate.
    func complete(_ messages: [ChatTurn], temperature: Double, jsonOutput: Bool) async throws -> String
}

/// Hints for one completion that a backend may use or ignore; none changes what a correct
/// answer is.
public struct CompletionHints: Sendable, Hashable {
    /// The first message is a stable prefix (activation memory) worth keeping in the backend's
    /// KV cache between requests: llama.cpp's `cache_prompt`; vLLM and SGLang cache prefixes
    /// on their own.
    public var cachePrompt: Bool

    public init(cachePrompt: Bool = false) {
        self.cachePrompt = cachePrompt
    }
}

/// A chat model that can hand out its answer while it is generated, so chat can stream.
///
/// Models that only implement `LanguageModel` still serve chat: their whole answer arrives as
/// one chunk.
public protocol StreamingLanguageModel: LanguageModel {
    /// The answer to `messages` as it is generated: non-empty text chunks whose concatenation
    /// is the whole answer. The stream ends when the answer is complete and throws when the
    /// backend fails; cancelling the consuming task stops generation.
    func stream(_ messages: [ChatTurn], temperature: Double, hints: CompletionHints) -> AsyncThrowingStream<String, any Error>

    /// The whole answer at once, with hints.
    func complete(_ messages: [ChatTurn], temperature: Double, hints: CompletionHints) async throws -> String
}

extension StreamingLanguageModel {
    /// The answer as it is generated, without hints.
    public func stream(_ messages: [ChatTurn], temperature: Double) -> AsyncThrowingStream<String, any Error> {
        stream(messages, temperature: temperature, hints: CompletionHints())
    }
}
