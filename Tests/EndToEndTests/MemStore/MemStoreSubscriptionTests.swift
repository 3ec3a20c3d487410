import Foundation
import MemOSGovernance
import Testing

/// A MemStore subscription across tenants, end to end: acme publishes a cube with a label
/// ceiling, globex subscribes and reads live, and every attempt to reach past the offering
/// (above the ceiling, another cube, writes, another tenant, after revocation) fails.
@Suite("MemStore subscriptions across tenants")
struct MemStoreSubscriptionTests {
    @Test func theCeilingHoldsUpdatesShowAndBothTenantsAuditEveryRead() async throws {
        try await TestGateway.with { gateway in
            let acmeID = try await gateway.createTenantID("acme")
            let globexID = try await gateway.createTenantID("globex")
            try await gateway.createTenant("initech")
            let ada = try await gateway.createUser(tenant: "acme", username: "ada", roles: ["tenant-admin"])
            let gus = try await gateway.createUser(tenant: "globex", username: "gus", roles: ["tenant-admin"])
            let gia = try await gateway.createUser(tenant: "globex", username: "gia", roles: ["member"])
            let ian = try await gateway.createUser(tenant: "initech", username: "ian", roles: ["tenant-admin"])
            let tag = UUID().uuidString.prefix(8).lowercased()
            let internalText = "quokka\(tag) onboarding checklist: badge, laptop and the safety briefing on day one"
            let secretText = "falcon\(tag) merger checklist: the board approves the acquisition price next week"
            let otherCubeText = "otter\(tag) checklist from a cube that was never published"

            let playbook = try await gateway.createCube("playbook", subspace: "tenant", token: ada)
            let privateCube = try await gateway.createCube("private", subspace: "tenant", token: ada)
            let internalID = try await gateway.addTextID(internalText, token: ada, cube: playbook)
            let secretID = try #require(
                try await gateway.addText(secretText, token: ada, cube: playbook, extra: ["label": "confidential"])["id"] as? String)
            let otherCubeID = try await gateway.addTextID(otherCubeText, token: ada, cube: privateCube)

            // A ceiling above the publisher's clearance is refused; so is publishing without permission.
            let tooHigh = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: ada,
                json: ["name": "too-high", "cube": playbook, "label_ceiling": "restricted", "audience": ["tenants": ["globex"]]])
            #expect(tooHigh.status == 403, "\(tooHigh)")
            #expect(tooHigh.detail.contains("clearance"))
            let noPermission = try await gateway.send(
                .POST, "/v1/memstore/offerings", token: gia,
                json: ["name": "x", "cube": "default", "audience": ["tenants": ["acme"]]])
            #expect(noPermission.status == 403)

            let offering = try await gateway.publish(
                token: ada, name: "acme-playbook", cube: playbook, ceiling: "internal", tenants: ["globex"])

            // globex's member sees the offering in the catalog but may not subscribe; the admin may.
            let catalog = try await gateway.send(.GET, "/v1/memstore/catalog", token: gia)
            #expect(catalog.status == 200)
            let entries = catalog.object["offerings"] as? [[String: Any]] ?? []
            #expect(entries.map { $0["id"] as? String } == [offering])
            #expect(entries.first?["publisher"] as? String == "acme")
            #expect(entries.first?["label_ceiling"] as? String == "internal")
            #expect(try await gateway.send(.POST, "/v1/memstore/subscriptions", token: gia, json: ["offering_id": offering]).status == 403)
            let subscription = try await gateway.subscribe(token: gus, offering: offering)
            let again = try await gateway.send(.POST, "/v1/memstore/subscriptions", token: gus, json: ["offering_id": offering])
            #expect(again.status == 409)

            let received = ReceivedBodies()
            // Search finds the internal memory, never the confidential one, even asked by its own words.
            let found = received.record(try await gateway.searchSubscription(subscription, "checklist", token: gia))
            #expect(found.status == 200, "\(found)")
            #expect(found.resultTexts == [internalText])
            let provenance = (found.results.first?["memory"] as? [String: Any])?["provenance"] as? [String: Any]
            #expect(provenance?["publisher"] as? String == "acme")
            #expect(provenance?["offering"] as? String == offering)
            #expect(provenance?["memory"] as? String == internalID)
            #expect(provenance?["label"] as? String == "internal")
            let aimed = received.record(try await gateway.searchSubscription(subscription, "falcon\(tag) merger acquisition", token: gia))
            #expect(aimed.status == 200)
            #expect(!aimed.resultIDs.contains(secretID))
            // The ceiling, not only the reader's clearance, holds: globex's admin is cleared for
            // confidential and still never gets the confidential memory.
            let asAdmin = received.record(try await gateway.searchSubscription(subscription, "falcon\(tag) merger checklist", token: gus))
            #expect(asAdmin.status == 200)
            #expect(asAdmin.resultIDs == [internalID])
            #expect(received.record(try await gateway.listSubscription(subscription, token: gus)).memoryIDs == [internalID])
            #expect(
                received.record(try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(secretID)", token: gus))
                    .status == 404)
            let listed = received.record(try await gateway.listSubscription(subscription, token: gia))
            #expect(listed.status == 200)
            #expect(listed.memoryIDs == [internalID])
            let direct = received.record(try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(secretID)", token: gia))
            #expect(direct.status == 404)
            // Another cube of the publisher is out of reach, through the subscription and directly.
            let otherCube = received.record(
                try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(otherCubeID)", token: gia))
            #expect(otherCube.status == 404)
            #expect(received.record(try await gateway.searchSubscription(subscription, "otter\(tag)", token: gia)).resultIDs.isEmpty)
            // No writes: the publisher's memories are not reachable through the tenant's own API.
            for token in [gia, gus] {
                #expect(try await gateway.send(.GET, "/v1/memories/\(internalID)", token: token).status == 404)
                #expect(
                    try await gateway.send(.PATCH, "/v1/memories/\(internalID)", token: token, json: ["text": "defaced"]).status == 404)
                #expect(try await gateway.send(.DELETE, "/v1/memories/\(internalID)", token: token).status == 404)
            }
            #expect(try await gateway.send(.GET, "/v1/memories/\(internalID)", token: ada).memory["text"] as? String == internalText)

            // Live: a memory added to the cube shows at once.
            let addedText = "quokka\(tag) addendum: the checklist now includes a fire drill"
            let addedID = try await gateway.addTextID(addedText, token: ada, cube: playbook)
            let afterAdd = received.record(try await gateway.searchSubscription(subscription, "checklist", token: gia))
            #expect(Set(afterAdd.resultIDs) == [internalID, addedID])

            // A watermark in the subscriber's excerpt names the subscriber, not the publisher.
            let read = received.record(try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(addedID)", token: gia))
            #expect(read.status == 200)
            let marked = try #require((read.markedObject["memory"] as? [String: Any])?["text"] as? String)
            #expect(marked != addedText)
            #expect(WatermarkCodec.strip(marked) == addedText)
            let traced = try await gateway.send(.POST, "/admin/v1/watermark/trace", token: gateway.adminKey, json: ["text": marked])
            #expect(traced.status == 200, "\(traced)")
            #expect(traced.object["tenant"] as? String == "globex")
            #expect(traced.object["user"] as? String == "gia")
            #expect(traced.object["request_id"] as? String == read.requestID)
            // With the marks stripped, the fingerprint finds the publisher's memory and the
            // publisher's chain names the subscriber who received it.
            let stripped = try await gateway.send(
                .POST, "/admin/v1/watermark/trace", token: gateway.adminKey, json: ["text": WatermarkCodec.strip(marked)])
            #expect(stripped.status == 200, "\(stripped)")
            let recipients = stripped.object["recipients"] as? [[String: Any]] ?? []
            #expect(
                recipients.contains {
                    $0["tenant"] as? String == "globex" && $0["user"] as? String == "gia" && $0["request_id"] as? String == read.requestID
                }, "\(recipients)")

            // A label raised above the ceiling: the memory disappears from every read.
            let raised = try await gateway.send(.PATCH, "/v1/memories/\(internalID)", token: ada, json: ["label": "confidential"])
            #expect(raised.status == 200, "\(raised)")
            let afterRaise = received.record(try await gateway.searchSubscription(subscription, "checklist", token: gia))
            #expect(afterRaise.resultIDs == [addedID])
            #expect(received.record(try await gateway.searchSubscription(subscription, "checklist", token: gus)).resultIDs == [addedID])
            #expect(received.record(try await gateway.listSubscription(subscription, token: gia)).memoryIDs == [addedID])
            #expect(
                received.record(try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(internalID)", token: gia))
                    .status == 404)

            // Not one body the subscriber received carried the confidential or unpublished text.
            #expect(received.count >= 10)
            #expect(!received.contain("falcon\(tag)"))
            #expect(!received.contain("otter\(tag)"))
            #expect(received.contain("quokka\(tag)"))

            // Both chains hold every cross-tenant read, naming the offering and the memories.
            let acmeTrail = try await gateway.auditExport(tenantID: acmeID)
            let globexTrail = try await gateway.auditExport(tenantID: globexID)
            let publisherReads = acmeTrail.filter {
                $0.contains("\"actor_kind\":\"memstore-subscriber\"") && $0.contains("\"action\":\"memstore.search\"")
            }
            #expect(publisherReads.count == 7)
            #expect(publisherReads.allSatisfy { $0.contains(offering) && $0.contains(subscription) && $0.contains(globexID) })
            #expect(publisherReads.contains { $0.contains(addedID) })
            let subscriberReads = globexTrail.filter { $0.contains("\"action\":\"memstore.search\"") && $0.contains("\"outcome\":\"success\"") }
            #expect(subscriberReads.count == 7)
            #expect(subscriberReads.allSatisfy { $0.contains(offering) && $0.contains("\"actor_kind\":\"user\"") })
            #expect(globexTrail.contains { $0.contains("\"action\":\"memstore.read\"") && $0.contains(addedID) })
            #expect(acmeTrail.contains { $0.contains("\"action\":\"memstore.read\"") && $0.contains(addedID) && $0.contains("memstore-subscriber") })
            #expect(acmeTrail.contains { $0.contains("\"action\":\"memstore.subscribe\"") && $0.contains(subscription) })
            // Never memory text in either trail.
            #expect(!(acmeTrail + globexTrail).contains { $0.contains("quokka\(tag)") || $0.contains("falcon\(tag)") })
            let key = try await gateway.signingKey()
            #expect(AuditVerifier.verify(lines: acmeTrail, publicKey: key).isValid)
            #expect(AuditVerifier.verify(lines: globexTrail, publicKey: key).isValid)

            // A tenant outside the audience learns nothing: the offering answers like a missing one.
            let initechCatalog = try await gateway.send(.GET, "/v1/memstore/catalog", token: ian)
            #expect(initechCatalog.status == 200)
            #expect((initechCatalog.object["offerings"] as? [[String: Any]] ?? []).isEmpty)
            let outsider = try await gateway.send(.POST, "/v1/memstore/subscriptions", token: ian, json: ["offering_id": offering])
            let missing = UUID().uuidString.lowercased()
            let nothing = try await gateway.send(.POST, "/v1/memstore/subscriptions", token: ian, json: ["offering_id": missing])
            #expect(outsider.status == 404)
            #expect(nothing.status == 404)
            #expect(outsider.detail.replacingOccurrences(of: offering, with: missing) == nothing.detail)
            // And another tenant's subscription id is not theirs to use.
            #expect(try await gateway.searchSubscription(subscription, "checklist", token: ian).status == 404)
            // The publisher's view names its subscriber.
            let mine = try await gateway.send(.GET, "/v1/memstore/offerings/\(offering)", token: ada)
            let subscribers = (mine.object["offering"] as? [String: Any])?["subscribers"] as? [[String: Any]] ?? []
            #expect(subscribers.map { $0["tenant"] as? String } == ["globex"])
            #expect(try await gateway.send(.GET, "/v1/memstore/offerings/\(offering)", token: gus).status == 404)
            #expect(try await gateway.send(.GET, "/v1/memstore/offerings/\(offering)", token: ian).status == 404)
            #expect(try await gateway.send(.GET, "/v1/memstore/offerings/\(offering)", token: gia).status == 403)

            // Revocation: every read fails at once, and globex cannot subscribe again.
            let revoked = try await gateway.send(.POST, "/v1/memstore/offerings/\(offering)/revoke", token: ada, json: ["tenant": "globex"])
            #expect(revoked.status == 200, "\(revoked)")
            #expect(try await gateway.searchSubscription(subscription, "checklist", token: gia).status == 404)
            #expect(try await gateway.listSubscription(subscription, token: gia).status == 404)
            #expect(
                try await gateway.send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories/\(addedID)", token: gia).status == 404)
            #expect(try await gateway.send(.POST, "/v1/memstore/subscriptions", token: gus, json: ["offering_id": offering]).status == 404)
            #expect((try await gateway.send(.GET, "/v1/memstore/catalog", token: gus).object["offerings"] as? [[String: Any]] ?? []).isEmpty)
            let globexAfter = try await gateway.auditExport(tenantID: globexID)
            #expect(globexAfter.contains { $0.contains("\"action\":\"memstore.revoke\"") && $0.contains("memstore-publisher") })
        }
    }
}
