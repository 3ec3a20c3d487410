import Crypto
import Foundation
import MemOSStore

/// Proof of an erasure: what was removed, from which stores, how, and at which point of the
/// audit trail, signed with the gateway's Ed25519 key so a regulator can check it offline.
public struct ErasureReceipt: Sendable, Codable, Hashable {
    public struct Store: Sendable, Codable, Hashable {
        public let store: String
        public let method: String
    }

    public struct Checkpoint: Sendable, Codable, Hashable {
        public let seq: Int
        public let hash: String
    }

    public var format = "memos-erasure-receipt/1"
    public let receiptID: String
    public let tenant: String
    /// The subject's keyed hash: the receipt itself names nobody.
    public let subjectHash: String
    public let requestedBy: String
    public let role: String
    public let requestID: String
    public let reason: String
    public let erasedAt: String
    public let erased: ErasureCounts
    public let indexEntries: Int
    public let embeddings: Int
    public let dataKeysDestroyed: Int
    public let stores: [Store]
    /// Derived data (activation prefixes, adapters, MemStore) removed or flagged; absent when none.
    public let derived: [DerivedErasure]?
    public let auditCheckpoint: Checkpoint?
    public let policyHash: String
    public let keyID: String
    public let publicKey: String
    public var signature: String?

    enum CodingKeys: String, CodingKey {
        case format, receiptID = "receipt_id", tenant, subjectHash = "subject_hash", requestedBy = "requested_by", role,
            requestID = "request_id", reason, erasedAt = "erased_at", erased, indexEntries = "index_entries", embeddings,
            dataKeysDestroyed = "data_keys_destroyed", stores, derived, auditCheckpoint = "audit_checkpoint",
            policyHash = "policy_hash", keyID = "key_id", publicKey = "public_key", signature
    }

    /// The signed bytes: canonical JSON (sorted keys, no whitespace) of the receipt without its signature.
    public func signedBytes() throws -> Data {
        var unsigned = self
        unsigned.signature = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(unsigned)
    }

    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> ErasureReceipt {
        var receipt = self
        receipt.signature = try key.signature(for: signedBytes()).base64EncodedString()
        return receipt
    }

    /// Checks the signature against `publicKey` (or, without one, the key the receipt names,
    /// which proves integrity but not origin).
    public func verify(publicKey: Curve25519.Signing.PublicKey? = nil) -> Bool {
        guard let signature, let signatureData = Data(base64Encoded: signature) else { return false }
        let key =
            publicKey
            ?? Data(base64Encoded: self.publicKey).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
        guard let key, let bytes = try? signedBytes() else { return false }
        return key.isValidSignature(signatureData, for: bytes)
    }
}
