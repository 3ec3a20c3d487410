import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The HTTP layer shared by the chat model and the embedder: POSTs JSON to an OpenAI-compatible
/// server (OpenAI, Ollama, vLLM, llama.cpp, TEI) with a per-attempt timeout, and retries what is
/// worth retrying.
///
/// Retried: connection failures, timeouts, HTTP 429 and 5xx. The wait before retry *n* is
/// `initialBackoff × 2^(n-1)` scaled by a random factor in 0.5 … 1 (so clients that failed
/// together do not retry in lockstep), or the server's `Retry-After` seconds when it sends them,
/// both capped by `maxRetryDelay`. Other 4xx statuses are the caller's mistake and fail at once.
///
/// The API key is sent as `Authorization: Bearer …` only when the endpoint has one, and it is
/// scrubbed from every error and log message, including response bodies that echo it.
public struct OpenAICompatibleClient: Sendable {
    public let endpoint: BackendEndpoint
    public let httpClient: HTTPClient
    public let logger: Logger
    /// Upper bound on one wait between attempts, whatever `Retry-After` or the backoff says.
    public let maxRetryDelay: Duration

    /// Successful bodies larger than this are refused rather than buffered.
    public static let maxResponseBytes = 64 * 1024 * 1024
    /// How much of an error body is read (the error keeps at most 300 characters of it).
    static let maxErrorBodyBytes = 4096
    /// How much longer than the timeout the whole attempt may take; see `send`.
    static let deadlineGrace: Duration = .milliseconds(100)

    public init(
        endpoint: BackendEndpoint, httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "memos.backends"), maxRetryDelay: Duration = .seconds(30)
    ) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.logger = logger
        self.maxRetryDelay = maxRetryDelay
    }

    /// POSTs `body` (JSON) to `path` under the base URL and returns the body of the first 2xx
    /// response.
    ///
    /// - Throws: `BackendError` (`retriesExhausted` when every attempt failed in a retryable way
    ///   and there was more than one; the single failure itself when `maxRetries` is 0), or
    ///   `CancellationError` when the calling task is cancelled.
    public func postJSON(path: String, body: Data) async throws -> Data {
        let url = endpoint.url(for: path)
        let allowedAttempts = endpoint.maxRetries + 1
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let failure: BackendError
            var retryAfter: Duration?
            do {
                let response = try await send(url: url, body: body)
                if (200..<300).contains(response.status) {
                    return Data(buffer: response.body)
                }
                failure = .http(status: response.status, bodySnippet: snippet(of: response.body))
                retryAfter = Self.retryAfter(response.headers)
            } catch let error as BackendError {
                failure = error
            }
            guard failure.isRetryable else { throw failure }
            guard attempt < allowedAttempts else {
                logger.error(
                    "model request failed",
                    metadata: ["url": "\(url)", "attempts": "\(attempt)", "error": "\(failure)"])
                throw attempt == 1 ? failure : BackendError.retriesExhausted(attempts: attempt, last: failure)
            }
            let delay = min(retryAfter ?? backoff(beforeRetry: attempt), maxRetryDelay)
            logger.warning(
                "model request failed, retrying",
                metadata: [
                    "url": "\(url)", "attempt": "\(attempt)", "of": "\(allowedAttempts)", "error": "\(failure)",
                    "retry_in": "\(delay)",
                ])
            try await Task.sleep(for: delay)
        }
    }

    /// Encodes `body` as JSON and POSTs it.
    public func postJSON(path: String, encoding body: some Encodable) async throws -> Data {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw BackendError.invalidRequest(reason: "cannot encode the request body: \(redact("\(error)"))")
        }
        return try await postJSON(path: path, body: data)
    }

    // MARK: - One attempt

    private struct RawResponse: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
    }

    /// One attempt, bounded by the endpoint's timeout from sending to having read the body.
    private func send(url: String, body: Data) async throws -> RawResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey = endpoint.apiKey {
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        request.body = .bytes(ByteBuffer(data: body))

        let prepared = request
        let timeout = endpoint.timeout
        let client = httpClient
        do {
            return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
                group.addTask {
                    // AsyncHTTPClient's deadline only covers the response head; the race with the
                    // sleep below also bounds reading the body. The sleep lasts a little longer so
                    // that when the deadline passes while AsyncHTTPClient waits to reconnect, its
                    // own error (e.g. "connection refused") wins over a bare "timed out".
                    let response = try await client.execute(prepared, deadline: .now() + TimeAmount(timeout))
                    let status = Int(response.status.code)
                    let bytes =
                        (200..<300).contains(status)
                        ? try await response.body.collect(upTo: Self.maxResponseBytes)
                        : try await Self.prefix(of: response.body, maxBytes: Self.maxErrorBodyBytes)
                    return RawResponse(status: status, headers: response.headers, body: bytes)
                }
                group.addTask {
                    try await Task.sleep(for: timeout + Self.deadlineGrace)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw BackendError.timedOut(url: url, after: timeout)
                }
                return response
            }
        } catch let error as BackendError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw classify(error, url: url)
        }
    }

    /// At most `maxBytes` of a body, without waiting for the rest.
    static func prefix(of body: HTTPClientResponse.Body, maxBytes: Int) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for try await chunk in body {
            var chunk = chunk
            if let slice = chunk.readSlice(length: min(chunk.readableBytes, maxBytes - buffer.readableBytes)) {
                buffer.writeImmutableBuffer(slice)
            }
            if buffer.readableBytes >= maxBytes { break }
        }
        return buffer
    }

    /// Maps a lower-level failure to the case that says what went wrong.
    func classify(_ error: any Error, url: String) -> BackendError {
        if error is NIOTooManyBytesError {
            return .malformedResponse(reason: "response body is larger than \(Self.maxResponseBytes / (1024 * 1024)) MiB")
        }
        if let error = error as? HTTPClientError {
            // `shortDescription` never contains associated values (such as invalid header values,
            // which could be the API key).
            switch error {
            case .readTimeout, .writeTimeout, .connectTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return .timedOut(url: url, after: endpoint.timeout)
            case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath:
                return .invalidRequest(reason: "\(error.shortDescription): \(redact(url))")
            default:
                let short = error.shortDescription
                if short == "Unsupported scheme" {
                    return .invalidRequest(reason: "\(short) in \(redact(url)) (use http or https)")
                }
                if short.hasPrefix("Invalid header field") {
                    return .invalidRequest(reason: "\(short) (is the API key a single line of printable characters?)")
                }
                return .unreachable(url: url, underlying: short)
            }
        }
        return .unreachable(url: url, underlying: redact(String(describing: error)))
    }

    // MARK: - Helpers

    /// Wait before retry number `retry` (1-based): exponential, with jitter.
    func backoff(beforeRetry retry: Int) -> Duration {
        let exponential = endpoint.initialBackoff * (1 << min(retry - 1, 20))
        return min(exponential, maxRetryDelay) * Double.random(in: 0.5...1.0)
    }

    /// `Retry-After` in seconds (the HTTP-date form is ignored: the backoff applies instead).
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces),
            let seconds = Int(value), seconds >= 0
        else { return nil }
        return .seconds(seconds)
    }

    /// The start of an error body, on one line, without the API key.
    func snippet(of body: ByteBuffer) -> String {
        let text = redact(String(decoding: body.readableBytesView, as: UTF8.self))
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard oneLine.count > BackendError.maxSnippetLength else { return oneLine }
        return String(oneLine.prefix(BackendError.maxSnippetLength - 1)) + "…"
    }

    /// `text` with every occurrence of the API key replaced.
    func redact(_ text: String) -> String {
        guard let apiKey = endpoint.apiKey, !apiKey.isEmpty else { return text }
        return text.replacingOccurrences(of: apiKey, with: "<redacted>")
    }
}

/// A short, precise description of a decoding failure, e.g. `data[2].embedding: expected an array`.
func describeDecodingFailure(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        var path = ""
        for key in context.codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "the top level" : path
    }
    switch error {
    case .keyNotFound(let key, let context):
        let parent = path(context)
        return parent == "the top level" ? "missing `\(key.stringValue)`" : "\(parent): missing `\(key.stringValue)`"
    case .valueNotFound(let type, let context):
        return "\(path(context)): expected \(type), found null"
    case .typeMismatch(let type, let context):
        return "\(path(context)): expected \(type)"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}
