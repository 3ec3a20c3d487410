import Foundation
import Testing

/// The memory graph over HTTP: conversation windows follow each other; manual links; an edge
/// never reveals a memory the caller cannot read.
@Suite struct MemoryGraphTests {
    @Test func conversationWindowsAreLinkedAndRelatedRespectsAccess() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let messages = (1...7).map { ["role": $0 % 2 == 0 ? "assistant" : "user", "content": "turn \($0) about gliders", "message_id": "m\($0)"] }
            let added = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["messages": messages])
            let ids = added.memories.compactMap { $0["id"] as? String }
            #expect(ids.count == 2)  // windows [m1..m4], [m4..m7]

            let related = try await gateway.send(.GET, "/v1/memories/\(ids[1])/related", token: alice)
            let edges = related.object["related"] as? [[String: Any]] ?? []
            #expect(edges.count == 1)
            #expect(edges.first?["relation"] as? String == "follows")
            #expect(edges.first?["direction"] as? String == "outgoing")
            #expect((edges.first?["memory"] as? [String: Any])?["id"] as? String == ids[0])
            let back = try await gateway.send(.GET, "/v1/memories/\(ids[0])/related", token: alice)
            #expect((back.object["related"] as? [[String: Any]])?.first?["direction"] as? String == "incoming")

            // A manager's private memory cannot be linked to from alice's persona (404: not readable),
            // and a tenant-admin's tenant memory linked to a team memory hides the team memory from a guest.
            let boss = try await gateway.createUser(tenant: "acme", username: "boss", roles: ["tenant-admin"])
            let guest = try await gateway.createUser(tenant: "acme", username: "gus", roles: ["guest"])
            let dana = try await gateway.createUser(tenant: "acme", username: "dana", roles: ["manager"])
            let privateMemo = try await gateway.send(.POST, "/v1/memories", token: dana, json: ["text": "dana private glider notes"])
            let privateID = try #require(privateMemo.memories.first?["id"] as? String)
            let refused = try await gateway.send(
                .POST, "/v1/memories/\(ids[0])/related", token: alice, json: ["to": privateID, "relation": "same_entity"])
            #expect(refused.status == 404)

            #expect(try await gateway.send(.POST, "/v1/cubes", token: boss, json: ["name": "handbook", "subspace": "tenant"]).status == 201)
            #expect(try await gateway.send(.POST, "/v1/cubes", token: boss, json: ["name": "ops", "subspace": "team/ops"]).status == 201)
            let public_ = try await gateway.send(.POST, "/v1/memories", token: boss, json: ["text": "office opens at 9", "cube": "handbook", "label": "public"])
            let team = try await gateway.send(.POST, "/v1/memories", token: boss, json: ["text": "ops rota secret", "cube": "ops"])
            let publicID = try #require(public_.memories.first?["id"] as? String)
            let teamID = try #require(team.memories.first?["id"] as? String)
            let linked = try await gateway.send(
                .POST, "/v1/memories/\(publicID)/related", token: boss, json: ["to": teamID, "relation": "same_entity"])
            #expect(linked.status == 201)
            let duplicate = try await gateway.send(
                .POST, "/v1/memories/\(publicID)/related", token: boss, json: ["to": teamID, "relation": "same_entity"])
            #expect(duplicate.status == 409)

            let asBoss = try await gateway.send(.GET, "/v1/memories/\(publicID)/related", token: boss)
            #expect((asBoss.object["related"] as? [[String: Any]])?.count == 1)
            let asGuest = try await gateway.send(.GET, "/v1/memories/\(publicID)/related", token: guest)
            #expect(asGuest.status == 200)
            #expect((asGuest.object["related"] as? [[String: Any]])?.isEmpty == true)
            #expect(!String(decoding: asGuest.raw, as: UTF8.self).contains("rota"))

            let badRelation = try await gateway.send(
                .POST, "/v1/memories/\(publicID)/related", token: boss, json: ["to": teamID, "relation": "likes"])
            #expect(badRelation.status == 400)
            #expect(badRelation.detail.contains("merged_into"))

            // Deleting a memory removes its edges.
            #expect(try await gateway.send(.DELETE, "/v1/memories/\(teamID)", token: boss).status == 204)
            let afterDelete = try await gateway.send(.GET, "/v1/memories/\(publicID)/related", token: boss)
            #expect((afterDelete.object["related"] as? [[String: Any]])?.isEmpty == true)
        }
    }
}

/// Usage records: who retrieved a memory and how often, for the scheduler.
@Suite struct UsageTests {
    @Test func searchesCountRetrievalsPerUserAndRole() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let boss = try await gateway.createUser(tenant: "acme", username: "boss", roles: ["tenant-admin"])
            let member = try await gateway.createUser(tenant: "acme", username: "max", roles: ["member"])
            #expect(try await gateway.send(.POST, "/v1/cubes", token: boss, json: ["name": "faq", "subspace": "tenant"]).status == 201)
            let added = try await gateway.send(.POST, "/v1/memories", token: boss, json: ["text": "the wifi password rotates monthly", "cube": "faq"])
            let id = try #require(added.memories.first?["id"] as? String)
            for _ in 0..<3 {
                #expect(try await gateway.send(.POST, "/v1/memories/search", token: member, json: ["query": "wifi password"]).results.count == 1)
            }
            _ = try await gateway.send(.POST, "/v1/memories/search", token: boss, json: ["query": "wifi"])
            _ = try await gateway.send(.POST, "/v1/memories/search", token: boss, json: ["query": "unrelated"])

            let usage = try await gateway.send(.GET, "/v1/memories/\(id)/usage", token: boss)
            #expect(usage.status == 200)
            #expect(usage.object["retrievals"] as? Int == 4)
            let byRole = Dictionary(
                uniqueKeysWithValues: (usage.object["by"] as? [[String: Any]] ?? []).map { ($0["role"] as? String ?? "", $0["count"] as? Int ?? 0) })
            #expect(byRole == ["member": 3, "tenant-admin": 1])

            try await gateway.createTenant("globex")
            let eve = try await gateway.createUser(tenant: "globex", username: "eve", roles: ["tenant-admin"])
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)/usage", token: eve).status == 404)
        }
    }
}

/// Graph expansion in search: a linked memory with none of the query's words is found through
/// its neighbour, and never across a subspace the caller cannot read.
@Suite struct GraphExpansionSearchTests {
    @Test func linkedMemoriesJoinSearchResults() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let falcon = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": "Project Falcon kicks off in March"])
            let owner = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": "The budget owner is Dana Whitfield"])
            let falconID = try #require(falcon.memories.first?["id"] as? String)
            let ownerID = try #require(owner.memories.first?["id"] as? String)

            let before = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "falcon project"])
            #expect(before.resultTexts == ["Project Falcon kicks off in March"])

            let linked = try await gateway.send(
                .POST, "/v1/memories/\(falconID)/related", token: alice, json: ["to": ownerID, "relation": "same_entity"])
            #expect(linked.status == 201)
            let after = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "falcon project"])
            #expect(after.resultTexts == ["Project Falcon kicks off in March", "The budget owner is Dana Whitfield"])
            let scores = after.results.compactMap { $0["score"] as? Double }
            #expect(scores.count == 2 && scores[1] < scores[0])

            // The expansion survives a restart (edges are loaded with the index).
            let restarted = try await TestGateway.start(dataDirectory: gateway.dataDirectory, adminKey: gateway.adminKey)
            let again = try await restarted.send(.POST, "/v1/memories/search", token: alice, json: ["query": "falcon project"])
            await restarted.stop()
            #expect(again.resultTexts.count == 2)
        }
    }
}
