import Foundation
import MemOSCore
import MemOSTestSupport
import Testing

@testable import MemOSBackends

/// Everything a stream produced before it ended, and how it ended.
private func drain(_ stream: AsyncThrowingStream<String, any Error>) async -> (chunks: [String], error: (any Error)?) {
    var chunks: [String] = []
    do {
        for try await chunk in stream { chunks.append(chunk) }
        return (chunks, nil)
    } catch {
        return (chunks, error)
    }
}

@Suite("OpenAI-compatible streaming chat")
struct ChatModelStreamTests {
    let turns = [ChatTurn(role: "system", content: "prefix"), ChatTurn(role: "user", content: "hello")]

    @Test("Streams the chunks in order, sends stream: true, and cache_prompt only when hinted")
    func streamsChunks() async throws {
        try await FakeOpenAIServer.with(script: [.chatStream(["Hel", "lo, wor", "ld ", "— ünïcode ✓"])]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, model: "llama"))
            #expect(model.sendsCachePrompt)
            let hinted = await drain(model.stream(turns, temperature: 0.2, hints: CompletionHints(cachePrompt: true)))
            #expect(hinted.error == nil)
            #expect(hinted.chunks == ["Hel", "lo, wor", "ld ", "— ünïcode ✓"])
            let plain = await drain(model.stream(turns, temperature: 0.2))
            #expect(plain.chunks.joined() == "Hello, world — ünïcode ✓")

            let requests = await server.requests
            try #require(requests.count == 2)
            #expect(requests[0].headers["accept"] == "text/event-stream")
            #expect(requests[0].json["stream"] as? Bool == true)
            #expect(requests[0].json["cache_prompt"] as? Bool == true)
            #expect(requests[0].json["model"] as? String == "llama")
            let messages = try #require(requests[0].json["messages"] as? [[String: String]])
            #expect(messages.first == ["role": "system", "content": "prefix"])
            #expect(requests[1].json["cache_prompt"] == nil)
        }
    }

    @Test("The whole-answer call with hints sends cache_prompt and no stream flag")
    func completeWithHints() async throws {
        try await FakeOpenAIServer.with(script: [.chat("whole answer")]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let answer = try await model.complete(turns, temperature: 0.5, hints: CompletionHints(cachePrompt: true))
            #expect(answer == "whole answer")
            let request = try #require(await server.requests.first)
            #expect(request.json["cache_prompt"] as? Bool == true)
            #expect(request.json["stream"] == nil)
        }
    }

    @Test("api.openai.com, which rejects unknown fields, never gets cache_prompt")
    func noCachePromptForOpenAI() throws {
        let endpoint = BackendEndpoint(baseURL: try #require(URL(string: "https://api.openai.com/v1")), model: "gpt-4o-mini")
        #expect(!OpenAICompatibleChatModel(endpoint: endpoint).sendsCachePrompt)
    }

    @Test("An error event after some chunks fails the stream after those chunks")
    func errorEventMidStream() async throws {
        try await FakeOpenAIServer.with(script: [.chatStream(["one ", "two "], error: "model crashed")]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let result = await drain(model.stream(turns, temperature: 0))
            #expect(result.chunks == ["one ", "two "])
            let error = try #require(result.error as? BackendError)
            guard case .malformedResponse(let reason) = error else {
                Issue.record("expected malformedResponse, got \(error)")
                return
            }
            #expect(reason.contains("model crashed"))
        }
    }

    @Test("Opening the stream is retried on 5xx; a 4xx fails at once")
    func retriesOpening() async throws {
        try await FakeOpenAIServer.with(script: [.error(503), .chatStream(["ok"])]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let result = await drain(model.stream(turns, temperature: 0))
            #expect(result.error == nil)
            #expect(result.chunks == ["ok"])
            #expect(await server.log.count == 2)
        }
        try await FakeOpenAIServer.with(script: [.error(400, "bad model"), .chatStream(["never"])]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let result = await drain(model.stream(turns, temperature: 0))
            #expect(result.chunks.isEmpty)
            #expect(result.error as? BackendError == .http(status: 400, bodySnippet: "{\"error\":{\"message\":\"bad model\"}}"))
            #expect(await server.log.count == 1)
        }
    }

    @Test("A server that ignores stream and answers with one JSON body still yields the answer")
    func nonStreamingServer() async throws {
        let plainJSON = FakeResponse.json(["choices": [["message": ["role": "assistant", "content": "all at once"]]]])
        try await FakeOpenAIServer.with(script: [plainJSON]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let result = await drain(model.stream(turns, temperature: 0))
            #expect(result.error == nil)
            #expect(result.chunks == ["all at once"])
        }
    }

    @Test("A server that goes silent mid-stream times out instead of hanging")
    func stalledStreamTimesOut() async throws {
        let gate = StreamGate()
        var slow = FakeResponse.chatStream(["first ", "second"])
        slow.stallAfterFirstEvent = gate
        try await FakeOpenAIServer.with(script: [slow]) { server in
            let model = OpenAICompatibleChatModel(
                endpoint: fastEndpoint(server, maxRetries: 0, timeout: .seconds(6)))
            let started = ContinuousClock.now
            let result = await drain(model.stream(turns, temperature: 0))
            let waited = ContinuousClock.now - started
            gate.open()
            // Only the first chunk: the stream failed during the silence (which lasts until the
            // gate opens, up to a minute) instead of waiting for the second one.
            #expect(result.chunks == ["first "])
            #expect(waited >= .seconds(6) && waited < .seconds(60), "gave up after \(waited)")
            guard case .timedOut = try #require(result.error as? BackendError) else {
                Issue.record("expected timedOut, got \(String(describing: result.error))")
                return
            }
        }
    }
}

@Suite("Server-sent event parsing")
struct ServerSentEventParserTests {
    @Test("Events split anywhere (even inside a UTF-8 character), CRLF and CR endings, comments and multi-line data")
    func parsesSplitInput() throws {
        let text = ": keep-alive\r\ndata: {\"a\":\"é\"}\r\n\r\nevent: x\rdata: line one\rdata:line two\r\rdata: [DONE]\n\n"
        let bytes = Array(text.utf8)
        for split in 1..<bytes.count {
            var parser = ServerSentEventParser()
            var events = try parser.feed(bytes[..<split])
            events += try parser.feed(bytes[split...])
            if let last = parser.finish() { events.append(last) }
            #expect(events == ["{\"a\":\"é\"}", "line one\nline two", "[DONE]"], "split at \(split)")
        }
    }

    @Test("A last event without its closing blank line is still delivered")
    func unterminatedEvent() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("data: tail".utf8)).isEmpty)
        #expect(parser.finish() == "tail")
        #expect(parser.finish() == nil)
    }
}
