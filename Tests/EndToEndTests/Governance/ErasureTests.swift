import Crypto
import Foundation
import GRDB
import MemOSGovernance
import Testing

/// Nothing derived from memory text on disk, and erasure that leaves nothing anywhere.
@Suite("Canary scans and subject erasure")
struct ErasureTests {
    @Test func aCanaryIsNowhereOnDiskAndErasureRemovesItEverywhere() async throws {
        let canary = "canary" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let first = try await TestGateway.start()
        try await first.createTenant("acme")
        let mia = try await first.createUser(tenant: "acme", username: "mia", roles: ["member"])
        let dpo = try await first.createUser(tenant: "acme", username: "dora", roles: ["dpo"])
        let id = try #require(
            try await first.addText("Mia's locker code is \(canary) near the gym", token: mia)["id"] as? String)
        _ = try await first.addText("Mia also likes \(canary) pancakes on Sunday", token: mia)
        let keep = try #require(try await first.addText("Dora keeps the archive keys", token: dpo)["id"] as? String)
        #expect(try await first.search(canary, token: mia).resultIDs.count == 2)
        #expect(try first.filesContaining(canary).isEmpty)
        await first.stop()

        // After a restart the index is rebuilt from ciphertext only; the files still hold no canary.
        #expect(try first.filesContaining(canary).isEmpty)
        let gateway = try await TestGateway.start(dataDirectory: first.dataDirectory, adminKey: first.adminKey)
        do {
            #expect(try await gateway.search(canary, token: mia).resultIDs.contains(id))
            #expect(try gateway.filesContaining(canary).isEmpty)

            let erased = try await gateway.send(.POST, "/v1/subjects/mia/erase", token: dpo, json: ["reason": "Art. 17 request"])
            #expect(erased.status == 200, "\(erased)")
            let receiptObject = try #require(erased.object["receipt"] as? [String: Any])
            let receipt = try JSONDecoder().decode(
                ErasureReceipt.self, from: try JSONSerialization.data(withJSONObject: receiptObject))
            #expect(receipt.verify(publicKey: try await gateway.signingKey()))
            #expect(receipt.erased.memories == 2)
            #expect(receipt.erased.versions == 2)
            #expect(receipt.dataKeysDestroyed == 1)
            #expect(receipt.auditCheckpoint != nil)
            #expect(!erased.bodyText.contains("mia\""))
            // A receipt edited after signing no longer verifies.
            let forged = try JSONDecoder().decode(
                ErasureReceipt.self,
                from: try JSONSerialization.data(withJSONObject: receiptObject.merging(["index_entries": 0]) { $1 }))
            #expect(!forged.verify(publicKey: try await gateway.signingKey()))

            // Gone from search, reads, caches and every file; the DPO's own memory stays.
            #expect(try await gateway.search(canary, token: mia).resultIDs.isEmpty)
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: mia).status == 404)
            #expect(try await gateway.send(.GET, "/v1/memories/\(keep)", token: dpo).status == 200)
            let export = try await gateway.send(.GET, "/v1/subjects/mia/export", token: dpo)
            #expect((export.object["memories"] as? [[String: Any]])?.isEmpty == true)
            #expect(try gateway.filesContaining(canary).isEmpty)
            let leftovers = try await gateway.openDatabase().read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM memory_versions WHERE memory_id = ?", arguments: [UUID(uuidString: id)!]) ?? -1,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM memory_usage WHERE memory_id = ?", arguments: [UUID(uuidString: id)!]) ?? -1,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM data_keys WHERE kind = 'subject' AND scope = ?", arguments: [receipt.subjectHash]) ?? -1
                )
            }
            #expect(leftovers == (0, 0, 0))
            await gateway.stop()
        } catch {
            await gateway.stop()
            throw error
        }
        // And after another restart nothing comes back.
        let again = try await TestGateway.start(dataDirectory: first.dataDirectory, adminKey: first.adminKey)
        #expect(try await again.search(canary, token: mia).resultIDs.isEmpty)
        await again.stop()
    }

    @Test func subjectsAreNamedOnlyWithPermissionAndErasureStaysInItsTenant() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let dpo = try await gateway.createUser(tenant: "acme", username: "dora", roles: ["dpo"])
            let otherRoot = try await gateway.createUser(tenant: "globex", username: "gil", roles: ["tenant-admin"])

            let refused = try await gateway.send(
                .POST, "/v1/memories", token: mia, json: ["text": "customer 42 called", "subject": "cust-42"])
            #expect(refused.status == 403)
            let named = try await gateway.addText("customer 42 prefers email", token: root, extra: ["subject": "cust-42"])
            #expect(named["subject"] as? String == "cust-42")
            let elsewhere = try #require(
                try await gateway.addText("customer 42 at globex is a different person", token: otherRoot, extra: ["subject": "cust-42"])[
                    "id"] as? String)

            #expect(try await gateway.send(.POST, "/v1/subjects/cust-42/erase", token: mia).status == 403)
            #expect(try await gateway.send(.POST, "/v1/subjects/cust-42/erase", token: root).status == 403)
            let erased = try await gateway.send(.POST, "/v1/subjects/cust-42/erase", token: dpo)
            #expect(erased.status == 200)
            #expect(((erased.object["receipt"] as? [String: Any])?["erased"] as? [String: Any])?["memories"] as? Int == 1)
            #expect(try await gateway.search("customer 42", token: root).resultIDs.isEmpty)
            // The other tenant's subject of the same name is untouched.
            #expect(try await gateway.send(.GET, "/v1/memories/\(elsewhere)", token: otherRoot).status == 200)
        }
    }
}
