import Foundation
import MemOSTestSupport
import Testing

/// Optional reranking by a `/rerank` server on loopback: it re-orders, it can be turned off per
/// search, and a failing reranker never fails the search.
@Suite struct RerankTests {
    @Test func aConfiguredRerankerReordersAndFailuresFallBack() async throws {
        let texts = ["tea with lemon in the morning", "green tea tastes grassy", "tea tea tea notes"]
        try await FakeOpenAIServer.with({ request, _ in
            // Score documents by how many times they mention "green", so the server's order is known.
            let documents = request.json["documents"] as? [String] ?? []
            if documents.contains(where: { $0.contains("explode") }) { return .error(400, "scripted failure") }
            return .rerank(documents.map { $0.contains("green") ? 0.9 : ($0.contains("lemon") ? 0.5 : 0.1) })
        }) { server in
            let environment = ["MEMOS_RERANKER_BASE_URL": server.baseURL.absoluteString, "MEMOS_RERANKER_MODEL": "fake-rerank"]
            try await TestGateway.with(environment: environment) { gateway in
                try await gateway.createTenant("acme")
                let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
                for text in texts {
                    #expect(try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": text]).status == 201)
                }
                let reranked = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "tea"])
                #expect(reranked.resultTexts == ["green tea tastes grassy", "tea with lemon in the morning", "tea tea tea notes"])
                #expect(reranked.results.compactMap { $0["score"] as? Double } == [0.9, 0.5, 0.1])
                let request = try #require(await server.requests.last)
                #expect(request.path == "/v1/rerank")
                #expect(request.json["query"] as? String == "tea")

                let fused = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "tea", "rerank": false])
                #expect(fused.resultTexts != reranked.resultTexts)
                #expect(Set(fused.resultTexts) == Set(texts))
                #expect(!fused.results.compactMap { $0["score"] as? Double }.contains(0.9))

                // The reranker refuses: the search still answers, in fused order.
                _ = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": "tea may explode"])
                let fallback = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "tea"])
                #expect(fallback.status == 200)
                #expect(fallback.results.count == 4)
            }
        }
    }

    @Test func incompleteRerankerConfigurationRefusesToStart() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await TestGateway.start(environment: ["MEMOS_RERANKER_BASE_URL": "http://127.0.0.1:9/v1"])
        }
    }
}
