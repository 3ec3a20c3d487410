import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/chat`: chat with memory, plain JSON or server-sent events.
///
/// Streaming (`"stream": true`) answers `text/event-stream` with the events `memories` (what the
/// turn uses: ids, labels, activation id, session id), `delta` (`{"text"}` pieces of the answer,
/// watermarks included), `done` (what was written, and the rest of the metadata) or `error` (a
/// problem document) when the model fails mid-answer. Refusals before the model is called
/// (invalid input, no model configured, no access) are ordinary problem responses.
struct ChatRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("chat") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ChatRequestBody.self, from: request)
            guard input.stream else {
                let result = try await governance.chat.complete(caller, input.request)
                return try JSONCoding.response(ChatOutput(result: result, includeAnswer: true))
            }
            let (preparation, events) = try await governance.chat.stream(caller, input.request)
            let requestID = context.requestID
            let path = request.uri.path
            return ServerSentEvents.response { writer in
                try await writer.write(ServerSentEvents.event("memories", ChatPreparationOutput(preparation: preparation)))
                do {
                    for try await event in events {
                        switch event {
                        case .delta(let text):
                            try await writer.write(ServerSentEvents.event("delta", ChatDeltaOutput(text: text)))
                        case .done(let result):
                            try await writer.write(ServerSentEvents.event("done", ChatOutput(result: result, includeAnswer: false)))
                        }
                    }
                } catch {
                    try await writer.write(ServerSentEvents.event("error", ServerSentEvents.problem(error, path: path, requestID: requestID)))
                }
            }
        }
    }
}

/// Writing `text/event-stream` responses.
enum ServerSentEvents {
    /// A streamed response whose events `write` produces; the stream ends when it returns.
    static func response(
        _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                try await write(&writer)
                try await writer.finish(nil)
            })
    }

    /// One event: `event: <name>` (omitted when nil) and one `data:` line of JSON.
    static func event(_ name: String?, _ value: some Encodable) -> ByteBuffer {
        let data = (try? JSONCoding.encoder.encode(value)) ?? Data("{}".utf8)
        var text = name.map { "event: \($0)\n" } ?? ""
        text += "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
        return ByteBuffer(string: text)
    }

    /// The problem document an error maps to, for an `error` event.
    static func problem(_ error: any Error, path: String, requestID: String) -> Problem {
        let mapped = ErrorMapping.map(error)
        return Problem(
            type: "urn:memos:problem:\(mapped.slug)", title: mapped.status.reasonPhrase, status: mapped.status.code,
            detail: mapped.detail, instance: path, requestID: requestID)
    }
}
