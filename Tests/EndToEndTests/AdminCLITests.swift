import Foundation
import Synchronization
import Testing

/// The built `memos-admin` binary driving a running gateway through a compliance officer's day:
/// tenants, users and keys; the audit trail exported, verified and tampered with; a leak traced;
/// a subject erased with a verifiable receipt; a backup restored and served by a second gateway.
@Suite(.serialized) struct AdminCLITests {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Runs the built binary off the cooperative pool (the in-process gateway needs it meanwhile).
    static func admin(
        _ arguments: [String], server: String? = nil, token: String? = nil, input: String? = nil,
        environment: [String: String] = [:], directory: URL? = nil
    ) async throws -> Output {
        var variables = environment
        if let server { variables["MEMOS_SERVER"] = server }
        if let token { variables["MEMOS_TOKEN"] = token }
        let result = try await ChildProcess.run(
            ExecutableTests.binaries.appendingPathComponent("memos-admin"), arguments: arguments,
            environment: ChildProcess.inheritedEnvironment(variables), directory: directory,
            input: Data((input ?? "").utf8))
        return Output(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    @Test func aComplianceDay() async throws {
        let work = TestGateway.makeTemporaryDirectory()
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        func file(_ name: String) -> String { work.appendingPathComponent(name).path }

        let gateway = try await TestGateway.start()
        do {
            try await complianceDay(gateway, work: work, file: file)
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    func complianceDay(_ gateway: TestGateway, work: URL, file: (String) -> String) async throws {
        let server = gateway.baseURL
        let operatorKey = gateway.adminKey
        func run(_ arguments: [String], token: String? = nil, input: String? = nil) async throws -> Output {
            try await Self.admin(arguments, server: server, token: token ?? operatorKey, input: input, directory: work)
        }

        // Status: version, readiness, policy hash.
        let status = try await run(["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let policyHash = try #require(status.json["policy_hash"] as? String)
        #expect(status.json["ready"] as? Bool == true)
        #expect(status.json["version"] is String)
        let statusText = try await run(["status"])
        #expect(statusText.stdout.contains("ready") && statusText.stdout.contains(policyHash))

        // Tenants.
        let created = try await run(["--json", "tenant", "create", "acme"])
        #expect(created.status == 0, "\(created.stderr)")
        let acmeID = try #require((created.json["tenant"] as? [String: Any])?["id"] as? String)
        #expect(try await run(["tenant", "create", "globex", "--quiet"]).status == 0)
        let tenants = try await run(["tenant", "list"])
        #expect(tenants.stdout.hasPrefix("NAME"))
        #expect(tenants.stdout.contains("acme") && tenants.stdout.contains(acmeID))
        let shown = try await run(["tenant", "show", "acme", "--json"])
        #expect((shown.json["tenant"] as? [String: Any])?["id"] as? String == acmeID, "\(shown.stderr)")
        let missing = try await run(["tenant", "show", "nope"])
        #expect(missing.status == 1 && missing.stderr.contains("404"))

        // Users: a member, a second member, a DPO and a tenant admin.
        func createUser(_ name: String, _ role: String, tenant: String = "acme") async throws -> String {
            let result = try await run(["user", "create", "--tenant", tenant, name, "--role", role, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(result.json["api_key"] as? String)
        }
        let alice = try await createUser("alice", "member")
        let carol = try await createUser("carol", "member")
        let dpo = try await createUser("dana", "dpo")
        let gus = try await createUser("gus", "member", tenant: "globex")
        let users = try await run(["user", "list", "--tenant", "acme"])
        #expect(users.stdout.contains("alice") && users.stdout.contains("dana") && users.stdout.contains("dpo"))

        #expect(try await run(["user", "grant", "--tenant", "acme", "alice", "manager"]).status == 0)
        let granted = try await run(["user", "show", "--tenant", "acme", "alice", "--json"])
        #expect(Set((granted.json["user"] as? [String: Any])?["roles"] as? [String] ?? []) == ["manager", "member"])
        #expect(try await run(["user", "revoke", "--tenant", "acme", "alice", "manager"]).status == 0)
        let revoked = try await run(["user", "show", "--tenant", "acme", "alice", "--json"])
        #expect((revoked.json["user"] as? [String: Any])?["roles"] as? [String] == ["member"])

        #expect(try await run(["user", "disable", "--tenant", "acme", "carol"]).status == 0)
        #expect(try await gateway.send(.GET, "/v1/me", token: carol).status == 401)
        #expect(try await run(["user", "enable", "--tenant", "acme", "carol"]).status == 0)
        #expect(try await gateway.send(.GET, "/v1/me", token: carol).status == 200)

        let reset = try await run(
            ["user", "reset-password", "--tenant", "acme", "carol", "--password-stdin"], input: "correct horse battery staple\n")
        #expect(reset.status == 0, "\(reset.stderr)")
        let login = try await gateway.send(
            .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "carol", "password": "correct horse battery staple"])
        #expect(login.status == 200, "\(login)")

        // Keys: created with scopes and expiry, listed, revoked.
        let key = try await run([
            "key", "create", "--tenant", "acme", "alice", "--name", "laptop", "--expires-in", "1d", "--scope", "member", "--json",
        ])
        #expect(key.status == 0, "\(key.stderr)")
        let laptopKey = try #require(key.json["api_key"] as? String)
        let laptopID = try #require((key.json["key"] as? [String: Any])?["id"] as? String)
        #expect(try await gateway.send(.GET, "/v1/me", token: laptopKey).status == 200)
        let keys = try await run(["key", "list", "--tenant", "acme", "alice"])
        #expect(keys.stdout.contains("laptop") && keys.stdout.contains(laptopID))
        #expect(!keys.stdout.contains(laptopKey))
        #expect(try await run(["key", "revoke", laptopID]).status == 0)
        #expect(try await gateway.send(.GET, "/v1/me", token: laptopKey).status == 401)

        // Suspending a tenant locks its users out until it resumes.
        #expect(try await run(["tenant", "suspend", "globex"]).status == 0)
        #expect(try await gateway.send(.GET, "/v1/me", token: gus).status != 200)
        #expect(try await run(["tenant", "resume", "globex"]).status == 0)
        #expect(try await gateway.send(.GET, "/v1/me", token: gus).status == 200)

        // Roles and policy.
        let roles = try await run(["role", "list", "--json"])
        let roleNames = (roles.json["roles"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(roleNames.contains("dpo") && roleNames.contains("member"), "\(roles.stderr)")
        let policy = try await run(["policy", "show", "--json"])
        #expect(policy.json["hash"] as? String == policyHash, "\(policy.stderr)")
        let rolesFile = try await run(["policy", "show", "--file", "roles.yaml"])
        #expect(rolesFile.stdout.contains("name: dpo"))
        let validated = try await run(["policy", "validate", TestGateway.policyDirectory.path, "--json"])
        #expect(validated.status == 0 && validated.json["hash"] as? String == policyHash, "\(validated.stderr)")
        let sameApplied = try await run(["policy", "apply", TestGateway.policyDirectory.path])
        #expect(sameApplied.status == 0, "\(sameApplied.stderr)")
        // A changed policy is validated, applied without a restart, and audited.
        let changed = work.appendingPathComponent("policies")
        try FileManager.default.copyItem(at: TestGateway.policyDirectory, to: changed)
        let rolesURL = changed.appendingPathComponent("roles.yaml")
        let rolesText = try String(contentsOf: rolesURL, encoding: .utf8)
        try (rolesText + "\n# reviewed 2026-11-23\n").write(to: rolesURL, atomically: true, encoding: .utf8)
        let apply = try await run(["policy", "apply", changed.path, "--json"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let newHash = try #require(apply.json["hash"] as? String)
        #expect(newHash != policyHash && apply.json["previous_hash"] as? String == policyHash)
        let ready = try await gateway.send(.GET, "/readyz")
        #expect(ready.object["policy_hash"] as? String == newHash)
        try rolesText.replacingOccurrences(of: "access: [read]", with: "access: [raed]")
            .write(to: rolesURL, atomically: true, encoding: .utf8)
        let invalid = try await run(["policy", "validate", changed.path])
        #expect(invalid.status == 1 && invalid.stderr.contains("roles.yaml:"), "\(invalid.stderr)")

        // Memories written over HTTP; one long enough to carry a watermark.
        let leakedText = """
            The northern warehouse inventory audit found that pallet racks in aisle seven were overloaded \
            by roughly forty percent, and the safety officer recommended moving the heaviest spare parts to \
            the ground level before the winter shipments arrive next month.
            """
        let aliceMemory = try #require(try await gateway.addText(leakedText, token: alice)["id"] as? String)
        try await gateway.addText("Alice prefers green tea in the morning", token: alice)
        let carolMemory = try #require(try await gateway.addText("Carol runs the Thursday reading group", token: carol)["id"] as? String)

        // The audit trail: exported as JSONL, verified against the published key.
        let publicKey = try await run(["audit", "public-key", "--out", file("audit-key.json")])
        #expect(publicKey.status == 0, "\(publicKey.stderr)")
        let export = try await run(["audit", "export", "--tenant", "acme", "--out", file("acme.jsonl"), "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect((export.json["records"] as? Int ?? 0) >= 5)
        let verified = try await run(["audit", "verify", file("acme.jsonl"), "--public-key", file("audit-key.json")])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.hasPrefix("OK"))
        let verifiedJSON = try await run(["audit", "verify", file("acme.jsonl"), "--json"])
        #expect(verifiedJSON.json["valid"] as? Bool == true && verifiedJSON.json["authenticated"] as? Bool == false)

        // One byte flipped in a record: exit 65, naming the line.
        var lines = try String(contentsOfFile: file("acme.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        let recordLines = lines.indices.filter { lines[$0].contains("\"type\":\"record\"") }
        let victim = recordLines[recordLines.count / 2]
        var bytes = Array(lines[victim].utf8)
        let position = try #require(bytes.firstIndex(of: UInt8(ascii: "2")))
        bytes[position] = UInt8(ascii: "3")
        lines[victim] = String(decoding: bytes, as: UTF8.self)
        try (lines.joined(separator: "\n") + "\n").write(toFile: file("tampered.jsonl"), atomically: true, encoding: .utf8)
        let tampered = try await run(["audit", "verify", file("tampered.jsonl"), "--public-key", file("audit-key.json")])
        #expect(tampered.status == 65, "\(tampered.stdout) \(tampered.stderr)")
        #expect(tampered.stderr.contains("line \(victim + 1)"), "\(tampered.stderr)")
        let tamperedJSON = try await run(["audit", "verify", file("tampered.jsonl"), "--json"])
        #expect(tamperedJSON.status == 65)
        #expect((tamperedJSON.json["failure"] as? [String: Any])?["line"] as? Int == victim + 1)

        // CSV and OCSF renderings of the same window.
        #expect(try await run(["audit", "export", "--tenant", acmeID, "--format", "csv", "--out", file("acme.csv")]).status == 0)
        let csv = try String(contentsOfFile: file("acme.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "seq,time,tenant,actor,actor_kind,role,action,resources,outcome,status,request_id,policy_hash,hash")
        #expect(csv.count == recordLines.count + 1)
        let ocsf = try await run(["audit", "export", "--tenant", "acme", "--format", "ocsf", "--quiet"])
        #expect(ocsf.status == 0 && ocsf.stderr.isEmpty, "\(ocsf.stderr)")
        let events = ocsf.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(events.count == recordLines.count)
        #expect(events.contains { $0["class_uid"] as? Int == 6005 && $0["activity_name"] as? String == "Create" })
        #expect(events.allSatisfy { ($0["metadata"] as? [String: Any])?["version"] as? String == "1.3.0" })

        // tail: the latest records, as exported.
        let tail = try await run(["audit", "tail", "--tenant", "acme", "-n", "3", "--json"])
        #expect(tail.status == 0, "\(tail.stderr)")
        let tailLines = tail.stdout.split(separator: "\n")
        #expect(tailLines.count == 3)
        #expect(tailLines.allSatisfy { $0.hasPrefix("{") && $0.contains("\"type\":\"record\"") })

        // A leaked excerpt names its recipient.
        let read = try await gateway.send(.GET, "/v1/memories/\(aliceMemory)", token: alice)
        let marked = try #require((read.markedObject["memory"] as? [String: Any])?["text"] as? String)
        let excerpt = String(Array(marked)[40..<160])
        try excerpt.write(toFile: file("leak.txt"), atomically: true, encoding: .utf8)
        let trace = try await run(["watermark", "trace", file("leak.txt"), "--json"])
        #expect(trace.status == 0, "\(trace.stderr)")
        #expect(trace.json["user"] as? String == "alice")
        let traceStdin = try await run(["watermark", "trace", "-"], input: excerpt)
        #expect(traceStdin.status == 0 && traceStdin.stdout.contains("alice"))
        let noLeak = try await run(["watermark", "trace", "-"], input: "nothing marked here at all, just ordinary words")
        #expect(noLeak.status == 1)

        // Data-subject requests, with the DPO's key.
        let subjectExport = try await run(
            ["subject", "export", "--tenant", "acme", "--subject", "alice", "--out", file("alice.json"), "--json"], token: dpo)
        #expect(subjectExport.status == 0, "\(subjectExport.stderr)")
        #expect(subjectExport.json["memories"] as? Int == 2)
        let wrongTenant = try await run(["subject", "export", "--tenant", "globex", "--subject", "alice"], token: dpo)
        #expect(wrongTenant.status == 1 && wrongTenant.stderr.contains("acme"))
        let unconfirmed = try await run(["subject", "erase", "--tenant", "acme", "--subject", "alice"], token: dpo)
        #expect(unconfirmed.status == 64 && unconfirmed.stderr.contains("--yes"))
        let erase = try await run(
            ["subject", "erase", "--tenant", "acme", "--subject", "alice", "--reason", "Art. 17 request 2026-114", "--yes",
             "--receipt", file("alice-receipt.json")], token: dpo)
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains("\"signature\""))
        #expect(FileManager.default.fileExists(atPath: file("alice-receipt.json")))
        let receipt = try await run(["receipt", "verify", file("alice-receipt.json"), "--public-key", file("audit-key.json")])
        #expect(receipt.status == 0, "\(receipt.stdout) \(receipt.stderr)")
        #expect(receipt.stdout.hasPrefix("OK receipt"))
        var receiptText = try String(contentsOfFile: file("alice-receipt.json"), encoding: .utf8)
        receiptText = receiptText.replacingOccurrences(of: "Art. 17 request 2026-114", with: "Art. 17 request 2026-115")
        try receiptText.write(toFile: file("forged-receipt.json"), atomically: true, encoding: .utf8)
        #expect(try await run(["receipt", "verify", file("forged-receipt.json")]).status == 65)
        #expect(try await gateway.send(.GET, "/v1/memories/\(aliceMemory)", token: alice).status == 404)

        // Deleting a tenant leaves a verifiable receipt too.
        #expect(try await run(["tenant", "delete", "globex"]).status == 64)
        let deleted = try await run(["tenant", "delete", "globex", "--yes", "--receipt", file("globex-receipt.json")])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await run(["receipt", "verify", file("globex-receipt.json"), "--public-key", file("audit-key.json")]).status == 0)
        #expect(try await gateway.send(.GET, "/v1/me", token: gus).status == 401)

        // Master key rotation, then a backup taken while the gateway runs.
        #expect(try await run(["keys", "rotate"]).status == 64)
        let rotated = try await run(["keys", "rotate", "--yes", "--json"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect((rotated.json["rewrapped_keys"] as? Int ?? 0) > 0)
        let backup = try await run(
            ["backup", "create", "--data-dir", gateway.dataDirectory.path, "--out", file("memos.mbak"), "--json"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.json["kek_id"] as? String == rotated.json["kek_id"] as? String)
        #expect(try await run(["backup", "verify", file("memos.mbak"), "--data-dir", gateway.dataDirectory.path]).status == 0)

        // The running gateway's own directory is refused: stop the gateway first.
        let busy = try await run(["backup", "restore", file("memos.mbak"), "--data-dir", gateway.dataDirectory.path, "--yes"])
        #expect(busy.status == 1 && busy.stderr.contains("stop it first"), "\(busy.stderr)")

        // A directory with another master key is refused and left alone.
        let stranger = work.appendingPathComponent("stranger")
        #expect(try await run(["init", "--data-dir", stranger.path]).status == 0)
        let strangerDatabase = try Data(contentsOf: stranger.appendingPathComponent("memos.sqlite"))
        let refused = try await run(["backup", "restore", file("memos.mbak"), "--data-dir", stranger.path, "--yes"])
        #expect(refused.status == 1 && refused.stderr.contains("wrong master key"), "\(refused.stderr)")
        #expect(try Data(contentsOf: stranger.appendingPathComponent("memos.sqlite")) == strangerDatabase)

        // Restored into a fresh directory holding only the master key, a second gateway serves it all.
        let restored = work.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: gateway.dataDirectory.appendingPathComponent("master.key"), to: restored.appendingPathComponent("master.key"))
        let restore = try await run(["backup", "restore", file("memos.mbak"), "--data-dir", restored.path, "--yes"])
        #expect(restore.status == 0, "\(restore.stderr)")

        let second = try await TestGateway.start(dataDirectory: restored, adminKey: operatorKey)
        do {
            let list = try await Self.admin(["tenant", "list", "--json"], server: second.baseURL, token: operatorKey)
            let names = (list.json["tenants"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["acme"], "\(list.stderr)")
            let carolRead = try await second.send(.GET, "/v1/memories/\(carolMemory)", token: carol)
            #expect(carolRead.status == 200)
            #expect((carolRead.memory["text"] as? String) == "Carol runs the Thursday reading group")
            let aliceList = try await second.send(.GET, "/v1/memories", token: alice)
            #expect(aliceList.status == 200 && aliceList.memories.isEmpty, "\(aliceList)")
            #expect(try await second.send(.GET, "/v1/me", token: dpo).status == 200)
            let restoredExport = try await Self.admin(
                ["audit", "export", "--tenant", "acme", "--out", file("restored.jsonl")], server: second.baseURL,
                token: operatorKey)
            #expect(restoredExport.status == 0)
            let reverified = try await Self.admin(
                ["audit", "verify", file("restored.jsonl"), "--public-key", file("audit-key.json")])
            #expect(reverified.status == 0, "\(reverified.stdout) \(reverified.stderr)")
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }

    @Test func tailFollowPrintsNewRecordsAsTheyAreWritten() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let process = try ChildProcess(
                executable: ExecutableTests.binaries.appendingPathComponent("memos-admin"),
                arguments: ["audit", "tail", "--tenant", "acme", "--follow", "--json", "-n", "0", "--interval", "1"],
                environment: ChildProcess.inheritedEnvironment([
                    "MEMOS_SERVER": gateway.baseURL, "MEMOS_TOKEN": gateway.adminKey,
                ]),
                stderr: .null)
            let received = Mutex(Data())
            let reader = DispatchGroup()
            reader.enter()
            DispatchQueue.global().async {
                while case let chunk = process.readOutputChunk(), !chunk.isEmpty {
                    received.withLock { $0.append(chunk) }
                }
                reader.leave()
            }
            defer {
                process.terminate()
                _ = process.waitForExit()
                reader.wait()
            }
            try await Task.sleep(for: .milliseconds(1_500))
            try await gateway.addText("a note written while tail follows", token: mia)
            var text = ""
            for _ in 0..<100 where !text.contains("memory.add") {
                try await Task.sleep(for: .milliseconds(100))
                text = String(decoding: received.withLock { $0 }, as: UTF8.self)
            }
            #expect(text.contains("\"action\":\"memory.add\""), "\(text)")
            #expect(process.isRunning)
        }
    }

    @Test func offlineCommandsNeedNoGateway() async throws {
        let valid = try await Self.admin(["policy", "validate", TestGateway.policyDirectory.path])
        #expect(valid.status == 0 && valid.stdout.hasPrefix("OK"), "\(valid.stderr)")
        let roles = try await Self.admin(["role", "list", "--policy-dir", TestGateway.policyDirectory.path])
        #expect(roles.status == 0 && roles.stdout.contains("tenant-admin"))
        let missing = try await Self.admin(["audit", "verify", "/nonexistent/export.jsonl"])
        #expect(missing.status == 1)
        let usage = try await Self.admin(["audit", "export", "--format", "xml"], token: "mgk_x")
        #expect(usage.status == 64)
        let help = try await Self.admin(["--help"])
        #expect(help.status == 0 && help.stdout.contains("65") && help.stdout.contains("verification failed"))
    }
}
