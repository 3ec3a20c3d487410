import Foundation
import MemOSGovernance

/// `POST /v1/artifacts`: an artifact's metadata; its content follows with
/// `PUT /v1/artifacts/{id}/content`. Unknown fields are errors at every level.
struct CreateArtifactRequest: Decodable {
    let draft: ArtifactDraft

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, name, description, label, subspace, parametric, kvSnapshot = "kv_snapshot"
        case derivedFrom = "derived_from", onSubjectErasure = "on_subject_erasure"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.kind) else { throw RequestError.missingField("kind") }
        let kindName = try c.decode(String.self, forKey: .kind)
        guard let kind = ArtifactKind(rawValue: kindName) else {
            throw RequestError.invalidField(
                "kind", "unknown kind '\(kindName)' (expected one of: \(ArtifactKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var policy = ArtifactErasurePolicy.delete
        if let name = try c.decodeIfPresent(String.self, forKey: .onSubjectErasure) {
            guard let value = ArtifactErasurePolicy(rawValue: name) else {
                throw RequestError.invalidField(
                    "on_subject_erasure",
                    "unknown policy '\(name)' (expected one of: \(ArtifactErasurePolicy.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            policy = value
        }
        let derived = try c.decodeIfPresent(DerivedFromInput.self, forKey: .derivedFrom)
        draft = ArtifactDraft(
            kind: kind, name: try c.decodeNonEmptyString(forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            label: try c.decodeIfPresent(String.self, forKey: .label),
            subspace: try c.decodeIfPresent(String.self, forKey: .subspace),
            parametric: try c.decodeIfPresent(ParametricInput.self, forKey: .parametric)?.details,
            kvSnapshot: try c.decodeIfPresent(KVSnapshotInput.self, forKey: .kvSnapshot)?.details,
            derivedFromMemories: derived?.memoryIDs ?? [], derivedFromSubjects: derived?.subjects ?? [],
            onSubjectErasure: policy)
    }
}

/// `derived_from`: the training provenance.
struct DerivedFromInput: Decodable {
    let memoryIDs: [UUID]
    let subjects: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case memoryIDs = "memory_ids", subjects
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decodeIfPresent([String].self, forKey: .memoryIDs) ?? []
        memoryIDs = try raw.enumerated().map { index, value in
            guard let id = UUID(uuidString: value) else {
                throw RequestError.invalidField("derived_from.memory_ids[\(index)]", "not a memory id (expected a UUID)")
            }
            return id
        }
        subjects = try c.decodeIfPresent([String].self, forKey: .subjects) ?? []
    }
}

/// `parametric`: what a consumer needs to know before loading the adapter.
struct ParametricInput: Decodable {
    let details: ParametricDetails

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseModel = "base_model", rank, alpha, targetModules = "target_modules", format
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.rank) else { throw RequestError.missingField("parametric.rank") }
        guard c.contains(.targetModules) else { throw RequestError.missingField("parametric.target_modules") }
        details = ParametricDetails(
            baseModel: try c.decodeNonEmptyString(forKey: .baseModel), rank: try c.decode(Int.self, forKey: .rank),
            alpha: try c.decodeIfPresent(Double.self, forKey: .alpha),
            targetModules: try c.decode([String].self, forKey: .targetModules),
            format: try c.decodeNonEmptyString(forKey: .format))
    }
}

/// `kv_snapshot`: which activation prefix the snapshot caches, for which backend and model.
struct KVSnapshotInput: Decodable {
    let details: KVSnapshotDetails

    enum CodingKeys: String, CodingKey, CaseIterable {
        case activationPrefixID = "activation_prefix_id", backend, model, slotFormat = "slot_format"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        details = KVSnapshotDetails(
            activationPrefixID: try c.decodeNonEmptyString(forKey: .activationPrefixID),
            backend: try c.decodeNonEmptyString(forKey: .backend), model: try c.decodeNonEmptyString(forKey: .model),
            slotFormat: try c.decodeNonEmptyString(forKey: .slotFormat))
    }
}

/// One artifact version as returned by every artifact endpoint.
struct ArtifactOutput: Encodable {
    struct DerivedFrom: Encodable {
        let memoryIDs: [String]
        let subjectHashes: [String]

        enum CodingKeys: String, CodingKey {
            case memoryIDs = "memory_ids", subjectHashes = "subject_hashes"
        }
    }

    let id: String
    let kind: String
    let name: String
    let version: Int
    let label: String
    let subspace: String
    let state: String
    let size: Int?
    let sha256: String?
    let chunkCount: Int?
    let description: String?
    let parametric: ParametricDetails?
    let kvSnapshot: KVSnapshotDetails?
    let derivedFrom: DerivedFrom
    let onSubjectErasure: String
    let flags: [ArtifactFlag]
    let ownedByCaller: Bool
    let createdAt: Date
    let contentURL: String

    init(_ view: ArtifactView) {
        id = view.id.uuidString.lowercased()
        kind = view.kind.rawValue
        name = view.name
        version = view.version
        label = view.label
        subspace = view.subspace
        state = view.state.rawValue
        size = view.size
        sha256 = view.sha256
        chunkCount = view.chunkCount
        description = view.description
        parametric = view.parametric
        kvSnapshot = view.kvSnapshot
        derivedFrom = DerivedFrom(
            memoryIDs: view.provenance.memoryIDs.map { $0.uuidString.lowercased() }, subjectHashes: view.provenance.subjectHashes)
        onSubjectErasure = view.onSubjectErasure.rawValue
        flags = view.flags
        ownedByCaller = view.ownedByCaller
        createdAt = view.createdAt
        contentURL = "/v1/artifacts/\(id)/content"
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, name, version, label, subspace, state, size, sha256, chunkCount = "chunk_count", description,
            parametric, kvSnapshot = "kv_snapshot", derivedFrom = "derived_from", onSubjectErasure = "on_subject_erasure",
            flags, ownedByCaller = "owned_by_caller", createdAt = "created_at", contentURL = "content_url"
    }
}

struct ArtifactEnvelope: Encodable {
    let artifact: ArtifactOutput
}

struct ArtifactsEnvelope: Encodable {
    let artifacts: [ArtifactOutput]
}

struct ArtifactVersionsEnvelope: Encodable {
    let id: String
    let versions: [ArtifactOutput]
}

struct ArtifactDeletionOutput: Encodable {
    let deleted: [String]
}
