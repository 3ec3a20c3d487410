import Crypto
import Foundation

/// The outer, readable part of a MemCube archive (`memos-cube-archive/1`): what it holds (the
/// manifest), how its key is derived from the passphrase, and the encrypted inner document.
///
/// Everything here except `nonce` and `ciphertext` is bound into the AES-GCM associated data
/// (see `authenticatedHeader`), so changing a count, a name or a KDF parameter makes the
/// archive fail to open. Decoding is strict: an unknown field is refused rather than ignored,
/// because an ignored field would sit outside that authentication. The format is described in
/// docs/CUBE-ARCHIVE.md.
public struct CubeArchiveEnvelope: Sendable, Hashable, Codable {
    /// The only format this gateway writes and reads.
    public static let formatV1 = "memos-cube-archive/1"
    public static let cipherName = "AES-256-GCM"

    public let format: String
    public let manifest: CubeArchiveManifest
    public let kdf: CubeArchiveKDF
    /// Proves a passphrase right or wrong before decryption, so a wrong passphrase and an
    /// altered archive are told apart (a derived value: it costs a guesser the full Argon2id).
    public let keyCheck: String
    public let cipher: String
    public let nonce: String
    /// Base64 of the AES-GCM ciphertext followed by its 16-byte tag.
    public let ciphertext: String

    init(
        manifest: CubeArchiveManifest, kdf: CubeArchiveKDF, keyCheck: String, nonce: String, ciphertext: String
    ) {
        self.format = Self.formatV1
        self.manifest = manifest
        self.kdf = kdf
        self.keyCheck = keyCheck
        self.cipher = Self.cipherName
        self.nonce = nonce
        self.ciphertext = ciphertext
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, manifest, kdf, keyCheck = "key_check", cipher, nonce, ciphertext
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // The version first: a later format may have other fields, and deserves a precise answer.
        guard container.contains(.format) else {
            throw GovernanceError.invalidInput(
                field: "archive.format", message: "missing: this is not a MemCube archive (\(Self.formatV1))")
        }
        let format = try container.decode(String.self, forKey: .format)
        guard format == Self.formatV1 else {
            throw GovernanceError.invalidInput(
                field: "archive.format",
                message: "unsupported archive format '\(format)': this gateway reads \(Self.formatV1)")
        }
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self)
        self.format = format
        manifest = try container.decode(CubeArchiveManifest.self, forKey: .manifest)
        kdf = try container.decode(CubeArchiveKDF.self, forKey: .kdf)
        keyCheck = try container.decode(String.self, forKey: .keyCheck)
        cipher = try container.decode(String.self, forKey: .cipher)
        guard cipher == Self.cipherName else {
            throw GovernanceError.invalidInput(
                field: "archive.cipher", message: "unsupported cipher '\(cipher)': this gateway reads \(Self.cipherName)")
        }
        nonce = try container.decode(String.self, forKey: .nonce)
        ciphertext = try container.decode(String.self, forKey: .ciphertext)
    }

    /// Parses an archive file's bytes; every failure is a 400 naming what is wrong.
    public static func parse(_ data: Data) throws -> CubeArchiveEnvelope {
        do {
            return try JSONDecoder().decode(CubeArchiveEnvelope.self, from: data)
        } catch let error as GovernanceError {
            throw error
        } catch let error as DecodingError {
            throw ArchiveDecoding.translate(error, in: "archive")
        } catch {
            throw GovernanceError.invalidInput(field: "archive", message: "is not a MemCube archive: \(error)")
        }
    }

    /// The archive as written to a file: sorted keys, so equal archives are equal bytes.
    public func encoded() throws -> Data {
        try ArchiveDecoding.canonicalEncoder.encode(self)
    }

    /// What AES-GCM authenticates besides the ciphertext: everything but nonce and ciphertext,
    /// in one canonical encoding, so a re-formatted archive (keys reordered, whitespace)
    /// still opens while any changed value does not.
    var authenticatedHeader: Data {
        get throws {
            try ArchiveDecoding.canonicalEncoder.encode(
                AuthenticatedHeader(format: format, manifest: manifest, kdf: kdf, keyCheck: keyCheck, cipher: cipher))
        }
    }

    /// SHA-256 of the authenticated header: the archive's identity, recorded as provenance.
    public var manifestHash: String {
        get throws { ByteEncoding.hex(SHA256.hash(data: try authenticatedHeader)) }
    }

    private struct AuthenticatedHeader: Encodable {
        let format: String
        let manifest: CubeArchiveManifest
        let kdf: CubeArchiveKDF
        let keyCheck: String
        let cipher: String

        enum CodingKeys: String, CodingKey {
            case format, manifest, kdf, keyCheck = "key_check", cipher
        }
    }
}

/// What an archive holds, readable without the passphrase (and authenticated by it).
public struct CubeArchiveManifest: Sendable, Hashable, Codable {
    public let formatVersion: Int
    /// The exported cube's name and subspace kind (`persona`, `team` or `tenant`).
    public let cube: String
    public let subspaceKind: String
    /// ISO 8601, UTC, milliseconds.
    public let createdAt: String
    /// Name of the tenant that exported it.
    public let exporterTenant: String
    public let memories: Int
    public let edges: Int
    /// History versions carried (0 without history).
    public let versions: Int
    /// Memories of the cube left out because the exporter may not read them (no read up).
    public let withheld: Int
    /// Memories per memory type, per label and per lifecycle state.
    public let memoryTypes: [String: Int]
    public let labels: [String: Int]
    public let states: [String: Int]
    public let includesEmbeddings: Bool
    public let includesHistory: Bool
    /// Hex SHA-256 of the plaintext inner document.
    public let plaintextSHA256: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case formatVersion = "format_version", cube, subspaceKind = "subspace_kind", createdAt = "created_at",
            exporterTenant = "exporter_tenant", memories, edges, versions, withheld, memoryTypes = "memory_types", labels,
            states, includesEmbeddings = "includes_embeddings", includesHistory = "includes_history",
            plaintextSHA256 = "plaintext_sha256"
    }

    init(
        cube: String, subspaceKind: String, createdAt: String, exporterTenant: String, memories: Int, edges: Int,
        versions: Int, withheld: Int, memoryTypes: [String: Int], labels: [String: Int], states: [String: Int],
        includesEmbeddings: Bool, includesHistory: Bool, plaintextSHA256: String
    ) {
        self.formatVersion = 1
        self.cube = cube
        self.subspaceKind = subspaceKind
        self.createdAt = createdAt
        self.exporterTenant = exporterTenant
        self.memories = memories
        self.edges = edges
        self.versions = versions
        self.withheld = withheld
        self.memoryTypes = memoryTypes
        self.labels = labels
        self.states = states
        self.includesEmbeddings = includesEmbeddings
        self.includesHistory = includesHistory
        self.plaintextSHA256 = plaintextSHA256
    }

    public init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        guard formatVersion == 1 else {
            throw GovernanceError.invalidInput(
                field: "archive.manifest.format_version", message: "unsupported format version \(formatVersion) (expected 1)")
        }
        cube = try container.decode(String.self, forKey: .cube)
        subspaceKind = try container.decode(String.self, forKey: .subspaceKind)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        exporterTenant = try container.decode(String.self, forKey: .exporterTenant)
        memories = try container.decode(Int.self, forKey: .memories)
        edges = try container.decode(Int.self, forKey: .edges)
        versions = try container.decode(Int.self, forKey: .versions)
        withheld = try container.decode(Int.self, forKey: .withheld)
        memoryTypes = try container.decode([String: Int].self, forKey: .memoryTypes)
        labels = try container.decode([String: Int].self, forKey: .labels)
        states = try container.decode([String: Int].self, forKey: .states)
        includesEmbeddings = try container.decode(Bool.self, forKey: .includesEmbeddings)
        includesHistory = try container.decode(Bool.self, forKey: .includesHistory)
        plaintextSHA256 = try container.decode(String.self, forKey: .plaintextSHA256)
    }
}

/// Argon2id parameters and salt of an archive's passphrase key.
public struct CubeArchiveKDF: Sendable, Hashable, Codable {
    public let algorithm: String
    /// Argon2 version (19 = 0x13).
    public let version: Int
    public let iterations: Int
    public let memoryKiB: Int
    public let parallelism: Int
    /// Base64 of 16 random bytes.
    public let salt: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case algorithm, version, iterations, memoryKiB = "memory_kib", parallelism, salt
    }

    init(parameters: Argon2Parameters, salt: Data) {
        algorithm = "argon2id"
        version = 19
        iterations = Int(parameters.iterations)
        memoryKiB = Int(parameters.memoryKiB)
        parallelism = Int(parameters.parallelism)
        self.salt = salt.base64EncodedString()
    }

    public init(from decoder: any Decoder) throws {
        try ArchiveDecoding.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try container.decode(String.self, forKey: .algorithm)
        version = try container.decode(Int.self, forKey: .version)
        iterations = try container.decode(Int.self, forKey: .iterations)
        memoryKiB = try container.decode(Int.self, forKey: .memoryKiB)
        parallelism = try container.decode(Int.self, forKey: .parallelism)
        salt = try container.decode(String.self, forKey: .salt)
    }
}
