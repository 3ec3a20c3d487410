import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A request as the fake server received it.
public struct RecordedRequest: Sendable {
    public let method: String
    public let path: String
    /// Header values by lower-cased name.
    public let headers: [String: String]
    public let body: Data

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// `input` of an embeddings request.
    public var inputs: [String] { json["input"] as? [String] ?? [] }
}

/// What the fake server answers.
public struct FakeResponse: Sendable {
    public var status: Int = 200
    public var body: String = ""
    public var retryAfter: String?
    /// Wait this long before answering (to provoke timeouts).
    public var delay: Duration?
    /// Answer only once this gate opens (at most a minute): a server slower than any client
    /// timeout however loaded the machine, where a fixed `delay` could be outlasted.
    public var holdUntil: StreamGate?
    /// What a streamed chat answer (`"stream": true` in the request) sends as `delta.content`,
    /// chunk by chunk, before `data: [DONE]`; nil answers streamed requests with `body` as usual.
    public var streamChunks: [String]?
    /// Sent after the chunks, as an OpenAI-style `{"error": …}` event instead of `[DONE]`.
    public var streamError: String?
    /// Pause between two streamed events.
    public var chunkDelay: Duration?
    /// After the first streamed event, send nothing until this gate opens (at most a minute):
    /// a silent server whose silence lasts as long as the test needs, however loaded the
    /// machine, instead of a fixed pause a slow run could outlast.
    public var stallAfterFirstEvent: StreamGate?

    public init(
        status: Int = 200, body: String = "", retryAfter: String? = nil, delay: Duration? = nil,
        streamChunks: [String]? = nil, streamError: String? = nil, chunkDelay: Duration? = nil, holdUntil: StreamGate? = nil
    ) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.delay = delay
        self.streamChunks = streamChunks
        self.streamError = streamError
        self.chunkDelay = chunkDelay
        self.holdUntil = holdUntil
    }

    /// A JSON body built from dictionaries and arrays.
    public static func json(_ object: Any, status: Int = 200, retryAfter: String? = nil) -> FakeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return FakeResponse(status: status, body: String(decoding: data, as: UTF8.self), retryAfter: retryAfter)
    }

    /// A chat completion whose first choice says `content`; streamed requests get it in
    /// chunks of seven characters (cut mid-word, as model tokens are).
    public static func chat(_ content: String) -> FakeResponse {
        var response = FakeResponse.json(
            ["id": "chatcmpl-1", "choices": [["index": 0, "message": ["role": "assistant", "content": content]]]])
        response.streamChunks = chunks(of: content, size: 7)
        return response
    }

    /// A streamed chat answer in exactly these chunks (and the same text, joined, unstreamed).
    public static func chatStream(_ chunks: [String], error: String? = nil, chunkDelay: Duration? = nil) -> FakeResponse {
        var response = FakeResponse.chat(chunks.joined())
        response.streamChunks = chunks
        response.streamError = error
        response.chunkDelay = chunkDelay
        return response
    }

    /// `text` cut into pieces of `size` characters.
    public static func chunks(of text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pieces
    }

    /// The server-sent events of a streamed answer, one `data:` line each.
    var streamEvents: [String] {
        var events = (streamChunks ?? []).enumerated().map { index, chunk -> String in
            let delta: [String: Any] = index == 0 ? ["role": "assistant", "content": chunk] : ["content": chunk]
            let object: [String: Any] = [
                "id": "chatcmpl-1", "object": "chat.completion.chunk",
                "choices": [["index": 0, "delta": delta, "finish_reason": NSNull()]],
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
        }
        if let streamError {
            let data = (try? JSONSerialization.data(withJSONObject: ["error": ["message": streamError]])) ?? Data()
            events.append("data: " + String(decoding: data, as: UTF8.self) + "\n\n")
        } else {
            events.append("data: [DONE]\n\n")
        }
        return events
    }

    /// An embeddings answer: `vectors[i]` with index `indices[i]` (default: position).
    public static func embeddings(_ vectors: [[Double]], indices: [Int]? = nil) -> FakeResponse {
        let data = vectors.enumerated().map { position, vector in
            ["object": "embedding", "index": indices?[position] ?? position, "embedding": vector] as [String: Any]
        }
        return .json(["object": "list", "data": data, "model": "fake"])
    }

    /// A rerank answer: `scores[i]` for document i, listed best first as servers do.
    public static func rerank(_ scores: [Double]) -> FakeResponse {
        let results = scores.enumerated().sorted { $0.element > $1.element }.map { ["index": $0.offset, "relevance_score": $0.element] as [String: Any] }
        return .json(["results": results])
    }

    public static func error(_ status: Int, _ message: String = "scripted failure", retryAfter: String? = nil) -> FakeResponse {
        .json(["error": ["message": message]], status: status, retryAfter: retryAfter)
    }
}

/// Keeps what the fake server received, in order.
public actor RequestLog {
    public private(set) var requests: [RecordedRequest] = []

    /// Records `request` and returns how many requests came before it.
    public func record(_ request: RecordedRequest) -> Int {
        requests.append(request)
        return requests.count - 1
    }

    public var count: Int { requests.count }
}

/// A scripted OpenAI-compatible server on a free loopback port: `/v1/chat/completions` and
/// `/v1/embeddings` record every request and answer with whatever `respond` returns for it
/// (given the request and how many requests came before it). A chat request with
/// `"stream": true` gets the answer's `streamChunks` as server-sent events.
public final class FakeOpenAIServer: Sendable {
    public typealias Responder = @Sendable (RecordedRequest, Int) async -> FakeResponse

    public let port: Int
    public let log: RequestLog
    private let serviceGroup: ServiceGroup
    private let task: Task<Void, any Error>

    /// The API root to configure clients with.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    private init(port: Int, log: RequestLog, serviceGroup: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.log = log
        self.serviceGroup = serviceGroup
        self.task = task
    }

    /// Runs `body` against a fresh server and always shuts it down afterwards.
    public static func with<T>(
        _ respond: @escaping Responder, _ body: (FakeOpenAIServer) async throws -> T
    ) async throws -> T {
        let server = try await start(respond)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Answers the scripted responses in order, then repeats the last one.
    public static func with<T>(
        script: [FakeResponse], _ body: (FakeOpenAIServer) async throws -> T
    ) async throws -> T {
        try await with({ _, index in script[min(index, script.count - 1)] }, body)
    }

    public static func start(_ respond: @escaping Responder) async throws -> FakeOpenAIServer {
        let log = RequestLog()
        let router = Router()
        for path in ["/v1/chat/completions", "/v1/embeddings", "/v1/rerank"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
                var headers: [String: String] = [:]
                for field in request.headers {
                    headers[field.name.canonicalName] = field.value
                }
                let recorded = RecordedRequest(
                    method: request.method.rawValue, path: request.uri.path, headers: headers,
                    body: Data(buffer.readableBytesView))
                let index = await log.record(recorded)
                let answer = await respond(recorded, index)
                if let delay = answer.delay { try? await Task.sleep(for: delay) }
                if let gate = answer.holdUntil { await gate.wait(atMost: .seconds(60)) }
                if recorded.json["stream"] as? Bool == true, answer.status == 200, answer.streamChunks != nil {
                    let events = answer.streamEvents
                    let pause = answer.chunkDelay
                    let gate = answer.stallAfterFirstEvent
                    return Response(
                        status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody { writer in
                            for (index, event) in events.enumerated() {
                                try await writer.write(ByteBuffer(string: event))
                                if let pause { try await Task.sleep(for: pause) }
                                if index == 0, let gate { await gate.wait(atMost: .seconds(60)) }
                            }
                            try await writer.finish(nil)
                        })
                }
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                if let retryAfter = answer.retryAfter { fields[.retryAfter] = retryAfter }
                return Response(
                    status: .init(code: answer.status), headers: fields,
                    body: .init(byteBuffer: ByteBuffer(string: answer.body)))
            }
        }
        var logger = Logger(label: "fake-openai-server")
        logger.logLevel = .critical
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await serviceGroup.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next(), port != 0 else {
            task.cancel()
            throw FakeServerError.didNotStart
        }
        return FakeOpenAIServer(port: port, log: log, serviceGroup: serviceGroup, task: task)
    }

    public func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await task.value
    }

    public var requests: [RecordedRequest] {
        get async { await log.requests }
    }
}

/// Holds a fake server's answer or stream until the test opens it.
public final class StreamGate: Sendable {
    private let isOpen = Mutex(false)

    public init() {}

    public func open() {
        isOpen.withLock { $0 = true }
    }

    func wait(atMost limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !isOpen.withLock({ $0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

public enum FakeServerError: Error {
    case didNotStart
}
