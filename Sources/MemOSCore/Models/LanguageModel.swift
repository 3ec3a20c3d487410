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
