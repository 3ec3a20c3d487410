import Foundation
import MemOSCore
import MemOSGovernance
import Testing

/// Read up attempted through the two endpoints that reach past subspaces or into the past:
/// subject export (a role with the permission but a low clearance) and version history (a
/// label lowered later must not expose the versions written under the higher one).
@Suite struct ReadUpThroughExportTests {
    /// The shipped policy plus an `auditor` role: subject export, but only internal clearance.
    static func policyWithAuditor() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-policy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: GovernanceFixture.shippedPolicies, to: directory)
        let roles = directory.appendingPathComponent("roles.yaml")
        let text = try String(contentsOf: roles, encoding: .utf8)
        try (text + """

              - name: auditor
                description: Exports subjects, cleared for internal only
                clearance: internal
                permissions: [subjects.export]
                grants:
                  - subspace: persona
                    access: [read, write]

            """).write(to: roles, atomically: true, encoding: .utf8)
        return directory
    }

    @Test func exportWithholdsWhatTheExporterIsNotClearedFor() async throws {
        let fixture = try await GovernanceFixture(policyDirectory: try Self.policyWithAuditor())
        let root = try await fixture.caller(tenant: "acme", username: "root", roles: ["tenant-admin"])
        let auditor = try await fixture.caller(tenant: "acme", username: "ada", roles: ["auditor"])
        let memories = fixture.governance.memories
        _ = try await memories.add(
            root, cube: nil, input: .items([MemoryContent(text: "root's board seat expires in June")]),
            governance: AddGovernance(label: "confidential"))
        _ = try await memories.add(root, cube: nil, input: .items([MemoryContent(text: "root likes espresso")]))

        let export = try await memories.exportSubject(auditor, subject: "root")
        #expect(export.memories.count == 1)
        #expect(export.withheld == 1)
        #expect(export.memories.allSatisfy { !WatermarkCodec.strip($0.memory.item.content.text).contains("board seat") })
        let everything = try await memories.exportSubject(
            try await fixture.caller(tenant: "acme", username: "dora", roles: ["dpo"]), subject: "root")
        #expect(everything.memories.count == 2 && everything.withheld == 0)
    }

    @Test func historyHidesVersionsWrittenUnderAHigherLabel() async throws {
        let fixture = try await GovernanceFixture()
        let root = try await fixture.caller(tenant: "acme", username: "root", roles: ["tenant-admin"])
        let mia = try await fixture.caller(tenant: "acme", username: "mia", roles: ["member"])
        let memories = fixture.governance.memories
        _ = try await memories.createCube(root, name: "board", subspace: "tenant")
        let secret = try await memories.add(
            root, cube: "board", input: .items([MemoryContent(text: "acquisition target is Initech")]),
            governance: AddGovernance(label: "confidential"))[0]
        // The text is rewritten for everyone, and the label lowered with a justification.
        _ = try await memories.update(
            root, id: secret.item.id,
            patch: MemoryPatch(text: "an acquisition is being considered", label: "internal", justification: "sanitised for staff"))
        let versions = try await memories.history(mia, id: secret.item.id)
        #expect(versions.map(\.version) == [2])
        #expect(versions.allSatisfy { !WatermarkCodec.strip($0.content.text).contains("Initech") })
        // Nor can the member reach version 1 by rolling back (it may not write the tenant cube).
        await #expect(throws: GovernanceError.self) { _ = try await memories.rollback(mia, id: secret.item.id, to: 1) }
        #expect(try await memories.history(root, id: secret.item.id).count == 2)
    }
}
