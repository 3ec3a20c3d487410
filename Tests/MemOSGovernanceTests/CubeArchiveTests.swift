import Foundation
import MemOSCore
import MemOSGovernance
import Testing

/// MemCube archives and cube shares at the governance layer: the parts HTTP cannot reach
/// directly (re-formatted archives, long-lived callers, the canary over the data files).
@Suite("Cube archives and shares (governance)")
struct CubeArchiveTests {
    static let passphrase = "a passphrase long enough"

    @Test func aReformattedArchiveStillOpensButAChangedValueDoesNot() async throws {
        let fixture = try await GovernanceFixture()
        let memories = fixture.governance.memories
        let root = try await fixture.caller(tenant: "acme", username: "root", roles: ["tenant-admin"])
        _ = try await memories.createCube(root, name: "ops", subspace: "tenant")
        _ = try await memories.addText(root, "The backup window opens at two in the morning", cube: "ops")
        _ = try await memories.addText(root, "Restores are rehearsed every quarter", cube: "ops")
        let export = try await memories.exportCube(root, cube: "ops", options: CubeExportOptions(passphrase: Self.passphrase))
        #expect(export.memoryIDs.count == 2)
        #expect(export.envelope.manifest.memories == 2)
        #expect(export.fileName.hasPrefix("ops-") && export.fileName.hasSuffix(".memcube.json"))

        // Pretty-printed, keys in another order: the same archive.
        let object = try JSONSerialization.jsonObject(with: export.data)
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        #expect(pretty != export.data)
        let reparsed = try CubeArchiveEnvelope.parse(pretty)
        #expect(reparsed == export.envelope)
        #expect(try reparsed.manifestHash == export.envelope.manifestHash)
        let result = try await memories.importCube(
            root, archive: reparsed, passphrase: Self.passphrase, name: "ops-copy", subspace: "tenant")
        #expect(result.memories == 2)
        #expect(Set(result.ids.keys) == Set(export.memoryIDs))

        // Any changed value in the header fails authentication, whatever it is.
        var text = String(decoding: export.data, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"exporter_tenant\":\"acme\"", with: "\"exporter_tenant\":\"acmf\"")
        let forged = try CubeArchiveEnvelope.parse(Data(text.utf8))
        await #expect(throws: GovernanceError.self) {
            _ = try await memories.importCube(root, archive: forged, passphrase: Self.passphrase, name: "forged", subspace: "tenant")
        }
        do {
            _ = try await memories.importCube(root, archive: forged, passphrase: Self.passphrase, name: "forged", subspace: "tenant")
        } catch GovernanceError.invalidInput(let field, let message) {
            #expect(field == "archive")
            #expect(message.contains("altered"))
        }
        // The canary: nothing of the memories is on disk in the clear, after two imports' worth.
        for (name, bytes) in try fixture.allFileBytes() {
            #expect(bytes.range(of: Data("backup window".utf8)) == nil, "\(name) holds memory text")
        }
    }

    @Test func kdfParametersAreBoundedBeforeAnyWorkIsDone() async throws {
        let fixture = try await GovernanceFixture()
        let memories = fixture.governance.memories
        let root = try await fixture.caller(tenant: "acme", username: "root", roles: ["tenant-admin"])
        _ = try await memories.addText(root, "Anything at all")
        let export = try await memories.exportCube(root, cube: "default", options: CubeExportOptions(passphrase: Self.passphrase))
        var object = try #require(try JSONSerialization.jsonObject(with: export.data) as? [String: Any])
        var kdf = try #require(object["kdf"] as? [String: Any])
        kdf["iterations"] = 1_000_000
        object["kdf"] = kdf
        let greedy = try CubeArchiveEnvelope.parse(try JSONSerialization.data(withJSONObject: object))
        let started = ContinuousClock.now
        do {
            _ = try await memories.importCube(root, archive: greedy, passphrase: Self.passphrase, name: "greedy", subspace: nil)
            Issue.record("an archive demanding a million Argon2 passes was accepted")
        } catch GovernanceError.invalidInput(let field, _) {
            #expect(field == "archive.kdf")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func revokingAShareReachesACallerThatWasAlreadyGranted() async throws {
        let fixture = try await GovernanceFixture()
        let memories = fixture.governance.memories
        let ann = try await fixture.caller(tenant: "acme", username: "ann", roles: ["manager"])
        let bob = try await fixture.caller(tenant: "acme", username: "bob", roles: ["member"])
        let cube = try await memories.createCube(ann, name: "notes", subspace: nil)
        let note = try await memories.addText(ann, "Ann's quarterly goals", cube: "notes")
        await #expect(throws: GovernanceError.notFound("no memory \(note.item.id)")) {
            _ = try await memories.get(bob, id: note.item.id)
        }
        let share = try await memories.shareCube(ann, cube: cube.id.uuidString, user: "bob", role: nil, access: nil)
        // The same caller object (as a long-running task would hold) is granted, then not.
        #expect(WatermarkCodec.strip(try await memories.get(bob, id: note.item.id).item.content.text) == "Ann's quarterly goals")
        #expect(try await memories.cubes(bob).contains { $0.id == cube.id && $0.shared })
        try await memories.unshareCube(ann, cube: "notes", shareID: share.id)
        await #expect(throws: GovernanceError.notFound("no memory \(note.item.id)")) {
            _ = try await memories.get(bob, id: note.item.id)
        }
        #expect(try await memories.cubes(bob).contains { $0.id == cube.id } == false)
    }
}
