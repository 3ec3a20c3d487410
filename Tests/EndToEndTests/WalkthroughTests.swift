import Foundation
import Testing

/// The README walkthrough, over HTTP against a real gateway: tenant, user, add, search.
@Suite struct WalkthroughTests {
    @Test func tenantUserAddSearch() async throws {
        try await TestGateway.with { gateway in
        try await gateway.createTenant("acme")
        let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])

        let added = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["text": "Alice prefers green tea"])
        #expect(added.status == 201, "\(added)")
        #expect(added.memories.first?["text"] as? String == "Alice prefers green tea")

        let found = try await gateway.send(.POST, "/v1/memories/search", token: alice, json: ["query": "green tea"])
        #expect(found.status == 200)
        #expect(found.resultTexts == ["Alice prefers green tea"])
        }
    }
}
