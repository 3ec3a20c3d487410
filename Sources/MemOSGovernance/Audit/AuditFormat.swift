import Crypto
import Foundation

/// Constants and small derivations of the `memos-audit/1` format (see `audit/VERIFY.md`).
public enum AuditFormat {
    /// The export format name written in every export header.
    public static let name = "memos-audit/1"
    /// Version of record, checkpoint and header objects.
    public static let version: Int64 = 1
    /// The `prev_hash` of the first record of every chain.
    public static let genesisHash = String(repeating: "0", count: 64)
    /// The chain name of events that belong to no tenant.
    public static let platformTenant = "platform"
    /// Prefix of a keyed hash of a personal value.
    public static let personalPrefix = "hmac-sha256:"

    /// The short public name of a signing key: the first 16 hex digits of SHA-256 of its raw bytes.
    public static func keyID(of publicKey: Curve25519.Signing.PublicKey) -> String {
        String(ByteEncoding.hex(SHA256.hash(data: publicKey.rawRepresentation)).prefix(16))
    }

    /// The chain a tenant's records go to: its UUID in lowercase, or "platform".
    public static func tenantKey(_ tenantID: UUID?) -> String {
        tenantID.map { $0.uuidString.lowercased() } ?? platformTenant
    }

    static func sha256Hex(_ text: String) -> String {
        ByteEncoding.hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Standard base64 with padding, accepting only the one canonical spelling (so a flipped
    /// unused bit in the last character cannot go unnoticed).
    static func base64Decode(_ text: String) -> Data? {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        return data
    }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && ByteEncoding.unhex(text) != nil
    }
}
