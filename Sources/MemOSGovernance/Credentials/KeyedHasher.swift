import Crypto
import Foundation

/// HMAC-SHA256 of a value under a server-side key, rendered as lowercase hex.
///
/// API-key secrets are stored only as this keyed hash: a leaked database alone cannot be used to
/// authenticate or to brute-force secrets offline without also stealing the key. The secrets
/// themselves are high-entropy, so a fast keyed hash is appropriate where a password hash is not.
public struct KeyedHasher: Sendable {
    private let key: SymmetricKey

    /// Takes a dedicated key (typically `MasterKey.derive(purpose:)`) so these hashes cannot be
    /// confused with any other use of the master key.
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// The stored form of `value`: 64 lowercase hex characters.
    public func hash(_ value: String) -> String {
        ByteEncoding.hex(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key))
    }

    /// Whether `value` hashes to `hash`, compared in constant time so response timing reveals
    /// nothing about how much of a guessed secret was right.
    public func matches(_ value: String, hash: String) -> Bool {
        guard let expected = ByteEncoding.unhex(hash) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data(value.utf8), using: key)
    }
}
