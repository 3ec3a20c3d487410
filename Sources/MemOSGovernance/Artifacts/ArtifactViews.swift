import Foundation

/// What a caller asks for when creating an artifact (its content is uploaded afterwards).
public struct ArtifactDraft: Sendable, Hashable {
    public var kind: ArtifactKind
    /// Versions group by name: the same name in the same subspace gets the next version.
    public var name: String
    public var description: String?
    /// Requested access label; the artifact gets max(this, labels of its source memories).
    public var label: String?
    /// `persona` (default), `team/<name>` or `tenant`.
    public var subspace: String?
    /// Required for `parametric`, absent otherwise.
    public var parametric: ParametricDetails?
    /// Required for `kv_snapshot`, absent otherwise.
    public var kvSnapshot: KVSnapshotDetails?
    /// Memories it was derived from; each must be readable by the caller.
    public var derivedFromMemories: [UUID]
    /// Data subjects it was derived from, by name (needs `subjects.name`); stored as keyed hashes.
    public var derivedFromSubjects: [String]
    public var onSubjectErasure: ArtifactErasurePolicy

    public init(
        kind: ArtifactKind, name: String, description: String? = nil, label: String? = nil, subspace: String? = nil,
        parametric: ParametricDetails? = nil, kvSnapshot: KVSnapshotDetails? = nil, derivedFromMemories: [UUID] = [],
        derivedFromSubjects: [String] = [], onSubjectErasure: ArtifactErasurePolicy = .delete
    ) {
        self.kind = kind
        self.name = name
        self.description = description
        self.label = label
        self.subspace = subspace
        self.parametric = parametric
        self.kvSnapshot = kvSnapshot
        self.derivedFromMemories = derivedFromMemories
        self.derivedFromSubjects = derivedFromSubjects
        self.onSubjectErasure = onSubjectErasure
    }
}

/// Whether an artifact's content has been uploaded.
public enum ArtifactState: String, Sendable, Codable {
    case pending, ready
}

/// One artifact version as a permitted caller sees it.
public struct ArtifactView: Sendable, Hashable {
    public let id: UUID
    public let kind: ArtifactKind
    public let name: String
    public let version: Int
    public let label: String
    /// As shown to the caller: `persona`, `persona:<role>`, `team/<name>`, `tenant`.
    public let subspace: String
    public let state: ArtifactState
    public let size: Int?
    /// SHA-256 hex of the content (kept sealed; shown to callers cleared for the artifact).
    public let sha256: String?
    public let chunkCount: Int?
    public let description: String?
    public let parametric: ParametricDetails?
    public let kvSnapshot: KVSnapshotDetails?
    public let provenance: ArtifactProvenance
    public let onSubjectErasure: ArtifactErasurePolicy
    /// Non-empty when data it was derived from was erased and its policy kept it.
    public let flags: [ArtifactFlag]
    /// Whether the caller's acting persona uploaded it.
    public let ownedByCaller: Bool
    public let createdAt: Date
}

/// A download whose every chunk was authenticated, and whose SHA-256 and size were checked
/// against the sealed metadata, before the first byte is released. `chunk(_:)` opens each
/// chunk again as it is streamed (a change in between fails the stream, never alters it).
public struct ArtifactDownload: Sendable {
    public let artifact: ArtifactView
    public let size: Int
    public let chunkCount: Int
    /// The flag reasons the caller accepted by downloading a flagged artifact.
    public let acceptedFlags: [String]
    let reader: @Sendable (Int) async throws -> Data

    public func chunk(_ index: Int) async throws -> Data {
        try await reader(index)
    }
}
