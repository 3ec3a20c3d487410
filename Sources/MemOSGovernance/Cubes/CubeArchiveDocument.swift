import Foundation
import MemOSCore

/// The encrypted inside of a MemCube archive: the cube, its memories (content, lifecycle,
/// labels, subject, optional history and embedding), the edges among them, and provenance.
///
/// Plain JSON with every field spelled out in snake_case, independent of how the gateway
/// stores memories, so the format stays stable while storage evolves. The JSON Schema is in
/// docs/CUBE-ARCHIVE.md.
struct CubeArchiveDocument: Codable, Sendable {
    var format: String
    var cube: ArchivedCube
    var memories: [ArchivedMemory]
    var edges: [ArchivedEdge]
    var provenance: ArchiveProvenance

    enum CodingKeys: String, CodingKey, CaseIterable { case format, cube, memories, edges, provenance }

    init(format: String, cube: ArchivedCube, memories: [ArchivedMemory], edges: [ArchivedEdge], provenance: ArchiveProvenance) {
        self.format = format
        self.cube = cube
        self.memories = memories
        self.edges = edges
        self.provenance = provenance
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        cube = try container.decode(ArchivedCube.self, forKey: .cube)
        memories = try container.decode([ArchivedMemory].self, forKey: .memories)
        edges = try container.decode([ArchivedEdge].self, forKey: .edges)
        provenance = try container.decode(ArchiveProvenance.self, forKey: .provenance)
    }
}

struct ArchivedCube: Codable, Sendable {
    var name: String
    /// `persona`, `team` or `tenant`: the kind, not the place (user ids mean nothing elsewhere).
    var subspaceKind: String
    /// The team name for a team cube.
    var team: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, subspaceKind = "subspace_kind", team }

    init(name: String, subspaceKind: String, team: String?) {
        self.name = name
        self.subspaceKind = subspaceKind
        self.team = team
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        subspaceKind = try container.decode(String.self, forKey: .subspaceKind)
        team = try container.decodeIfPresent(String.self, forKey: .team)
    }
}

/// One memory as exported: its current version, and earlier ones when history was asked for.
struct ArchivedMemory: Codable, Sendable {
    /// The id in the exporting gateway (edges refer to it; the importer records it as provenance).
    var id: UUID
    var version: Int
    var state: MemoryState
    var content: ArchivedContent
    var governance: ArchivedGovernance
    var createdAt: Date
    var updatedAt: Date
    /// Earlier versions the exporter could read, oldest first (without the current one).
    var history: [ArchivedVersion]?
    var embedding: ArchivedEmbedding?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, version, state, content, governance, createdAt = "created_at", updatedAt = "updated_at", history,
            embedding
    }

    init(
        id: UUID, version: Int, state: MemoryState, content: ArchivedContent, governance: ArchivedGovernance,
        createdAt: Date, updatedAt: Date, history: [ArchivedVersion]?, embedding: ArchivedEmbedding?
    ) {
        self.id = id
        self.version = version
        self.state = state
        self.content = content
        self.governance = governance
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.history = history
        self.embedding = embedding
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        version = try container.decode(Int.self, forKey: .version)
        state = try container.decode(MemoryState.self, forKey: .state)
        content = try container.decode(ArchivedContent.self, forKey: .content)
        governance = try container.decode(ArchivedGovernance.self, forKey: .governance)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        updatedAt = try container.decode(Date.self, forKey: .updatedAt)
        history = try container.decodeIfPresent([ArchivedVersion].self, forKey: .history)
        embedding = try container.decodeIfPresent(ArchivedEmbedding.self, forKey: .embedding)
    }
}

struct ArchivedVersion: Codable, Sendable {
    var version: Int
    var state: MemoryState
    var content: ArchivedContent
    var governance: ArchivedGovernance
    var recordedAt: Date

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, state, content, governance, recordedAt = "recorded_at"
    }

    init(version: Int, state: MemoryState, content: ArchivedContent, governance: ArchivedGovernance, recordedAt: Date) {
        self.version = version
        self.state = state
        self.content = content
        self.governance = governance
        self.recordedAt = recordedAt
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        state = try container.decode(MemoryState.self, forKey: .state)
        content = try container.decode(ArchivedContent.self, forKey: .content)
        governance = try container.decode(ArchivedGovernance.self, forKey: .governance)
        recordedAt = try container.decode(Date.self, forKey: .recordedAt)
    }
}

/// Labels and subject of one version, as the exporter's policy decided them.
struct ArchivedGovernance: Codable, Sendable {
    var subject: String
    /// The label the memory is reported as (max of requested, derived, PII minimum).
    var label: String
    /// The label deciding who may see the memory at all.
    var accessLabel: String
    var requestedLabel: String
    var derivedLabel: String?
    /// True when PII above the exporter's clearance was redacted from this text before export.
    var redacted: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subject, label, accessLabel = "access_label", requestedLabel = "requested_label",
            derivedLabel = "derived_label", redacted
    }

    init(subject: String, label: String, accessLabel: String, requestedLabel: String, derivedLabel: String?, redacted: Bool) {
        self.subject = subject
        self.label = label
        self.accessLabel = accessLabel
        self.requestedLabel = requestedLabel
        self.derivedLabel = derivedLabel
        self.redacted = redacted
    }

    init(_ governance: MemoryGovernance, redacted: Bool) {
        self.init(
            subject: governance.subject, label: governance.label, accessLabel: governance.accessLabel,
            requestedLabel: governance.requestedLabel, derivedLabel: governance.derivedLabel, redacted: redacted)
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subject = try container.decode(String.self, forKey: .subject)
        label = try container.decode(String.self, forKey: .label)
        accessLabel = try container.decode(String.self, forKey: .accessLabel)
        requestedLabel = try container.decode(String.self, forKey: .requestedLabel)
        derivedLabel = try container.decodeIfPresent(String.self, forKey: .derivedLabel)
        redacted = try container.decode(Bool.self, forKey: .redacted)
    }
}

/// A memory's content: text, key, tags, type, sources, background, confidence, info.
struct ArchivedContent: Codable, Sendable {
    var text: String
    var key: String?
    var tags: [String]
    var memoryType: String
    var sources: [ArchivedSource]
    var background: String?
    var confidence: Double?
    var info: [String: JSONValue]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, key, tags, memoryType = "memory_type", sources, background, confidence, info
    }

    init(_ content: MemoryContent) {
        text = content.text
        key = content.key
        tags = content.tags
        memoryType = content.memoryType.rawValue
        sources = content.sources.map(ArchivedSource.init)
        background = content.background
        confidence = content.confidence
        info = content.info
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        tags = try container.decode([String].self, forKey: .tags)
        memoryType = try container.decode(String.self, forKey: .memoryType)
        sources = try container.decode([ArchivedSource].self, forKey: .sources)
        background = try container.decodeIfPresent(String.self, forKey: .background)
        confidence = try container.decodeIfPresent(Double.self, forKey: .confidence)
        info = try container.decode([String: JSONValue].self, forKey: .info)
    }

    /// The content as this gateway models it; an unknown memory type is a 400.
    func memoryContent() throws -> MemoryContent {
        guard let type = MemoryType(rawValue: memoryType) else {
            throw GovernanceError.invalidInput(
                field: "archive.content", message: "unknown memory type '\(memoryType)' in the archive")
        }
        return MemoryContent(
            text: text, key: key, tags: tags, memoryType: type, sources: sources.map(\.sourceMessage),
            background: background, confidence: confidence, info: info)
    }
}

/// Provenance of a memory: which message or document it came from, said by whom, when.
struct ArchivedSource: Codable, Sendable {
    var messageID: String?
    var role: String?
    var speaker: String?
    var chatTime: Date?
    var content: String?
    var documentID: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case messageID = "message_id", role, speaker, chatTime = "chat_time", content, documentID = "document_id"
    }

    init(_ source: SourceMessage) {
        messageID = source.messageID
        role = source.role
        speaker = source.speaker
        chatTime = source.chatTime
        content = source.content
        documentID = source.documentID
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try container.decodeIfPresent(String.self, forKey: .messageID)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        speaker = try container.decodeIfPresent(String.self, forKey: .speaker)
        chatTime = try container.decodeIfPresent(Date.self, forKey: .chatTime)
        content = try container.decodeIfPresent(String.self, forKey: .content)
        documentID = try container.decodeIfPresent(String.self, forKey: .documentID)
    }

    var sourceMessage: SourceMessage {
        SourceMessage(
            messageID: messageID, role: role, speaker: speaker, chatTime: chatTime, content: content, documentID: documentID)
    }
}

/// A dense vector and the embedder that made it (reused on import only by the same embedder).
struct ArchivedEmbedding: Codable, Sendable {
    var embedder: String
    var dimensions: Int
    /// Base64 of the vector as little-endian IEEE-754 float32s.
    var vector: String

    enum CodingKeys: String, CodingKey, CaseIterable { case embedder, dimensions, vector }

    init(embedder: String, vector: [Float]) {
        self.embedder = embedder
        self.dimensions = vector.count
        var bytes = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        self.vector = bytes.base64EncodedString()
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        embedder = try container.decode(String.self, forKey: .embedder)
        dimensions = try container.decode(Int.self, forKey: .dimensions)
        vector = try container.decode(String.self, forKey: .vector)
    }

    /// The vector, or nil when it does not decode to `dimensions` finite floats.
    var floats: [Float]? {
        guard let bytes = Data(base64Encoded: vector), bytes.count == dimensions * 4, dimensions > 0 else { return nil }
        let values = bytes.withUnsafeBytes { raw in
            (0..<dimensions).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
        return values.allSatisfy(\.isFinite) ? values : nil
    }
}

/// A relation between two exported memories (ids as in the archive).
struct ArchivedEdge: Codable, Sendable {
    var from: UUID
    var to: UUID
    var relation: String
    /// Why the edge exists (`reader`, `near-duplicate`, `api`, ...), without who made it.
    var via: String?
    var createdAt: Date

    enum CodingKeys: String, CodingKey, CaseIterable { case from, to, relation, via, createdAt = "created_at" }

    init(from: UUID, to: UUID, relation: String, via: String?, createdAt: Date) {
        self.from = from
        self.to = to
        self.relation = relation
        self.via = via
        self.createdAt = createdAt
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try container.decode(UUID.self, forKey: .from)
        to = try container.decode(UUID.self, forKey: .to)
        relation = try container.decode(String.self, forKey: .relation)
        via = try container.decodeIfPresent(String.self, forKey: .via)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
    }
}

/// Where an archive came from: keyed hashes (not ids) of the gateway and tenant, when, by whom.
struct ArchiveProvenance: Codable, Sendable {
    var gateway: String
    var tenant: String
    var exportedAt: Date
    /// The exporting user's name and acting role.
    var exporter: String
    var exporterRole: String
    /// The exported cube's id in its gateway.
    var sourceCube: UUID

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gateway, tenant, exportedAt = "exported_at", exporter, exporterRole = "exporter_role",
            sourceCube = "source_cube"
    }

    init(gateway: String, tenant: String, exportedAt: Date, exporter: String, exporterRole: String, sourceCube: UUID) {
        self.gateway = gateway
        self.tenant = tenant
        self.exportedAt = exportedAt
        self.exporter = exporter
        self.exporterRole = exporterRole
        self.sourceCube = sourceCube
    }

    init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self, root: "archive.content")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gateway = try container.decode(String.self, forKey: .gateway)
        tenant = try container.decode(String.self, forKey: .tenant)
        exportedAt = try container.decode(Date.self, forKey: .exportedAt)
        exporter = try container.decode(String.self, forKey: .exporter)
        exporterRole = try container.decode(String.self, forKey: .exporterRole)
        sourceCube = try container.decode(UUID.self, forKey: .sourceCube)
    }
}
