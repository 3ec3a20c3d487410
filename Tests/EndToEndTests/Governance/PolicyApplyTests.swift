import Foundation
import Testing

/// `PUT /admin/v1/policy`: validated, audited, and in force for the next request.
@Suite("Policy applied at runtime")
struct PolicyApplyTests {
    static func files(_ change: (String, String) -> String) throws -> [[String: String]] {
        try FileManager.default.contentsOfDirectory(atPath: TestGateway.policyDirectory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { name in
                let text = try String(contentsOf: TestGateway.policyDirectory.appendingPathComponent(name), encoding: .utf8)
                return ["name": name, "content": change(name, text)]
            }
    }

    @Test func aNewPolicyTakesEffectWithoutARestartAndBadOnesChangeNothing() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let board = try await gateway.createCube("board", subspace: "tenant", token: root)
            let id = try #require(
                try await gateway.addText("Quarterly plan is ambitious", token: root, cube: board, extra: ["label": "confidential"])["id"]
                    as? String)
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: mia).status == 404)
            let before = try #require(try await gateway.send(.GET, "/readyz").object["policy_hash"] as? String)

            // A broken policy is refused with its file and line, and changes nothing.
            let broken = try Self.files { name, text in
                name == "roles.yaml" ? text.replacingOccurrences(of: "clearance: internal", with: "clearance: top-secret") : text
            }
            let refused = try await gateway.send(.PUT, "/admin/v1/policy", token: gateway.adminKey, json: ["files": broken])
            #expect(refused.status == 400)
            #expect(refused.detail.contains("roles.yaml"), "\(refused)")
            #expect(try await gateway.send(.GET, "/readyz").object["policy_hash"] as? String == before)
            // Only operators apply policy.
            #expect(try await gateway.send(.PUT, "/admin/v1/policy", token: root, json: ["files": broken]).status == 403)

            // Members cleared for confidential: mia reads the memory on her next request.
            let raised = try Self.files { name, text in
                guard name == "roles.yaml" else { return text }
                return text.replacingOccurrences(
                    of: "  - name: member\n    description: Ordinary employee\n    clearance: internal",
                    with: "  - name: member\n    description: Ordinary employee\n    clearance: confidential")
            }
            let applied = try await gateway.send(.PUT, "/admin/v1/policy", token: gateway.adminKey, json: ["files": raised])
            #expect(applied.status == 200, "\(applied)")
            let after = try #require(applied.object["hash"] as? String)
            #expect(after != before && applied.object["previous_hash"] as? String == before)
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: mia).status == 200)
            #expect(try await gateway.send(.GET, "/readyz").object["policy_hash"] as? String == after)

            // The change is in the platform audit trail, and later records carry the new hash.
            let platform = try await gateway.send(.GET, "/admin/v1/audit/export", token: gateway.adminKey)
            #expect(platform.bodyText.contains("policy.apply") && platform.bodyText.contains(after))
        }
    }
}
