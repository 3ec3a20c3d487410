import Crypto
import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore
import Testing

/// Parametric memory and KV snapshots through the governance layer: exact bytes back, versions,
/// labels, permissions, provenance and erasure.
@Suite("Artifacts (governance)")
struct ArtifactServiceTests {
    /// A tenant with an agent (mia: artifacts read/write, clearance internal), a member (bob:
    /// no artifact permissions), an admin (root: confidential, subjects.name) and a DPO (dora).
    struct World {
        let fixture: GovernanceFixture
        let mia: MemoryCaller
        let bob: MemoryCaller
        let root: MemoryCaller
        let dora: MemoryCaller
        var artifacts: ArtifactService { fixture.governance.artifacts }

        init() async throws {
            fixture = try await GovernanceFixture()
            mia = try await fixture.caller(tenant: "acme", username: "mia", roles: ["agent"])
            bob = try await fixture.caller(tenant: "acme", username: "bob", roles: ["member"])
            root = try await fixture.caller(tenant: "acme", username: "root", roles: ["tenant-admin"])
            dora = try await fixture.caller(tenant: "acme", username: "dora", roles: ["dpo"])
        }
    }

    static func lora(
        _ name: String, memories: [UUID] = [], subjects: [String] = [], label: String? = nil, subspace: String? = nil,
        policy: ArtifactErasurePolicy = .delete
    ) -> ArtifactDraft {
        ArtifactDraft(
            kind: .parametric, name: name, description: "test adapter", label: label, subspace: subspace,
            parametric: ParametricDetails(
                baseModel: "llama-3-8b", rank: 16, alpha: 32, targetModules: ["q_proj", "v_proj"], format: "peft-safetensors"),
            derivedFromMemories: memories, derivedFromSubjects: subjects, onSubjectErasure: policy)
    }

    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var words = (0..<(count / 8 + 1)).map { _ in generator.next() as UInt64 }
        return words.withUnsafeMutableBytes { Data($0.prefix(count)) }
    }

    /// The content as a stream of uneven pieces, as a network would deliver it.
    static func stream(_ data: Data, piece: Int = 300_001) -> AsyncStream<Data> {
        AsyncStream { continuation in
            var offset = 0
            while offset < data.count {
                continuation.yield(Data(data[offset..<min(offset + piece, data.count)]))
                offset += piece
            }
            continuation.finish()
        }
    }

    static func downloaded(_ download: ArtifactDownload) async throws -> Data {
        var bytes = Data()
        for index in 0..<download.chunkCount { bytes.append(try await download.chunk(index)) }
        return bytes
    }

    static func upload(_ world: World, _ caller: MemoryCaller, _ draft: ArtifactDraft, bytes: Data) async throws -> ArtifactView {
        let created = try await world.artifacts.create(caller, draft)
        return try await world.artifacts.uploadContent(caller, id: created.id, content: stream(bytes))
    }

    @Test func contentComesBackByteForByteAcrossChunksAndVersionsAreKept() async throws {
        let world = try await World()
        let bytes = Self.randomBytes(3 * (1 << 20) + 12_345)
        let created = try await world.artifacts.create(world.mia, Self.lora("mia-lora"))
        #expect(created.state == .pending && created.version == 1 && created.size == nil)
        await #expect(throws: GovernanceError.self) { try await world.artifacts.download(world.mia, id: created.id) }

        let ready = try await world.artifacts.uploadContent(world.mia, id: created.id, content: Self.stream(bytes))
        #expect(ready.state == .ready)
        #expect(ready.size == bytes.count)
        #expect(ready.chunkCount == 4)
        #expect(ready.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        let download = try await world.artifacts.download(world.mia, id: created.id)
        #expect(try await Self.downloaded(download) == bytes)

        // A ready version is immutable.
        await #expect(throws: GovernanceError.conflict(
            "artifact \(created.id.uuidString.lowercased()) already has its content; create a new version instead")
        ) { try await world.artifacts.uploadContent(world.mia, id: created.id, content: Self.stream(Data([1]))) }

        // Same name, next version; the first is kept and still downloads.
        let second = try await Self.upload(world, world.mia, Self.lora("mia-lora"), bytes: Data("v2".utf8))
        #expect(second.version == 2)
        let versions = try await world.artifacts.versions(world.mia, id: second.id)
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions.map(\.id) == [created.id, second.id])
        #expect(try await Self.downloaded(try await world.artifacts.download(world.mia, id: created.id)) == bytes)
        #expect(try await world.artifacts.list(world.mia).map(\.id) == [second.id])
        #expect(Set(try await world.artifacts.list(world.mia, allVersions: true).map(\.id)) == [created.id, second.id])
        #expect(try await world.artifacts.list(world.mia, kind: .kvSnapshot).isEmpty)

        // An empty upload is refused and leaves the artifact pending.
        let empty = try await world.artifacts.create(world.mia, Self.lora("empty"))
        await #expect(throws: GovernanceError.invalidInput(field: "content", message: "the artifact content is empty")) {
            try await world.artifacts.uploadContent(world.mia, id: empty.id, content: Self.stream(Data()))
        }
        #expect(try await world.artifacts.get(world.mia, id: empty.id).state == .pending)

        // Deleting one version leaves the other.
        #expect(try await world.artifacts.delete(world.mia, id: created.id) == [created.id])
        await #expect(throws: GovernanceError.notFound("no artifact \(created.id.uuidString.lowercased())")) {
            try await world.artifacts.get(world.mia, id: created.id)
        }
        #expect(try await world.artifacts.versions(world.mia, id: second.id).map(\.version) == [2])
    }

    @Test func labelsBoundWhoMayUploadSeeAndDownload() async throws {
        let world = try await World()
        // Above the agent's clearance: refused at upload.
        await #expect(throws: GovernanceError.self) {
            try await world.artifacts.create(world.mia, Self.lora("secret", label: "confidential"))
        }
        do {
            _ = try await world.artifacts.create(world.mia, Self.lora("secret", label: "confidential"))
        } catch let error as GovernanceError {
            guard case .forbidden(let message) = error else { throw error }
            #expect(message.contains("exceeds the clearance 'internal'"))
        }
        // No artifacts.write: refused.
        await #expect(throws: GovernanceError.forbidden("role 'member' may not upload artifacts (artifacts.write)")) {
            try await world.artifacts.create(world.bob, Self.lora("bobs"))
        }
        // A confidential adapter in the tenant space: invisible to the agent, exactly like a missing one.
        let secret = try await Self.upload(
            world, world.root, Self.lora("board-adapter", label: "confidential", subspace: "tenant"), bytes: Data("secret".utf8))
        #expect(secret.label == "confidential")
        for attempt in [secret.id, UUID.v7()] {
            await #expect(throws: GovernanceError.notFound("no artifact \(attempt.uuidString.lowercased())")) {
                try await world.artifacts.get(world.mia, id: attempt)
            }
            await #expect(throws: GovernanceError.notFound("no artifact \(attempt.uuidString.lowercased())")) {
                try await world.artifacts.download(world.mia, id: attempt)
            }
        }
        #expect(!(try await world.artifacts.list(world.mia).contains { $0.id == secret.id }))

        // An internal one: the member may see its metadata but not download it; the agent may.
        let shared = try await Self.upload(world, world.root, Self.lora("shared", subspace: "tenant"), bytes: Data("shared".utf8))
        #expect(try await world.artifacts.get(world.bob, id: shared.id).name == "shared")
        await #expect(throws: GovernanceError.forbidden("role 'member' may not download artifacts (artifacts.read)")) {
            try await world.artifacts.download(world.bob, id: shared.id)
        }
        #expect(try await Self.downloaded(try await world.artifacts.download(world.mia, id: shared.id)) == Data("shared".utf8))
        // Reading is not deleting: the agent cannot write the tenant space.
        await #expect(throws: GovernanceError.self) { try await world.artifacts.delete(world.mia, id: shared.id) }

        // Persona artifacts are private to the persona.
        let own = try await Self.upload(world, world.mia, Self.lora("own"), bytes: Data("own".utf8))
        await #expect(throws: GovernanceError.notFound("no artifact \(own.id.uuidString.lowercased())")) {
            try await world.artifacts.get(world.root, id: own.id)
        }
    }

    @Test func provenanceMustBeReadableAndRaisesTheLabel() async throws {
        let world = try await World()
        let bobs = try await world.fixture.governance.memories.addText(world.bob, "bob's private plan")
        // Someone else's memory and a missing one answer alike.
        for id in [bobs.item.id, UUID.v7()] {
            await #expect(throws: GovernanceError.notFound("no memory \(id)")) {
                try await world.artifacts.create(world.mia, Self.lora("x", memories: [id]))
            }
        }
        // Naming subjects needs subjects.name.
        await #expect(throws: GovernanceError.self) {
            try await world.artifacts.create(world.mia, Self.lora("x", subjects: ["carl"]))
        }
        #expect(try await world.artifacts.list(world.mia, allVersions: true).isEmpty)

        // The label follows the highest source label, whatever was requested.
        let confidential = try await world.fixture.governance.memories.add(
            world.root, cube: nil, input: .items([MemoryContent(text: "board minutes")]),
            governance: AddGovernance(label: "confidential", subject: "carl"))[0]
        let derived = try await world.artifacts.create(
            world.root, Self.lora("minutes", memories: [confidential.item.id], subjects: ["dave"], label: "public"))
        #expect(derived.label == "confidential")
        #expect(derived.provenance.memoryIDs == [confidential.item.id])
        let keyring = world.fixture.governance.keyring
        let expected = [
            try await keyring.subjectHash(tenantID: world.root.tenantID, subject: "carl"),
            try await keyring.subjectHash(tenantID: world.root.tenantID, subject: "dave"),
        ]
        #expect(derived.provenance.subjectHashes == expected.sorted())
        // Without sources, the requested label (or the default) stands.
        #expect(try await world.artifacts.create(world.root, Self.lora("plain")).label == "internal")
        #expect(try await world.artifacts.create(world.root, Self.lora("open", label: "public")).label == "public")
        await #expect(throws: GovernanceError.self) {
            try await world.artifacts.create(world.root, Self.lora("bad", label: "top-secret"))
        }
    }

    @Test func erasingASubjectDeletesEveryVersionOfDerivedArtifacts() async throws {
        let world = try await World()
        let memory = try await world.fixture.governance.memories.addText(world.mia, "mia prefers terse answers")
        let first = try await Self.upload(world, world.mia, Self.lora("mia-lora"), bytes: Data("v1".utf8))
        let derived = try await Self.upload(world, world.mia, Self.lora("mia-lora", memories: [memory.item.id]), bytes: Data("v2".utf8))
        let unrelated = try await Self.upload(world, world.mia, Self.lora("generic"), bytes: Data("generic".utf8))
        let snapshot = try await world.artifacts.create(
            world.mia,
            ArtifactDraft(
                kind: .kvSnapshot, name: "slot-0",
                kvSnapshot: KVSnapshotDetails(
                    activationPrefixID: String(repeating: "ab", count: 32), backend: "llama.cpp", model: "llama-3-8b",
                    slotFormat: "llama.cpp-slot-v1"),
                derivedFromMemories: [memory.item.id]))

        let receipt = try await world.fixture.governance.memories.eraseSubject(world.dora, subject: "mia", reason: "Art. 17")
        let derivedStores = Dictionary(uniqueKeysWithValues: (receipt.derived ?? []).map { ($0.store, $0) })
        #expect(derivedStores["sqlite:artifacts(parametric)"]?.erased == 2)
        #expect(derivedStores["sqlite:artifacts(kv_snapshot)"]?.erased == 1)
        #expect(derivedStores["sqlite:artifacts(parametric)"]?.flagged.isEmpty == true)
        #expect(receipt.verify())
        for id in [first.id, derived.id, snapshot.id] {
            await #expect(throws: GovernanceError.notFound("no artifact \(id.uuidString.lowercased())")) {
                try await world.artifacts.get(world.mia, id: id)
            }
        }
        #expect(try await Self.downloaded(try await world.artifacts.download(world.mia, id: unrelated.id)) == Data("generic".utf8))
        // The per-artifact keys are gone too: nothing sealed under them opens again, even from a backup.
        for id in [first.id, derived.id, snapshot.id] {
            #expect(
                try await world.fixture.governance.keyring.subjectKey(
                    tenantID: world.mia.tenantID, subjectHash: "artifact:\(id.uuidString.lowercased())", create: false) == nil)
        }
    }

    @Test func abandonedUploadsExpireWithTheirKeysAndOnlyThey() async throws {
        let world = try await World()
        let dayAndAHourAgo = Date().addingTimeInterval(-ArtifactService.pendingLifetime - 3_600)
        let abandoned = try await world.artifacts.create(world.mia, Self.lora("abandoned"), now: dayAndAHourAgo)
        let recent = try await world.artifacts.create(world.mia, Self.lora("recent"))
        let oldButUploaded = try await world.artifacts.create(world.mia, Self.lora("finished"), now: dayAndAHourAgo)
        _ = try await world.artifacts.uploadContent(world.mia, id: oldButUploaded.id, content: Self.stream(Data("done".utf8)))

        #expect(try await world.artifacts.expirePendingUploads() == 1)
        await #expect(throws: GovernanceError.notFound("no artifact \(abandoned.id.uuidString.lowercased())")) {
            try await world.artifacts.get(world.mia, id: abandoned.id)
        }
        #expect(
            try await world.fixture.governance.keyring.subjectKey(
                tenantID: world.mia.tenantID, subjectHash: "artifact:\(abandoned.id.uuidString.lowercased())", create: false) == nil)
        #expect(try await world.artifacts.get(world.mia, id: recent.id).state == .pending)
        #expect(try await Self.downloaded(try await world.artifacts.download(world.mia, id: oldButUploaded.id)) == Data("done".utf8))
        // The recent one can still receive its content; a second pass finds nothing more.
        _ = try await world.artifacts.uploadContent(world.mia, id: recent.id, content: Self.stream(Data("late".utf8)))
        #expect(try await world.artifacts.expirePendingUploads() == 0)

        let auditLog = try #require(world.fixture.governance.auditLog)
        var expiry: [String] = []
        for try await line in auditLog.export(tenantID: world.mia.tenantID) where line.contains("\"artifact.expire\"") {
            expiry.append(line)
        }
        #expect(expiry.count == 1 && expiry.first?.contains(abandoned.id.uuidString.lowercased()) == true)
        #expect(expiry.first?.contains("abandoned") == false, "the sealed name stays out of the trail")
    }

    @Test func theFlagPolicyKeepsTheArtifactFlaggedAndDownloadsMustAcceptIt() async throws {
        let world = try await World()
        let memory = try await world.fixture.governance.memories.addText(world.mia, "mia's tone preferences")
        let kept = try await Self.upload(
            world, world.mia, Self.lora("mia-style", memories: [memory.item.id], policy: .flag), bytes: Data("weights".utf8))

        let receipt = try await world.fixture.governance.memories.eraseSubject(world.dora, subject: "mia", reason: nil)
        let entry = try #require(receipt.derived?.first { $0.store == "sqlite:artifacts(parametric)" })
        #expect(entry.erased == 0)
        #expect(entry.flagged.map(\.id) == [kept.id.uuidString.lowercased()])
        #expect(entry.flagged.first?.reason.contains("erased data subject") == true)

        let view = try await world.artifacts.get(world.mia, id: kept.id)
        #expect(view.flags.count == 1)
        await #expect(throws: GovernanceError.self) { try await world.artifacts.download(world.mia, id: kept.id) }
        let accepted = try await world.artifacts.download(world.mia, id: kept.id, acceptFlagged: true)
        #expect(accepted.acceptedFlags == view.flags.map(\.reason))
        #expect(try await Self.downloaded(accepted) == Data("weights".utf8))
    }

    @Test func kvSnapshotsNeedAValidPrefixAndTheirMemories() async throws {
        let world = try await World()
        func snapshot(_ prefix: String, memories: [UUID] = []) -> ArtifactDraft {
            ArtifactDraft(
                kind: .kvSnapshot, name: "slot",
                kvSnapshot: KVSnapshotDetails(activationPrefixID: prefix, backend: "llama.cpp", model: "m", slotFormat: "slot-v1"),
                derivedFromMemories: memories)
        }
        await #expect(throws: GovernanceError.self) { try await world.artifacts.create(world.mia, snapshot("not-hex")) }
        // No memories named and no current activation prefix with that id: the provenance is unknown.
        let prefix = String(repeating: "0f", count: 32)
        do {
            _ = try await world.artifacts.create(world.mia, snapshot(prefix))
            Issue.record("a KV snapshot without provenance was accepted")
        } catch GovernanceError.invalidInput(let field, _) {
            #expect(field == "derived_from.memory_ids")
        }
        // Kind and details must agree.
        var mixed = snapshot(prefix)
        mixed.parametric = Self.lora("x").parametric
        await #expect(throws: GovernanceError.invalidInput(field: "parametric", message: "applies only to kind 'parametric'")) {
            try await world.artifacts.create(world.mia, mixed)
        }
        let memory = try await world.fixture.governance.memories.addText(world.mia, "hot memory")
        let bytes = Self.randomBytes(70_000)
        let created = try await world.artifacts.create(world.mia, snapshot(prefix, memories: [memory.item.id]))
        #expect(created.kvSnapshot?.activationPrefixID == prefix)
        _ = try await world.artifacts.uploadContent(world.mia, id: created.id, content: Self.stream(bytes, piece: 4_096))
        #expect(try await Self.downloaded(try await world.artifacts.download(world.mia, id: created.id)) == bytes)
    }

    @Test func aSnapshotOfTheCurrentActivationPrefixTakesItsMemoriesAsProvenance() async throws {
        let world = try await World()
        let memories = world.fixture.governance.memories
        let hot = try await memories.addText(world.mia, "the lighthouse keeper rings the bell at dusk")
        // Retrieved often enough to be promoted into the persona's activation memory.
        for _ in 0..<5 {
            _ = try await memories.search(world.mia, query: "lighthouse keeper bell", topK: 5, cubes: nil, filter: MemoryFilter())
        }
        let prefix = try #require(try await world.fixture.governance.scheduler.activation(world.mia))
        #expect(prefix.memoryIDs.contains(hot.item.id))
        let created = try await world.artifacts.create(
            world.mia,
            ArtifactDraft(
                kind: .kvSnapshot, name: "slot-0",
                kvSnapshot: KVSnapshotDetails(
                    activationPrefixID: prefix.id, backend: "llama.cpp", model: "llama-3-8b", slotFormat: "llama.cpp-slot-v1")))
        #expect(created.provenance.memoryIDs == prefix.memoryIDs)
        _ = try await world.artifacts.uploadContent(world.mia, id: created.id, content: Self.stream(Data("kv".utf8)))

        // So erasing the subject of the prefix's memories reaches the snapshot.
        let receipt = try await memories.eraseSubject(world.dora, subject: "mia", reason: nil)
        #expect(receipt.derived?.first { $0.store == "sqlite:artifacts(kv_snapshot)" }?.erased == 1)
        await #expect(throws: GovernanceError.notFound("no artifact \(created.id.uuidString.lowercased())")) {
            try await world.artifacts.get(world.mia, id: created.id)
        }
    }
}
