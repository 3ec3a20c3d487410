import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// Streaming answers (`"stream": true`): the server sends server-sent events, one JSON object
/// per `data:` line, ending with `data: [DONE]`.
extension OpenAICompatibleClient {
    /// POSTs `body` (JSON) to `path` and returns the `data` of each server-sent event as it
    /// arrives, up to (not including) `[DONE]`.
    ///
    /// Opening the stream is retried like `postJSON` (connection failures, timeouts, 429, 5xx);
    /// once bytes have arrived nothing is retried, since the consumer has already seen them. The
    /// endpoint's timeout bounds the wait for the response head and then every silence between
    /// two chunks, so a long answer may take as long as it needs while a stalled server fails.
    /// A server that ignores `stream` and answers with one JSON body yields that body as the
    /// only element. Cancelling the consuming task (or dropping the stream) cancels the request.
    public func postEventStream(path: String, body: Data) -> AsyncThrowingStream<String, any Error> {
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let task = Task {
            do {
                let url = endpoint.url(for: path)
                let response = try await openEventStream(url: url, body: body)
                try await forward(response, url: url, to: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The response of the first attempt that got a 2xx head.
    private func openEventStream(url: String, body: Data) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let apiKey = endpoint.apiKey {
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        request.body = .bytes(ByteBuffer(data: body))
        let allowedAttempts = endpoint.maxRetries + 1
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let failure: BackendError
            var retryAfter: Duration?
            do {
                let response = try await httpClient.execute(request, deadline: .now() + TimeAmount(endpoint.timeout))
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return response }
                let errorBody = try await Self.prefix(of: response.body, maxBytes: Self.maxErrorBodyBytes)
                failure = .http(status: status, bodySnippet: snippet(of: errorBody))
                retryAfter = Self.retryAfter(response.headers)
            } catch let error as BackendError {
                failure = error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = classify(error, url: url)
            }
            guard failure.isRetryable else { throw failure }
            guard attempt < allowedAttempts else {
                logger.error(
                    "model stream failed", metadata: ["url": "\(url)", "attempts": "\(attempt)", "error": "\(failure)"])
                throw attempt == 1 ? failure : BackendError.retriesExhausted(attempts: attempt, last: failure)
            }
            let delay = min(retryAfter ?? backoff(beforeRetry: attempt), maxRetryDelay)
            logger.warning(
                "model stream failed to open, retrying",
                metadata: ["url": "\(url)", "attempt": "\(attempt)", "error": "\(failure)", "retry_in": "\(delay)"])
            try await Task.sleep(for: delay)
        }
    }

    /// Reads the body, yielding each event's data, while a watchdog fails the stream when the
    /// server stays silent longer than the timeout.
    private func forward(
        _ response: HTTPClientResponse, url: String, to continuation: AsyncThrowingStream<String, any Error>.Continuation
    ) async throws {
        let isEventStream =
            response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("text/event-stream") ?? false
        let timeout = endpoint.timeout
        let lastActivity = ActivityClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var parser = ServerSentEventParser()
                var plain = ByteBuffer()
                var total = 0
                for try await chunk in response.body {
                    lastActivity.touch()
                    total += chunk.readableBytes
                    guard total <= Self.maxResponseBytes else {
                        throw BackendError.malformedResponse(
                            reason: "response body is larger than \(Self.maxResponseBytes / (1024 * 1024)) MiB")
                    }
                    guard isEventStream else {
                        plain.writeImmutableBuffer(chunk)
                        continue
                    }
                    let events: [String]
                    do {
                        events = try parser.feed(chunk.readableBytesView)
                    } catch {
                        throw BackendError.malformedResponse(reason: "an event-stream line is longer than 4 MiB")
                    }
                    for event in events {
                        if event == "[DONE]" { return }
                        continuation.yield(event)
                    }
                }
                if isEventStream {
                    if let last = parser.finish(), last != "[DONE]" { continuation.yield(last) }
                } else {
                    continuation.yield(String(decoding: plain.readableBytesView, as: UTF8.self))
                }
            }
            group.addTask {
                while true {
                    let idle = lastActivity.idle
                    if idle >= timeout { throw BackendError.timedOut(url: url, after: timeout) }
                    try await Task.sleep(for: timeout - idle)
                }
            }
            defer { group.cancelAll() }
            do {
                try await group.next()
            } catch let error as BackendError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw classify(error, url: url)
            }
        }
    }
}

/// When a stream last made progress, shared by its reader and its watchdog.
private final class ActivityClock: Sendable {
    private let last = Mutex(ContinuousClock.now)

    func touch() {
        last.withLock { $0 = .now }
    }

    var idle: Duration { ContinuousClock.now - last.withLock { $0 } }
}
