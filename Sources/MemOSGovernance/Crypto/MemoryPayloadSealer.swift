import Crypto
import Foundation
import MemOSCore

/// What one memory version seals: its content and its governance facts, opened together.
public struct SealedMemory: Sendable, Hashable, Codable {
    public var content: MemoryContent
    public var governance: MemoryGovernance

    public init(content: MemoryContent, governance: MemoryGovernance) {
        self.content = content
        self.governance = governance
    }
}

/// Where a sealed memory sits, bound into its associated data: moving a ciphertext to another
/// row, tenant, version, label or key makes it fail to open instead of being served.
public struct SealBinding: Sendable, Hashable {
    public var tenantID: UUID
    public var memoryID: UUID
    public var version: Int
    public var label: String
    public var accessLabel: String
    /// The data key's id ("" for rows written under the pre-v4 tenant-derived scheme).
    public var keyID: String

    public init(tenantID: UUID, memoryID: UUID, version: Int, label: String, accessLabel: String, keyID: String) {
        self.tenantID = tenantID
        self.memoryID = memoryID
        self.version = version
        self.label = label
        self.accessLabel = accessLabel
        self.keyID = keyID
    }
}

/// Seals memory versions and embeddings with AES-256-GCM under the data subject's key.
///
/// Format 2 (current): `0x02 || nonce || ciphertext || tag`, key = the subject's data key named
/// by the row's `key_id`, associated data = tenant, memory, version, label, access label, key.
/// Format 1 (rows written before wrapped keys): the tenant-derived key, associated data tenant,
/// memory and version; still opened, never written.
public struct MemoryPayloadSealer: Sendable {
    static let formatTenantDerivedKey: UInt8 = 1
    static let formatDataKey: UInt8 = 2
    /// Test- and benchmark-only: JSON without encryption, to measure what sealing costs.
    static let formatPlain: UInt8 = 0

    let keyring: Keyring
    private let encrypts: Bool

    public init(keyring: Keyring) {
        self.keyring = keyring
        self.encrypts = true
    }

    private init(keyring: Keyring, encrypts: Bool) {
        self.keyring = keyring
        self.encrypts = encrypts
    }

    /// A sealer that stores plaintext JSON: the "null keyring" the governance-overhead benchmark
    /// compares against. Never used by the gateway executable.
    public static func unencryptedForBenchmarks(keyring: Keyring) -> MemoryPayloadSealer {
        MemoryPayloadSealer(keyring: keyring, encrypts: false)
    }

    public func seal(_ memory: SealedMemory, binding: SealBinding, key: DataKey) throws -> Data {
        let plaintext = try Self.encoder.encode(memory)
        guard encrypts else { return Data([Self.formatPlain]) + plaintext }
        return try seal(plaintext, key: key.key, associatedData: Self.associatedData(binding))
    }

    /// Opens a sealed version. Failure to authenticate is an integrity error; a destroyed key
    /// (an erased subject) is reported as such.
    public func open(_ payload: Data, binding: SealBinding) async throws -> SealedMemory {
        let failure = GovernanceError.integrity(
            "memory \(binding.memoryID.uuidString.lowercased()) v\(binding.version) failed to decrypt (tampered, moved or relabelled)")
        switch payload.first {
        case Self.formatDataKey:
            let key = try await dataKey(binding)
            let plaintext = try open(payload, key: key, associatedData: Self.associatedData(binding), failure: failure)
            guard let memory = try? Self.decoder.decode(SealedMemory.self, from: plaintext) else { throw failure }
            return memory
        case Self.formatTenantDerivedKey:
            let key = try await keyring.tenantKey(binding.tenantID).key
            let plaintext = try open(
                payload, key: key, associatedData: Self.legacyAssociatedData(binding), failure: failure)
            guard let content = try? Self.decoder.decode(MemoryContent.self, from: plaintext) else { throw failure }
            return SealedMemory(
                content: content,
                governance: MemoryGovernance(
                    subject: "", requestedLabel: binding.accessLabel, derivedLabel: nil, pii: [],
                    accessLabel: binding.accessLabel, label: binding.label))
        case Self.formatPlain where !encrypts:
            guard let memory = try? Self.decoder.decode(SealedMemory.self, from: payload.dropFirst()) else { throw failure }
            return memory
        default:
            throw failure
        }
    }

    /// Seals an embedding under the same key, bound to tenant, memory, embedder and key.
    public func sealVector(_ vector: [Float], binding: SealBinding, embedder: String, key: DataKey) throws -> Data {
        let raw = vector.withUnsafeBufferPointer { Data(buffer: $0) }
        guard encrypts else { return Data([Self.formatPlain]) + raw }
        return try seal(raw, key: key.key, associatedData: Self.vectorAssociatedData(binding, embedder: embedder))
    }

    public func openVector(_ sealed: Data, binding: SealBinding, embedder: String) async throws -> [Float] {
        let failure = GovernanceError.integrity(
            "embedding of memory \(binding.memoryID.uuidString.lowercased()) failed to decrypt")
        let plaintext: Data
        switch sealed.first {
        case Self.formatDataKey:
            plaintext = try open(
                sealed, key: try await dataKey(binding),
                associatedData: Self.vectorAssociatedData(binding, embedder: embedder), failure: failure)
        case Self.formatTenantDerivedKey:
            plaintext = try open(
                sealed, key: try await keyring.tenantKey(binding.tenantID).key,
                associatedData: Self.legacyVectorAssociatedData(binding, embedder: embedder), failure: failure)
        case Self.formatPlain where !encrypts:
            plaintext = Data(sealed.dropFirst())
        default:
            throw failure
        }
        guard plaintext.count % MemoryLayout<Float>.size == 0 else { throw failure }
        return plaintext.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    private func dataKey(_ binding: SealBinding) async throws -> SymmetricKey {
        guard let key = try await keyring.key(id: binding.keyID, tenantID: binding.tenantID) else {
            throw GovernanceError.integrity(
                "memory \(binding.memoryID.uuidString.lowercased()) is sealed under key \(binding.keyID), which was destroyed")
        }
        return key
    }

    private func seal(_ plaintext: Data, key: SymmetricKey, associatedData: Data) throws -> Data {
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: associatedData).combined else {
                throw GovernanceError.unavailable("AES-GCM produced no combined representation")
            }
            return Data([Self.formatDataKey]) + combined
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.unavailable("encryption failed: \(error)")
        }
    }

    private func open(_ sealed: Data, key: SymmetricKey, associatedData: Data, failure: GovernanceError) throws -> Data {
        guard let box = try? AES.GCM.SealedBox(combined: sealed.dropFirst()),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: associatedData)
        else { throw failure }
        return plaintext
    }

    static func associatedData(_ binding: SealBinding) -> Data {
        Data(
            "memos/v2|tenant=\(binding.tenantID.uuidString.lowercased())|memory=\(binding.memoryID.uuidString.lowercased())|version=\(binding.version)|label=\(binding.label)|access=\(binding.accessLabel)|key=\(binding.keyID)"
                .utf8)
    }

    static func vectorAssociatedData(_ binding: SealBinding, embedder: String) -> Data {
        Data(
            "memos/v2/vector|tenant=\(binding.tenantID.uuidString.lowercased())|memory=\(binding.memoryID.uuidString.lowercased())|embedder=\(embedder)|key=\(binding.keyID)"
                .utf8)
    }

    static func legacyAssociatedData(_ binding: SealBinding) -> Data {
        Data(
            "memos/v1|tenant=\(binding.tenantID.uuidString.lowercased())|memory=\(binding.memoryID.uuidString.lowercased())|version=\(binding.version)"
                .utf8)
    }

    static func legacyVectorAssociatedData(_ binding: SealBinding, embedder: String) -> Data {
        Data(
            "memos/v1/vector|tenant=\(binding.tenantID.uuidString.lowercased())|memory=\(binding.memoryID.uuidString.lowercased())|embedder=\(embedder)"
                .utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
