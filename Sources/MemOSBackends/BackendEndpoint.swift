import Foundation

/// Where an OpenAI-compatible model server is and how to talk to it.
///
/// The same shape serves OpenAI, Ollama (`http://127.0.0.1:11434/v1`), vLLM, llama.cpp's
/// `llama-server` and Hugging Face TEI: they all expose `/chat/completions` and/or `/embeddings`
/// under a base URL.
///
/// The API key is a secret: `description`, `debugDescription` and the reflection used by `dump`
/// all redact it, so an endpoint can be logged or interpolated safely.
public struct BackendEndpoint: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The API root, e.g. `http://127.0.0.1:11434/v1`; request paths are appended to it.
    public var baseURL: URL
    /// The model name sent with every request.
    public var model: String
    /// Sent as `Authorization: Bearer <key>` when set; never logged or shown.
    public var apiKey: String?
    /// Upper bound on one attempt, from sending the request to having read the whole body.
    public var timeout: Duration
    /// Further attempts after the first one fails in a way worth retrying (0 = try once).
    public var maxRetries: Int
    /// Wait before the first retry; it doubles for each further retry (with jitter).
    public var initialBackoff: Duration

    public init(
        baseURL: URL, model: String, apiKey: String? = nil, timeout: Duration = .seconds(60), maxRetries: Int = 3,
        initialBackoff: Duration = .milliseconds(200)
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxRetries = max(0, maxRetries)
        self.initialBackoff = initialBackoff
    }

    /// `baseURL` followed by `path` (e.g. `chat/completions`), with exactly one slash between.
    public func url(for path: String) -> String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var tail = Substring(path)
        while tail.hasPrefix("/") { tail.removeFirst() }
        return base + "/" + tail
    }

    public var description: String {
        "\(model) at \(baseURL.absoluteString) (api key \(apiKey == nil ? "not set" : "set"), timeout \(timeout), "
            + "max retries \(maxRetries))"
    }

    public var debugDescription: String { "BackendEndpoint(\(description))" }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL, "model": model, "apiKey": apiKey == nil ? "nil" : "<redacted>",
                "timeout": timeout, "maxRetries": maxRetries, "initialBackoff": initialBackoff,
            ], displayStyle: .struct)
    }
}
