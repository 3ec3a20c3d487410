import Crypto
import Foundation
import MemOSCore
import Synchronization

/// Seals memory content for the store: JSON inside, AES-256-GCM outside.
///
/// The key is per tenant, derived from the master key, and the associated data binds tenant,
/// memory id and version, so a ciphertext copied to another row or tenant fails to open instead
/// of being served as someone else's memory.
public struct MemoryPayloadSealer: Sendable {
    /// First byte of every sealed payload, so later formats (wrapped per-subject keys) can coexist.
    static let formatTenantDerivedKey: UInt8 = 1

    private let masterKey: MasterKey
    /// Derived tenant keys, so HKDF runs once per tenant rather than once per memory.
    private let tenantKeys = TenantKeyCache()

    public init(masterKey: MasterKey) {
        self.masterKey = masterKey
    }

    public func seal(_ content: MemoryContent, tenantID: UUID, memoryID: UUID, version: Int) throws -> Data {
        try seal(
            try Self.encoder.encode(content), tenantID: tenantID,
            associatedData: Self.associatedData(tenantID: tenantID, memoryID: memoryID, version: version))
    }

    /// Opens a payload; any tampering (bytes, row, tenant, version) is an integrity error.
    public func open(_ payload: Data, tenantID: UUID, memoryID: UUID, version: Int) throws -> MemoryContent {
        let failure = GovernanceError.unavailable("integrity error: memory \(memoryID) v\(version) failed to decrypt")
        let plaintext = try open(
            payload, tenantID: tenantID,
            associatedData: Self.associatedData(tenantID: tenantID, memoryID: memoryID, version: version), failure: failure)
        guard let content = try? Self.decoder.decode(MemoryContent.self, from: plaintext) else { throw failure }
        return content
    }

    /// Seals an embedding. Bound to tenant, memory and embedder: a vector is only ever read back
    /// for the memory (and model) it was computed for.
    public func sealVector(_ vector: [Float], tenantID: UUID, memoryID: UUID, embedder: String) throws -> Data {
        try seal(
            vector.withUnsafeBufferPointer { Data(buffer: $0) }, tenantID: tenantID,
            associatedData: Self.vectorAssociatedData(tenantID: tenantID, memoryID: memoryID, embedder: embedder))
    }

    public func openVector(_ sealed: Data, tenantID: UUID, memoryID: UUID, embedder: String) throws -> [Float] {
        let failure = GovernanceError.unavailable("integrity error: embedding of memory \(memoryID) failed to decrypt")
        let plaintext = try open(
            sealed, tenantID: tenantID,
            associatedData: Self.vectorAssociatedData(tenantID: tenantID, memoryID: memoryID, embedder: embedder),
            failure: failure)
        guard plaintext.count % MemoryLayout<Float>.size == 0 else { throw failure }
        return plaintext.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// AES-256-GCM under the tenant's key, prefixed with the format byte.
    private func seal(_ plaintext: Data, tenantID: UUID, associatedData: Data) throws -> Data {
        do {
            let box = try AES.GCM.seal(plaintext, using: key(for: tenantID), authenticating: associatedData)
            guard let combined = box.combined else {
                throw GovernanceError.unavailable("AES-GCM produced no combined representation")
            }
            return Data([Self.formatTenantDerivedKey]) + combined
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.unavailable("encryption failed: \(error)")
        }
    }

    /// The plaintext, or `failure` for anything that does not authenticate.
    private func open(_ sealed: Data, tenantID: UUID, associatedData: Data, failure: GovernanceError) throws -> Data {
        guard sealed.first == Self.formatTenantDerivedKey,
            let box = try? AES.GCM.SealedBox(combined: sealed.dropFirst()),
            let plaintext = try? AES.GCM.open(box, using: key(for: tenantID), authenticating: associatedData)
        else { throw failure }
        return plaintext
    }

    static func vectorAssociatedData(tenantID: UUID, memoryID: UUID, embedder: String) -> Data {
        Data("memos/v1/vector|tenant=\(tenantID.uuidString.lowercased())|memory=\(memoryID.uuidString.lowercased())|embedder=\(embedder)".utf8)
    }

    private func key(for tenantID: UUID) -> SymmetricKey {
        tenantKeys.key(for: tenantID) {
            masterKey.derive(purpose: "tenant-data-key/\(tenantID.uuidString.lowercased())")
        }
    }

    static func associatedData(tenantID: UUID, memoryID: UUID, version: Int) -> Data {
        Data("memos/v1|tenant=\(tenantID.uuidString.lowercased())|memory=\(memoryID.uuidString.lowercased())|version=\(version)".utf8)
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

/// Keys derived per tenant, kept in memory only.
final class TenantKeyCache: Sendable {
    private let keys = Mutex<[UUID: SymmetricKey]>([:])

    func key(for tenantID: UUID, derive: () -> SymmetricKey) -> SymmetricKey {
        keys.withLock { keys in
            if let key = keys[tenantID] { return key }
            let key = derive()
            keys[tenantID] = key
            return key
        }
    }
}
