import AsyncHTTPClient
import Foundation
import GRDB
import MemOSGovernance
import NIOCore
import Testing

/// Parametric memory and KV snapshots over HTTP, against a real gateway: exact bytes, versions,
/// labels, permissions, tampering, tenant walls, erasure and size limits.
@Suite("Artifacts over HTTP")
struct ArtifactEndToEndTests {
    @Test func anAdapterRoundTripsByteForByteWithVersionsAndAudit() async throws {
        try await TestGateway.with { gateway in
            let tenant = try await gateway.createTenantID("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["agent"])
            let bytes = ArtifactFixtures.randomBytes(3 * (1 << 20) + 4_321)

            let created = try await gateway.createArtifact(ArtifactFixtures.lora("mia-lora"), token: mia)
            let id = try #require(created["id"] as? String)
            #expect(created["state"] as? String == "pending")
            #expect(created["version"] as? Int == 1)
            #expect(created["label"] as? String == "internal")
            #expect(created["subspace"] as? String == "persona")
            let early = try await gateway.send(.GET, "/v1/artifacts/\(id)/content", token: mia)
            #expect(early.status == 409, "\(early)")

            let uploaded = try await gateway.uploadContent(id, bytes, token: mia)
            #expect(uploaded.status == 200, "\(uploaded)")
            let ready = try #require(uploaded.object["artifact"] as? [String: Any])
            #expect(ready["state"] as? String == "ready")
            #expect(ready["size"] as? Int == bytes.count)
            #expect(ready["chunk_count"] as? Int == 4)
            #expect(ready["sha256"] as? String == ArtifactFixtures.sha256Hex(bytes))
            #expect((ready["parametric"] as? [String: Any])?["rank"] as? Int == 16)

            let download = try await gateway.send(.GET, "/v1/artifacts/\(id)/content", token: mia)
            #expect(download.status == 200)
            #expect(download.contentType == "application/octet-stream")
            #expect(download.raw == bytes)

            // A ready version never changes; the next upload of the name is version 2.
            #expect(try await gateway.uploadContent(id, Data("other".utf8), token: mia).status == 409)
            let second = try await gateway.uploadArtifact(ArtifactFixtures.lora("mia-lora"), bytes: Data("v2".utf8), token: mia)
            let versions = try await gateway.send(.GET, "/v1/artifacts/\(second)/versions", token: mia)
            #expect(versions.status == 200)
            let listed = versions.object["versions"] as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["version"] as? Int } == [1, 2])
            #expect(listed.compactMap { $0["id"] as? String } == [id, second])
            let latest = try await gateway.send(.GET, "/v1/artifacts", token: mia)
            #expect((latest.object["artifacts"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [second])
            let all = try await gateway.send(.GET, "/v1/artifacts?all_versions=true&kind=parametric", token: mia)
            #expect((all.object["artifacts"] as? [[String: Any]])?.count == 2)
            #expect(try await gateway.send(.GET, "/v1/artifacts?kind=weights", token: mia).status == 400)
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(id)/content", token: mia).raw == bytes)

            // Strict input: unknown fields, owner fields and unknown kinds are refused precisely.
            var typo = ArtifactFixtures.lora("x")
            typo["parametric"] = ["base_model": "m", "rank": 8, "target_modules": ["q"], "format": "gguf-lora", "rnak": 8]
            let unknown = try await gateway.send(.POST, "/v1/artifacts", token: mia, json: typo)
            #expect(unknown.status == 400 && unknown.detail.contains("parametric.rnak"), "\(unknown)")
            var owner = ArtifactFixtures.lora("x")
            owner["tenant_id"] = tenant
            #expect(try await gateway.send(.POST, "/v1/artifacts", token: mia, json: owner).problemType.hasSuffix("owner-field"))
            var kind = ArtifactFixtures.lora("x")
            kind["kind"] = "weights"
            let badKind = try await gateway.send(.POST, "/v1/artifacts", token: mia, json: kind)
            #expect(badKind.status == 400 && badKind.detail.contains("unknown kind 'weights'"))

            let deleted = try await gateway.send(.DELETE, "/v1/artifacts/\(second)", token: mia)
            #expect(deleted.status == 200)
            #expect(deleted.object["deleted"] as? [String] == [second])
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(second)", token: mia).status == 404)

            // Every operation is in the trail, with ids, and never the content.
            let trail = try await gateway.auditExport(tenantID: tenant).joined(separator: "\n")
            for action in ["artifact.create", "artifact.upload", "artifact.download", "artifact.list", "artifact.versions", "artifact.delete"] {
                #expect(trail.contains("\"\(action)\""), "missing \(action)")
            }
            #expect(trail.contains(id) && trail.contains(second))
            #expect(!trail.contains(ArtifactFixtures.sha256Hex(bytes)))
        }
    }

    @Test func labelsAndPermissionsDecideWhoMayUploadSeeAndDownload() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["agent"])
            let bob = try await gateway.createUser(tenant: "acme", username: "bob", roles: ["member"])

            let secret = try await gateway.uploadArtifact(
                ArtifactFixtures.lora("board", label: "confidential", subspace: "tenant"), bytes: Data("board weights".utf8),
                token: root)
            let missing = UUID().uuidString.lowercased()
            for path in ["", "/content", "/versions"] {
                let hidden = try await gateway.send(.GET, "/v1/artifacts/\(secret)\(path)", token: mia)
                let absent = try await gateway.send(.GET, "/v1/artifacts/\(missing)\(path)", token: mia)
                #expect(hidden.status == 404)
                #expect(normalizedNotFound(hidden, id: secret) == normalizedNotFound(absent, id: missing))
                #expect(!hidden.bodyText.contains("board"))
            }
            let listed = try await gateway.send(.GET, "/v1/artifacts", token: mia)
            #expect(!(listed.bodyText.contains(secret)))
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(secret)/content", token: root).raw == Data("board weights".utf8))

            // Uploading above one's clearance, or without artifacts.write, is refused.
            let above = try await gateway.send(
                .POST, "/v1/artifacts", token: mia, json: ArtifactFixtures.lora("mine", label: "confidential"))
            #expect(above.status == 403 && above.detail.contains("exceeds the clearance 'internal'"), "\(above)")
            let member = try await gateway.send(.POST, "/v1/artifacts", token: bob, json: ArtifactFixtures.lora("bobs"))
            #expect(member.status == 403 && member.detail.contains("artifacts.write"))

            // An internal tenant adapter: the member sees its metadata, cannot download it.
            let shared = try await gateway.uploadArtifact(
                ArtifactFixtures.lora("shared", subspace: "tenant"), bytes: Data("shared".utf8), token: root)
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(shared)", token: bob).status == 200)
            let refused = try await gateway.send(.GET, "/v1/artifacts/\(shared)/content", token: bob)
            #expect(refused.status == 403 && refused.detail.contains("artifacts.read"))
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(shared)/content", token: mia).raw == Data("shared".utf8))
            #expect(try await gateway.send(.DELETE, "/v1/artifacts/\(shared)", token: mia).status == 403)

            // Provenance: a memory the uploader cannot read is answered like a missing one.
            let bobs = try await gateway.addTextID("bob's private training notes", token: bob)
            let unreadable = try await gateway.send(
                .POST, "/v1/artifacts", token: mia, json: ArtifactFixtures.lora("stolen", memories: [bobs]))
            let nonexistent = try await gateway.send(
                .POST, "/v1/artifacts", token: mia, json: ArtifactFixtures.lora("stolen", memories: [missing]))
            #expect(unreadable.status == 404)
            #expect(normalizedNotFound(unreadable, id: bobs) == normalizedNotFound(nonexistent, id: missing))
            var named = ArtifactFixtures.lora("named")
            named["derived_from"] = ["subjects": ["carl"]]
            #expect(try await gateway.send(.POST, "/v1/artifacts", token: mia, json: named).status == 403)
            // The label rises to the highest source memory's label.
            let minutes = try #require(
                try await gateway.addText("board minutes", token: root, extra: ["label": "confidential"])["id"] as? String)
            let derived = try await gateway.createArtifact(
                ArtifactFixtures.lora("minutes", memories: [minutes], label: "public"), token: root)
            #expect(derived["label"] as? String == "confidential")
            #expect((derived["derived_from"] as? [String: Any])?["memory_ids"] as? [String] == [minutes])
        }
    }

    @Test func aTamperedSwappedOrDroppedChunkIsAnIntegrityErrorNeverBytes() async throws {
        try await TestGateway.with { gateway in
            let tenant = try await gateway.createTenantID("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["agent"])
            let size = 2 * (1 << 20) + 100
            var ids: [String] = []
            for name in ["flipped", "swapped", "dropped", "relabelled"] {
                ids.append(
                    try await gateway.uploadArtifact(
                        ArtifactFixtures.lora(name), bytes: ArtifactFixtures.randomBytes(size), token: mia))
            }
            let database = try gateway.openDatabase()
            let targets = ids
            try await database.write { db in
                let ids = targets
                let flipped = UUID(uuidString: ids[0])!
                var sealed = try #require(
                    try Data.fetchOne(db, sql: "SELECT sealed FROM artifact_chunks WHERE artifact_id = ? AND idx = 1", arguments: [flipped]))
                sealed[sealed.count / 2] ^= 0x01
                try db.execute(
                    sql: "UPDATE artifact_chunks SET sealed = ? WHERE artifact_id = ? AND idx = 1", arguments: [sealed, flipped])
                let swapped = UUID(uuidString: ids[1])!
                try db.execute(sql: "UPDATE artifact_chunks SET idx = 99 WHERE artifact_id = ? AND idx = 0", arguments: [swapped])
                try db.execute(sql: "UPDATE artifact_chunks SET idx = 0 WHERE artifact_id = ? AND idx = 1", arguments: [swapped])
                try db.execute(sql: "UPDATE artifact_chunks SET idx = 1 WHERE artifact_id = ? AND idx = 99", arguments: [swapped])
                try db.execute(
                    sql: "DELETE FROM artifact_chunks WHERE artifact_id = ? AND idx = 2", arguments: [UUID(uuidString: ids[2])!])
                // Lowering the label column would widen access, if the row still opened.
                try db.execute(sql: "UPDATE artifacts SET label = 'public' WHERE id = ?", arguments: [UUID(uuidString: ids[3])!])
            }
            // Each is caught where it happened: the edited chunk and the first of the swapped pair
            // fail authentication (their index is bound), the dropped one is missing.
            let expected = ["chunk 1 failed to decrypt", "chunk 0 failed to decrypt", "chunk 2 is missing"]
            for (id, detail) in zip(ids, expected) {
                let result = try await gateway.send(.GET, "/v1/artifacts/\(id)/content", token: mia)
                #expect(result.status == 500, "\(id): \(result)")
                #expect(result.problemType.hasSuffix("integrity-error"))
                #expect(result.isProblem)
                #expect(result.detail.contains(detail), "\(result.detail)")
            }
            let relabelled = try await gateway.send(.GET, "/v1/artifacts/\(ids[3])", token: mia)
            #expect(relabelled.status == 500 && relabelled.problemType.hasSuffix("integrity-error"), "\(relabelled)")
            #expect(relabelled.detail.contains("metadata failed to decrypt"))
            // The metadata of the others still opens, and the failures are in the trail.
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(ids[0])", token: mia).status == 200)
            let trail = try await gateway.auditExport(tenantID: tenant)
            let failures = trail.filter { $0.contains("\"integrity.failure\"") }
            for id in ids {
                #expect(failures.contains { $0.contains(id) }, "no integrity.failure for \(id)")
            }
        }
    }

    @Test func anotherTenantsArtifactsAnswerExactlyLikeMissingOnes() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let intruder = try await gateway.createUser(tenant: "globex", username: "root", roles: ["tenant-admin"])
            let bytes = Data("acme adapter weights".utf8)
            let id = try await gateway.uploadArtifact(ArtifactFixtures.lora("acme", subspace: "tenant"), bytes: bytes, token: root)
            let pending = try #require(
                try await gateway.createArtifact(ArtifactFixtures.lora("acme-next", subspace: "tenant"), token: root)["id"] as? String)
            let missing = UUID().uuidString.lowercased()

            for (method, suffix) in [(HTTPMethod.GET, ""), (.GET, "/content"), (.GET, "/versions"), (.DELETE, "")] {
                let probe = try await gateway.send(method, "/v1/artifacts/\(id)\(suffix)", token: intruder)
                let absent = try await gateway.send(method, "/v1/artifacts/\(missing)\(suffix)", token: intruder)
                #expect(probe.status == 404, "\(method) \(suffix): \(probe)")
                #expect(normalizedNotFound(probe, id: id) == normalizedNotFound(absent, id: missing))
                #expect(!probe.bodyText.contains("acme"))
            }
            let hijack = try await gateway.uploadContent(pending, Data("globex bytes".utf8), token: intruder)
            let absent = try await gateway.uploadContent(missing, Data("globex bytes".utf8), token: intruder)
            #expect(hijack.status == 404)
            #expect(normalizedNotFound(hijack, id: pending) == normalizedNotFound(absent, id: missing))
            let listed = try await gateway.send(.GET, "/v1/artifacts?all_versions=true", token: intruder)
            #expect(listed.status == 200 && (listed.object["artifacts"] as? [Any])?.isEmpty == true)
            // Nothing the intruder did changed anything.
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(id)/content", token: root).raw == bytes)
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(pending)", token: root).object["artifact"] != nil)
        }
    }

    @Test func erasingASubjectRemovesDerivedAdaptersAndSnapshotsFromEveryFile() async throws {
        let canary = "adaptercanary" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let first = try await TestGateway.start()
        var ids: [String] = []
        var keep = ""
        var dpo = ""
        var mia = ""
        do {
            let tenant = try await first.createTenantID("acme")
            mia = try await first.createUser(tenant: "acme", username: "mia", roles: ["agent"])
            dpo = try await first.createUser(tenant: "acme", username: "dora", roles: ["dpo"])
            let memory = try await first.addTextID("mia likes short answers about sailing", token: mia)
            let other = try await first.addTextID("mia's favourite harbour is Kiel", token: mia)
            let bytes = ArtifactFixtures.canaryBytes(canary, count: 2 * (1 << 20) + 777)
            ids.append(
                try await first.uploadArtifact(ArtifactFixtures.lora("mia-lora", memories: [memory, other]), bytes: bytes, token: mia))
            ids.append(
                try await first.uploadArtifact(
                    [
                        "kind": "kv_snapshot", "name": "mia-slot-0",
                        "kv_snapshot": [
                            "activation_prefix_id": String(repeating: "3c", count: 32), "backend": "llama.cpp",
                            "model": "llama-3.1-8b-q4", "slot_format": "llama.cpp-slot-v1",
                        ],
                        "derived_from": ["memory_ids": [memory]],
                    ], bytes: ArtifactFixtures.canaryBytes(canary, count: 300_000), token: mia))
            keep = try await first.uploadArtifact(ArtifactFixtures.lora("generic"), bytes: Data("generic".utf8), token: mia)
            // An administrator's adapter that names the subject as a source (needs subjects.name).
            let root = try await first.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            var named = ArtifactFixtures.lora("support-style")
            named["derived_from"] = ["subjects": ["mia"]]
            ids.append(try await first.uploadArtifact(named, bytes: ArtifactFixtures.canaryBytes(canary, count: 4_096), token: root))
            #expect(try await first.send(.GET, "/v1/artifacts/\(ids[0])/content", token: mia).raw == bytes)
            // Sealed at rest: the canary is in no file even before erasure.
            #expect(try first.filesContaining(canary).isEmpty)

            // The subject access export lists what erasure will reach (never the bytes).
            let export = try await first.send(.GET, "/v1/subjects/mia/export", token: dpo)
            #expect(export.status == 200)
            let listed = (export.object["derived"] as? [[String: Any]]) ?? []
            #expect(Set(listed.compactMap { $0["id"] as? String }) == Set(ids))
            let lora = try #require(listed.first { $0["id"] as? String == ids[0] })
            #expect(lora["store"] as? String == "sqlite:artifacts(parametric)" && lora["name"] as? String == "mia-lora")
            #expect(Set(lora["derived_from_memories"] as? [String] ?? []) == [memory, other])
            // Provenance records the subjects of its source memories, so it names mia too.
            #expect(lora["names_subject"] as? Bool == true && lora["label"] as? String == "internal")
            let snapshot = try #require(listed.first { $0["id"] as? String == ids[1] })
            #expect(snapshot["kind"] as? String == "kv_snapshot" && snapshot["derived_from_memories"] as? [String] == [memory])
            let byName = try #require(listed.first { $0["id"] as? String == ids[2] })
            #expect(byName["names_subject"] as? Bool == true && (byName["derived_from_memories"] as? [String])?.isEmpty == true)
            #expect(!export.bodyText.contains(canary))
            let exportRecord = try await first.auditExport(tenantID: tenant).first { $0.contains("\"subject.export\"") }
            #expect(ids.allSatisfy { exportRecord?.contains($0) == true })

            let erased = try await first.send(.POST, "/v1/subjects/mia/erase", token: dpo, json: ["reason": "Art. 17"])
            #expect(erased.status == 200, "\(erased)")
            let exportAfter = try await first.send(.GET, "/v1/subjects/mia/export", token: dpo)
            #expect((exportAfter.object["derived"] as? [[String: Any]])?.isEmpty == true)
            let receiptObject = try #require(erased.object["receipt"] as? [String: Any])
            let receipt = try JSONDecoder().decode(
                ErasureReceipt.self, from: try JSONSerialization.data(withJSONObject: receiptObject))
            #expect(receipt.verify(publicKey: try await first.signingKey()))
            let derived = Dictionary(uniqueKeysWithValues: (receipt.derived ?? []).map { ($0.store, $0) })
            #expect(derived["sqlite:artifacts(parametric)"]?.erased == 2)
            #expect(derived["sqlite:artifacts(kv_snapshot)"]?.erased == 1)

            for id in ids {
                #expect(try await first.send(.GET, "/v1/artifacts/\(id)", token: mia).status == 404)
                #expect(try await first.send(.GET, "/v1/artifacts/\(id)/content", token: mia).status == 404)
            }
            #expect(try await first.send(.GET, "/v1/artifacts/\(keep)/content", token: mia).raw == Data("generic".utf8))
            let erasedIDs = ids
            let leftovers = try await first.openDatabase().read { db in
                let ids = erasedIDs
                var rows = 0
                for id in ids {
                    let uuid = UUID(uuidString: id)!
                    for table in ["artifacts WHERE id", "artifact_chunks WHERE artifact_id", "artifact_sources WHERE artifact_id"] {
                        rows += try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) = ?", arguments: [uuid]) ?? 1
                    }
                    rows += try Int.fetchOne(db, sql: "SELECT count(*) FROM data_keys WHERE scope = ?", arguments: ["artifact:\(id)"]) ?? 1
                }
                return rows
            }
            #expect(leftovers == 0)
            #expect(try first.filesContaining(canary).isEmpty)
            let trail = try await first.auditExport(tenantID: tenant).joined(separator: "\n")
            #expect(trail.contains("\"artifact.erase\""))
            #expect(!trail.contains(canary))
            await first.stop()
        } catch {
            await first.stop()
            throw error
        }
        // After a restart, nothing comes back and no file holds the bytes.
        #expect(try first.filesContaining(canary).isEmpty)
        let again = try await TestGateway.start(dataDirectory: first.dataDirectory, adminKey: first.adminKey)
        do {
            let listed = try await again.send(.GET, "/v1/artifacts?all_versions=true", token: mia)
            #expect((listed.object["artifacts"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [keep])
            await again.stop()
        } catch {
            await again.stop()
            throw error
        }
    }

    @Test func theFlagPolicyKeepsAnAdapterFlaggedWithTheReasonInTheReceipt() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["agent"])
            let dpo = try await gateway.createUser(tenant: "acme", username: "dora", roles: ["dpo"])
            let memory = try await gateway.addTextID("mia writes in a formal register", token: mia)
            let bytes = ArtifactFixtures.randomBytes(50_000)
            let id = try await gateway.uploadArtifact(
                ArtifactFixtures.lora("house-style", memories: [memory], policy: "flag"), bytes: bytes, token: mia)

            let erased = try await gateway.send(.POST, "/v1/subjects/mia/erase", token: dpo, json: ["reason": "Art. 17"])
            #expect(erased.status == 200)
            let derived = ((erased.object["receipt"] as? [String: Any])?["derived"] as? [[String: Any]]) ?? []
            let parametric = try #require(derived.first { $0["store"] as? String == "sqlite:artifacts(parametric)" })
            #expect(parametric["erased"] as? Int == 0)
            let flagged = parametric["flagged"] as? [[String: Any]] ?? []
            #expect(flagged.compactMap { $0["id"] as? String } == [id])
            #expect((flagged.first?["reason"] as? String)?.contains("erased data subject") == true)

            let metadata = try await gateway.send(.GET, "/v1/artifacts/\(id)", token: mia)
            let flags = (metadata.object["artifact"] as? [String: Any])?["flags"] as? [[String: Any]] ?? []
            #expect(flags.count == 1 && (flags.first?["reason"] as? String)?.contains("erased data subject") == true)
            let refused = try await gateway.send(.GET, "/v1/artifacts/\(id)/content", token: mia)
            #expect(refused.status == 409 && refused.detail.contains("flagged"), "\(refused)")
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(id)/content?accept_flagged=maybe", token: mia).status == 400)
            let accepted = try await gateway.send(.GET, "/v1/artifacts/\(id)/content?accept_flagged=true", token: mia)
            #expect(accepted.status == 200 && accepted.raw == bytes)
        }
    }

    @Test func deletingATenantRemovesAllOfItsArtifacts() async throws {
        try await TestGateway.with { gateway in
            let acme = try await gateway.createTenantID("acme")
            try await gateway.createTenant("globex")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let other = try await gateway.createUser(tenant: "globex", username: "root", roles: ["tenant-admin"])
            let memory = try await gateway.addTextID("acme training note", token: root)
            _ = try await gateway.uploadArtifact(
                ArtifactFixtures.lora("derived", memories: [memory], policy: "flag"), bytes: ArtifactFixtures.randomBytes(1_500_000),
                token: root)
            _ = try await gateway.uploadArtifact(ArtifactFixtures.lora("plain"), bytes: Data("plain".utf8), token: root)
            _ = try await gateway.createArtifact(ArtifactFixtures.lora("pending"), token: root)
            let survivor = try await gateway.uploadArtifact(ArtifactFixtures.lora("globex"), bytes: Data("g".utf8), token: other)

            let deleted = try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: gateway.adminKey)
            #expect(deleted.status == 200, "\(deleted)")
            let counts = try await gateway.openDatabase().read { db in
                let tenant = UUID(uuidString: acme)!
                return try ["artifacts", "artifact_chunks", "artifact_sources", "data_keys"].map {
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0) WHERE tenant_id = ?", arguments: [tenant]) ?? -1
                }
            }
            #expect(counts == [0, 0, 0, 0])
            #expect(try await gateway.send(.GET, "/v1/artifacts/\(survivor)/content", token: other).raw == Data("g".utf8))
        }
    }

    @Test func contentAboveTheLimitIs413AndLeavesNothingBehind() async throws {
        let limit = 1 << 20
        try await LimitedArtifactGateway.with(maxArtifactBytes: limit) { gateway in
            #expect(try await gateway.send(.POST, "/admin/v1/tenants", token: gateway.adminKey, json: ["name": "acme"]).status == 201)
            let user = try await gateway.send(
                .POST, "/admin/v1/tenants/acme/users", token: gateway.adminKey, json: ["username": "mia", "roles": ["agent"]])
            let mia = try #require(user.object["api_key"] as? String)
            let created = try await gateway.send(.POST, "/v1/artifacts", token: mia, json: ArtifactFixtures.lora("big"))
            let id = try #require((created.object["artifact"] as? [String: Any])?["id"] as? String)

            let declared = try await gateway.send(
                .PUT, "/v1/artifacts/\(id)/content", token: mia,
                body: .bytes(ByteBuffer(bytes: [UInt8](repeating: 7, count: limit + 1))))
            #expect(declared.status == 413)
            #expect((declared.object["detail"] as? String)?.contains("exceeds the limit of \(limit) bytes") == true)

            // A chunked body announces no length: it is cut off while streaming.
            let pieces = AsyncStream<ByteBuffer> { continuation in
                for _ in 0..<20 { continuation.yield(ByteBuffer(bytes: [UInt8](repeating: 9, count: 64 * 1024))) }
                continuation.finish()
            }
            let chunked = try await gateway.send(.PUT, "/v1/artifacts/\(id)/content", token: mia, body: .stream(pieces, length: .unknown))
            #expect(chunked.status == 413)

            let after = try await gateway.send(.GET, "/v1/artifacts/\(id)", token: mia)
            #expect((after.object["artifact"] as? [String: Any])?["state"] as? String == "pending")
            let exact = try await gateway.send(
                .PUT, "/v1/artifacts/\(id)/content", token: mia, body: .bytes(ByteBuffer(bytes: [UInt8](repeating: 5, count: limit))))
            #expect(exact.status == 200)
            #expect((exact.object["artifact"] as? [String: Any])?["size"] as? Int == limit)
        }
    }
}
