import Foundation
import MemOSGovernance
import Testing

/// The audit trail as an auditor receives it, and leaked text traced back to its recipient.
@Suite("Audit export and leak tracing")
struct AuditAndWatermarkTests {
    @Test func anExportedTrailVerifiesAndAnyTamperingIsNamed() async throws {
        try await TestGateway.with { gateway in
            let tenantID = try await gateway.createTenantID("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let admin = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let canary = "canary\(UUID().uuidString.prefix(8))"
            let id = try #require(try await gateway.addText("the \(canary) memory text", token: mia)["id"] as? String)
            _ = try await gateway.search("secretquery\(canary)", token: mia)
            _ = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia)
            _ = try await gateway.send(.GET, "/v1/memories/\(UUID().uuidString)", token: mia)
            _ = try await gateway.send(.GET, "/v1/memories", token: "mgk_forged_key")

            let lines = try await gateway.auditExport(tenantID: tenantID)
            let key = try await gateway.signingKey()
            let verified = AuditVerifier.verify(lines: lines, publicKey: key)
            #expect(verified.isValid, "\(verified)")
            #expect(verified.records >= 4)
            let text = lines.joined(separator: "\n")
            // Memory text and query text never appear; the query is an HMAC.
            #expect(!text.contains(canary))
            for action in ["memory.add", "memory.search", "memory.read"] { #expect(text.contains(action)) }
            #expect(text.contains("hmac-sha256:"))

            let recordLines = lines.indices.filter { lines[$0].contains("\"type\":\"record\"") }
            let victim = recordLines[recordLines.count / 2]
            // One byte flipped.
            var flipped = lines
            var bytes = Array(flipped[victim].utf8)
            let position = bytes.firstIndex(of: UInt8(ascii: "2")) ?? bytes.count / 2
            bytes[position] = bytes[position] == UInt8(ascii: "2") ? UInt8(ascii: "3") : UInt8(ascii: "2")
            flipped[victim] = String(decoding: bytes, as: UTF8.self)
            let flippedResult = AuditVerifier.verify(lines: flipped, publicKey: key)
            #expect(flippedResult.failure?.line == victim + 1, "\(flippedResult)")
            // One record dropped.
            var dropped = lines
            dropped.remove(at: victim)
            let droppedResult = AuditVerifier.verify(lines: dropped, publicKey: key)
            #expect(droppedResult.failure?.line == victim + 1, "\(droppedResult)")
            // Two records swapped.
            var swapped = lines
            swapped.swapAt(recordLines[1], recordLines[2])
            let swappedResult = AuditVerifier.verify(lines: swapped, publicKey: key)
            #expect(swappedResult.failure != nil)
            #expect(swappedResult.failure?.line == recordLines[1] + 1, "\(swappedResult)")

            // Tenant admins read their own tenant's trail; members may not.
            #expect(try await gateway.send(.GET, "/admin/v1/audit/export", token: admin).status == 200)
            #expect(try await gateway.send(.GET, "/admin/v1/audit/export", token: mia).status == 403)
        }
    }

    /// One record per request, whichever layer writes it: a self-auditing route's success is
    /// recorded once (by the service, with resource ids), and a request refused before the
    /// service ran (bad body, bad id) is recorded by the middleware instead of not at all.
    @Test func everyRequestLeavesExactlyOneRecordEvenWhenRefusedBeforeTheService() async throws {
        try await TestGateway.with { gateway in
            let tenantID = try await gateway.createTenantID("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["agent"])
            func records(of result: HTTPResult) async throws -> [String] {
                let requestID = try #require(result.requestID)
                return try await gateway.auditExport(tenantID: tenantID).filter {
                    $0.contains("\"type\":\"record\"") && $0.contains(requestID)
                }
            }
            let added = try await gateway.send(.POST, "/v1/memories", token: mia, json: ["text": "a note about sailing"])
            #expect(added.status == 201)
            let addRecords = try await records(of: added)
            #expect(addRecords.count == 1 && addRecords.first?.contains("\"memory.add\"") == true, "\(addRecords)")

            let refused: [(HTTPMethod, String, Data, Int)] = [
                (.POST, "/v1/memories", Data(#"{"txt":"x"}"#.utf8), 400),
                (.PATCH, "/v1/memories/not-an-id", Data(#"{"text":"x"}"#.utf8), 404),
                (.POST, "/v1/memstore/offerings", Data(#"{"bogus":1}"#.utf8), 400),
                (.POST, "/v1/chat", Data(#"{"query":"hi","nope":true}"#.utf8), 400),
                (.POST, "/v1/artifacts", Data(#"{"kind":"weird"}"#.utf8), 400),
                (.POST, "/v1/cubes/import", Data("{".utf8), 400),
            ]
            for (method, path, body, status) in refused {
                let result = try await gateway.send(method, path, token: mia, rawBody: body)
                #expect(result.status == status, "\(method) \(path): \(result)")
                let written = try await records(of: result)
                #expect(written.count == 1, "\(method) \(path): \(written)")
                #expect(
                    written.first?.contains("\"status\":\(status)") == true
                        && written.first?.contains(status == 404 ? "\"denied\"" : "\"failure\"") == true,
                    "\(method) \(path): \(written)")
            }
        }
    }

    @Test func aLeakedExcerptIsTracedByItsMarkAndAfterStrippingByFingerprint() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let admin = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let outsider = try await gateway.createUser(tenant: "globex", username: "gil", roles: ["tenant-admin"])
            let text = """
                The northern warehouse inventory audit found that pallet racks in aisle seven were overloaded \
                by roughly forty percent, and the safety officer recommended moving the heaviest spare parts to \
                the ground level before the winter shipments arrive next month.
                """
            let id = try #require(try await gateway.addText(text, token: mia)["id"] as? String)
            let read = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia)
            let marked = try #require((read.markedObject["memory"] as? [String: Any])?["text"] as? String)
            #expect(marked != text)
            #expect(WatermarkCodec.strip(marked) == text)

            // Any 120-character excerpt of what was sent decodes to this request.
            let characters = Array(marked)
            let excerpt = String(characters[60..<180])
            let traced = try await gateway.send(.POST, "/admin/v1/watermark/trace", token: gateway.adminKey, json: ["text": excerpt])
            #expect(traced.status == 200, "\(traced)")
            #expect(traced.object["user"] as? String == "mia")
            #expect(traced.object["tenant"] as? String == "acme")
            #expect(traced.object["request_id"] as? String == read.requestID)
            #expect(traced.object["method"] as? String == "watermark")
            // The tenant admin may trace within the tenant; another tenant's admin finds nothing.
            #expect(try await gateway.send(.POST, "/admin/v1/watermark/trace", token: admin, json: ["text": excerpt]).status == 200)
            #expect(try await gateway.send(.POST, "/admin/v1/watermark/trace", token: outsider, json: ["text": excerpt]).status == 404)
            #expect(try await gateway.send(.POST, "/admin/v1/watermark/trace", token: mia, json: ["text": excerpt]).status == 403)

            // The invisible characters stripped: the fingerprint still names the memory, and the
            // audit trail who received it.
            let stripped = WatermarkCodec.strip(excerpt)
            let byFingerprint = try await gateway.send(
                .POST, "/admin/v1/watermark/trace", token: gateway.adminKey, json: ["text": stripped])
            #expect(byFingerprint.status == 200, "\(byFingerprint)")
            #expect(byFingerprint.object["method"] as? String == "fingerprint")
            let recipients = byFingerprint.object["recipients"] as? [[String: Any]] ?? []
            #expect(recipients.contains { $0["user"] as? String == "mia" && $0["request_id"] as? String == read.requestID })
            // Unrelated text leads nowhere.
            let unrelated = try await gateway.send(
                .POST, "/admin/v1/watermark/trace", token: gateway.adminKey,
                json: ["text": "A completely different sentence about gardening tomatoes in spring and watering them daily."])
            #expect(unrelated.status == 404)
        }
    }

    @Test func masterKeyRotationRewrapsWithoutLosingAnything() async throws {
        let first = try await TestGateway.start()
        try await first.createTenant("acme")
        let mia = try await first.createUser(tenant: "acme", username: "mia", roles: ["member"])
        let id = try #require(try await first.addText("rotation survivor memory", token: mia)["id"] as? String)
        let keyFile = first.dataDirectory.appendingPathComponent("master.key")
        let oldKey = try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        let rotated = try await first.send(.POST, "/admin/v1/keys/rotate", token: first.adminKey)
        #expect(rotated.status == 200, "\(rotated)")
        #expect((rotated.object["rewrapped_keys"] as? Int ?? 0) >= 3)
        #expect(try await first.send(.POST, "/admin/v1/keys/rotate", token: mia).status == 403)
        // Served throughout, with the same credentials.
        #expect(try await first.send(.GET, "/v1/memories/\(id)", token: mia).status == 200)
        await first.stop()
        #expect(try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) != oldKey)
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let restarted = try await TestGateway.start(dataDirectory: first.dataDirectory, adminKey: first.adminKey)
        let read = try await restarted.send(.GET, "/v1/memories/\(id)", token: mia)
        #expect(read.memory["text"] as? String == "rotation survivor memory")
        await restarted.stop()
        // The old key opens nothing any more.
        await #expect(throws: (any Error).self) {
            _ = try await Governance.open(
                dataDirectory: DataDirectory(url: first.dataDirectory), policyDirectory: TestGateway.policyDirectory,
                environment: ["MEMOS_MASTER_KEY": oldKey])
        }
    }
}
