import Crypto
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a master key could not be created or loaded.
///
/// Each case names the file (or environment variable) involved, because the operator fixing a
/// failed start needs to know *which* secret is wrong, never what it contains.
public enum MasterKeyError: Error, Equatable, CustomStringConvertible {
    /// The key file does not exist.
    case missing(path: String)
    /// The key file exists but could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The key file or variable holds nothing but whitespace.
    case empty(source: String)
    /// The content is not standard base64.
    case notBase64(source: String)
    /// The content decodes, but not to exactly 32 bytes.
    case wrongLength(source: String, byteCount: Int)
    /// Group or other users can access the file, so the secret may already be exposed.
    case insecurePermissions(path: String, mode: String)
    /// `generate(at:)` refuses to replace an existing key: that would orphan everything encrypted or keyed with it.
    case alreadyExists(path: String)
    /// Creating or writing the new key file failed.
    case writeFailed(path: String, reason: String)

    /// A message for operators that names the source but never includes key material.
    public var description: String {
        switch self {
        case .missing(let path):
            return "master key file '\(path)' does not exist (create one with `memos-admin init` or set MEMOS_MASTER_KEY)"
        case .unreadable(let path, let reason):
            return "master key file '\(path)' cannot be read: \(reason)"
        case .empty(let source):
            return "master key \(source) is empty"
        case .notBase64(let source):
            return "master key \(source) is not valid base64"
        case .wrongLength(let source, let byteCount):
            return "master key \(source) decodes to \(byteCount) bytes; exactly \(MasterKey.byteCount) are required"
        case .insecurePermissions(let path, let mode):
            return "master key file '\(path)' has permissions \(mode) and is accessible by group or other users; run `chmod 600 \(path)`"
        case .alreadyExists(let path):
            return "master key file '\(path)' already exists; refusing to overwrite it"
        case .writeFailed(let path, let reason):
            return "cannot create master key file '\(path)': \(reason)"
        }
    }
}

/// The root secret of the gateway.
///
/// Every other secret (API-key hashing key, session-signing key, ...) is derived from it with
/// HKDF, so the operator has exactly one thing to back up and protect. The type deliberately
/// has no accessor for the raw bytes and redacts itself in every textual representation, so it
/// cannot leak through logging or `dump`.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Size of the key in bytes (256 bits).
    public static let byteCount = 32

    /// Salt for HKDF; versioned so that a future scheme change yields unrelated keys.
    static let derivationSalt = Data("memos-gateway-v1".utf8)

    /// Where container deployments put the base64 key; `fromEnvironment(_:)` takes the value
    /// rather than reading the environment itself so callers (and tests) control the source.
    public static let environmentVariable = "MEMOS_MASTER_KEY"

    /// Largest key file we are willing to read; a real one is 45 bytes.
    static let maxFileSize = 4096

    private let key: SymmetricKey

    private init(key: SymmetricKey) {
        self.key = key
    }

    /// Creates a new random key in memory only, for tests and tools that never persist it.
    public static func ephemeral() -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    /// Creates a new random key and stores it at `url` as base64 text.
    ///
    /// The file is created private (0600) from the first instant via `open(2)` with
    /// `O_CREAT|O_EXCL`, written and synced under a temporary name, then hard-linked into place,
    /// so the key file either does not exist or is complete. An existing file is never replaced,
    /// because replacing the root secret silently would make all derived credentials invalid.
    public static func generate(at url: URL) throws(MasterKeyError) -> MasterKey {
        let path = url.path
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"

        if access(path, F_OK) == 0 {
            throw .alreadyExists(path: path)
        }

        let directory = url.deletingLastPathComponent().path
        let tempPath = directory + "/." + url.lastPathComponent + ".tmp-" + ByteEncoding.hex(ByteEncoding.randomBytes(8))
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else {
            throw .writeFailed(path: path, reason: errnoDescription())
        }
        var failure: String?
        // umask can only remove bits, but be explicit so the mode never depends on the environment.
        if fchmod(fd, mode_t(0o600)) != 0 {
            failure = errnoDescription()
        }
        if failure == nil {
            let bytes = Array(encoded.utf8)
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { buffer in
                    write(fd, buffer.baseAddress! + written, buffer.count - written)
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errnoDescription()
                    break
                }
                written += result
            }
        }
        if failure == nil, fsync(fd) != 0 {
            failure = errnoDescription()
        }
        close(fd)
        defer { unlink(tempPath) }
        if let failure {
            throw .writeFailed(path: path, reason: failure)
        }
        // link(2) fails with EEXIST instead of replacing, which closes the race with a concurrent generate.
        if link(tempPath, path) != 0 {
            if errno == EEXIST {
                throw .alreadyExists(path: path)
            }
            throw .writeFailed(path: path, reason: errnoDescription())
        }
        return MasterKey(key: key)
    }

    /// Loads the key written by `generate(at:)`.
    ///
    /// Refuses files readable by group or others: a root secret that other local users could
    /// have copied must be rotated, not silently used.
    public static func load(from url: URL) throws(MasterKeyError) -> MasterKey {
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR {
                throw .missing(path: path)
            }
            throw .unreadable(path: path, reason: errnoDescription())
        }
        defer { close(fd) }

        // fstat the opened descriptor, not the path, so the checked file is the one we read.
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .unreadable(path: path, reason: errnoDescription())
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable(path: path, reason: "not a regular file")
        }
        let permissions = UInt32(info.st_mode) & 0o777
        if permissions & 0o077 != 0 {
            throw .insecurePermissions(path: path, mode: "0" + String(permissions, radix: 8))
        }

        var bytes = [UInt8](repeating: 0, count: maxFileSize + 1)
        var total = 0
        while total < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + total, buffer.count - total)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: errnoDescription())
            }
            if result == 0 { break }
            total += result
        }
        defer {
            // Best effort: do not leave the encoded secret lying around in freed memory.
            for index in bytes.indices { bytes[index] = 0 }
        }
        if total > maxFileSize {
            throw .wrongLength(source: "file '\(path)'", byteCount: total)
        }
        guard let text = String(validating: bytes[0..<total], as: UTF8.self) else {
            throw .notBase64(source: "file '\(path)'")
        }
        return try decode(text, source: "file '\(path)'")
    }

    /// Builds the key from the base64 value of `MEMOS_MASTER_KEY`.
    ///
    /// Container platforms often inject secrets as environment variables rather than files; the
    /// same validation applies so a truncated or mistyped secret fails at start-up.
    public static func fromEnvironment(_ value: String) throws(MasterKeyError) -> MasterKey {
        try decode(value, source: "in \(environmentVariable)")
    }

    private static func decode(_ text: String, source: String) throws(MasterKeyError) -> MasterKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty(source: source) }
        guard var data = Data(base64Encoded: trimmed) else { throw .notBase64(source: source) }
        defer { data.resetBytes(in: 0..<data.count) }
        guard data.count == byteCount else { throw .wrongLength(source: source, byteCount: data.count) }
        return MasterKey(key: SymmetricKey(data: data))
    }

    /// Derives an independent 256-bit key for one purpose (e.g. `"api-key-hash"`, `"session-token"`).
    ///
    /// HKDF with the purpose as `info` means compromising one derived key reveals nothing about
    /// the master key or any other purpose's key, and no key is ever used for two jobs.
    public func derive(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key,
            salt: Self.derivationSalt,
            info: Data(purpose.utf8),
            outputByteCount: 32
        )
    }

    /// Always redacted, so interpolating the key into a log line is harmless.
    public var description: String { "MasterKey(redacted)" }

    /// Always redacted, for the same reason as `description`.
    public var debugDescription: String { "MasterKey(redacted)" }

    /// Hides the stored key from `Mirror`, `dump` and debugger-style printing.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

private func errnoDescription() -> String {
    String(cString: strerror(errno))
}
