import CArgon2
import Foundation
import NIOPosix

/// Why a password could not be hashed or checked.
public enum CredentialError: Error, Equatable, CustomStringConvertible {
    /// An empty password would make the account trivially guessable.
    case emptyPassword
    /// Passwords are capped so a single request cannot make Argon2 hash megabytes of input.
    case passwordTooLong(maxBytes: Int)
    /// The stored hash is not a PHC `$argon2id$v=19$...` string this hasher can verify.
    case malformedHash
    /// libargon2 reported an error (usually parameters it cannot honour, or memory exhaustion).
    case argon2Failure(code: Int32, message: String)

    /// A message safe to log: it never includes the password or the hash.
    public var description: String {
        switch self {
        case .emptyPassword:
            return "password must not be empty"
        case .passwordTooLong(let maxBytes):
            return "password must be at most \(maxBytes) bytes"
        case .malformedHash:
            return "stored password hash is not a valid argon2id PHC string"
        case .argon2Failure(let code, let message):
            return "argon2 failed (\(code)): \(message)"
        }
    }
}

/// Cost settings for Argon2id.
///
/// They are stored inside every encoded hash, so they can be raised later without breaking
/// verification of existing hashes.
public struct Argon2Parameters: Sendable, Hashable {
    /// Number of passes over memory (`t`).
    public var iterations: UInt32
    /// Memory cost in KiB (`m`); the main defence against GPU cracking.
    public var memoryKiB: UInt32
    /// Lanes (`p`).
    public var parallelism: UInt32

    /// Spells out all three costs so no call site relies on a hidden default.
    public init(iterations: UInt32, memoryKiB: UInt32, parallelism: UInt32) {
        self.iterations = iterations
        self.memoryKiB = memoryKiB
        self.parallelism = parallelism
    }

    /// OWASP's minimum for Argon2id (t=2, m=19 MiB, p=1): cheap enough for a busy login path.
    public static let owaspMinimum = Argon2Parameters(iterations: 2, memoryKiB: 19456, parallelism: 1)

    /// RFC 9106's second recommended option (t=3, m=64 MiB, p=4), for deployments with memory to spare.
    public static let rfc9106SecondRecommended = Argon2Parameters(iterations: 3, memoryKiB: 65536, parallelism: 4)

    /// TEST ONLY (t=2, m=8 MiB, p=1): keeps test suites fast. Far too weak for real passwords.
    public static let testing = Argon2Parameters(iterations: 2, memoryKiB: 8192, parallelism: 1)

    /// Upper bounds accepted when *verifying*, so a tampered stored hash cannot demand
    /// gigabytes of memory or minutes of CPU from the gateway.
    static let verifyLimit = Argon2Parameters(iterations: 64, memoryKiB: 1 << 21, parallelism: 64)
}

/// Hashes and verifies user passwords with Argon2id (libargon2).
///
/// Argon2 is deliberately slow and memory-hungry, so all work runs on a `NIOThreadPool` instead
/// of the caller's executor: a burst of logins must not stall the event loops or the Swift
/// concurrency pool.
public struct PasswordHasher: Sendable {
    /// Longest password accepted, in UTF-8 bytes.
    public static let maxPasswordBytes = 1024
    static let saltLength = 16
    static let hashLength = 32

    /// The cost used for new hashes.
    public let parameters: Argon2Parameters
    private let threadPool: NIOThreadPool

    /// Uses the shared NIO blocking pool by default so no extra threads are created per hasher.
    public init(parameters: Argon2Parameters = .owaspMinimum, threadPool: NIOThreadPool = .singleton) {
        self.parameters = parameters
        self.threadPool = threadPool
    }

    /// Produces a PHC string (`$argon2id$v=19$m=..,t=..,p=..$salt$hash`) with a fresh 16-byte
    /// random salt, which is self-describing so it can be stored as-is and verified later even
    /// after the default parameters change.
    public func hash(_ password: String) async throws -> String {
        let passwordBytes = try Self.validated(password)
        let parameters = self.parameters
        return try await threadPool.runIfActive {
            try Self.hashBlocking(passwordBytes, parameters: parameters)
        }
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// A wrong password is an ordinary outcome and yields `false`; a hash that cannot be parsed
    /// is a data problem and throws `CredentialError.malformedHash`, so it is not mistaken for
    /// a failed login.
    public func verify(_ password: String, against encoded: String) async throws -> Bool {
        let passwordBytes = try Self.validated(password)
        guard Self.storedParameters(encoded) != nil else { throw CredentialError.malformedHash }
        return try await threadPool.runIfActive {
            try Self.verifyBlocking(passwordBytes, encoded: encoded)
        }
    }

    private static func validated(_ password: String) throws(CredentialError) -> [UInt8] {
        let bytes = Array(password.utf8)
        guard !bytes.isEmpty else { throw .emptyPassword }
        guard bytes.count <= maxPasswordBytes else { throw .passwordTooLong(maxBytes: maxPasswordBytes) }
        return bytes
    }

    private static func hashBlocking(_ password: [UInt8], parameters: Argon2Parameters) throws(CredentialError) -> String {
        var password = password
        defer { wipe(&password) }
        let salt = ByteEncoding.randomBytes(saltLength)
        let length = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            UInt32(saltLength), UInt32(hashLength), Argon2_id
        )
        var encoded = [CChar](repeating: 0, count: length + 1)
        let status = password.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                encoded.withUnsafeMutableBufferPointer { out in
                    argon2id_hash_encoded(
                        parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                        pwd.baseAddress, pwd.count,
                        saltBytes.baseAddress, saltBytes.count,
                        hashLength, out.baseAddress, out.count
                    )
                }
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw .argon2Failure(code: status, message: String(cString: argon2_error_message(status)))
        }
        return encoded.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func verifyBlocking(_ password: [UInt8], encoded: String) throws(CredentialError) -> Bool {
        var password = password
        defer { wipe(&password) }
        let status = password.withUnsafeBytes { pwd in
            argon2id_verify(encoded, pwd.baseAddress, pwd.count)
        }
        switch status {
        case ARGON2_OK.rawValue:
            return true
        case ARGON2_VERIFY_MISMATCH.rawValue:
            return false
        case ARGON2_MEMORY_ALLOCATION_ERROR.rawValue, ARGON2_THREAD_FAIL.rawValue:
            // Resource problems on our side, not a property of the stored hash.
            throw .argon2Failure(code: status, message: String(cString: argon2_error_message(status)))
        default:
            // Every other code means libargon2 rejected something inside the encoded string.
            throw .malformedHash
        }
    }

    /// Parses and bounds-checks the parameters of a stored hash before any Argon2 work is done.
    static func storedParameters(_ encoded: String) -> Argon2Parameters? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        guard parts.count == 6, parts[0].isEmpty, parts[1] == "argon2id", parts[2] == "v=19" else { return nil }
        let fields = parts[3].split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 3,
              fields[0].hasPrefix("m="), fields[1].hasPrefix("t="), fields[2].hasPrefix("p="),
              let m = UInt32(fields[0].dropFirst(2)),
              let t = UInt32(fields[1].dropFirst(2)),
              let p = UInt32(fields[2].dropFirst(2)),
              t >= 1, t <= Argon2Parameters.verifyLimit.iterations,
              p >= 1, p <= Argon2Parameters.verifyLimit.parallelism,
              m >= 8 * p, m <= Argon2Parameters.verifyLimit.memoryKiB,
              isUnpaddedBase64(parts[4], minBytes: 8), isUnpaddedBase64(parts[5], minBytes: 4)
        else { return nil }
        return Argon2Parameters(iterations: t, memoryKiB: m, parallelism: p)
    }

    /// PHC strings use standard-alphabet base64 without padding; libargon2 enforces the same
    /// minimum salt (8) and output (4) lengths, checked here so they surface as `malformedHash`.
    private static func isUnpaddedBase64(_ text: Substring, minBytes: Int) -> Bool {
        let valid = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
        let count = text.utf8.count
        return valid && count % 4 != 1 && count * 3 / 4 >= minBytes
    }

    private static func wipe(_ bytes: inout [UInt8]) {
        for index in bytes.indices { bytes[index] = 0 }
    }
}
