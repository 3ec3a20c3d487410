import MemOSTestSupport
import Foundation
import MemOSBackends
import MemOSCore
import Testing

/// Endpoint for `server` with fast retries, so retry tests take milliseconds.
func fastEndpoint(
    _ server: FakeOpenAIServer, model: String = "test-model", apiKey: String? = nil, maxRetries: Int = 3,
    timeout: Duration = .seconds(10)
) -> BackendEndpoint {
    BackendEndpoint(
        baseURL: server.baseURL, model: model, apiKey: apiKey, timeout: timeout, maxRetries: maxRetries,
        initialBackoff: .milliseconds(1))
}

/// The error `body` throws, as a `BackendError` (a failed expectation when it throws nothing or something else).
func backendError(_ body: () async throws -> Void) async -> BackendError? {
    do {
        try await body()
        Issue.record("expected a BackendError, but nothing was thrown")
        return nil
    } catch let error as BackendError {
        return error
    } catch {
        Issue.record("expected a BackendError, got \(error)")
        return nil
    }
}

@Suite("OpenAI-compatible chat model")
struct ChatModelTests {
    @Test("Sends model, messages, temperature, response_format and the bearer key; returns choices[0].message.content")
    func requestShapeWithKeyAndJSONOutput() async throws {
        try await FakeOpenAIServer.with(script: [.chat("{\"memories\":[]}")]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, model: "qwen2.5:7b", apiKey: "sk-test-123"))
            #expect(model.identifier == "openai:qwen2.5:7b")
            let turns = [ChatTurn(role: "system", content: "be brief"), ChatTurn(role: "user", content: "hello")]
            let reply = try await model.complete(turns, temperature: 0.25, jsonOutput: true)
            #expect(reply == "{\"memories\":[]}")

            let requests = await server.requests
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(request.path == "/v1/chat/completions")
            #expect(request.headers["authorization"] == "Bearer sk-test-123")
            #expect(request.headers["content-type"] == "application/json")
            let json = request.json
            #expect(json["model"] as? String == "qwen2.5:7b")
            #expect(json["temperature"] as? Double == 0.25)
            let messages = try #require(json["messages"] as? [[String: String]])
            #expect(messages == [["role": "system", "content": "be brief"], ["role": "user", "content": "hello"]])
            let format = try #require(json["response_format"] as? [String: String])
            #expect(format == ["type": "json_object"])
            #expect(Set(json.keys) == ["model", "messages", "temperature", "response_format"])
        }
    }

    @Test("Without a key there is no Authorization header; without jsonOutput no response_format")
    func noKeyNoJSON() async throws {
        try await FakeOpenAIServer.with(script: [.chat("plain answer")]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let reply = try await model.complete([ChatTurn(role: "user", content: "hi")], temperature: 0.7, jsonOutput: false)
            #expect(reply == "plain answer")
            let request = try #require(await server.requests.first)
            #expect(request.headers["authorization"] == nil)
            #expect(request.json["response_format"] == nil)
            #expect(request.json["temperature"] as? Double == 0.7)
        }
    }

    @Test(
        "A 200 answer without choices[0].message.content is a malformed response",
        arguments: [
            ("{\"choices\": []}", "`choices` is empty"),
            ("{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": null}}]}", "choices[0].message.content is null"),
            ("{\"object\": \"list\"}", "missing `choices`"),
            ("not json at all", "not valid JSON"),
        ])
    func malformedChatResponses(body: String, reason: String) async throws {
        try await FakeOpenAIServer.with(script: [FakeResponse(body: body)]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let error = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
            #expect(error == .malformedResponse(reason: reason))
            #expect(await server.log.count == 1, "a malformed answer is not retried")
        }
    }
}

@Suite("OpenAI-compatible embedder")
struct EmbedderTests {
    @Test("Vectors are placed by data[i].index and L2-normalised")
    func placedByIndexAndNormalised() async throws {
        // Answer in reverse order: index says which input each vector belongs to.
        let response = FakeResponse.embeddings([[0, 0, 2], [3, 4, 0]], indices: [1, 0])
        try await FakeOpenAIServer.with(script: [response]) { server in
            let embedder = OpenAICompatibleEmbedder(
                endpoint: fastEndpoint(server, model: "bge-m3", apiKey: "emb-key"), dimensions: 3)
            #expect(embedder.identifier == "openai:bge-m3")
            #expect(embedder.dimensions == 3)
            let vectors = try await embedder.embed(["first", "second"])
            #expect(vectors == [[0.6, 0.8, 0], [0, 0, 1]])
            for vector in vectors {
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - 1) < 1e-6)
            }
            let request = try #require(await server.requests.first)
            #expect(request.path == "/v1/embeddings")
            #expect(request.json["model"] as? String == "bge-m3")
            #expect(request.inputs == ["first", "second"])
            #expect(Set(request.json.keys) == ["model", "input"])
            #expect(request.headers["authorization"] == "Bearer emb-key")
        }
    }

    @Test("Inputs are sent in batches of at most maxBatch, and the results keep input order")
    func batching() async throws {
        // Each vector encodes its input's number, so misplaced vectors would show.
        let respond: FakeOpenAIServer.Responder = { request, _ in
            .embeddings(request.inputs.map { input in [Double(Int(input.dropFirst())!) + 1, 1] })
        }
        try await FakeOpenAIServer.with(respond) { server in
            let embedder = OpenAICompatibleEmbedder(endpoint: fastEndpoint(server), dimensions: 2, maxBatch: 2)
            let texts = (0..<5).map { "t\($0)" }
            let vectors = try await embedder.embed(texts)
            let requests = await server.requests
            #expect(requests.map(\.inputs) == [["t0", "t1"], ["t2", "t3"], ["t4"]])
            #expect(vectors.count == 5)
            for (n, vector) in vectors.enumerated() {
                let expected = Float(n + 1) / (Float(n + 1) * Float(n + 1) + 1).squareRoot()
                #expect(abs(vector[0] - expected) < 1e-6, "vector \(n) is out of place")
            }
            let nothing = try await embedder.embed([])
            #expect(nothing.isEmpty)
            #expect(await server.log.count == 3, "embedding nothing sends no request")
        }
    }

    @Test("The default batch is 64 inputs")
    func defaultBatch() async throws {
        let respond: FakeOpenAIServer.Responder = { request, _ in .embeddings(request.inputs.map { _ in [1, 0] }) }
        try await FakeOpenAIServer.with(respond) { server in
            let embedder = OpenAICompatibleEmbedder(endpoint: fastEndpoint(server), dimensions: 2)
            #expect(embedder.maxBatch == 64)
            _ = try await embedder.embed((0..<130).map { "text \($0)" })
            #expect(await server.requests.map(\.inputs.count) == [64, 64, 2])
        }
    }

    @Test("A vector of another length than the configured dimensions is an error")
    func dimensionMismatch() async throws {
        try await FakeOpenAIServer.with(script: [.embeddings([[1, 0, 0], [1, 0]])]) { server in
            let embedder = OpenAICompatibleEmbedder(endpoint: fastEndpoint(server), dimensions: 3)
            let error = await backendError { _ = try await embedder.embed(["a", "b"]) }
            #expect(error == .dimensionMismatch(expected: 3, got: 2))
            #expect(error?.description == "embedding has 2 dimensions, but the embedder is configured for 3")
        }
    }

    @Test(
        "Answers that do not give one usable vector per input are malformed",
        arguments: [
            (FakeResponse.embeddings([[1, 0]]), "expected 2 embeddings, got 1"),
            (FakeResponse.embeddings([[1, 0], [0, 1]], indices: [0, 0]), "data[1].index 0 appears twice"),
            (FakeResponse.embeddings([[1, 0], [0, 1]], indices: [0, 5]), "data[1].index is 5, outside 0..<2"),
            (FakeResponse.embeddings([[1, 0], [0, 0]]), "embedding of input 1 has no direction (norm 0.0); it cannot be normalised"),
            (FakeResponse.json(["data": [["embedding": "AAAA", "index": 0]]]), "data[0].embedding: expected Array<Any>"),
        ])
    func malformedEmbeddings(response: FakeResponse, reason: String) async throws {
        try await FakeOpenAIServer.with(script: [response]) { server in
            let embedder = OpenAICompatibleEmbedder(endpoint: fastEndpoint(server), dimensions: 2)
            let error = await backendError { _ = try await embedder.embed(["a", "b"]) }
            #expect(error == .malformedResponse(reason: reason))
        }
    }
}

@Suite("Retries, timeouts and secrets")
struct RetryTests {
    @Test("500 and 429 are retried until success, counting every attempt")
    func retriesThenSuccess() async throws {
        let script: [FakeResponse] = [.error(500), .error(429, retryAfter: "0"), .error(502), .chat("finally")]
        try await FakeOpenAIServer.with(script: script) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, maxRetries: 3))
            let reply = try await model.complete([ChatTurn(role: "user", content: "hi")], temperature: 0, jsonOutput: false)
            #expect(reply == "finally")
            let requests = await server.requests
            #expect(requests.count == 4)
            // Every attempt sends the same request.
            #expect(Set(requests.map(\.body)).count == 1)
        }
    }

    @Test("Other 4xx statuses fail at once with the status and a snippet of the body")
    func noRetryOn400() async throws {
        try await FakeOpenAIServer.with(script: [.error(400, "model 'nope' not found"), .chat("unreachable")]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, maxRetries: 3))
            let error = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
            #expect(error == .http(status: 400, bodySnippet: "{\"error\":{\"message\":\"model 'nope' not found\"}}"))
            #expect(error?.isRetryable == false)
            #expect(await server.log.count == 1)
        }
    }

    @Test("A persistent 503 gives retriesExhausted after maxRetries retries")
    func retriesExhausted() async throws {
        try await FakeOpenAIServer.with(script: [.error(503, "overloaded")]) { server in
            let embedder = OpenAICompatibleEmbedder(endpoint: fastEndpoint(server, maxRetries: 2), dimensions: 2)
            let error = await backendError { _ = try await embedder.embed(["a"]) }
            let last = BackendError.http(status: 503, bodySnippet: "{\"error\":{\"message\":\"overloaded\"}}")
            #expect(error == .retriesExhausted(attempts: 3, last: last))
            #expect(await server.log.count == 3)
            #expect(error?.description.hasPrefix("model server still failing after 3 attempts; last error: model server answered HTTP 503") == true)
        }
    }

    @Test("With maxRetries 0 the single failure is thrown as it is")
    func noRetries() async throws {
        try await FakeOpenAIServer.with(script: [.error(500)]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, maxRetries: 0))
            let error = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
            #expect(error == .http(status: 500, bodySnippet: "{\"error\":{\"message\":\"scripted failure\"}}"))
            #expect(await server.log.count == 1)
        }
    }

    @Test("Retry-After seconds are honoured, and capped by maxRetryDelay")
    func retryAfter() async throws {
        try await FakeOpenAIServer.with(script: [.error(429, retryAfter: "1"), .chat("ok")]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let clock = ContinuousClock()
            let start = clock.now
            _ = try await model.complete([], temperature: 0, jsonOutput: false)
            #expect(clock.now - start >= .milliseconds(950), "waited less than Retry-After: 1")
        }
        try await FakeOpenAIServer.with(script: [.error(503, retryAfter: "120"), .chat("ok")]) { server in
            let client = OpenAICompatibleClient(endpoint: fastEndpoint(server), maxRetryDelay: .milliseconds(50))
            let model = OpenAICompatibleChatModel(client: client)
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await model.complete([], temperature: 0, jsonOutput: false)
            #expect(reply == "ok")
            #expect(clock.now - start < .seconds(10), "Retry-After: 120 was not capped")
            #expect(await server.log.count == 2)
        }
    }

    @Test("A server slower than the timeout gives timedOut")
    func timeout() async throws {
        // The server answers only when the test lets it (after the client gave up); the client
        // must give up well before the bound, which is wide because a loaded CI machine can
        // starve the event loop for seconds.
        let gate = StreamGate()
        try await FakeOpenAIServer.with(script: [FakeResponse(body: "{}", holdUntil: gate)]) { server in
            defer { gate.open() }
            let endpoint = fastEndpoint(server, maxRetries: 0, timeout: .milliseconds(200))
            let model = OpenAICompatibleChatModel(endpoint: endpoint)
            let clock = ContinuousClock()
            let start = clock.now
            let error = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
            #expect(error == .timedOut(url: endpoint.url(for: "chat/completions"), after: .milliseconds(200)))
            #expect(error?.isRetryable == true)
            #expect(clock.now - start < .seconds(10), "the client waited for the slow server")
        }
    }

    @Test("Timeouts are retried like other transient failures")
    func timeoutThenSuccess() async throws {
        // The first answer never comes in time (held until the test ends); the second is
        // immediate, and the timeout is generous because a loaded CI machine answers slowly.
        let gate = StreamGate()
        let script = [FakeResponse(body: "{}", holdUntil: gate), .chat("second try")]
        try await FakeOpenAIServer.with(script: script) { server in
            defer { gate.open() }
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, maxRetries: 1, timeout: .seconds(8)))
            let reply = try await model.complete([], temperature: 0, jsonOutput: false)
            #expect(reply == "second try")
            #expect(await server.log.count == 2)
        }
    }

    @Test("A closed port is unreachable, retried, then retriesExhausted")
    func unreachable() async throws {
        // Nothing listens on loopback port 1, so connecting is refused at once.
        let endpoint = BackendEndpoint(
            baseURL: URL(string: "http://127.0.0.1:1/v1")!, model: "m", apiKey: "sk-unreachable-secret",
            timeout: .seconds(1), maxRetries: 1, initialBackoff: .milliseconds(1))
        let model = OpenAICompatibleChatModel(endpoint: endpoint)
        let error = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
        // The first attempt is refused at once; AsyncHTTPClient keeps reconnecting during the
        // retry, which on a loaded machine can end as a timeout instead. Either is a connection
        // failure that was retried.
        guard case .retriesExhausted(let attempts, let last) = error else {
            Issue.record("expected retriesExhausted, got \(String(describing: error))")
            return
        }
        switch last {
        case .unreachable(let url, _), .timedOut(let url, _):
            #expect(url == "http://127.0.0.1:1/v1/chat/completions")
        default:
            Issue.record("expected the last attempt to be unreachable or timed out, got \(last)")
        }
        #expect(attempts == 2)
        #expect(error?.isRetryable == false, "retriesExhausted itself is final")
        #expect(error?.description.contains("sk-unreachable-secret") == false)
    }

    @Test("The API key never appears in errors, even when the server echoes it, nor in descriptions")
    func apiKeyNeverLeaks() async throws {
        let key = "sk-live-SECRET-0123456789"
        // A misbehaving server that echoes the Authorization header in its error bodies.
        let respond: FakeOpenAIServer.Responder = { request, index in
            let echoed = "bad request, you sent Authorization: \(request.headers["authorization"] ?? "")"
            return .error(index == 0 ? 401 : 500, echoed)
        }
        try await FakeOpenAIServer.with(respond) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, apiKey: key, maxRetries: 0))
            let unauthorized = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
            let retried = OpenAICompatibleChatModel(endpoint: fastEndpoint(server, apiKey: key, maxRetries: 1))
            let exhausted = await backendError { _ = try await retried.complete([], temperature: 0, jsonOutput: false) }
            let embedder = OpenAICompatibleEmbedder(endpoint: fastEndpoint(server, apiKey: key, maxRetries: 0), dimensions: 2)
            let embedError = await backendError { _ = try await embedder.embed(["x"]) }

            // The server really did receive (and echo) the key.
            #expect(await server.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(key)" })
            for error in [unauthorized, exhausted, embedError] {
                let error = try #require(error)
                #expect(!"\(error)".contains(key))
                #expect(!String(reflecting: error).contains(key))
                #expect("\(error)".contains("Bearer <redacted>"))
            }
            guard case .http(401, _) = unauthorized else {
                Issue.record("expected HTTP 401, got \(String(describing: unauthorized))")
                return
            }
        }

        // A key HTTP cannot carry is refused before sending, without showing it.
        let badKey = "sk-bad\nSECRET-line"
        let endpoint = BackendEndpoint(baseURL: URL(string: "http://127.0.0.1:9/v1")!, model: "m", apiKey: badKey)
        let error = await backendError {
            _ = try await OpenAICompatibleChatModel(endpoint: endpoint).complete([], temperature: 0, jsonOutput: false)
        }
        if case .invalidRequest = error {} else { Issue.record("expected invalidRequest, got \(String(describing: error))") }
        #expect(error.map { "\($0)".contains("SECRET") } == false)

        // Descriptions, debug descriptions and dumps of endpoints and configurations redact it.
        let configured = BackendEndpoint(baseURL: URL(string: "https://api.openai.com/v1")!, model: "gpt-4o-mini", apiKey: key)
        var dumped = ""
        dump(configured, to: &dumped)
        let configuration = ModelConfiguration(llm: configured, embedder: .openAI(configured, dimensions: 1536))
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        for text in [
            "\(configured)", String(reflecting: configured), dumped, "\(configuration)", String(reflecting: configuration),
            dumpedConfiguration,
        ] {
            #expect(!text.contains(key), "key leaked in: \(text)")
        }
        #expect("\(configured)".contains("api key set"))
    }

    @Test("Error body snippets are at most 300 characters")
    func snippetLength() async throws {
        let long = String(repeating: "x", count: 2000)
        try await FakeOpenAIServer.with(script: [FakeResponse(status: 422, body: long)]) { server in
            let model = OpenAICompatibleChatModel(endpoint: fastEndpoint(server))
            let error = await backendError { _ = try await model.complete([], temperature: 0, jsonOutput: false) }
            guard case .http(422, let snippet) = error else {
                Issue.record("expected HTTP 422, got \(String(describing: error))")
                return
            }
            #expect(snippet.count == 300)
            #expect(snippet.hasPrefix("xxxx"))
        }
    }

    @Test("Endpoint URLs join the base URL and the path with exactly one slash")
    func urlJoining() {
        let plain = BackendEndpoint(baseURL: URL(string: "http://127.0.0.1:11434/v1")!, model: "m")
        let slashed = BackendEndpoint(baseURL: URL(string: "http://127.0.0.1:11434/v1/")!, model: "m")
        #expect(plain.url(for: "chat/completions") == "http://127.0.0.1:11434/v1/chat/completions")
        #expect(slashed.url(for: "/embeddings") == "http://127.0.0.1:11434/v1/embeddings")
        #expect(plain.timeout == .seconds(60))
        #expect(plain.maxRetries == 3)
        #expect(plain.initialBackoff == .milliseconds(200))
    }
}
