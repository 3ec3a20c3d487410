/// Why a call to a model server failed.
///
/// No case ever carries the API key: texts that come from the network or from lower layers are
/// scrubbed of it before they are put here.
public indirect enum BackendError: Error, Equatable, CustomStringConvertible {
    /// No HTTP response: connection refused, DNS failure, reset connection, TLS failure, …
    /// `underlying` describes the lower-level error.
    case unreachable(url: String, underlying: String)
    /// The request could not even be sent as configured (bad URL or scheme, a header value HTTP
    /// cannot carry such as an API key with a line break). Retrying cannot help.
    case invalidRequest(reason: String)
    /// No complete response within the endpoint's timeout.
    case timedOut(url: String, after: Duration)
    /// The server answered with a non-2xx status; `bodySnippet` is at most 300 characters of its body.
    case http(status: Int, bodySnippet: String)
    /// A 2xx response whose body is not what the OpenAI API specifies.
    case malformedResponse(reason: String)
    /// An embedding of another length than the configured `dimensions`.
    case dimensionMismatch(expected: Int, got: Int)
    /// Every attempt failed in a retryable way; `last` is the final failure.
    case retriesExhausted(attempts: Int, last: BackendError)

    /// Maximum length of `http`'s `bodySnippet`.
    public static let maxSnippetLength = 300

    /// Whether another attempt may succeed: connection problems, timeouts, 429 and 5xx.
    public var isRetryable: Bool {
        switch self {
        case .unreachable, .timedOut: true
        case .http(let status, _): status == 429 || (500...599).contains(status)
        case .invalidRequest, .malformedResponse, .dimensionMismatch, .retriesExhausted: false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let url, let underlying):
            "model server at \(url) is unreachable: \(underlying)"
        case .invalidRequest(let reason):
            "cannot send the request to the model server: \(reason)"
        case .timedOut(let url, let after):
            "model server at \(url) did not answer within \(after)"
        case .http(let status, let bodySnippet):
            bodySnippet.isEmpty
                ? "model server answered HTTP \(status) with an empty body"
                : "model server answered HTTP \(status): \(bodySnippet)"
        case .malformedResponse(let reason):
            "model server sent a malformed response: \(reason)"
        case .dimensionMismatch(let expected, let got):
            "embedding has \(got) dimensions, but the embedder is configured for \(expected)"
        case .retriesExhausted(let attempts, let last):
            "model server still failing after \(attempts) attempts; last error: \(last)"
        }
    }
}
