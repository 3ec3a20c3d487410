import Foundation
import MemOSTestSupport
import Testing

/// Fine-mode reading and async refinement against a small OpenAI-compatible server on loopback.
@Suite struct FineModeTests {
    nonisolated(unsafe) static let conversation: [[String: Any]] = [
        ["role": "user", "speaker": "Alice", "content": "I just adopted a beagle called Rex", "message_id": "m1",
         "chat_time": "2024-05-08T13:56:00Z"],
        ["role": "assistant", "content": "Congratulations! How old is he?", "message_id": "m2"],
        ["role": "user", "speaker": "Alice", "content": "Two years old, and he hates the rain", "message_id": "m3"],
        ["role": "assistant", "content": "Good to know for walks.", "message_id": "m4"],
        ["role": "user", "speaker": "Alice", "content": "I also switched to oat milk", "message_id": "m5"],
    ]

    static let facts = """
        {"memories": [
          {"key": "Alice's dog", "text": "Alice adopted a two-year-old beagle named Rex", "tags": ["pets"],
           "memory_type": "UserMemory", "confidence": 0.9, "source_message_ids": ["m1", "m3"]},
          {"key": "Alice's milk", "text": "Alice drinks oat milk", "memory_type": "PreferenceMemory",
           "source_message_ids": ["m5"]}
        ]}
        """

    static func environment(_ server: FakeOpenAIServer) -> [String: String] {
        ["MEMOS_LLM_BASE_URL": server.baseURL.absoluteString, "MEMOS_LLM_MODEL": "fake-chat", "MEMOS_LLM_API_KEY": "sk-test-secret"]
    }

    @Test func fineModeStoresExtractedFactsWithProvenance() async throws {
        try await FakeOpenAIServer.with(script: [.chat(Self.facts)]) { server in
            try await TestGateway.with(environment: Self.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let added = try await gateway.send(
                    .POST, "/v1/memories", token: alice, json: ["messages": Self.conversation, "mode": "fine", "tags": ["chat"]])
                #expect(added.status == 201, "\(added)")
                let texts = added.memories.compactMap { $0["text"] as? String }
                #expect(texts == ["Alice adopted a two-year-old beagle named Rex", "Alice drinks oat milk"])
                let first = try #require(added.memories.first)
                #expect((first["sources"] as? [[String: Any]])?.compactMap { $0["message_id"] as? String } == ["m1", "m3"])
                #expect(first["memory_type"] as? String == "UserMemory")
                #expect(Set(first["tags"] as? [String] ?? []) == ["pets", "chat"])
                #expect((first["info"] as? [String: Any])?["extracted_by"] as? String == "openai:fake-chat")

                let request = try #require(await server.requests.first)
                #expect(request.headers["authorization"] == "Bearer sk-test-secret")
                #expect(String(decoding: request.body, as: UTF8.self).contains("beagle called Rex"))
            }
        }
    }

    @Test func malformedModelOutputIs502AndStoresNothing() async throws {
        try await FakeOpenAIServer.with(script: [.chat(#"{"facts": "not what was asked"}"#)]) { server in
            try await TestGateway.with(environment: Self.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let added = try await gateway.send(
                    .POST, "/v1/memories", token: alice, json: ["messages": Self.conversation, "mode": "fine"])
                #expect(added.status == 502)
                #expect(added.detail.contains("memories"))
                #expect(!added.detail.contains("sk-test-secret"))
                #expect(try await gateway.send(.GET, "/v1/memories", token: alice).memories.isEmpty)
            }
        }
    }

    @Test func asyncAddStoresWindowsNowAndLinksRefinedFactsLater() async throws {
        try await FakeOpenAIServer.with(script: [.error(500), .chat(Self.facts)]) { server in
            try await TestGateway.with(environment: Self.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let added = try await gateway.send(
                    .POST, "/v1/memories", token: alice, json: ["messages": Self.conversation, "async": true])
                #expect(added.status == 201)
                let windows = added.memories.compactMap { $0["id"] as? String }
                #expect(windows.count == 2)  // [m1..m4], [m4, m5]
                let taskID = try #require((added.object["refinement"] as? [String: Any])?["id"] as? String)

                var task: [String: Any] = [:]
                for _ in 0..<100 {
                    task = try await gateway.send(.GET, "/v1/tasks/\(taskID)", token: alice).object["task"] as? [String: Any] ?? [:]
                    if task["status"] as? String == "succeeded" || task["status"] as? String == "failed" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(task["status"] as? String == "succeeded", "\(task)")
                // The backend's model client retried the 500 before the queue ever saw a failure.
                let created = task["created_memories"] as? [String] ?? []
                #expect(created.count == 2)

                // The dog fact cites m1 and m3: it refines the first window only; the milk fact (m5) the second.
                let firstWindow = try await gateway.send(.GET, "/v1/memories/\(windows[0])/related", token: alice)
                let refinedIntoFirst = (firstWindow.object["related"] as? [[String: Any]] ?? [])
                    .filter { $0["relation"] as? String == "refined_from" && $0["direction"] as? String == "incoming" }
                    .compactMap { ($0["memory"] as? [String: Any])?["text"] as? String }
                #expect(refinedIntoFirst == ["Alice adopted a two-year-old beagle named Rex"])
                let found = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "oat milk"])
                #expect(found.resultTexts.contains("Alice drinks oat milk"))

                // Other tenants cannot see the task.
                try await gateway.createTenant("globex")
                let eve = try await gateway.createUser(tenant: "globex", username: "eve", roles: ["member"])
                #expect(try await gateway.send(.GET, "/v1/tasks/\(taskID)", token: eve).status == 404)
            }
        }
    }

    @Test func fineModeWithoutAModelIsAClearRefusal() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            for body: [String: Any] in [["messages": Self.conversation, "mode": "fine"], ["messages": Self.conversation, "async": true]] {
                let refused = try await gateway.send(.POST, "/v1/memories", token: alice, json: body)
                #expect(refused.status == 400)
                #expect(refused.detail.contains("MEMOS_LLM_BASE_URL"))
            }
            #expect(try await gateway.send(.GET, "/v1/memories", token: alice).memories.isEmpty)
            let wrongMode = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": "x", "mode": "fine"])
            #expect(wrongMode.status == 400)
        }
    }
}
