import Foundation
import Testing

/// No read up, attacked through every endpoint that returns memory; PII redaction; labels that
/// only go down with a permission and a justification.
@Suite("Labels over HTTP: no read up, redaction, lowering")
struct ReadUpTests {
    @Test func aMemoryAboveTheClearanceIsInvisibleEverywhere() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let board = try await gateway.createCube("board", subspace: "tenant", token: root)
            let secret = try #require(
                try await gateway.addText(
                    "Merger with Globex closes in the third quarter", token: root, cube: board,
                    extra: ["label": "confidential"])["id"] as? String)
            let open = try #require(
                try await gateway.addText("Cafeteria opens at eight near the merger room", token: root, cube: board)["id"]
                    as? String)
            let linked = try await gateway.send(
                .POST, "/v1/memories/\(open)/related", token: root, json: ["to": secret, "relation": "same_entity"])
            #expect(linked.status == 201)
            // A second version, so history has something to leak.
            let patched = try await gateway.send(
                .PATCH, "/v1/memories/\(secret)", token: root, json: ["text": "Merger with Globex closes in October"])
            #expect(patched.status == 200)

            // The member reads the tenant subspace, but its clearance is internal.
            let search = try await gateway.search("merger Globex", token: mia)
            #expect(!search.resultIDs.contains(secret))
            #expect(search.resultIDs.contains(open))
            let filtered = try await gateway.search("Globex", token: mia, cubes: [board])
            #expect(filtered.resultIDs.isEmpty)
            for path in ["", "/history", "/related", "/usage"] {
                let result = try await gateway.send(.GET, "/v1/memories/\(secret)\(path)", token: mia)
                #expect(result.status == 404, "GET \(path): \(result)")
                #expect(!result.bodyText.contains("Globex"))
            }
            let related = try await gateway.send(.GET, "/v1/memories/\(open)/related", token: mia)
            #expect(related.status == 200)
            #expect((related.object["related"] as? [[String: Any]])?.isEmpty == true)
            #expect(!related.bodyText.contains("Globex"))
            let listed = try await gateway.listAll(token: mia, cube: board)
            #expect(listed.compactMap { $0["id"] as? String } == [open])
            // Writing to it or naming it as a link target reveals nothing either.
            #expect(try await gateway.send(.PATCH, "/v1/memories/\(secret)", token: mia, json: ["text": "x"]).status == 404)
            #expect(try await gateway.send(.DELETE, "/v1/memories/\(secret)", token: mia).status == 404)
            #expect(
                try await gateway.send(.POST, "/v1/memories/\(secret)/rollback", token: mia, json: ["version": 1]).status == 404)
            // Export is for the data protection officer only.
            #expect(try await gateway.send(.GET, "/v1/subjects/root/export", token: mia).status == 403)
            // And a member may not write above its own clearance.
            let high = try await gateway.send(.POST, "/v1/memories", token: mia, json: ["text": "x", "label": "restricted"])
            #expect(high.status == 403)
            let unknown = try await gateway.send(.POST, "/v1/memories", token: mia, json: ["text": "x", "label": "secret"])
            #expect(unknown.status == 400)

            // The tenant admin (confidential) sees it, labelled.
            let own = try await gateway.send(.GET, "/v1/memories/\(secret)", token: root)
            #expect(own.status == 200)
            #expect(own.memory["label"] as? String == "confidential")
            #expect(own.memory["subject"] as? String == "root")
        }
    }

    @Test func piiAboveTheClearanceIsRedactedAndRaisesTheLabel() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let dpo = try await gateway.createUser(tenant: "acme", username: "dora", roles: ["dpo"])
            let card = "4111 1111 1111 1111"
            let added = try await gateway.send(
                .POST, "/v1/memories", token: mia, json: ["text": "my card is \(card) and my mail mia@example.com"])
            #expect(added.status == 201)
            let memory = try #require(added.memories.first)
            let id = try #require(memory["id"] as? String)
            #expect(memory["label"] as? String == "confidential")
            #expect(memory["text"] as? String == "my card is [PAYMENT_CARD] and my mail [EMAIL]")
            #expect(!added.bodyText.contains("4111"))

            let read = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia)
            #expect(read.memory["text"] as? String == "my card is [PAYMENT_CARD] and my mail [EMAIL]")
            let found = try await gateway.search("card mail", token: mia)
            #expect(found.resultTexts == ["my card is [PAYMENT_CARD] and my mail [EMAIL]"])
            #expect(!found.bodyText.contains("4111") && !found.bodyText.contains("example.com"))

            // The DPO (restricted) exports the subject with nothing redacted.
            let export = try await gateway.send(.GET, "/v1/subjects/mia/export", token: dpo)
            #expect(export.status == 200)
            #expect(export.bodyText.contains(card))
            #expect((export.object["memories"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func loweringALabelNeedsThePermissionAndAJustificationAndIsAudited() async throws {
        try await TestGateway.with { gateway in
            let tenantID = try await gateway.createTenantID("acme")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let board = try await gateway.createCube("board", subspace: "tenant", token: root)
            let id = try #require(
                try await gateway.addText("Quarterly numbers look strong", token: root, cube: board, extra: ["label": "confidential"])[
                    "id"] as? String)
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: mia).status == 404)

            let bare = try await gateway.send(.PATCH, "/v1/memories/\(id)", token: root, json: ["label": "internal"])
            #expect(bare.status == 400)
            #expect(bare.detail.contains("justification"))
            let lowered = try await gateway.send(
                .PATCH, "/v1/memories/\(id)", token: root,
                json: ["label": "internal", "justification": "published in the all-hands deck"])
            #expect(lowered.status == 200)
            #expect(lowered.memory["label"] as? String == "internal")
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: mia).status == 200)

            // A member holds no labels.lower, even for its own memories.
            let own = try #require(try await gateway.addText("my notes", token: mia)["id"] as? String)
            let refused = try await gateway.send(
                .PATCH, "/v1/memories/\(own)", token: mia, json: ["label": "public", "justification": "I want to share it"])
            #expect(refused.status == 403)

            let trail = try await gateway.auditExport(tenantID: tenantID).joined(separator: "\n")
            #expect(trail.contains("label_lowered_from"))
            #expect(trail.contains("published in the all-hands deck"))
        }
    }
}
