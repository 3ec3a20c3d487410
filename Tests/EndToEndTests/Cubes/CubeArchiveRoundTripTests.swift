import Foundation
import Testing

/// MemCube archives over HTTP: a round trip between two gateways with different master keys,
/// and every way an archive must be refused (wrong passphrase, tampering, unknown version,
/// labels above the importer's clearance, missing permissions, other tenants' cubes).
@Suite("MemCube archives: export, import, tampering")
struct CubeArchiveRoundTripTests {
    static let hinge = "The Falcon prototype uses a titanium hinge from Sheffield"
    static let budget = "Falcon launch budget is four million euros for the spring campaign"

    /// Gateway A: a team cube with two memories (internal and confidential, two subjects,
    /// sources, a key, tags), a history and an edge; returns the export response and ids.
    private func exportedResearchCube(_ a: TestGateway) async throws -> (export: HTTPResult, hinge: String, budget: String, root: String) {
        try await a.createTenant("acme")
        let root = try await a.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
        let cube = try await a.createCube("research", subspace: "team/lab", token: root)
        let hinge = try #require(
            try await a.addText(
                "The Falcon prototype uses a bronze hinge", token: root, cube: cube,
                extra: [
                    "key": "falcon hinge", "tags": ["falcon", "hardware"],
                    "sources": [["message_id": "m-17", "speaker": "ann", "role": "user", "content": "hinge is bronze"]],
                ])["id"] as? String)
        // A second version, so history has something to carry.
        let patched = try await a.send(.PATCH, "/v1/memories/\(hinge)", token: root, json: ["text": Self.hinge])
        #expect(patched.status == 200, "\(patched)")
        let budget = try #require(
            try await a.addText(
                Self.budget, token: root, cube: cube, extra: ["label": "confidential", "subject": "customer-42"])["id"]
                as? String)
        let linked = try await a.send(
            .POST, "/v1/memories/\(hinge)/related", token: root, json: ["to": budget, "relation": "same_entity"])
        #expect(linked.status == 201, "\(linked)")
        let export = try await a.exportCube("research", token: root, embeddings: true, history: true)
        return (export, hinge, budget, root)
    }

    @Test func anArchiveMovesACubeBetweenTwoGatewaysWithLabelsSubjectsSourcesAndEdges() async throws {
        try await TestGateway.with { a in
            let (export, oldHinge, oldBudget, rootA) = try await exportedResearchCube(a)
            #expect(export.status == 200, "\(export)")
            #expect(export.contentType?.hasPrefix("application/json") == true)
            let archive = try #require(export.json as? [String: Any])
            #expect(archive["format"] as? String == "memos-cube-archive/1")
            #expect(archive["cipher"] as? String == "AES-256-GCM")
            let kdf = try #require(archive["kdf"] as? [String: Any])
            #expect(kdf["algorithm"] as? String == "argon2id")
            #expect((kdf["memory_kib"] as? Int ?? 0) >= 19_456)
            let manifest = export.manifest
            #expect(manifest["cube"] as? String == "research")
            #expect(manifest["memories"] as? Int == 2)
            #expect(manifest["edges"] as? Int == 1)
            #expect(manifest["versions"] as? Int == 1)
            #expect(manifest["withheld"] as? Int == 0)
            #expect(manifest["exporter_tenant"] as? String == "acme")
            #expect(manifest["labels"] as? [String: Int] == ["internal": 1, "confidential": 1])
            #expect(manifest["memory_types"] as? [String: Int] == ["LongTermMemory": 2])
            #expect((manifest["plaintext_sha256"] as? String)?.count == 64)

            // The file holds no memory text, subject, source or key in the clear.
            let file = export.bodyText
            for secret in ["titanium", "Sheffield", "bronze", "Falcon", "four million", "customer-42", "m-17", "falcon hinge", "hardware"] {
                #expect(!file.contains(secret), "archive leaks '\(secret)'")
            }
            // The export is audited with the memory ids and never the text.
            let acmeID = try #require(
                ((try await a.send(.GET, "/admin/v1/tenants", token: a.adminKey)).object["tenants"] as? [[String: Any]])?
                    .first { $0["name"] as? String == "acme" }?["id"] as? String)
            let trail = try await a.auditExport(tenantID: acmeID)
            let exportRecord = try #require(trail.first { $0.contains("\"cube.export\"") && $0.contains("\"success\"") })
            #expect(exportRecord.contains(oldHinge) && exportRecord.contains(oldBudget))
            #expect(!trail.joined().contains("titanium"))
            _ = rootA

            try await TestGateway.with { b in
                try await b.createTenant("globex")
                let boss = try await b.createUser(tenant: "globex", username: "boss", roles: ["tenant-admin"])
                let imported = try await b.importCube(archive: archive, name: "falcon", token: boss, subspace: "team/rnd")
                #expect(imported.status == 201, "\(imported)")
                let counts = try #require(imported.object["imported"] as? [String: Any])
                #expect(counts["memories"] as? Int == 2)
                #expect(counts["edges"] as? Int == 1)
                #expect(counts["versions"] as? Int == 1)
                #expect(counts["embeddings_reused"] as? Int == 2)
                #expect(imported.cube["subspace"] as? String == "team/rnd")
                let ids = try #require(imported.object["ids"] as? [String: String])
                let newHinge = try #require(ids[oldHinge])
                let newBudget = try #require(ids[oldBudget])
                #expect(newHinge != oldHinge && newBudget != oldBudget)

                // Search in B finds them, with labels, subjects, sources, keys and provenance.
                let found = try await b.search("Falcon titanium hinge", token: boss)
                let hinge = try #require(found.results.compactMap { $0["memory"] as? [String: Any] }.first { $0["id"] as? String == newHinge })
                #expect(hinge["text"] as? String == Self.hinge)
                #expect(hinge["label"] as? String == "internal")
                #expect(hinge["subject"] as? String == "root")
                #expect(hinge["key"] as? String == "falcon hinge")
                #expect(hinge["tags"] as? [String] == ["falcon", "hardware"])
                #expect(hinge["version"] as? Int == 2)
                let source = try #require((hinge["sources"] as? [[String: Any]])?.first)
                #expect(source["message_id"] as? String == "m-17")
                #expect(source["speaker"] as? String == "ann")
                #expect(source["content"] as? String == "hinge is bronze")
                let provenance = try #require((hinge["info"] as? [String: Any])?["imported_from"] as? [String: Any])
                #expect(provenance["original_id"] as? String == oldHinge)
                #expect(provenance["archive"] as? String == imported.object["archive"] as? String)
                let budget = try await b.send(.GET, "/v1/memories/\(newBudget)", token: boss)
                #expect(budget.status == 200)
                #expect(budget.memory["label"] as? String == "confidential")
                #expect(budget.memory["subject"] as? String == "customer-42")
                #expect(budget.memory["text"] as? String == Self.budget)
                // The history came along, and the edge joins the new ids.
                let history = try await b.send(.GET, "/v1/memories/\(newHinge)/history", token: boss)
                let versions = (history.object["versions"] as? [[String: Any]]) ?? []
                #expect(versions.compactMap { $0["text"] as? String } == ["The Falcon prototype uses a bronze hinge", Self.hinge])
                let related = try await b.send(.GET, "/v1/memories/\(newHinge)/related", token: boss)
                let edge = try #require((related.object["related"] as? [[String: Any]])?.first)
                #expect(edge["relation"] as? String == "same_entity")
                #expect(edge["direction"] as? String == "outgoing")
                #expect((edge["memory"] as? [String: Any])?["id"] as? String == newBudget)

                // The base64 form of the file imports too; the same name twice is a conflict.
                let asBase64 = try await b.importCube(archive: export.raw.base64EncodedString(), name: "falcon-2", token: boss)
                #expect(asBase64.status == 201, "\(asBase64)")
                #expect(asBase64.cube["subspace"] as? String == "persona")
                let again = try await b.importCube(archive: archive, name: "falcon", token: boss, subspace: "team/rnd")
                #expect(again.status == 409)
                // Re-sealed under B's keys: B's files hold no plaintext either.
                #expect(try b.filesContaining("titanium").isEmpty)
            }
        }
    }

    @Test func wrongPassphraseTamperingAndUnknownVersionsAreRefusedAndStoreNothing() async throws {
        try await TestGateway.with { a in
            let (export, _, _, _) = try await exportedResearchCube(a)
            let archive = try #require(export.json as? [String: Any])
            try await a.createTenant("globex")
            let boss = try await a.createUser(tenant: "globex", username: "boss", roles: ["tenant-admin"])
            let cubesBefore = try await a.cubeNames(token: boss)

            let wrong = try await a.importCube(archive: archive, name: "x1", token: boss, passphrase: "not the passphrase at all")
            #expect(wrong.status == 400)
            #expect(wrong.isProblem)
            #expect(wrong.detail.contains("wrong passphrase"), "\(wrong)")

            let ciphertext = try #require(archive["ciphertext"] as? String)
            for (what, changed) in [
                ("ciphertext", tampered(archive) { $0["ciphertext"] = flippingBit(inBase64: ciphertext, at: 10) }),
                ("tag", tampered(archive) { $0["ciphertext"] = flippingBit(inBase64: ciphertext, at: -1) }),
                ("manifest", tampered(archive) { archive in
                    var manifest = archive["manifest"] as? [String: Any] ?? [:]
                    manifest["withheld"] = 7
                    archive["manifest"] = manifest
                }),
                ("manifest labels", tampered(archive) { archive in
                    var manifest = archive["manifest"] as? [String: Any] ?? [:]
                    manifest["labels"] = ["internal": 2]
                    archive["manifest"] = manifest
                }),
            ] {
                let refused = try await a.importCube(archive: changed, name: "x2", token: boss)
                #expect(refused.status == 400, "\(what): \(refused)")
                #expect(refused.detail.contains("altered"), "\(what): \(refused.detail)")
            }

            let future = try await a.importCube(
                archive: tampered(archive) { $0["format"] = "memos-cube-archive/2" }, name: "x3", token: boss)
            #expect(future.status == 400)
            #expect(future.detail.contains("unsupported archive format 'memos-cube-archive/2'"), "\(future)")
            let extra = try await a.importCube(
                archive: tampered(archive) { archive in
                    var manifest = archive["manifest"] as? [String: Any] ?? [:]
                    manifest["note"] = "hi"
                    archive["manifest"] = manifest
                }, name: "x4", token: boss)
            #expect(extra.status == 400)
            #expect(extra.detail.contains("archive.manifest.note"), "\(extra)")
            let greedy = try await a.importCube(
                archive: tampered(archive) { archive in
                    var kdf = archive["kdf"] as? [String: Any] ?? [:]
                    kdf["memory_kib"] = 64 * 1024 * 1024
                    archive["kdf"] = kdf
                }, name: "x5", token: boss)
            #expect(greedy.status == 400)
            #expect(greedy.detail.contains("archive.kdf"), "\(greedy)")
            let garbage = try await a.importCube(archive: "bm90IGFuIGFyY2hpdmU=", name: "x6", token: boss)
            #expect(garbage.status == 400)

            // Nothing of any refused import was stored.
            #expect(try await a.cubeNames(token: boss) == cubesBefore)
            #expect(try await a.memoryCount(token: boss) == 0)
            // A short passphrase is refused at export.
            let root = try await a.createUser(tenant: "acme", username: "root2", roles: ["tenant-admin"])
            let short = try await a.exportCube("research", token: root, passphrase: "short")
            #expect(short.status == 400)
            #expect(short.detail.contains("passphrase"))
        }
    }

    @Test func permissionsClearanceAndTenantsBoundExportAndImport() async throws {
        try await TestGateway.with { a in
            let (export, _, _, root) = try await exportedResearchCube(a)
            let archive = try #require(export.json as? [String: Any])
            let mia = try await a.createUser(tenant: "acme", username: "mia", roles: ["member", "manager"])
            // Members hold no cubes.export, even for a cube they can read.
            let denied = try await a.exportCube("research", token: mia, role: "member")
            #expect(denied.status == 403, "\(denied)")
            #expect(denied.detail.contains("cubes.export"))
            let deniedImport = try await a.importCube(archive: archive, name: "m1", token: mia, role: "member")
            #expect(deniedImport.status == 403)
            // A manager may import, but not memories about other subjects (subjects.name).
            let subjects = try await a.importCube(archive: archive, name: "m2", token: mia, role: "manager")
            #expect(subjects.status == 403, "\(subjects)")
            #expect(subjects.detail.contains("subjects.name"))
            #expect(try await a.cubeNames(token: mia, role: "manager").contains("m2") == false)

            // Another tenant's cube answers like a missing one, by id or by name.
            let cubeID = try #require(
                try await a.cubesByID(token: root).first { $0.value["name"] as? String == "research" }?.key)
            try await a.createTenant("globex")
            let eve = try await a.createUser(tenant: "globex", username: "eve", roles: ["tenant-admin"])
            let probe = try await a.exportCube(cubeID, token: eve)
            #expect(probe.status == 404, "\(probe)")
            let unknownID = UUID().uuidString.lowercased()
            let missing = try await a.exportCube(unknownID, token: eve)
            #expect(normalizedNotFound(probe, id: cubeID) == normalizedNotFound(missing, id: unknownID))
            #expect(try await a.exportCube("research", token: eve).status == 404)
        }
    }

    @Test func clearanceDecidesWhatLeavesAndWhatMayEnter() async throws {
        try await TestGateway.withMemberArchivers { gateway in
            try await gateway.createTenant("acme")
            let lead = try await gateway.createUser(tenant: "acme", username: "lead", roles: ["manager"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let cube = try await gateway.createCube("plans", subspace: "team/lab", token: lead)
            let open = try await gateway.addTextID("The offsite is in Lisbon in May", token: lead, cube: cube)
            let secret = try #require(
                try await gateway.addText(
                    "The reorganisation merges the Lisbon and Porto offices", token: lead, cube: cube,
                    extra: ["label": "confidential"])["id"] as? String)

            // A member-cleared exporter: the confidential memory never leaves, and is counted.
            let memberExport = try await gateway.exportCube("plans", token: mia)
            #expect(memberExport.status == 200, "\(memberExport)")
            #expect(memberExport.manifest["memories"] as? Int == 1)
            #expect(memberExport.manifest["withheld"] as? Int == 1)
            #expect(memberExport.manifest["labels"] as? [String: Int] == ["internal": 1])
            let memberArchive = try #require(memberExport.json as? [String: Any])
            let lead2 = try await gateway.createUser(tenant: "acme", username: "lead2", roles: ["tenant-admin"])
            let reimported = try await gateway.importCube(archive: memberArchive, name: "plans-copy", token: lead2)
            #expect(reimported.status == 201, "\(reimported)")
            let ids = try #require(reimported.object["ids"] as? [String: String])
            #expect(Set(ids.keys) == [open])
            #expect(ids[secret] == nil)
            let copy = try #require(reimported.cube["id"] as? String)
            let texts = try await gateway.listAll(token: lead2, cube: copy).compactMap { $0["text"] as? String }
            #expect(texts == ["The offsite is in Lisbon in May"])

            // The manager's archive holds a confidential memory: a member may not import it,
            // and the refusal is atomic.
            let full = try await gateway.exportCube("plans", token: lead)
            #expect(full.manifest["memories"] as? Int == 2)
            let fullArchive = try #require(full.json as? [String: Any])
            let countBefore = try await gateway.memoryCount(token: mia)
            let refused = try await gateway.importCube(archive: fullArchive, name: "mine", token: mia)
            #expect(refused.status == 403, "\(refused)")
            #expect(refused.detail.contains("confidential"))
            #expect(try await gateway.cubeNames(token: mia).contains("mine") == false)
            #expect(try await gateway.memoryCount(token: mia) == countBefore)
            // The same archive of a member's own memories (subject mia) imports for mia.
            let own = try await gateway.createCube("own", token: mia)
            _ = try await gateway.addTextID("Mia prefers window seats", token: mia, cube: own)
            let ownExport = try await gateway.exportCube("own", token: mia)
            let ownArchive = try #require(ownExport.json as? [String: Any])
            let ownImport = try await gateway.importCube(archive: ownArchive, name: "own-copy", token: mia)
            #expect(ownImport.status == 201, "\(ownImport)")
        }
    }

    @Test func anArchiveLargerThanTheJSONBodyLimitImportsUnderItsOwnLimit() async throws {
        // 16 KiB for ordinary bodies, 192 KiB for archives: 200 memories export to ~115 KB.
        let gateway = try await TestGateway.start(maxBodyBytes: 16 * 1024, maxArchiveBytes: 192 * 1024)
        do {
            try await gateway.createTenant("acme")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            _ = try await gateway.createCube("notes", subspace: "tenant", token: root)
            // Words of random letters, so that no two notes are near-duplicates (which would merge).
            func word() -> String { String((0..<7).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! }) }
            for _ in 0..<4 {
                let memories = (0..<50).map { _ in ["text": (0..<9).map { _ in word() }.joined(separator: " ")] }
                let added = try await gateway.send(.POST, "/v1/memories", token: root, json: ["memories": memories, "cube": "notes"])
                #expect(added.status == 201, "\(added)")
            }
            let export = try await gateway.exportCube("notes", token: root)
            #expect(export.status == 200)
            #expect(export.raw.count > 16 * 1024 && export.raw.count < 192 * 1024, "archive of \(export.raw.count) bytes")
            let archive = try #require(export.json as? [String: Any])
            let before = try await gateway.memoryCount(token: root)

            let imported = try await gateway.importCube(archive: archive, name: "notes-copy", token: root)
            #expect(imported.status == 201, "\(imported)")
            #expect(try await gateway.memoryCount(token: root) == before + 200)
            // Ordinary bodies keep their limit.
            let big = try await gateway.send(
                .POST, "/v1/memories", token: root, json: ["text": String(repeating: "x", count: 20 * 1024)])
            #expect(big.status == 413 && big.isProblem)

            // Above the archive limit (with embeddings the same cube is several times larger): 413, nothing stored.
            let heavy = try await gateway.exportCube("notes", token: root, embeddings: true)
            #expect(heavy.raw.count > 192 * 1024)
            let refused = try await gateway.importCube(
                archive: try #require(heavy.json as? [String: Any]), name: "notes-heavy", token: root)
            #expect(refused.status == 413 && refused.isProblem, "\(refused)")
            #expect(try await gateway.memoryCount(token: root) == before + 200)
            #expect(try await !gateway.cubeNames(token: root).contains("notes-heavy"))
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }
}
