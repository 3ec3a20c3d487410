import Foundation
import MemOSGovernance
import MemOSTestSupport
import Testing

/// The MemOS-compatible `/product/*` facade: MemOS request and response shapes, our identity.
@Suite struct ProductFacadeTests {
    /// `data` of a MemOS envelope, after checking the envelope itself.
    static func data(_ result: HTTPResult, sourceLocation: SourceLocation = #_sourceLocation) -> Any? {
        #expect(result.status == 200, "\(result)", sourceLocation: sourceLocation)
        #expect(result.object["code"] as? Int == 200, sourceLocation: sourceLocation)
        #expect(result.object["message"] is String, sourceLocation: sourceLocation)
        return result.object["data"]
    }

    /// The memories of `text_mem[0]` in a search answer.
    static func searchMemories(_ result: HTTPResult) -> [[String: Any]] {
        let data = Self.data(result) as? [String: Any] ?? [:]
        let groups = data["text_mem"] as? [[String: Any]] ?? []
        return groups.flatMap { $0["memories"] as? [[String: Any]] ?? [] }
    }

    @Test func addSearchGetAndDeleteInMemOSShapes() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUserWithID(tenant: "acme", username: "alice", roles: ["member"])

            let added = try await gateway.send(
                .POST, "/product/add", token: alice.key,
                json: [
                    "user_id": "alice", "mem_cube_id": "alice", "session_id": "s-42", "async_mode": "sync",
                    "messages": [
                        ["role": "user", "content": "I love strawberries in summer", "chat_time": "2025-09-18 08:23:00"],
                        ["role": "assistant", "content": "Noted, strawberries it is."],
                    ],
                ])
            let stored = Self.data(added) as? [[String: Any]] ?? []
            let messageMemory = try #require(stored.first?["memory_id"] as? String)
            #expect(stored.first?["memory_type"] as? String == "LongTermMemory")

            // The user's UUID works as user_id too; memory_content with tags and info.
            let second = try await gateway.send(
                .POST, "/product/add", token: alice.key,
                json: [
                    "user_id": alice.id, "memory_content": "Alice's bike is a green gravel bike", "custom_tags": ["bike"],
                    "info": ["app_id": "garage"], "chat_history": [], "async_mode": "async",
                ])
            let bikeID = try #require((Self.data(second) as? [[String: Any]])?.first?["memory_id"] as? String)

            let search = try await gateway.send(
                .POST, "/product/search", token: alice.key,
                json: ["query": "strawberries summer", "user_id": "alice", "mem_cube_id": "alice", "top_k": 5, "mode": "fast",
                       "include_preference": true, "internet_search": false])
            let hits = Self.searchMemories(search)
            let first = try #require(hits.first)
            #expect(first["id"] as? String == messageMemory)
            #expect(WatermarkCodec.strip(first["memory"] as? String ?? "").contains("strawberries"))
            #expect(first["ref_id"] as? String == "[\(messageMemory.prefix(8))]")
            let metadata = first["metadata"] as? [String: Any] ?? [:]
            #expect(metadata["user_id"] as? String == "alice")
            #expect(metadata["session_id"] as? String == "s-42")
            #expect(metadata["label"] as? String == "internal")
            #expect(metadata["status"] as? String == "activated")
            #expect(metadata["relativity"] is Double)
            let searchData = Self.data(search) as? [String: Any] ?? [:]
            #expect(searchData["pref_mem"] as? [Any] != nil)
            #expect(searchData["act_mem"] as? [Any] != nil)

            let bike = Self.searchMemories(
                try await gateway.send(.POST, "/product/search", token: alice.key, json: ["query": "gravel bike", "user_id": "alice"]))
            let bikeMetadata = try #require(bike.first { $0["id"] as? String == bikeID }?["metadata"] as? [String: Any])
            #expect(bikeMetadata["tags"] as? [String] == ["bike"])
            #expect((bikeMetadata["info"] as? [String: Any])?["app_id"] as? String == "garage")

            // get_memory: the whole cube, then page by page.
            let all = try await gateway.send(.POST, "/product/get_memory", token: alice.key, json: ["mem_cube_id": "alice", "user_id": "alice"])
            let textMem = ((Self.data(all) as? [String: Any])?["text_mem"] as? [[String: Any]])?.first ?? [:]
            let nodes = (textMem["memories"] as? [String: Any])?["nodes"] as? [[String: Any]] ?? []
            #expect(Set(nodes.compactMap { $0["id"] as? String }) == [messageMemory, bikeID])
            #expect(textMem["total_nodes"] as? Int == 2)
            var paged: [String] = []
            for page in [1, 2, 3] {
                let result = try await gateway.send(
                    .POST, "/product/get_memory", token: alice.key, json: ["mem_cube_id": "alice", "page": page, "page_size": 1])
                let cube = ((Self.data(result) as? [String: Any])?["text_mem"] as? [[String: Any]])?.first ?? [:]
                paged += ((cube["memories"] as? [String: Any])?["nodes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(paged == [messageMemory, bikeID])

            let one = try await gateway.send(.GET, "/product/get_memory/\(bikeID)", token: alice.key)
            #expect((Self.data(one) as? [String: Any])?["id"] as? String == bikeID)

            let deleted = try await gateway.send(
                .POST, "/product/delete_memory", token: alice.key, json: ["memory_ids": [bikeID], "writable_cube_ids": ["alice"]])
            #expect((Self.data(deleted) as? [String: Any])?["status"] as? String == "success")
            #expect(try await gateway.send(.GET, "/product/get_memory/\(bikeID)", token: alice.key).status == 404)
            #expect(try await gateway.send(.GET, "/v1/memories/\(messageMemory)", token: alice.key).status == 200)
        }
    }

    @Test func aForgedUserIDIsRefusedAndNothingIsStored() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let bob = try await gateway.createUserWithID(tenant: "acme", username: "bob", roles: ["member"])
            let bobMemory = try await gateway.addTextID("Bob keeps the spare office key in the blue drawer", token: bob.key)

            for forged in ["bob", bob.id, "admin", ""] {
                let add = try await gateway.send(
                    .POST, "/product/add", token: alice, json: ["user_id": forged, "memory_content": "Planted by alice"])
                #expect(add.status == 403, "\(forged): \(add)")
                #expect(add.isProblem)
                #expect(add.detail.contains("does not match the credential"))
                let search = try await gateway.send(
                    .POST, "/product/search", token: alice, json: ["user_id": forged, "query": "office key drawer"])
                #expect(search.status == 403)
                let delete = try await gateway.send(
                    .POST, "/product/delete_memory", token: alice, json: ["user_id": forged, "memory_ids": [bobMemory]])
                #expect(delete.status == 403)
            }
            #expect(try await gateway.send(.GET, "/v1/memories", token: alice).memories.isEmpty)
            #expect(try await gateway.send(.GET, "/v1/memories", token: bob.key).memoryIDs == [bobMemory])
            // Bob's own cube is not Alice's to name either, even as "bob".
            let intoBob = try await gateway.send(
                .POST, "/product/add", token: alice, json: ["mem_cube_id": "bob", "memory_content": "Planted by alice"])
            #expect(intoBob.status == 404)
            #expect(try await gateway.send(.GET, "/v1/memories", token: bob.key).memoryIDs == [bobMemory])
        }
    }

    @Test func anotherTenantsCubeIsNotFound() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let gil = try await gateway.createUser(tenant: "globex", username: "gil", roles: ["member"])
            let plans = try await gateway.createCube("plans", token: gil)
            let secret = try await gateway.addTextID("Globex will open a plant in Lyon", token: gil, cube: plans)

            let add = try await gateway.send(
                .POST, "/product/add", token: alice, json: ["user_id": "alice", "mem_cube_id": plans, "memory_content": "Injected"])
            #expect(add.status == 404, "\(add)")
            #expect(add.isProblem)
            let search = try await gateway.send(
                .POST, "/product/search", token: alice, json: ["user_id": "alice", "query": "plant Lyon", "readable_cube_ids": [plans]])
            #expect(search.status == 404)
            let get = try await gateway.send(.POST, "/product/get_memory", token: alice, json: ["mem_cube_id": plans])
            #expect(get.status == 404)
            #expect(try await gateway.send(.GET, "/product/get_memory/\(secret)", token: alice).status == 404)
            let delete = try await gateway.send(.POST, "/product/delete_memory", token: alice, json: ["memory_ids": [secret]])
            #expect(delete.status == 404)
            // Searching everything Alice may read never reaches Globex.
            let everywhere = try await gateway.send(.POST, "/product/search", token: alice, json: ["query": "plant Lyon"])
            #expect(Self.searchMemories(everywhere).isEmpty)
            #expect(try await gateway.send(.GET, "/v1/memories?cube=\(plans)", token: gil).memoryIDs == [secret])
        }
    }

    @Test func fieldsThatWouldChangeWhatIsStoredOrWhoSeesItAreRefused() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let cases: [(String, [String: Any], String)] = [
                ("/product/add", ["memory_content": "x", "operation": [["cube_id": "c", "permission": "write"]]], "operation"),
                ("/product/add", ["doc_path": "/etc/passwd"], "doc_path"),
                ("/product/add", ["memory_content": "x", "is_feedback": true], "is_feedback"),
                ("/product/add", ["memory_content": "x", "tenant_id": "other"], "tenant_id"),
                ("/product/add", ["memory_content": "x", "mem_cube_id": "alice", "writable_cube_ids": ["alice"]], "not both"),
                ("/product/add", ["memory_content": "x", "async_mode": "later"], "async_mode"),
                ("/product/add", ["memory_content": "x", "memroy_type": "x"], "memroy_type"),
                ("/product/search", ["query": "x", "filter": ["and": []]], "filter"),
                ("/product/search", ["query": "x", "top_k": "ten"], "top_k"),
                ("/product/delete_memory", ["file_ids": ["f"]], "file_ids"),
                ("/product/get_memory", ["mem_cube_id": "alice", "page": 1], "page"),
            ]
            for (path, body, field) in cases {
                let result = try await gateway.send(.POST, path, token: alice, json: body)
                #expect(result.status == 400, "\(path) \(body): \(result)")
                #expect(result.detail.contains(field), "\(path): \(result.detail)")
            }
            #expect(try await gateway.send(.GET, "/v1/memories", token: alice).memories.isEmpty)
        }
    }

    @Test func chatCompleteAndTheMemOSStreamUseMemoryUnderTheCredential() async throws {
        let answer = "You love strawberries, especially in summer, according to what you told me before."
        try await FakeOpenAIServer.with(script: [.chat(answer)]) { server in
            try await TestGateway.with(environment: ChatFixtures.environment(server)) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                let memory = try await gateway.addTextID("Alice loves strawberries in summer", token: alice)

                let forged = try await gateway.send(
                    .POST, "/product/chat/complete", token: alice, json: ["user_id": "bob", "query": "Do I love strawberries?"])
                #expect(forged.status == 403)
                #expect(await server.log.count == 0)
                let wrongModel = try await gateway.send(
                    .POST, "/product/chat/complete", token: alice,
                    json: ["user_id": "alice", "query": "Do I love strawberries?", "model_name_or_path": "gpt-9"])
                #expect(wrongModel.status == 400)
                #expect(wrongModel.detail.contains("fake-chat"))

                let complete = try await gateway.send(
                    .POST, "/product/chat/complete", token: alice,
                    json: ["user_id": "alice", "mem_cube_id": "alice", "query": "Do I love strawberries?", "system_prompt": "Answer briefly.",
                           "history": [["role": "user", "content": "Hi"], ["role": "assistant", "content": "Hello!"]],
                           "internet_search": false, "top_k": 5, "model_name_or_path": "fake-chat"])
                let data = Self.data(complete) as? [String: Any] ?? [:]
                #expect(data["response"] as? String == answer)
                #expect((data["references"] as? [[String: Any]])?.contains { $0["id"] as? String == memory } == true)
                #expect((data["written"] as? [String])?.isEmpty == false)
                let prompt = try #require(await ChatFixtures.prompts(server).first)
                #expect(prompt.first?["content"]?.contains("Alice loves strawberries in summer") == true)
                #expect(prompt.first?["content"]?.hasSuffix("Answer briefly.") == true)
                #expect(prompt.dropFirst().map { $0["content"] ?? "" } == ["Hi", "Hello!", "Do I love strawberries?"])

                let streamed = try await gateway.send(
                    .POST, "/product/chat", token: alice, json: ["user_id": "alice", "query": "Do I love strawberries?"])
                #expect(streamed.contentType?.hasPrefix("text/event-stream") == true)
                let events = ChatFixtures.events(streamed.raw).map(\.json)
                #expect(events.first?["type"] as? String == "reference")
                #expect(events.last?["type"] as? String == "end")
                let text = events.filter { $0["type"] as? String == "text" }.compactMap { $0["data"] as? String }.joined()
                #expect(WatermarkCodec.strip(text) == answer)
                #expect(text != answer)
            }
        }
    }
}
