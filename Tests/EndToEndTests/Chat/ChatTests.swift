import Foundation
import MemOSGovernance
import MemOSTestSupport
import Testing

/// `POST /v1/chat` against a real gateway whose chat model is a fake OpenAI-compatible server on
/// loopback: what reaches the model, what comes back, what is stored and what is audited.
@Suite struct ChatTests {
    static let coffee = "Alice's favourite coffee is a flat white from the kiosk by the north entrance"
    static let answer = """
        Based on your memories, you like a flat white from the kiosk by the north entrance, which you once \
        described as the zephyr blend; the barista there also knows your order, so asking for the usual should work.
        """

    @Test func chatUsesAStoredMemoryAndStoresTheTurn() async throws {
        try await FakeOpenAIServer.with(script: [.chat(Self.answer)]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let memoryID = try await gateway.addTextID(Self.coffee, token: alice)

                let chat = try await gateway.send(
                    .POST, "/v1/chat", token: alice, json: ["query": "Which coffee do I like?", "session_id": "s-1"])
                #expect(chat.status == 200, "\(chat)")
                #expect(chat.object["answer"] as? String == Self.answer)
                #expect(chat.object["session_id"] as? String == "s-1")
                #expect(chat.object["model"] as? String == "openai:fake-chat")
                let used = chat.object["memories_used"] as? [[String: Any]] ?? []
                let use = try #require(used.first { $0["id"] as? String == memoryID })
                #expect(use["label"] as? String == "internal")
                #expect(use["source"] as? String == "retrieved")

                // The model received the memory (unmarked) in the system message, and the question last.
                let prompt = try #require(await ChatFixtures.prompts(server).first)
                let system = try #require(prompt.first)
                #expect(system["role"] == "system")
                #expect(system["content"]?.contains(Self.coffee) == true)
                #expect(system["content"].map(WatermarkCodec.strip) == system["content"])
                #expect(prompt.last == ["role": "user", "content": "Which coffee do I like?"])
                let request = try #require(await server.requests.first)
                #expect(request.json["cache_prompt"] as? Bool == true)
                #expect(request.json["stream"] == nil)

                // The turn was written as new memories, at least at the label of what was used, and
                // is searchable afterwards (the answer's own words find it).
                let written = chat.object["written"] as? [String] ?? []
                #expect(!written.isEmpty)
                let found = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "zephyr blend barista"])
                #expect(found.resultIDs.contains { written.contains($0) }, "\(found)")
                let stored = try await gateway.send(.GET, "/v1/memories/\(written[0])", token: alice)
                #expect(stored.memory["label"] as? String == "internal")
                #expect((stored.memory["tags"] as? [String])?.contains("chat") == true)
                #expect((stored.memory["text"] as? String)?.contains("Which coffee do I like?") == true)
            }
        }
    }

    @Test func theActivationPrefixComesFirstWithStableBytes() async throws {
        try await FakeOpenAIServer.with(script: [.chat("The offsite is in Porto.")]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let hot = "The quarterly planning offsite takes place in Porto in October"
                let hotID = try await gateway.addTextID(hot, token: alice)
                // Retrieved often enough, the memory becomes activation memory.
                for _ in 0..<3 {
                    let found = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "planning offsite Porto"])
                    #expect(found.resultIDs.first == hotID)
                }
                let activation = try await gateway.send(.GET, "/v1/activation", token: alice)
                try #require(activation.status == 200, "\(activation)")
                let prefix = try #require((activation.object["activation"] as? [String: Any])?["text"] as? String)
                let activationID = try #require((activation.object["activation"] as? [String: Any])?["id"] as? String)
                #expect(prefix.contains(hot))

                var systems: [String] = []
                for _ in 0..<2 {
                    let chat = try await gateway.send(
                        .POST, "/v1/chat", token: alice, json: ["query": "Where is the offsite?", "write_memories": false])
                    #expect(chat.status == 200, "\(chat)")
                    #expect(chat.object["activation_id"] as? String == activationID)
                    let used = chat.object["memories_used"] as? [[String: Any]] ?? []
                    #expect(used.first?["id"] as? String == hotID)
                    #expect(used.first?["source"] as? String == "activation")
                    let prompt = try #require(await ChatFixtures.prompts(server).last)
                    systems.append(try #require(prompt.first?["content"]))
                }
                // The system message starts with the prefix, byte for byte, and so do both turns.
                #expect(systems[0].hasPrefix(prefix))
                #expect(systems[1].hasPrefix(prefix))
                let requests = await server.requests
                #expect(requests.allSatisfy { $0.json["cache_prompt"] as? Bool == true })
            }
        }
    }

    @Test func writeMemoriesFalseStoresNothingAndTheConversationIsSentInOrder() async throws {
        try await FakeOpenAIServer.with(script: [.chat("Noted, nothing stored.")]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let messages: [[String: Any]] = [
                    ["role": "user", "content": "Remember the kiwi protocol"],
                    ["role": "assistant", "content": "Which kiwi protocol?"],
                    ["role": "user", "content": "The one for Tuesday standups"],
                ]
                let chat = try await gateway.send(
                    .POST, "/v1/chat", token: alice, json: ["messages": messages, "write_memories": false])
                #expect(chat.status == 200, "\(chat)")
                #expect(chat.object["written"] as? [String] == [])
                #expect(try await gateway.send(.GET, "/v1/memories", token: alice).memories.isEmpty)
                let prompt = try #require(await ChatFixtures.prompts(server).first)
                #expect(Array(prompt.dropFirst()) == messages.map { ["role": $0["role"] as! String, "content": $0["content"] as! String] })
                // A session id was made up and returned.
                #expect((chat.object["session_id"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test func aConfidentialMemoryNeverReachesTheModelForAMemberAndCannotBeLaundered() async throws {
        try await FakeOpenAIServer.with(script: [.chat("I cannot say.")]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let manager = try await gateway.createUser(tenant: "acme", username: "mona", roles: ["manager"])
                let member = try await gateway.createUser(tenant: "acme", username: "max", roles: ["member"])
                let cube = try await gateway.createCube("deals", subspace: "team/ops", token: manager)
                let secret = "The Nightingale acquisition price is 42 million euros"
                let secretID = try #require(
                    try await gateway.addText(secret, token: manager, cube: cube, extra: ["label": "confidential"])["id"] as? String)
                // The member can reach the cube (team/* read) but not the label.
                let question = "What is the Nightingale acquisition price?"
                let asMember = try await gateway.send(.POST, "/v1/chat", token: member, json: ["query": question])
                #expect(asMember.status == 200, "\(asMember)")
                #expect(!((asMember.object["memories_used"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == secretID })
                let memberPrompt = try #require(await server.requests.first)
                #expect(!String(decoding: memberPrompt.body, as: UTF8.self).contains("42 million"))

                // The manager may read it: it reaches the model (so the member's prompt lacked it by
                // governance, not by chance), and the turn is stored as confidential, not internal.
                let asManager = try await gateway.send(.POST, "/v1/chat", token: manager, json: ["query": question])
                #expect(asManager.status == 200, "\(asManager)")
                #expect(asManager.object["label"] as? String == "confidential")
                let managerPrompt = try #require(await server.requests.last)
                #expect(String(decoding: managerPrompt.body, as: UTF8.self).contains("42 million"))
                let written = try #require((asManager.object["written"] as? [String])?.first)
                let stored = try await gateway.send(.GET, "/v1/memories/\(written)", token: manager)
                #expect(stored.memory["label"] as? String == "confidential")
                // ... so the member cannot read the laundered copy either.
                #expect(try await gateway.send(.GET, "/v1/memories/\(written)", token: member).status == 404)
            }
        }
    }

    @Test func personalDataAboveTheClearanceIsRedactedBeforeTheModelSeesIt() async throws {
        try await FakeOpenAIServer.with(script: [.chat("Write to Dana about the offsite.")]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let member = try await gateway.createUser(tenant: "acme", username: "max", roles: ["member"])
                try await gateway.addText("Reach Dana at dana.k@example.com about the offsite", token: member)
                let chat = try await gateway.send(.POST, "/v1/chat", token: member, json: ["query": "How do I reach Dana about the offsite?"])
                #expect(chat.status == 200, "\(chat)")
                let body = String(decoding: try #require(await server.requests.first).body, as: UTF8.self)
                #expect(body.contains("[EMAIL]"))
                #expect(!body.contains("dana.k@example.com"))
            }
        }
    }

    @Test func theAnswerIsWatermarkedForAMemberTraceableAndUnmarkedForTheAgentRole() async throws {
        try await FakeOpenAIServer.with(script: [.chat(Self.answer)]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                let tenantID = try await gateway.createTenantID("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member", "agent"])
                try await gateway.addText(Self.coffee, token: alice)
                try await gateway.addText(Self.coffee, token: alice, role: "agent")

                let chat = try await gateway.send(.POST, "/v1/chat", token: alice, json: ["query": "Which coffee do I like?"])
                #expect(chat.status == 200, "\(chat)")
                #expect(chat.object["watermarked"] as? Bool == true)
                let marked = try #require(chat.markedObject["answer"] as? String)
                #expect(marked != Self.answer)
                #expect(WatermarkCodec.strip(marked) == Self.answer)

                let excerpt = String(Array(marked)[40..<170])
                let traced = try await gateway.send(.POST, "/admin/v1/watermark/trace", token: gateway.adminKey, json: ["text": excerpt])
                #expect(traced.status == 200, "\(traced)")
                #expect(traced.object["user"] as? String == "alice")
                #expect(traced.object["request_id"] as? String == chat.requestID)
                #expect(traced.object["method"] as? String == "watermark")

                // The audit trail has the turn with the memory ids, never their text or the answer.
                let trail = try await gateway.auditExport(tenantID: tenantID)
                let record = try #require(trail.first { $0.contains("\"chat.completion\"") && $0.contains(chat.requestID ?? "-") })
                #expect(record.contains("\"mark\""))
                #expect(!trail.joined().contains("flat white"))

                // The agent role is exempt: exact bytes.
                let agent = try await gateway.send(
                    .POST, "/v1/chat", token: alice, role: "agent", json: ["query": "Which coffee do I like?"])
                #expect(agent.status == 200, "\(agent)")
                #expect(agent.object["watermarked"] as? Bool == false)
                #expect(agent.markedObject["answer"] as? String == Self.answer)
            }
        }
    }

    @Test func aStreamParsesIntoEventsAndConcatenatesToTheSameAnswer() async throws {
        try await FakeOpenAIServer.with(script: [.chat(Self.answer)]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let memoryID = try await gateway.addTextID(Self.coffee, token: alice)

                let streamed = try await gateway.send(
                    .POST, "/v1/chat", token: alice, json: ["query": "Which coffee do I like?", "stream": true])
                #expect(streamed.status == 200)
                #expect(streamed.contentType?.hasPrefix("text/event-stream") == true)
                let events = ChatFixtures.events(streamed.raw)
                #expect(events.first?.name == "memories")
                #expect(events.last?.name == "done")
                let deltas = events.filter { $0.name == "delta" }
                #expect(deltas.count > 3)
                let used = events.first?.json["memories_used"] as? [[String: Any]] ?? []
                #expect(used.contains { $0["id"] as? String == memoryID })

                let concatenated = deltas.compactMap { $0.json["text"] as? String }.joined()
                #expect(WatermarkCodec.strip(concatenated) == Self.answer)
                #expect(concatenated != Self.answer)
                // Marks sit only at word boundaries: no word of the answer is split.
                let words = Set(Self.answer.split(separator: " ").map(String.init))
                #expect(Set(concatenated.split(separator: " ").map { WatermarkCodec.strip(String($0)) }) == words)
                // The stream's marks trace to this request like a whole answer's.
                let excerpt = String(Array(concatenated)[50..<180])
                let traced = try await gateway.send(.POST, "/admin/v1/watermark/trace", token: gateway.adminKey, json: ["text": excerpt])
                #expect(traced.object["user"] as? String == "alice", "\(traced)")
                #expect(traced.object["request_id"] as? String == streamed.requestID)

                let done = try #require(events.last?.json)
                let written = done["written"] as? [String] ?? []
                #expect(!written.isEmpty)
                #expect(try await gateway.send(.GET, "/v1/memories/\(written[0])", token: alice).status == 200)
                #expect(try #require(await server.requests.first).json["stream"] as? Bool == true)

                // The same question unstreamed gives the same text.
                let whole = try await gateway.send(.POST, "/v1/chat", token: alice, json: ["query": "Which coffee do I like?"])
                #expect(whole.object["answer"] as? String == WatermarkCodec.strip(concatenated))
            }
        }
    }

    @Test func aModelFailureMidStreamEndsWithAnErrorEventAndStoresNothing() async throws {
        let failing = FakeResponse.chatStream(["Partial ", "answer "], error: "the model crashed")
        try await FakeOpenAIServer.with(script: [failing]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let streamed = try await gateway.send(
                    .POST, "/v1/chat", token: alice, json: ["query": "Tell me something", "stream": true])
                let events = ChatFixtures.events(streamed.raw)
                #expect(events.map(\.name).first == "memories")
                #expect(events.contains { $0.name == "delta" })
                let error = try #require(events.last)
                #expect(error.name == "error")
                #expect(error.json["status"] as? Int == 502)
                #expect((error.json["detail"] as? String)?.contains("the model crashed") == true)
                #expect(!events.contains { $0.name == "done" })
                #expect(try await gateway.send(.GET, "/v1/memories", token: alice).memories.isEmpty)
            }
        }
    }

    @Test func withoutAModelChatIsAClearProblem() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            for stream in [false, true] {
                let chat = try await gateway.send(.POST, "/v1/chat", token: alice, json: ["query": "hello", "stream": stream])
                #expect(chat.status == 503)
                #expect(chat.isProblem)
                #expect(chat.detail.contains("MEMOS_LLM_BASE_URL"))
                #expect(chat.detail.contains("MEMOS_LLM_MODEL"))
            }
        }
    }

    @Test func invalidChatRequestsAreRefusedBeforeTheModelIsCalled() async throws {
        try await FakeOpenAIServer.with(script: [.chat("unused")]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let cases: [([String: Any], String)] = [
                    (["messages": [["role": "user", "content": "hi"], ["role": "assistant", "content": "hello"]]], "last message"),
                    (["messages": [["role": "user", "content": "hi"]], "query": "hi"], "exactly one"),
                    (["query": "hi", "tenant_id": "x"], "tenant_id"),
                    (["query": "hi", "top_k": 0], "top_k"),
                    (["messages": [["role": "wizard", "content": "hi"]]], "role"),
                    (["query": "hi", "session_id": "a\nb"], "session_id"),
                    (["query": "hi", "cubes": ["no-such-cube"]], "no cube"),
                ]
                for (body, expected) in cases {
                    let result = try await gateway.send(.POST, "/v1/chat", token: alice, json: body)
                    #expect([400, 404].contains(result.status), "\(body): \(result)")
                    #expect(result.detail.contains(expected), "\(body): \(result.detail)")
                }
                #expect(await server.log.count == 0)
            }
        }
    }
}
