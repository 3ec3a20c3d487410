import Foundation
import GRDB
import MemOSGovernance
import Testing

/// An attacker with the database file: relabelling rows, moving ciphertexts, and making the
/// audit trail unwritable. None of it turns into data served to a caller.
@Suite("Tampering with the database")
struct TamperTests {
    @Test func anEditedLabelOrAMovedCiphertextIsAnIntegrityErrorNeverData() async throws {
        let first = try await TestGateway.start()
        try await first.createTenant("acme")
        let mia = try await first.createUser(tenant: "acme", username: "mia", roles: ["member"])
        let relabelled = try #require(try await first.addText("alpha lighthouse keeper", token: mia)["id"] as? String)
        let source = try #require(try await first.addText("beta harbour salary figures", token: mia)["id"] as? String)
        let target = try #require(try await first.addText("gamma canteen menu", token: mia)["id"] as? String)
        await first.stop()

        let database = try first.openDatabase()
        try await database.write { db in
            // Lower a label directly: the row would now be readable by guests, if it opened.
            try db.execute(sql: "UPDATE memories SET label = 'public', access_label = 'public' WHERE id = ?", arguments: [UUID(uuidString: relabelled)!])
            // Copy one memory's ciphertext over another's.
            try db.execute(
                sql: "UPDATE memories SET payload = (SELECT payload FROM memories WHERE id = ?) WHERE id = ?",
                arguments: [UUID(uuidString: source)!, UUID(uuidString: target)!])
        }

        let gateway = try await TestGateway.start(dataDirectory: first.dataDirectory, adminKey: first.adminKey)
        do {
            for id in [relabelled, target] {
                let result = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia)
                #expect(result.status == 500, "\(id): \(result)")
                #expect(result.problemType.hasSuffix("integrity-error"))
                #expect(!result.bodyText.contains("salary") && !result.bodyText.contains("lighthouse"))
            }
            // Search skips the broken rows and keeps serving the intact one.
            let found = try await gateway.search("salary lighthouse canteen harbour", token: mia)
            #expect(found.resultIDs == [source])
            // And the failures are in the audit trail.
            let tenant = try #require(
                (try await gateway.send(.GET, "/admin/v1/tenants", token: gateway.adminKey).object["tenants"] as? [[String: Any]])?
                    .first?["id"] as? String)
            let trail = try await gateway.auditExport(tenantID: tenant).joined(separator: "\n")
            #expect(trail.components(separatedBy: "integrity.failure").count - 1 >= 2)
            await gateway.stop()
        } catch {
            await gateway.stop()
            throw error
        }
    }

    @Test func anUnwritableAuditTrailFailsEveryOperationClosed() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let id = try #require(try await gateway.addText("the only memory", token: mia)["id"] as? String)
            let database = try gateway.openDatabase()
            try await database.write { db in
                try db.execute(
                    sql: "CREATE TRIGGER audit_block BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'disk full'); END")
            }

            let add = try await gateway.send(.POST, "/v1/memories", token: mia, json: ["text": "must not be stored"])
            #expect(add.status == 503, "\(add)")
            let patch = try await gateway.send(.PATCH, "/v1/memories/\(id)", token: mia, json: ["text": "changed"])
            #expect(patch.status == 503)
            let delete = try await gateway.send(.DELETE, "/v1/memories/\(id)", token: mia)
            #expect(delete.status == 503)
            let get = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia)
            #expect(get.status == 503)
            #expect(!get.bodyText.contains("the only memory"))
            let search = try await gateway.send(.POST, "/v1/memories/search", token: mia, json: ["query": "memory"])
            #expect(search.status == 503)
            #expect(try await gateway.send(.POST, "/v1/cubes", token: mia, json: ["name": "notes"]).status == 503)

            try await database.write { db in try db.execute(sql: "DROP TRIGGER audit_block") }
            let all = try await gateway.listAll(token: mia)
            #expect(all.count == 1)
            #expect(all.first?["text"] as? String == "the only memory")
            #expect(all.first?["version"] as? Int == 1)
            #expect(try await gateway.send(.GET, "/v1/cubes", token: mia).object["cubes"].map { ($0 as? [Any])?.count } == 1)
        }
    }

    @Test func startupIsRefusedWithAMissingOrEmptyMasterKey() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        _ = try await DataDirectory.initialize(at: directory)
        await #expect(throws: (any Error).self) {
            _ = try await Governance.open(
                dataDirectory: DataDirectory(url: directory), policyDirectory: TestGateway.policyDirectory,
                environment: ["MEMOS_MASTER_KEY": ""])
        }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("master.key"))
        await #expect(throws: (any Error).self) {
            _ = try await Governance.open(
                dataDirectory: DataDirectory(url: directory), policyDirectory: TestGateway.policyDirectory, environment: [:])
        }
        // A different key is refused too: it cannot unwrap the stored data keys.
        _ = try MasterKey.generate(at: directory.appendingPathComponent("master.key"))
        await #expect(throws: (any Error).self) {
            _ = try await Governance.open(
                dataDirectory: DataDirectory(url: directory), policyDirectory: TestGateway.policyDirectory, environment: [:])
        }
    }
}
