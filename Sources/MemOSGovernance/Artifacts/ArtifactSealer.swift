import Crypto
import Foundation
import MemOSStore

/// Seals artifact metadata and content chunks with AES-256-GCM under the artifact's own data key.
///
/// Each artifact version gets its own data key (kept, wrapped, in `data_keys` with scope
/// `artifact:<id>`), so deleting an artifact crypto-shreds it: copies in backups cannot be opened.
/// Format: `0x01 || nonce || ciphertext || tag`. Associated data binds
/// - metadata: tenant, artifact, kind, name key, version, label, subspace, owner, state, size,
///   chunk count and key, so editing any clear column makes the row fail to open;
/// - a chunk: tenant, artifact, kind, version, label, key and the chunk's index, so chunks cannot
///   be swapped, reordered or moved to another artifact (and the sealed chunk count and
///   SHA-256 catch a dropped or appended chunk).
struct ArtifactSealer: Sendable {
    static let format: UInt8 = 1
    let keyring: Keyring

    /// The data key scope of one artifact version.
    static func keyScope(_ artifactID: UUID) -> String {
        "artifact:\(artifactID.uuidString.lowercased())"
    }

    func newKey(tenantID: UUID, artifactID: UUID) async throws -> DataKey {
        guard let key = try await keyring.subjectKey(tenantID: tenantID, subjectHash: Self.keyScope(artifactID), create: true) else {
            throw GovernanceError.unavailable("no data key could be created for artifact \(artifactID.uuidString.lowercased())")
        }
        return key
    }

    /// The key a row names; a destroyed key is an integrity failure (the row can never open).
    func key(of record: ArtifactRecord) async throws -> SymmetricKey {
        guard let key = try await keyring.key(id: record.keyID, tenantID: record.tenantID) else {
            throw GovernanceError.integrity(
                "artifact \(record.id.uuidString.lowercased()) is sealed under key \(record.keyID), which was destroyed")
        }
        return key
    }

    func sealMetadata(_ metadata: ArtifactMetadata, record: ArtifactRecord, key: SymmetricKey) throws -> Data {
        try seal(try Self.encoder.encode(metadata), key: key, associatedData: Self.metadataAAD(record))
    }

    func openMetadata(_ record: ArtifactRecord, key: SymmetricKey) throws -> ArtifactMetadata {
        let failure = GovernanceError.integrity(
            "artifact \(record.id.uuidString.lowercased()) v\(record.version) metadata failed to decrypt (tampered, moved or relabelled)")
        let plaintext = try open(record.metadata, key: key, associatedData: Self.metadataAAD(record), failure: failure)
        guard let metadata = try? Self.decoder.decode(ArtifactMetadata.self, from: plaintext), metadata.kind.rawValue == record.kind
        else { throw failure }
        return metadata
    }

    func sealChunk(_ plaintext: Data, index: Int, record: ArtifactRecord, key: SymmetricKey) throws -> Data {
        try seal(plaintext, key: key, associatedData: Self.chunkAAD(record, index: index))
    }

    func openChunk(_ sealed: Data, index: Int, record: ArtifactRecord, key: SymmetricKey) throws -> Data {
        try open(
            sealed, key: key, associatedData: Self.chunkAAD(record, index: index),
            failure: .integrity(
                "artifact \(record.id.uuidString.lowercased()) v\(record.version) chunk \(index) failed to decrypt (tampered, swapped or moved)"))
    }

    private func seal(_ plaintext: Data, key: SymmetricKey, associatedData: Data) throws -> Data {
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: associatedData).combined else {
                throw GovernanceError.unavailable("AES-GCM produced no combined representation")
            }
            return Data([Self.format]) + combined
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.unavailable("encryption failed: \(error)")
        }
    }

    private func open(_ sealed: Data, key: SymmetricKey, associatedData: Data, failure: GovernanceError) throws -> Data {
        guard sealed.first == Self.format, let box = try? AES.GCM.SealedBox(combined: sealed.dropFirst()),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: associatedData)
        else { throw failure }
        return plaintext
    }

    static func metadataAAD(_ record: ArtifactRecord) -> Data {
        Data(
            ("memos/v1/artifact-metadata|tenant=\(record.tenantID.uuidString.lowercased())"
                + "|artifact=\(record.id.uuidString.lowercased())|kind=\(record.kind)|name=\(record.nameKey)"
                + "|version=\(record.version)|label=\(record.label)|subspace=\(record.subspace)"
                + "|owner=\(record.ownerUserID.uuidString.lowercased())/\(record.ownerRole)|state=\(record.state)"
                + "|size=\(record.size)|chunks=\(record.chunkCount)|key=\(record.keyID)").utf8)
    }

    static func chunkAAD(_ record: ArtifactRecord, index: Int) -> Data {
        Data(
            ("memos/v1/artifact-chunk|tenant=\(record.tenantID.uuidString.lowercased())"
                + "|artifact=\(record.id.uuidString.lowercased())|kind=\(record.kind)|version=\(record.version)"
                + "|label=\(record.label)|key=\(record.keyID)|index=\(index)").utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
