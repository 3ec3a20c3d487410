import Foundation
import GRDB
import MemOSGovernance
import Testing

/// The edges of a MemStore offering's life: role-restricted audiences, selections, redaction
/// for the subscriber's role, withdrawal, subject erasure on the publisher's side and deletion
/// of either tenant.
@Suite("MemStore audiences, selections, withdrawal and erasure")
struct MemStoreLifecycleTests {
    @Test func aRoleRestrictedSelectionShowsOnlyItsMemoriesToItsRolesUntilWithdrawn() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let globexID = try await gateway.createTenantID("globex")
            let ada = try await gateway.createUser(tenant: "acme", username: "ada", roles: ["tenant-admin"])
            let gus = try await gateway.createUser(tenant: "globex", username: "gus", roles: ["tenant-admin"])
            let max = try await gateway.createUser(tenant: "globex", username: "max", roles: ["member", "manager"])
            let tag = UUID().uuidString.prefix(8).lowercased()
            let cube = try await gateway.createCube("recipes", subspace: "tenant", token: ada)
            let first = try await gateway.addTextID("pelican\(tag) recipe one: bake the bread at two hundred degrees", token: ada, cube: cube)
            let second = try await gateway.addTextID("pelican\(tag) recipe two: rest the dough overnight", token: ada, cube: cube)
            let unselected = try await gateway.addTextID("pelican\(tag) recipe three stays in the kitchen", token: ada, cube: cube)

            // Bad requests are named precisely.
            let both = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada,
                json: ["name": "x", "cube": cube, "memory_ids": [first], "audience": ["tenants": ["globex"]]])
            #expect(both.status == 400)
            #expect(both.detail.contains("exactly one of 'cube' or 'memory_ids'"))
            let nobody = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada, json: ["name": "x", "cube": cube, "audience": ["tenants": []]])
            #expect(nobody.status == 400)
            let unknownRole = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada,
                json: ["name": "x", "cube": cube, "audience": ["tenants": ["globex"], "roles": ["wizard"]]])
            #expect(unknownRole.status == 400)
            #expect(unknownRole.detail.contains("wizard"))
            let ownTenant = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada, json: ["name": "x", "cube": cube, "audience": ["tenants": ["acme"]]])
            #expect(ownTenant.status == 400)
            let typo = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada,
                json: ["name": "x", "cube": cube, "audience": ["tenants": ["globex"]], "ceiling": "internal"])
            #expect(typo.status == 400)
            #expect(typo.problemType.contains("unknown-field"))
            let foreignMemory = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: gus,
                json: ["name": "stolen", "memory_ids": [first], "audience": ["tenants": ["acme"]]])
            #expect(foreignMemory.status == 404)

            let offering = try await gateway.publish(
                token: ada, name: "two-recipes", memoryIDs: [first, second], tenants: ["globex"], roles: ["manager"])
            let duplicate = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada,
                json: ["name": "two-recipes", "cube": cube, "audience": ["tenants": ["globex"]]])
            #expect(duplicate.status == 409)
            // The default ceiling is the policy's default label.
            let listed = try await gateway.send(.GET, "/v1/memstore/offerings", token: ada)
            let mine = listed.object["offerings"] as? [[String: Any]] ?? []
            #expect(mine.count == 1)
            #expect(mine.first?["label_ceiling"] as? String == "internal")
            #expect(mine.first?["kind"] as? String == "selection")

            // A role outside the audience neither sees it in the catalog nor reads through it.
            let asMember = try await gateway.send(.GET, "/v1/memstore/catalog", token: max, role: "member")
            #expect((asMember.object["offerings"] as? [[String: Any]] ?? []).isEmpty)
            let asManager = try await gateway.send(.GET, "/v1/memstore/catalog", token: max, role: "manager")
            #expect((asManager.object["offerings"] as? [[String: Any]] ?? []).count == 1)
            let subscription = try await gateway.subscribe(token: gus, offering: offering)
            let refused = try await gateway.searchSubscription(subscription, "recipe", token: max, role: "member")
            #expect(refused.status == 403, "\(refused)")
            #expect(!refused.bodyText.contains("pelican"))
            #expect(try await gateway.listSubscription(subscription, token: max, role: "member").status == 403)
            let memberList = try await gateway.send(.GET, "/v1/memstore/subscriptions", token: max, role: "member")
            #expect((memberList.object["subscriptions"] as? [[String: Any]] ?? []).isEmpty)

            // Only the selected memories, in id order, a page at a time.
            let found = try await gateway.searchSubscription(subscription, "pelican\(tag) recipe", token: max, role: "manager")
            #expect(found.status == 200)
            #expect(Set(found.resultIDs) == [first, second])
            let page = try await gateway.listSubscription(subscription, token: max, role: "manager", limit: 1)
            #expect(page.memoryIDs == [first])
            let cursor = try #require(page.nextCursor)
            let rest = try await gateway.send(
                .GET, "/v1/memstore/subscriptions/\(subscription)/memories?limit=1&cursor=\(cursor)", token: max, role: "manager")
            #expect(rest.memoryIDs == [second])
            #expect(rest.nextCursor == nil)
            #expect(
                try await gateway.send(
                    .GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(unselected)", token: max, role: "manager"
                ).status == 404)
            // Updates of a selected memory show; deleting one removes it from the selection.
            let updated = try await gateway.send(
                .PATCH, "/v1/memories/\(first)", token: ada, json: ["text": "pelican\(tag) recipe one, revised: bake at one-eighty"])
            #expect(updated.status == 200)
            let reread = try await gateway.send(
                .GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(first)", token: max, role: "manager")
            #expect(reread.memory["text"] as? String == "pelican\(tag) recipe one, revised: bake at one-eighty")
            #expect(reread.memory["version"] as? Int == 2)
            #expect(try await gateway.send(.DELETE, "/v1/memories/\(second)", token: ada).status == 204)
            #expect(try await gateway.listSubscription(subscription, token: max, role: "manager").memoryIDs == [first])

            // Withdrawal: every read and the subscription itself are gone at once.
            #expect(try await gateway.send(.DELETE, "/v1/memstore/offerings/\(offering)", token: max, role: "manager").status == 403)
            #expect(try await gateway.send(.DELETE, "/v1/memstore/offerings/\(offering)", token: ada).status == 204)
            #expect(try await gateway.searchSubscription(subscription, "recipe", token: max, role: "manager").status == 404)
            #expect(
                try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(first)", token: max, role: "manager")
                    .status == 404)
            let left = try await gateway.send(.GET, "/v1/memstore/subscriptions", token: gus)
            #expect((left.object["subscriptions"] as? [[String: Any]] ?? []).isEmpty)
            #expect(try await gateway.send(.DELETE, "/v1/memstore/offerings/\(offering)", token: ada).status == 404)
            let trail = try await gateway.auditExport(tenantID: globexID)
            #expect(trail.contains { $0.contains("\"action\":\"memstore.withdraw\"") && $0.contains(subscription) })
        }
    }

    @Test func aSubscriberBelowTheCeilingGetsPIIRedactedForItsRole() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let ada = try await gateway.createUser(tenant: "acme", username: "ada", roles: ["tenant-admin"])
            let gus = try await gateway.createUser(tenant: "globex", username: "gus", roles: ["tenant-admin"])
            let gia = try await gateway.createUser(tenant: "globex", username: "gia", roles: ["member"])
            let cube = try await gateway.createCube("contacts", subspace: "tenant", token: ada)
            let email = "lena.vogel\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let contact = try await gateway.addText("supplier contact for the heron project is \(email)", token: ada, cube: cube)
            let id = try #require(contact["id"] as? String)
            let label = try #require(contact["label"] as? String)
            #expect(label == "confidential", "an e-mail address raises the label under the shipped PII policy")
            let offering = try await gateway.publish(token: ada, name: "contacts", cube: cube, ceiling: "confidential", tenants: ["globex"])
            let subscription = try await gateway.subscribe(token: gus, offering: offering)

            // The admin (clearance confidential) sees the address; the member (internal) gets it redacted.
            let asAdmin = try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(id)", token: gus)
            #expect(asAdmin.status == 200)
            #expect((asAdmin.memory["text"] as? String)?.contains(email) == true)
            let asMember = try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(id)", token: gia)
            #expect(asMember.status == 200, "\(asMember)")
            let redacted = try #require(asMember.memory["text"] as? String)
            #expect(redacted.contains("heron project"))
            #expect(!WatermarkCodec.strip(asMember.bodyText).contains(email))
        }
    }

    @Test func erasingASubjectAtThePublisherRemovesItFromEverySubscription() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let ada = try await gateway.createUser(tenant: "acme", username: "ada", roles: ["tenant-admin"])
            let dpo = try await gateway.createUser(tenant: "acme", username: "dora", roles: ["dpo"])
            let gus = try await gateway.createUser(tenant: "globex", username: "gus", roles: ["tenant-admin"])
            let tag = UUID().uuidString.prefix(8).lowercased()
            let cube = try await gateway.createCube("accounts", subspace: "tenant", token: ada)
            let erasedID = try #require(
                try await gateway.addText("ibis\(tag) customer prefers invoices by post", token: ada, cube: cube, extra: ["subject": "cust-7"])[
                    "id"] as? String)
            let keptID = try await gateway.addTextID("ibis\(tag) general invoicing runs monthly", token: ada, cube: cube)
            let whole = try await gateway.publish(token: ada, name: "accounts", cube: cube, tenants: ["globex"])
            let picked = try await gateway.publish(token: ada, name: "picked", memoryIDs: [erasedID, keptID], tenants: ["globex"])
            let wholeSubscription = try await gateway.subscribe(token: gus, offering: whole)
            let pickedSubscription = try await gateway.subscribe(token: gus, offering: picked)
            for subscription in [wholeSubscription, pickedSubscription] {
                let before = try await gateway.searchSubscription(subscription, "ibis\(tag) invoices", token: gus)
                #expect(Set(before.resultIDs) == [erasedID, keptID])
            }

            let erased = try await gateway.send(.POST, "/v1/subjects/cust-7/erase", token: dpo)
            #expect(erased.status == 200, "\(erased)")

            for subscription in [wholeSubscription, pickedSubscription] {
                let search = try await gateway.searchSubscription(subscription, "ibis\(tag) invoices customer post", token: gus)
                #expect(search.resultIDs == [keptID])
                #expect(!search.bodyText.contains("prefers invoices by post"))
                #expect(try await gateway.listSubscription(subscription, token: gus).memoryIDs == [keptID])
                #expect(
                    try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(erasedID)", token: gus).status
                        == 404)
            }
            // The selection row went with the memory.
            let rows = try await gateway.openDatabase().read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM memstore_selections WHERE memory_id = ?", arguments: [UUID(uuidString: erasedID)])
            }
            #expect(rows == 0)
        }
    }

    @Test func deletingEitherTenantRemovesItsOfferingsAndSubscriptions() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            try await gateway.createTenant("initech")
            let ada = try await gateway.createUser(tenant: "acme", username: "ada", roles: ["tenant-admin"])
            let gus = try await gateway.createUser(tenant: "globex", username: "gus", roles: ["tenant-admin"])
            let ian = try await gateway.createUser(tenant: "initech", username: "ian", roles: ["tenant-admin"])
            let cube = try await gateway.createCube("shared", subspace: "tenant", token: ada)
            let memory = try await gateway.addTextID("kestrel shared notes", token: ada, cube: cube)
            let offering = try await gateway.publish(token: ada, name: "shared", cube: cube, tenants: ["globex", "initech"])
            let selection = try await gateway.publish(token: ada, name: "one", memoryIDs: [memory], tenants: ["globex"])
            _ = try await gateway.subscribe(token: gus, offering: offering)
            _ = try await gateway.subscribe(token: gus, offering: selection)
            let initechSubscription = try await gateway.subscribe(token: ian, offering: offering)
            func count(_ table: String) throws -> Int {
                try gateway.openDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
            }
            #expect(try count("memstore_subscriptions") == 3)
            #expect(try count("memstore_audience") == 3)

            // The subscriber goes: its subscriptions and audience places go with it.
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/globex", token: gateway.adminKey).status == 200)
            #expect(try count("memstore_subscriptions") == 1)
            #expect(try count("memstore_audience") == 1)
            #expect(try await gateway.searchSubscription(initechSubscription, "kestrel", token: ian).resultIDs == [memory])

            // The publisher goes: everything of its offerings goes.
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: gateway.adminKey).status == 200)
            for table in ["memstore_offerings", "memstore_audience", "memstore_selections", "memstore_subscriptions"] {
                #expect(try count(table) == 0, "\(table)")
            }
            #expect(try await gateway.searchSubscription(initechSubscription, "kestrel", token: ian).status == 404)
        }
    }
}
