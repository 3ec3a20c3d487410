import Foundation
import MemOSGovernance

/// `POST /v1/cubes/{id}/export`.
struct ExportCubeRequest: Decodable {
    let passphrase: String
    let includeEmbeddings: Bool
    let includeHistory: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case passphrase, includeEmbeddings = "include_embeddings", includeHistory = "include_history"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        passphrase = try c.decode(String.self, forKey: .passphrase)
        includeEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .includeEmbeddings) ?? false
        includeHistory = try c.decodeIfPresent(Bool.self, forKey: .includeHistory) ?? false
    }
}

/// `POST /v1/cubes/import`: the archive as the JSON object the export returned, or that file
/// base64-encoded; the passphrase; the new cube's name and (optionally) subspace.
struct ImportCubeRequest: Decodable {
    let archive: CubeArchiveEnvelope
    let passphrase: String
    let name: String
    let subspace: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case archive, passphrase, name, subspace
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.archive) else { throw RequestError.missingField("archive") }
        if let text = try? c.decode(String.self, forKey: .archive) {
            guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
                throw RequestError.invalidField("archive", "expected the archive object, or the archive file base64-encoded")
            }
            archive = try CubeArchiveEnvelope.parse(data)
        } else {
            archive = try c.decode(CubeArchiveEnvelope.self, forKey: .archive)
        }
        passphrase = try c.decode(String.self, forKey: .passphrase)
        name = try c.decodeNonEmptyString(forKey: .name)
        subspace = try c.decodeIfPresent(String.self, forKey: .subspace)
    }
}

/// `POST /v1/cubes/{id}/shares`: a user (username in the caller's tenant), a role, or both.
struct ShareCubeRequest: Decodable {
    let user: String?
    let role: String?
    let access: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case user, role, access
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = try c.contains(.user) ? c.decodeNonEmptyString(forKey: .user) : nil
        role = try c.contains(.role) ? c.decodeNonEmptyString(forKey: .role) : nil
        access = try c.decodeIfPresent([String].self, forKey: .access)
        guard user != nil || role != nil else {
            throw RequestError.invalidField("user", "name a user, a role, or both")
        }
    }
}

struct CubeShareOutput: Encodable {
    let id: String
    let cube: String
    let user: String?
    let role: String?
    let access: [String]
    let createdAt: Date
    let createdBy: String?

    init(_ view: CubeShareView) {
        id = view.id.uuidString.lowercased()
        cube = view.cubeID.uuidString.lowercased()
        user = view.user
        role = view.role
        access = view.access
        createdAt = view.createdAt
        createdBy = view.createdBy
    }

    enum CodingKeys: String, CodingKey {
        case id, cube, user, role, access, createdAt = "created_at", createdBy = "created_by"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(cube, forKey: .cube)
        try c.encode(user, forKey: .user)
        try c.encode(role, forKey: .role)
        try c.encode(access, forKey: .access)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(createdBy, forKey: .createdBy)
    }
}

struct CubeShareEnvelope: Encodable {
    let share: CubeShareOutput
}

struct CubeSharesEnvelope: Encodable {
    let shares: [CubeShareOutput]
}

/// What `POST /v1/cubes/import` answers (201).
struct CubeImportOutput: Encodable {
    let cube: CubeOutput
    let imported: Counts
    /// SHA-256 of the archive's authenticated header, as recorded in each memory's provenance.
    let archive: String
    /// New memory id by the id it had in the archive.
    let ids: [String: String]

    struct Counts: Encodable {
        let memories: Int
        let edges: Int
        let versions: Int
        let embeddingsReused: Int
        let embeddingsComputed: Int

        enum CodingKeys: String, CodingKey {
            case memories, edges, versions, embeddingsReused = "embeddings_reused", embeddingsComputed = "embeddings_computed"
        }
    }

    init(_ result: CubeImportResult) {
        cube = CubeOutput(result.cube)
        imported = Counts(
            memories: result.memories, edges: result.edges, versions: result.versions,
            embeddingsReused: result.embeddingsReused, embeddingsComputed: result.embeddingsComputed)
        archive = result.archive
        ids = Dictionary(
            uniqueKeysWithValues: result.ids.map { ($0.key.uuidString.lowercased(), $0.value.uuidString.lowercased()) })
    }
}
