import Foundation
import Testing

/// A memory's life over HTTP: added three ways, read, listed, searched, changed, deleted, and
/// still there after a restart.
@Suite struct MemoryLifecycleTests {
    static func member(_ gateway: TestGateway) async throws -> String {
        try await gateway.createTenant("acme")
        return try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
    }

    @Test func addByTextSetsEveryField() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let added = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: [
                    "text": "Alice is allergic to peanuts", "key": "allergy", "tags": ["health", "food"],
                    "memory_type": "UserMemory", "info": ["source_app": "chat", "priority": 2],
                    "sources": [["message_id": "msg-9", "role": "user", "content": "I'm allergic to peanuts"]],
                ] as [String: Any])
            #expect(added.status == 201, "\(added)")
            #expect(added.contentType?.hasPrefix("application/json") == true)
            let memory = try #require(added.memories.first)
            #expect(added.memories.count == 1)
            #expect(memory["text"] as? String == "Alice is allergic to peanuts")
            #expect(memory["key"] as? String == "allergy")
            #expect(memory["tags"] as? [String] == ["health", "food"])
            #expect(memory["memory_type"] as? String == "UserMemory")
            #expect(memory["state"] as? String == "activated")
            #expect(memory["version"] as? Int == 1)
            #expect(memory["cube_name"] as? String == "default")
            #expect(memory["subspace"] as? String == "persona")
            let info = try #require(memory["info"] as? [String: Any])
            #expect(info["source_app"] as? String == "chat")
            #expect(info["priority"] as? Int == 2)
            let sources = try #require(memory["sources"] as? [[String: Any]])
            #expect(sources.count == 1)
            #expect(sources.first?["message_id"] as? String == "msg-9")
            #expect(sources.first?["content"] as? String == "I'm allergic to peanuts")
            let id = try #require(memory["id"] as? String)
            #expect(UUID(uuidString: id) != nil)
            let created = try #require(memory["created_at"] as? String)
            #expect(memory["updated_at"] as? String == created)
            #expect(created.hasSuffix("Z"))

            // The default cube is listed, and it is where the memory went.
            let cubes = try await gateway.send(.GET, "/v1/cubes", token: alice)
            let defaultCube = (cubes.object["cubes"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "default" }
            #expect(defaultCube?["id"] as? String == memory["cube"] as? String)
            #expect(defaultCube?["subspace"] as? String == "persona")

            // A plain text memory gets the defaults.
            let plain = try await gateway.addText("Plain note", token: alice)
            #expect(plain["memory_type"] as? String == "LongTermMemory")
            #expect(plain["tags"] as? [String] == [])
            #expect(plain["key"] == nil)
            #expect((plain["sources"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func addByBatchKeepsOrderAndAppliesDefaults() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let cube = try await gateway.createCube("journal", token: alice)
            let batch = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: [
                    "cube": "journal", "tags": ["batch"], "memory_type": "WorkingMemory", "info": ["origin": "import", "k": "batch"],
                    "memories": [
                        ["text": "First batch entry"],
                        [
                            "text": "Second batch entry", "key": "second", "tags": ["own"], "memory_type": "PreferenceMemory",
                            "background": "told during onboarding", "confidence": 0.75, "info": ["k": "own"],
                            "sources": [["message_id": "s1", "speaker": "bob", "chat_time": "2024-05-01T09:30:00Z"]],
                        ] as [String: Any],
                        ["text": "Third batch entry", "tags": [String]()] as [String: Any],
                    ],
                ] as [String: Any])
            #expect(batch.status == 201, "\(batch)")
            #expect(batch.memories.map { $0["text"] as? String } == ["First batch entry", "Second batch entry", "Third batch entry"])
            #expect(Set(batch.memories.compactMap { $0["cube"] as? String }) == [cube])
            #expect(batch.memories.allSatisfy { $0["cube_name"] as? String == "journal" })

            let first = batch.memories[0]
            #expect(first["tags"] as? [String] == ["batch"])
            #expect(first["memory_type"] as? String == "WorkingMemory")
            #expect((first["info"] as? [String: Any])?["origin"] as? String == "import")

            let second = batch.memories[1]
            #expect(second["key"] as? String == "second")
            #expect(second["tags"] as? [String] == ["own"])
            #expect(second["memory_type"] as? String == "PreferenceMemory")
            #expect(second["background"] as? String == "told during onboarding")
            #expect(second["confidence"] as? Double == 0.75)
            let secondInfo = try #require(second["info"] as? [String: Any])
            #expect(secondInfo["k"] as? String == "own")  // the item's own value wins
            #expect(secondInfo["origin"] as? String == "import")  // batch info is merged in
            let source = try #require((second["sources"] as? [[String: Any]])?.first)
            #expect(source["message_id"] as? String == "s1")
            #expect(source["speaker"] as? String == "bob")
            #expect(source["chat_time"] as? String == "2024-05-01T09:30:00.000Z")

            #expect(batch.memories[2]["tags"] as? [String] == [])  // an explicit empty list is kept

            let listed = try await gateway.listAll(token: alice, cube: cube)
            #expect(Set(listed.compactMap { $0["id"] as? String }) == Set(batch.memoryIDs))
        }
    }

    @Test func addByMessagesWindowsAndKeepsProvenance() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let speakers = ["alice", "bot", "alice", "bot", "alice", "bot"]
            let contents = [
                "I am planning a trip to Kyoto", "When are you going?", "In April for the cherry blossoms",
                "Book early, hotels fill up", "Any ryokan you recommend?", "Try one near Gion",
            ]
            let messages: [[String: Any]] = (0..<6).map { index in
                [
                    "role": index % 2 == 0 ? "user" : "assistant", "content": contents[index],
                    "speaker": speakers[index], "message_id": "m\(index + 1)",
                    "chat_time": "2024-05-01T09:3\(index):00Z",
                ]
            }
            let added = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: ["messages": messages, "tags": ["trip"], "info": ["conversation": "c-1"]] as [String: Any])
            #expect(added.status == 201, "\(added)")
            #expect(added.memories.count == 2)
            guard added.memories.count == 2 else { return }

            let windows = added.memories.map { memory in
                (memory["sources"] as? [[String: Any]] ?? []).compactMap { $0["message_id"] as? String }
            }
            #expect(windows == [["m1", "m2", "m3", "m4"], ["m4", "m5", "m6"]])

            let first = added.memories[0]
            let text = try #require(first["text"] as? String)
            #expect(text.contains("alice: I am planning a trip to Kyoto"))
            #expect(text.contains("bot: Book early, hotels fill up"))
            #expect(text.contains("2024-05-01T09:30:00Z"))
            #expect(!text.contains("ryokan"))
            #expect((added.memories[1]["text"] as? String)?.contains("ryokan") == true)
            #expect(first["key"] as? String == "I am planning a trip to Kyoto")
            #expect(first["tags"] as? [String] == ["trip"])
            #expect((first["info"] as? [String: Any])?["conversation"] as? String == "c-1")

            let sources = try #require(first["sources"] as? [[String: Any]])
            for (index, source) in sources.enumerated() {
                #expect(source["role"] as? String == (index % 2 == 0 ? "user" : "assistant"))
                #expect(source["speaker"] as? String == speakers[index])
                #expect(source["content"] as? String == contents[index])
                #expect(source["chat_time"] as? String == "2024-05-01T09:3\(index):00.000Z")
            }

            // Both windows are searchable, and GET returns the same provenance.
            let found = try await gateway.search("ryokan Gion", token: alice)
            #expect(found.resultIDs.first == added.memories[1]["id"] as? String)
            let got = try await gateway.send(.GET, "/v1/memories/\(added.memoryIDs[0])", token: alice)
            let gotSources = (got.memory["sources"] as? [[String: Any]] ?? []).compactMap { $0["message_id"] as? String }
            #expect(gotSources == ["m1", "m2", "m3", "m4"])
        }
    }

    @Test func getReturnsWhatWasStored() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let created = try await gateway.addText(
                "Favourite colour is teal", token: alice, extra: ["tags": ["prefs"], "memory_type": "PreferenceMemory"])
            let id = try #require(created["id"] as? String)
            let got = try await gateway.send(.GET, "/v1/memories/\(id)", token: alice)
            #expect(got.status == 200)
            for field in ["id", "cube", "cube_name", "subspace", "text", "memory_type", "state", "created_at", "updated_at"] {
                #expect(got.memory[field] as? String == created[field] as? String, "\(field)")
                #expect(got.memory[field] != nil, "\(field) missing")
            }
            #expect(got.memory["version"] as? Int == 1)
            #expect(got.memory["tags"] as? [String] == ["prefs"])

            for bad in [UUID().uuidString.lowercased(), "not-a-uuid", "0"] {
                let missing = try await gateway.send(.GET, "/v1/memories/\(bad)", token: alice)
                #expect(missing.status == 404, "\(bad): \(missing)")
                #expect(missing.isProblem)
            }
        }
    }

    @Test func listPaginatesWithoutDuplicates() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            var created: [String] = []
            for index in 1...5 {
                created.append(try await gateway.addTextID("Paged memory number \(index)", token: alice))
            }
            var pages: [[String]] = []
            var cursor: String?
            repeat {
                let page = try await gateway.send(
                    .GET, "/v1/memories?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: alice)
                #expect(page.status == 200, "\(page)")
                pages.append(page.memoryIDs)
                cursor = page.nextCursor
            } while cursor != nil && pages.count < 10
            #expect(pages.map(\.count) == [2, 2, 1])
            let all = pages.flatMap { $0 }
            #expect(all.count == Set(all).count, "duplicate across pages: \(pages)")
            #expect(Set(all) == Set(created))
            // Creation order, as the ids were made one after another.
            #expect(all == created)

            // Without a limit, one page holds all five and no cursor.
            let whole = try await gateway.send(.GET, "/v1/memories", token: alice)
            #expect(whole.memoryIDs == created)
            #expect(whole.nextCursor == nil)
            // A cursor past the end gives an empty page.
            let past = try await gateway.send(.GET, "/v1/memories?cursor=\(created[4])", token: alice)
            #expect(past.status == 200)
            #expect(past.memories.isEmpty)
        }
    }

    @Test func patchCreatesNewVersionAndReindexes() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let created = try await gateway.addText(
                "Quarterly budget meeting moved to Thursday", token: alice, extra: ["tags": ["work"]])
            let id = try #require(created["id"] as? String)
            let other = try await gateway.addTextID("Unrelated note about budget forecasts", token: alice)

            let patched = try await gateway.send(
                .PATCH, "/v1/memories/\(id)", token: alice, json: ["text": "Offsite planning happens in Lisbon"])
            #expect(patched.status == 200, "\(patched)")
            #expect(patched.memory["id"] as? String == id)
            #expect(patched.memory["version"] as? Int == 2)
            #expect(patched.memory["text"] as? String == "Offsite planning happens in Lisbon")
            #expect(patched.memory["tags"] as? [String] == ["work"])  // absent fields are kept
            #expect(patched.memory["created_at"] as? String == created["created_at"] as? String)
            let updated = try #require(patched.memory["updated_at"] as? String)
            #expect(updated >= (created["updated_at"] as? String ?? ""))

            let byNew = try await gateway.search("Lisbon offsite", token: alice)
            #expect(byNew.resultIDs == [id])
            #expect((byNew.results.first?["memory"] as? [String: Any])?["version"] as? Int == 2)
            let byOld = try await gateway.search("Thursday meeting quarterly", token: alice)
            #expect(byOld.results.isEmpty, "old words still find it: \(byOld)")
            let budget = try await gateway.search("budget", token: alice)
            #expect(budget.resultIDs == [other])

            let got = try await gateway.send(.GET, "/v1/memories/\(id)", token: alice)
            #expect(got.memory["version"] as? Int == 2)
            #expect(got.memory["text"] as? String == "Offsite planning happens in Lisbon")
            let listed = try await gateway.listAll(token: alice)
            #expect(listed.first { $0["id"] as? String == id }?["version"] as? Int == 2)

            // Tags and type change too, and filters follow.
            let retagged = try await gateway.send(
                .PATCH, "/v1/memories/\(id)", token: alice, json: ["tags": ["travel"], "memory_type": "WorkingMemory"])
            #expect(retagged.memory["version"] as? Int == 3)
            let work = try await gateway.search("Lisbon", token: alice, filters: ["tags": ["work"]])
            #expect(work.results.isEmpty)
            let travel = try await gateway.search(
                "Lisbon", token: alice, filters: ["tags": ["travel"], "memory_types": ["WorkingMemory"]])
            #expect(travel.resultIDs == [id])
        }
    }

    @Test func patchWithNullClearsOptionalFields() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let added = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: [
                    "memories": [
                        [
                            "text": "Door code for the studio", "key": "zephyrcode", "background": "from the landlord",
                            "confidence": 0.9,
                        ] as [String: Any]
                    ]
                ])
            let id = try #require(added.memoryIDs.first)
            // The key is searchable.
            #expect(try await gateway.search("zephyrcode", token: alice).resultIDs == [id])

            let cleared = try await gateway.send(
                .PATCH, "/v1/memories/\(id)", token: alice,
                json: ["key": NSNull(), "background": NSNull(), "confidence": NSNull()])
            #expect(cleared.status == 200, "\(cleared)")
            #expect(cleared.memory["version"] as? Int == 2)
            for field in ["key", "background", "confidence"] {
                let value = cleared.memory[field]
                #expect(value == nil || value is NSNull, "\(field) not cleared: \(String(describing: value))")
            }
            #expect(cleared.memory["text"] as? String == "Door code for the studio")

            let got = try await gateway.send(.GET, "/v1/memories/\(id)", token: alice)
            #expect(got.memory["key"] == nil || got.memory["key"] is NSNull)
            #expect(got.memory["confidence"] == nil || got.memory["confidence"] is NSNull)
            // The cleared key no longer finds it; the text still does.
            #expect(try await gateway.search("zephyrcode", token: alice).results.isEmpty)
            #expect(try await gateway.search("studio door", token: alice).resultIDs == [id])

            // Setting a key again works, and absent fields stay.
            let rekeyed = try await gateway.send(.PATCH, "/v1/memories/\(id)", token: alice, json: ["key": "studio"])
            #expect(rekeyed.memory["key"] as? String == "studio")
            #expect(rekeyed.memory["version"] as? Int == 3)
        }
    }

    @Test func deleteRemovesEverywhere() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let doomed = try await gateway.addTextID("Temporary wifi password is flamingo", token: alice)
            let kept = try await gateway.addTextID("Permanent flamingo statue in the garden", token: alice)
            #expect(Set(try await gateway.search("flamingo", token: alice).resultIDs) == [doomed, kept])

            let delete = try await gateway.send(.DELETE, "/v1/memories/\(doomed)", token: alice)
            #expect(delete.status == 204, "\(delete)")
            #expect(delete.raw.isEmpty)

            let get = try await gateway.send(.GET, "/v1/memories/\(doomed)", token: alice)
            #expect(get.status == 404)
            #expect(!get.bodyText.contains("wifi"))
            let search = try await gateway.search("flamingo wifi password", token: alice)
            #expect(search.resultIDs == [kept])
            #expect(!search.resultTexts.contains { $0.contains("wifi") })
            let list = try await gateway.listAll(token: alice)
            #expect(list.compactMap { $0["id"] as? String } == [kept])

            let again = try await gateway.send(.DELETE, "/v1/memories/\(doomed)", token: alice)
            #expect(again.status == 404)
            let patch = try await gateway.send(.PATCH, "/v1/memories/\(doomed)", token: alice, json: ["text": "revived"])
            #expect(patch.status == 404)
            #expect(try await gateway.search("revived", token: alice).results.isEmpty)
        }
    }

    @Test func searchFiltersNarrowResults() async throws {
        try await TestGateway.with { gateway in
            let alice = try await Self.member(gateway)
            let hiking = try await gateway.addTextID("Hiking gear checklist for the alps", token: alice)
            _ = try await gateway.send(
                .PATCH, "/v1/memories/\(hiking)", token: alice, json: ["tags": ["outdoor", "travel"], "memory_type": "UserMemory"])
            let budget = try #require(
                try await gateway.addText(
                    "Quarterly gear budget review", token: alice, extra: ["tags": ["work"], "memory_type": "LongTermMemory"]
                )["id"] as? String)
            let move = try #require(
                try await gateway.addText(
                    "Gear for the office move", token: alice,
                    extra: ["tags": ["work", "outdoor"], "memory_type": "WorkingMemory", "info": ["project": "move"]]
                )["id"] as? String)
            _ = try await gateway.addText(
                "Prefers aisle seats on long flights", token: alice,
                extra: ["tags": ["travel"], "memory_type": "PreferenceMemory"])

            func ids(_ filters: [String: Any]?) async throws -> Set<String> {
                Set(try await gateway.search("gear", token: alice, filters: filters).resultIDs)
            }
            #expect(try await ids(nil) == [hiking, budget, move])
            #expect(try await ids(["memory_types": ["UserMemory"]]) == [hiking])
            #expect(try await ids(["memory_types": ["LongTermMemory", "WorkingMemory"]]) == [budget, move])
            #expect(try await ids(["memory_types": ["PreferenceMemory"]]) == [])
            #expect(try await ids(["tags": ["work"]]) == [budget, move])
            #expect(try await ids(["tags": ["outdoor"]]) == [hiking, move])
            #expect(try await ids(["tags": ["outdoor"], "memory_types": ["WorkingMemory"]]) == [move])
            #expect(try await ids(["tags": ["nonexistent"]]) == [])
            #expect(try await ids(["info": ["project": "move"]]) == [move])
            #expect(try await ids(["states": ["archived"]]) == [])
            #expect(try await ids(["created_after": "2999-01-01T00:00:00Z"]) == [])
            #expect(try await ids(["created_before": "2999-01-01T00:00:00Z"]) == [hiking, budget, move])
            #expect(try await ids(["created_before": "2000-01-01T00:00:00Z"]) == [])
            // top_k cuts after filtering.
            let one = try await gateway.search("gear", token: alice, topK: 1, filters: ["tags": ["work"]])
            #expect(one.results.count == 1)
            #expect(Set(one.resultIDs).isSubset(of: [budget, move]))
            // Scores come best first.
            let scored = try await gateway.search("gear", token: alice)
            let scores = scored.results.compactMap { $0["score"] as? Double }
            #expect(scores.count == 3)
            #expect(scores == scores.sorted(by: >))
        }
    }

    @Test func memoriesSurviveARestart() async throws {
        struct Before: Sendable {
            let alice: String
            let session: String
            let kept: [String: String]  // id -> text
            let patched: String
            let deleted: String
            let journal: String
        }
        let first = try await TestGateway.start()
        let before: Before = try await using(first) { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(
                tenant: "acme", username: "alice", roles: ["member"], password: "persistent password")
            let token = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "alice", "password": "persistent password"])
            let session = try #require(token.object["access_token"] as? String)
            let journal = try await gateway.createCube("journal", token: alice)
            var kept: [String: String] = [:]
            let one = try await gateway.addText("Persistent walrus memory in default", token: alice)
            kept[one["id"] as? String ?? ""] = one["text"] as? String
            let batch = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: ["cube": journal, "memories": [["text": "Walrus journal entry one"], ["text": "Walrus journal entry two"]]])
            for memory in batch.memories { kept[memory["id"] as? String ?? ""] = memory["text"] as? String }
            let chat = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: ["messages": [["role": "user", "content": "The walrus chat", "message_id": "w1"]]])
            for memory in chat.memories { kept[memory["id"] as? String ?? ""] = memory["text"] as? String }
            let patched = try await gateway.addTextID("Walrus sighting near the pier", token: alice)
            let patch = try await gateway.send(
                .PATCH, "/v1/memories/\(patched)", token: alice, json: ["text": "Walrus sighting near the lighthouse"])
            #expect(patch.status == 200)
            let deleted = try await gateway.addTextID("Walrus that gets deleted", token: alice)
            #expect(try await gateway.send(.DELETE, "/v1/memories/\(deleted)", token: alice).status == 204)
            // Searched once, so this process's indexes are loaded before the restart.
            #expect(try await gateway.search("walrus", token: alice).results.count == 5)
            return Before(alice: alice, session: session, kept: kept, patched: patched, deleted: deleted, journal: journal)
        }
        #expect(before.kept.count == 4)

        let second = try await TestGateway.start(dataDirectory: first.dataDirectory, adminKey: first.adminKey)
        try await using(second) { gateway in
            // Credentials survive: API key, session token, operator key.
            #expect(try await gateway.send(.GET, "/v1/me", token: before.alice).status == 200)
            let me = try await gateway.send(.GET, "/v1/me", token: before.session)
            #expect(me.status == 200, "session token after restart: \(me)")
            let tenants = try await gateway.send(.GET, "/admin/v1/tenants", token: gateway.adminKey)
            #expect(tenants.status == 200)

            // Search finds the same memories: the indexes were rebuilt from the store.
            let found = try await gateway.search("walrus", token: before.alice)
            var expected = before.kept
            expected[before.patched] = "Walrus sighting near the lighthouse"
            #expect(Set(found.resultIDs) == Set(expected.keys))
            for result in found.results {
                let memory = result["memory"] as? [String: Any] ?? [:]
                let id = memory["id"] as? String ?? ""
                #expect(memory["text"] as? String == expected[id], "\(id)")
            }
            #expect(!found.resultIDs.contains(before.deleted))
            let patched = try await gateway.send(.GET, "/v1/memories/\(before.patched)", token: before.alice)
            #expect(patched.memory["version"] as? Int == 2)
            #expect(try await gateway.search("pier", token: before.alice).results.isEmpty)
            #expect(try await gateway.send(.GET, "/v1/memories/\(before.deleted)", token: before.alice).status == 404)

            // Cubes and listing are intact, and new writes land next to the old ones.
            let journal = try await gateway.listAll(token: before.alice, cube: "journal")
            #expect(journal.count == 2)
            let chatSearch = try await gateway.search("chat", token: before.alice)
            let chatSources = (chatSearch.results.first?["memory"] as? [String: Any])?["sources"] as? [[String: Any]]
            #expect(chatSources?.first?["message_id"] as? String == "w1")
            try await gateway.addText("Walrus after the restart", token: before.alice, cube: before.journal)
            #expect(try await gateway.search("walrus", token: before.alice).results.count == 6)
        }
    }
}
