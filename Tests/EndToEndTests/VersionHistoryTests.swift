import Foundation
import Testing

/// History, rollback and lifecycle transitions over HTTP.
@Suite struct VersionHistoryTests {
    @Test func historyRollbackAndTransitions() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let added = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": "the kiwi project starts in May"])
            let id = try #require(added.memories.first?["id"] as? String)

            let patched = try await gateway.send(.PATCH, "/v1/memories/\(id)", token: alice, json: ["text": "the kiwi project starts in June"])
            #expect(patched.object["memory"].flatMap { ($0 as? [String: Any])?["version"] as? Int } == 2)

            let history = try await gateway.send(.GET, "/v1/memories/\(id)/history", token: alice)
            let versions = history.object["versions"] as? [[String: Any]] ?? []
            #expect(versions.map { $0["version"] as? Int } == [1, 2])
            #expect(versions.map { $0["text"] as? String } == ["the kiwi project starts in May", "the kiwi project starts in June"])

            let rolledBack = try await gateway.send(.POST, "/v1/memories/\(id)/rollback", token: alice, json: ["version": 1])
            let memory = rolledBack.object["memory"] as? [String: Any] ?? [:]
            #expect(memory["version"] as? Int == 3)
            #expect(memory["text"] as? String == "the kiwi project starts in May")
            let search = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "kiwi june"])
            #expect(search.resultTexts == ["the kiwi project starts in May"])

            let badVersion = try await gateway.send(.POST, "/v1/memories/\(id)/rollback", token: alice, json: ["version": 3])
            #expect(badVersion.status == 400)

            // Archived memories leave search unless a filter asks for them.
            let archived = try await gateway.send(.POST, "/v1/memories/\(id)/transition", token: alice, json: ["to": "archived"])
            #expect(archived.status == 200)
            #expect(try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "kiwi"]).results.isEmpty)
            let withArchived = try await gateway.send(
                .POST, "/v1/memories/search", token: alice, json: ["query": "kiwi", "filters": ["states": ["archived"]]])
            #expect(withArchived.results.count == 1)

            // archived → frozen is legal; after that nothing changes, and the problem lists what is allowed.
            #expect(try await gateway.send(.POST, "/v1/memories/\(id)/transition", token: alice, json: ["to": "frozen"]).status == 200)
            let illegal = try await gateway.send(.POST, "/v1/memories/\(id)/transition", token: alice, json: ["to": "activated"])
            #expect(illegal.status == 409)
            #expect(illegal.detail.contains("allowed: none"))
            #expect(try await gateway.send(.PATCH, "/v1/memories/\(id)", token: alice, json: ["text": "x"]).status == 409)
            #expect(try await gateway.send(.POST, "/v1/memories/\(id)/rollback", token: alice, json: ["version": 1]).status == 409)
            let unknown = try await gateway.send(.POST, "/v1/memories/\(id)/transition", token: alice, json: ["to": "melted"])
            #expect(unknown.status == 400)
            #expect(unknown.detail.contains("generated"))

            // Another tenant cannot read the history.
            try await gateway.createTenant("globex")
            let eve = try await gateway.createUser(tenant: "globex", username: "eve", roles: ["tenant-admin"])
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)/history", token: eve).status == 404)
            #expect(try await gateway.send(.POST, "/v1/memories/\(id)/transition", token: eve, json: ["to": "archived"]).status == 404)
        }
    }
}
