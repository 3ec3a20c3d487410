import Foundation

/// The two kinds of governed artifacts.
public enum ArtifactKind: String, Sendable, Codable, CaseIterable {
    /// Parametric memory: an adapter (e.g. LoRA) trained on memories.
    case parametric
    /// Activation memory: an inference backend's KV cache snapshot of an activation prefix
    /// (e.g. a llama.cpp slot save file).
    case kvSnapshot = "kv_snapshot"
}

/// What happens to an artifact when data it was derived from is erased.
public enum ArtifactErasurePolicy: String, Sendable, Codable, CaseIterable {
    /// Every version is deleted with its chunks, and its data key destroyed (the default).
    case delete
    /// Kept, but flagged with the reason (in the receipt and the artifact's metadata); downloads
    /// are refused unless the caller explicitly accepts the flag.
    case flag
}

/// Facts about an adapter a consumer needs before loading it.
public struct ParametricDetails: Sendable, Hashable, Codable {
    public var baseModel: String
    public var rank: Int
    public var alpha: Double?
    public var targetModules: [String]
    /// e.g. `peft-safetensors`, `gguf-lora`.
    public var format: String

    public init(baseModel: String, rank: Int, alpha: Double?, targetModules: [String], format: String) {
        self.baseModel = baseModel
        self.rank = rank
        self.alpha = alpha
        self.targetModules = targetModules
        self.format = format
    }

    enum CodingKeys: String, CodingKey {
        case baseModel = "base_model", rank, alpha, targetModules = "target_modules", format
    }
}

/// Facts about a KV snapshot: which activation prefix it caches, for which backend and model.
public struct KVSnapshotDetails: Sendable, Hashable, Codable {
    /// SHA-256 hex of the prefix text (`ActivationPrefix.id`): a backend restores the snapshot
    /// only while the persona's prefix still has this id.
    public var activationPrefixID: String
    /// e.g. `llama.cpp`.
    public var backend: String
    public var model: String
    /// e.g. `llama.cpp-slot-v1`.
    public var slotFormat: String

    public init(activationPrefixID: String, backend: String, model: String, slotFormat: String) {
        self.activationPrefixID = activationPrefixID
        self.backend = backend
        self.model = model
        self.slotFormat = slotFormat
    }

    enum CodingKeys: String, CodingKey {
        case activationPrefixID = "activation_prefix_id", backend, model, slotFormat = "slot_format"
    }
}

/// What an artifact was derived from: the memories, and the subjects (by keyed hash only, the
/// sealed metadata never names anyone), so erasure of either reaches it.
public struct ArtifactProvenance: Sendable, Hashable, Codable {
    public var memoryIDs: [UUID]
    public var subjectHashes: [String]

    public init(memoryIDs: [UUID] = [], subjectHashes: [String] = []) {
        self.memoryIDs = memoryIDs
        self.subjectHashes = subjectHashes
    }

    enum CodingKeys: String, CodingKey {
        case memoryIDs = "memory_ids", subjectHashes = "subject_hashes"
    }
}

/// A mark left on an artifact kept after data it was derived from was erased.
public struct ArtifactFlag: Sendable, Hashable, Codable {
    public var reason: String
    public var flaggedAt: Date

    public init(reason: String, flaggedAt: Date) {
        self.reason = reason
        self.flaggedAt = flaggedAt
    }

    enum CodingKeys: String, CodingKey {
        case reason, flaggedAt = "flagged_at"
    }
}

/// Everything descriptive about one artifact version, sealed as one JSON document under the
/// artifact's data key: nothing here (name, model facts, provenance, content hash) is on disk
/// in the clear.
struct ArtifactMetadata: Sendable, Hashable, Codable {
    var name: String
    var kind: ArtifactKind
    var description: String?
    var parametric: ParametricDetails?
    var kvSnapshot: KVSnapshotDetails?
    var provenance: ArtifactProvenance
    var onSubjectErasure: ArtifactErasurePolicy
    /// The label the uploader asked for, and the highest label of the source memories.
    var requestedLabel: String?
    var sourceLabel: String?
    /// Content facts, set when the upload completes.
    var size: Int?
    var sha256: String?
    var chunkSize: Int
    var chunkCount: Int?
    var flags: [ArtifactFlag]

    enum CodingKeys: String, CodingKey {
        case name, kind, description, parametric, kvSnapshot = "kv_snapshot", provenance,
            onSubjectErasure = "on_subject_erasure", requestedLabel = "requested_label", sourceLabel = "source_label",
            size, sha256, chunkSize = "chunk_size", chunkCount = "chunk_count", flags
    }
}
