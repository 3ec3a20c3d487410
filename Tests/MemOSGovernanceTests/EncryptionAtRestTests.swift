import Crypto
import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore
import Testing

/// Memory text must never reach the disk in the clear, and sealed payloads must not be
/// movable between rows, versions or tenants.
@Suite struct EncryptionAtRestTests {
    @Test func canaryTextNeverReachesTheDisk() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let canary = "CANARY-\(UUID().uuidString)-zebra"
        let canaryWord = Data("zebra".utf8)
        let added = try await fixture.governance.memories.addText(caller, "the secret is \(canary)")
        // Search builds the in-memory index; nothing of it may be persisted either.
        let hits = try await fixture.governance.memories.search(
            caller, query: canary, topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(hits.map(\.memory.item.id) == [added.item.id])

        for (name, bytes) in try fixture.allFileBytes() {
            #expect(bytes.range(of: Data(canary.utf8)) == nil, "canary found in \(name)")
            #expect(bytes.range(of: canaryWord) == nil, "index term found in \(name)")
        }

        // After a restart the index is rebuilt from sealed rows, and the disk is still clean.
        let restarted = try await fixture.reopened()
        let again = try await fixture.callerFor(key: try await newKey(fixture, restarted, caller), acting: nil, governance: restarted)
        let rehits = try await restarted.memories.search(again, query: "zebra", topK: 5, cubes: nil, filter: MemoryFilter())
        #expect(rehits.map(\.memory.item.id) == [added.item.id])
        for (name, bytes) in try fixture.allFileBytes() {
            #expect(bytes.range(of: Data(canary.utf8)) == nil, "canary found in \(name) after restart")
        }
    }

    private func newKey(_ fixture: GovernanceFixture, _ governance: Governance, _ caller: MemoryCaller) async throws -> String {
        try await governance.identity.createAPIKey(for: caller, name: "restart", expiresIn: nil).token
    }

    @Test func sealedPayloadsAreBoundToTenantRecordVersionLabelAndKey() async throws {
        let fixture = try await GovernanceFixture()
        let store = try DataDirectory(url: fixture.directory).openStore()
        let keyring = Keyring(store: store, masterKey: try DataDirectory(url: fixture.directory).loadMasterKey(environment: [:]))
        let sealer = MemoryPayloadSealer(keyring: keyring)
        let tenant = try await fixture.governance.identity.createTenant(by: fixture.operatorIdentity, name: "sealing").id
        let subjectHash = try await keyring.subjectHash(tenantID: tenant, subject: "alice")
        let key = try #require(try await keyring.subjectKey(tenantID: tenant, subjectHash: subjectHash, create: true))
        let memory = SealedMemory(
            content: MemoryContent(text: "card 4111 1111 1111 1111", tags: ["pay"]),
            governance: MemoryGovernance(
                subject: "alice", requestedLabel: "internal", derivedLabel: nil, pii: [], accessLabel: "internal",
                label: "confidential"))
        let binding = SealBinding(
            tenantID: tenant, memoryID: UUID(), version: 3, label: "confidential", accessLabel: "internal", keyID: key.id)
        let sealed = try sealer.seal(memory, binding: binding, key: key)
        #expect(try await sealer.open(sealed, binding: binding) == memory)
        #expect(sealed.range(of: Data("4111".utf8)) == nil)

        // Moved to another row, version, tenant, relabelled, or claimed under another key: refused.
        var variants: [SealBinding] = []
        var other = binding
        other.memoryID = UUID()
        variants.append(other)
        other = binding
        other.version = 2
        variants.append(other)
        other = binding
        other.label = "internal"
        variants.append(other)
        other = binding
        other.accessLabel = "public"
        variants.append(other)
        other = binding
        other.tenantID = UUID()
        variants.append(other)
        for variant in variants {
            await #expect(throws: GovernanceError.self) { _ = try await sealer.open(sealed, binding: variant) }
        }
        // One flipped byte anywhere is caught.
        for index in stride(from: 0, to: sealed.count, by: 7) {
            var tampered = sealed
            tampered[tampered.startIndex + index] ^= 0x01
            await #expect(throws: GovernanceError.self) { _ = try await sealer.open(tampered, binding: binding) }
        }
        // Another master key cannot unwrap the data key, so cannot open the payload.
        let foreign = MemoryPayloadSealer(keyring: Keyring(store: store, masterKey: MasterKey.ephemeral()))
        await #expect(throws: GovernanceError.self) { _ = try await foreign.open(sealed, binding: binding) }
        // Destroying the subject key makes it unopenable for good (crypto-shredding).
        try await keyring.destroySubjectKey(tenantID: tenant, subjectHash: subjectHash)
        let fresh = MemoryPayloadSealer(keyring: Keyring(store: store, masterKey: try DataDirectory(url: fixture.directory).loadMasterKey(environment: [:])))
        await #expect(throws: GovernanceError.self) { _ = try await fresh.open(sealed, binding: binding) }
    }

    @Test func aCiphertextCopiedToAnotherRowIsAnIntegrityErrorNotAnotherMemory() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let secret = try await fixture.governance.memories.addText(caller, "salary of bob is 100k")
        let harmless = try await fixture.governance.memories.addText(caller, "lunch is at noon")

        // An attacker with database access copies the secret's ciphertext over the harmless row.
        let store = try DataDirectory(url: fixture.directory).openStore()
        let secretRow = try #require(try await store.memory(tenantID: caller.tenantID, id: secret.item.id))
        var forged = try #require(try await store.memory(tenantID: caller.tenantID, id: harmless.item.id))
        forged.payload = secretRow.payload
        forged.version = 2
        try await store.updateMemory(forged, expectedVersion: 1)

        await #expect(throws: GovernanceError.self) {
            _ = try await fixture.governance.memories.get(caller, id: harmless.item.id)
        }
        #expect(
            WatermarkCodec.strip(try await fixture.governance.memories.get(caller, id: secret.item.id).item.text)
                == "salary of bob is 100k")
    }
}
