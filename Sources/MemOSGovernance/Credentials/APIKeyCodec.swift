import Foundation

/// A freshly minted API key, split into the parts the gateway stores and the part it shows once.
public struct GeneratedAPIKey: Sendable {
    /// Public identifier, safe to store and display; used to find the key's record.
    public let id: String
    /// The secret part; only its keyed hash is stored, so this is the only time it exists.
    public let secret: String
    /// The complete `mgk_...` string handed to the client exactly once.
    public let token: String
}

/// Builds and parses API keys of the form `mgk_<id>_<secret><checksum>`.
///
/// The `mgk_` prefix makes leaked keys easy to spot by secret scanners; the 12-character id
/// lets the gateway find the key record without ever indexing on the secret; the 32-character
/// secret carries ~190 bits of entropy; and the CRC32 checksum lets `parse` reject typos and
/// garbage cheaply, before any database lookup or hashing work is spent on them.
public enum APIKeyCodec {
    /// Token prefix identifying a MemOS gateway key.
    public static let prefix = "mgk_"
    static let idLength = 12
    static let secretLength = 32
    static let checksumLength = 6
    /// Total length of a well-formed token (55).
    public static let tokenLength = 4 + idLength + 1 + secretLength + checksumLength

    /// Crockford base32 in lowercase: no i, l, o, u, so ids survive being read aloud or retyped.
    static let idAlphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    static let base62Alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    private static let idLookup: [Bool] = lookup(idAlphabet)
    private static let base62Values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, char) in base62Alphabet.enumerated() { table[Int(char)] = Int8(value) }
        return table
    }()

    private static func lookup(_ alphabet: [UInt8]) -> [Bool] {
        var table = [Bool](repeating: false, count: 256)
        for char in alphabet { table[Int(char)] = true }
        return table
    }

    /// Mints a new key from the system CSPRNG.
    public static func generate() -> GeneratedAPIKey {
        let id = ByteEncoding.randomString(count: idLength, alphabet: idAlphabet)
        let secret = ByteEncoding.randomString(count: secretLength, alphabet: base62Alphabet)
        let body = prefix + id + "_" + secret
        let token = body + checksum(of: Array(body.utf8))
        return GeneratedAPIKey(id: id, secret: secret, token: token)
    }

    /// Splits a presented token into id and secret, or returns `nil` if it is not a well-formed
    /// key with a correct checksum. Runs in microseconds, so it is safe to call on every
    /// request before touching storage.
    public static func parse(_ token: String) -> (id: String, secret: String)? {
        let bytes = Array(token.utf8)
        guard bytes.count == tokenLength, bytes.starts(with: prefix.utf8) else { return nil }
        let idRange = 4..<(4 + idLength)
        let separator = idRange.upperBound
        let secretRange = (separator + 1)..<(separator + 1 + secretLength)
        let checksumRange = secretRange.upperBound..<tokenLength
        guard bytes[separator] == UInt8(ascii: "_"),
              bytes[idRange].allSatisfy({ idLookup[Int($0)] }),
              bytes[secretRange].allSatisfy({ base62Values[Int($0)] >= 0 }),
              bytes[checksumRange].allSatisfy({ base62Values[Int($0)] >= 0 })
        else { return nil }
        let expected = checksum(of: Array(bytes[0..<secretRange.upperBound]))
        guard bytes[checksumRange].elementsEqual(expected.utf8) else { return nil }
        return (
            id: String(decoding: bytes[idRange], as: UTF8.self),
            secret: String(decoding: bytes[secretRange], as: UTF8.self)
        )
    }

    /// Fixed-width (6 character) base62 rendering of CRC32; 62^6 > 2^32, so every value fits.
    static func checksum(of bytes: [UInt8]) -> String {
        var value = UInt64(CRC32.checksum(bytes))
        var out = [UInt8](repeating: base62Alphabet[0], count: checksumLength)
        for index in stride(from: checksumLength - 1, through: 0, by: -1) {
            out[index] = base62Alphabet[Int(value % 62)]
            value /= 62
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by zlib and PNG.
///
/// Only an integrity check against typos, never a security mechanism: it detects every
/// single-character change, which is what the API-key checksum needs.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    static func checksum<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
