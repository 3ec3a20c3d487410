import CArgon2
import Crypto
import Foundation
import NIOPosix

/// Passphrase encryption of MemCube archives: Argon2id (libargon2, on a `NIOThreadPool`, never
/// an event loop or the concurrency pool) stretches the passphrase into a root key; HKDF splits
/// it into the AES-256-GCM key and a key-check value.
struct ArchiveCipher: Sendable {
    /// Cost of new archives: RFC 9106's second recommended option (t=3, 64 MiB, p=4). An
    /// archive travels and can be attacked offline, so it gets more than a login hash.
    static let exportParameters = Argon2Parameters.rfc9106SecondRecommended
    /// What an imported archive may ask for: enough for any sane setting, bounded so a
    /// crafted archive cannot demand gigabytes of memory or minutes of CPU from the gateway.
    static let importLimits = (iterations: 1...16, memoryKiB: 8_192...262_144, parallelism: 1...16)
    /// Passphrases: at least 12 characters, at most 1 KiB.
    static let minimumPassphraseLength = 12
    static let maximumPassphraseBytes = 1_024

    let threadPool: NIOThreadPool

    init(threadPool: NIOThreadPool = .singleton) {
        self.threadPool = threadPool
    }

    /// The two keys of one archive.
    struct Keys: Sendable {
        let encryption: SymmetricKey
        /// Base64 of 16 bytes that prove the passphrase without decrypting anything.
        let check: String
    }

    static func validate(passphrase: String) throws {
        guard passphrase.count >= minimumPassphraseLength else {
            throw GovernanceError.invalidInput(
                field: "passphrase", message: "must be at least \(minimumPassphraseLength) characters")
        }
        guard passphrase.utf8.count <= maximumPassphraseBytes else {
            throw GovernanceError.invalidInput(field: "passphrase", message: "must be at most \(maximumPassphraseBytes) bytes")
        }
    }

    /// Derives the keys named by `kdf`, refusing parameters outside `importLimits`.
    func keys(passphrase: String, kdf: CubeArchiveKDF) async throws -> Keys {
        guard kdf.algorithm == "argon2id", kdf.version == 19 else {
            throw GovernanceError.invalidInput(
                field: "archive.kdf", message: "unsupported key derivation '\(kdf.algorithm)' v\(kdf.version) (expected argon2id v19)")
        }
        let limits = Self.importLimits
        guard limits.iterations.contains(kdf.iterations), limits.memoryKiB.contains(kdf.memoryKiB),
            limits.parallelism.contains(kdf.parallelism), kdf.memoryKiB >= 8 * kdf.parallelism
        else {
            throw GovernanceError.invalidInput(
                field: "archive.kdf",
                message: "argon2id parameters outside what this gateway accepts (iterations \(limits.iterations), "
                    + "memory_kib \(limits.memoryKiB), parallelism \(limits.parallelism))")
        }
        guard let salt = Data(base64Encoded: kdf.salt), (16...64).contains(salt.count) else {
            throw GovernanceError.invalidInput(field: "archive.kdf.salt", message: "must be base64 of 16-64 bytes")
        }
        let parameters = Argon2Parameters(
            iterations: UInt32(kdf.iterations), memoryKiB: UInt32(kdf.memoryKiB), parallelism: UInt32(kdf.parallelism))
        let passphraseBytes = Array(passphrase.utf8)
        let root = try await threadPool.runIfActive {
            try Self.argon2id(passphraseBytes, salt: Array(salt), parameters: parameters)
        }
        return Self.split(root)
    }

    /// Fresh KDF settings (random salt) for a new archive.
    static func newKDF() -> CubeArchiveKDF {
        CubeArchiveKDF(parameters: exportParameters, salt: Data(ByteEncoding.randomBytes(16)))
    }

    static func split(_ root: SymmetricKey) -> Keys {
        let encryption = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: root, info: Data("\(CubeArchiveEnvelope.formatV1) encryption".utf8), outputByteCount: 32)
        let checkKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: root, info: Data("\(CubeArchiveEnvelope.formatV1) key check".utf8), outputByteCount: 32)
        let check = Data(HMAC<SHA256>.authenticationCode(for: Data(CubeArchiveEnvelope.formatV1.utf8), using: checkKey))
        return Keys(encryption: encryption, check: check.prefix(16).base64EncodedString())
    }

    /// Encrypts the inner document; the header is authenticated alongside.
    static func seal(_ plaintext: Data, key: SymmetricKey, header: Data) throws -> (nonce: String, ciphertext: String) {
        let nonce = AES.GCM.Nonce()
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        return (Data(nonce).base64EncodedString(), (box.ciphertext + box.tag).base64EncodedString())
    }

    /// Decrypts, or says precisely why not: a malformed field, or failed authentication (the
    /// passphrase was already proven right, so something was altered).
    static func open(_ envelope: CubeArchiveEnvelope, key: SymmetricKey) throws -> Data {
        guard let nonceBytes = Data(base64Encoded: envelope.nonce), let nonce = try? AES.GCM.Nonce(data: nonceBytes),
            nonceBytes.count == 12
        else {
            throw GovernanceError.invalidInput(field: "archive.nonce", message: "must be base64 of 12 bytes")
        }
        guard let sealed = Data(base64Encoded: envelope.ciphertext), sealed.count >= 16 else {
            throw GovernanceError.invalidInput(field: "archive.ciphertext", message: "must be base64 of ciphertext and tag")
        }
        do {
            let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
            return try AES.GCM.open(box, using: key, authenticating: try envelope.authenticatedHeader)
        } catch {
            throw GovernanceError.invalidInput(
                field: "archive",
                message: "the archive failed authentication: its ciphertext, nonce or manifest was altered after export")
        }
    }

    private static func argon2id(_ passphrase: [UInt8], salt: [UInt8], parameters: Argon2Parameters) throws -> SymmetricKey {
        var passphrase = passphrase
        defer { for index in passphrase.indices { passphrase[index] = 0 } }
        var output = [UInt8](repeating: 0, count: 32)
        defer { for index in output.indices { output[index] = 0 } }
        let status = passphrase.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                output.withUnsafeMutableBytes { out in
                    argon2id_hash_raw(
                        parameters.iterations, parameters.memoryKiB, parameters.parallelism, pwd.baseAddress, pwd.count,
                        saltBytes.baseAddress, saltBytes.count, out.baseAddress, out.count)
                }
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw GovernanceError.unavailable("argon2id failed (\(status)): \(String(cString: argon2_error_message(status)))")
        }
        return SymmetricKey(data: output)
    }
}
