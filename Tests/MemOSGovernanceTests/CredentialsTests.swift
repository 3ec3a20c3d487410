import Crypto
import Foundation
import Testing

@testable import MemOSGovernance

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Helpers

/// A fresh private directory per test, removed afterwards.
private func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("memos-credentials-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

private func permissions(of url: URL) -> UInt32 {
    var info = stat()
    guard stat(url.path, &info) == 0 else { return UInt32.max }
    return UInt32(info.st_mode) & 0o777
}

private func writeFile(_ url: URL, _ contents: String, mode: Int) throws {
    try Data(contents.utf8).write(to: url)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
}

private func validKeyBase64() -> String {
    Data((0..<32).map { UInt8($0) }).base64EncodedString()
}

// MARK: - Master key

@Suite struct MasterKeyTests {
    @Test func generateCreatesPrivateFileWithLoadableKey() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("master.key")
            let generated = try MasterKey.generate(at: url)

            #expect(permissions(of: url) == 0o600)
            let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Data(base64Encoded: text)?.count == 32)

            let loaded = try MasterKey.load(from: url)
            #expect(loaded.derive(purpose: "x") == generated.derive(purpose: "x"))
            // The temporary file used for the atomic create must not be left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["master.key"])
        }
    }

    @Test func generateRefusesToOverwrite() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("master.key")
            let first = try MasterKey.generate(at: url)
            let before = try Data(contentsOf: url)

            #expect(throws: MasterKeyError.alreadyExists(path: url.path)) {
                try MasterKey.generate(at: url)
            }
            #expect(try Data(contentsOf: url) == before)
            #expect(try MasterKey.load(from: url).derive(purpose: "p") == first.derive(purpose: "p"))
        }
    }

    @Test func generateRefusesToReplaceASymlink() throws {
        try withTemporaryDirectory { directory in
            let target = directory.appendingPathComponent("elsewhere")
            let url = directory.appendingPathComponent("master.key")
            try FileManager.default.createSymbolicLink(at: url, withDestinationURL: target)
            #expect(throws: MasterKeyError.alreadyExists(path: url.path)) {
                try MasterKey.generate(at: url)
            }
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test func generatedKeysAreDistinct() throws {
        try withTemporaryDirectory { directory in
            let a = try MasterKey.generate(at: directory.appendingPathComponent("a.key"))
            let b = try MasterKey.generate(at: directory.appendingPathComponent("b.key"))
            #expect(a.derive(purpose: "p") != b.derive(purpose: "p"))
        }
    }

    @Test func loadRejectsMissingFile() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("nope.key")
            #expect(throws: MasterKeyError.missing(path: url.path)) { try MasterKey.load(from: url) }
        }
    }

    @Test func loadRejectsEmptyFile() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("empty.key")
            try writeFile(url, "\n  \n", mode: 0o600)
            #expect(throws: MasterKeyError.empty(source: "file '\(url.path)'")) { try MasterKey.load(from: url) }
        }
    }

    @Test func loadRejectsShortKey() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("short.key")
            try writeFile(url, Data(repeating: 7, count: 16).base64EncodedString(), mode: 0o600)
            #expect(throws: MasterKeyError.wrongLength(source: "file '\(url.path)'", byteCount: 16)) {
                try MasterKey.load(from: url)
            }
        }
    }

    @Test func loadRejectsLongKey() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("long.key")
            try writeFile(url, Data(repeating: 7, count: 33).base64EncodedString(), mode: 0o600)
            #expect(throws: MasterKeyError.wrongLength(source: "file '\(url.path)'", byteCount: 33)) {
                try MasterKey.load(from: url)
            }
        }
    }

    @Test func loadRejectsNonBase64() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("text.key")
            try writeFile(url, "this is not base64 at all!", mode: 0o600)
            #expect(throws: MasterKeyError.notBase64(source: "file '\(url.path)'")) { try MasterKey.load(from: url) }
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o610])
    func loadRejectsGroupOrOtherAccessibleFile(mode: Int) throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("open.key")
            try writeFile(url, validKeyBase64(), mode: mode)
            let expected = MasterKeyError.insecurePermissions(path: url.path, mode: "0" + String(mode, radix: 8))
            #expect(throws: expected) { try MasterKey.load(from: url) }
            #expect(expected.description.contains("chmod 600"))
            #expect(expected.description.contains(url.path))
        }
    }

    @Test func loadAcceptsOwnerOnlyFiles() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("ro.key")
            try writeFile(url, validKeyBase64() + "\n", mode: 0o400)
            let key = try MasterKey.load(from: url)
            #expect(key.derive(purpose: "p") == (try MasterKey.fromEnvironment(validKeyBase64())).derive(purpose: "p"))
        }
    }

    @Test func loadRejectsDirectory() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("dir.key")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
            #expect(throws: MasterKeyError.self) { try MasterKey.load(from: url) }
        }
    }

    @Test func fromEnvironmentValidates() throws {
        let key = try MasterKey.fromEnvironment("  " + validKeyBase64() + "\n")
        #expect(key.derive(purpose: "a") == (try MasterKey.fromEnvironment(validKeyBase64())).derive(purpose: "a"))
        #expect(throws: MasterKeyError.empty(source: "in MEMOS_MASTER_KEY")) { try MasterKey.fromEnvironment("") }
        #expect(throws: MasterKeyError.notBase64(source: "in MEMOS_MASTER_KEY")) { try MasterKey.fromEnvironment("%%%") }
        #expect(throws: MasterKeyError.wrongLength(source: "in MEMOS_MASTER_KEY", byteCount: 31)) {
            try MasterKey.fromEnvironment(Data(repeating: 1, count: 31).base64EncodedString())
        }
    }

    @Test func deriveSeparatesPurposes() throws {
        let key = try MasterKey.fromEnvironment(validKeyBase64())
        let a1 = key.derive(purpose: "api-key-hash")
        let a2 = key.derive(purpose: "api-key-hash")
        let b = key.derive(purpose: "session-token")
        #expect(a1 == a2)
        #expect(a1 != b)
        #expect(a1.bitCount == 256)
        // Derived keys must not be the master key itself.
        let raw = SymmetricKey(data: Data(base64Encoded: validKeyBase64())!)
        #expect(a1 != raw)
        // Pin the construction (HKDF-SHA256, salt "memos-gateway-v1", purpose as info) so a
        // refactor cannot silently change every derived key.
        let expected = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: raw, salt: Data("memos-gateway-v1".utf8), info: Data("api-key-hash".utf8), outputByteCount: 32)
        #expect(a1 == expected)
    }

    @Test func keyIsNeverRevealedInTextualForms() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("master.key")
            let key = try MasterKey.generate(at: url)
            let secret = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let rawHex = Data(base64Encoded: secret)!.map { String(format: "%02x", $0) }.joined()
            var dumped = ""
            dump(key, to: &dumped)
            for text in ["\(key)", String(reflecting: key), dumped] {
                #expect(!text.contains(secret))
                #expect(!text.contains(rawHex))
                #expect(!text.contains(String(secret.prefix(12))))
            }
            #expect("\(key)" == "MasterKey(redacted)")
        }
    }
}

// MARK: - Argon2id

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: .testing)

    @Test func hashIsPHCEncodedWithConfiguredParameters() async throws {
        let encoded = try await hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=8192,t=2,p=1$"))
        let parts = encoded.split(separator: "$")
        #expect(parts.count == 5)
        // 16-byte salt and 32-byte hash, unpadded base64.
        #expect(parts.count == 5 && parts[3].count == 22)
        #expect(parts.count == 5 && parts[4].count == 43)
    }

    @Test func defaultParametersAreOWASPMinimum() async throws {
        let encoded = try await PasswordHasher().hash("pw")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(Argon2Parameters.rfc9106SecondRecommended == Argon2Parameters(iterations: 3, memoryKiB: 65536, parallelism: 4))
    }

    @Test func verifyAcceptsRightAndRejectsWrongPassword() async throws {
        let encoded = try await hasher.hash("s3cret-pässwörd")
        #expect(try await hasher.verify("s3cret-pässwörd", against: encoded))
        #expect(try await !hasher.verify("s3cret-passwort", against: encoded))
        #expect(try await !hasher.verify("s3cret-pässwörd ", against: encoded))
        #expect(try await !hasher.verify("S3cret-pässwörd", against: encoded))
    }

    @Test func verifyWorksAcrossParameterChanges() async throws {
        // Hashes made with old parameters must keep verifying after the default changes.
        let old = try await hasher.hash("pw")
        let stronger = PasswordHasher(parameters: Argon2Parameters(iterations: 3, memoryKiB: 16384, parallelism: 2))
        #expect(try await stronger.verify("pw", against: old))
    }

    @Test func samePasswordHashesDifferBySalt() async throws {
        let a = try await hasher.hash("same")
        let b = try await hasher.hash("same")
        #expect(a != b)
        #expect(try await hasher.verify("same", against: a))
        #expect(try await hasher.verify("same", against: b))
    }

    @Test(arguments: [
        "",
        "not-a-hash",
        "$argon2i$v=19$m=8192,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=16$m=8192,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=8192,t=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=8192,t=2,p=1$$",
        "$argon2id$v=19$m=8192,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$!!!notbase64!!!",
        "$argon2id$v=19$m=abc,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        // Resource-exhaustion attempt: a stored hash demanding 4 GiB must be refused, not run.
        "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=8192,t=100000,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    ])
    func verifyThrowsOnMalformedHash(encoded: String) async throws {
        await #expect(throws: CredentialError.malformedHash) {
            try await hasher.verify("password", against: encoded)
        }
    }

    @Test func tamperedHashIsRejected() async throws {
        let encoded = try await hasher.hash("password")
        var parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        // Flip one character in the middle of the hash part (keeps valid base64).
        var hashChars = Array(parts[5])
        hashChars[10] = hashChars[10] == "A" ? "B" : "A"
        parts[5] = String(hashChars)
        #expect(try await !hasher.verify("password", against: parts.joined(separator: "$")))

        // Same for the salt: a different salt means a different hash.
        parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        var saltChars = Array(parts[4])
        saltChars[5] = saltChars[5] == "A" ? "B" : "A"
        parts[4] = String(saltChars)
        #expect(try await !hasher.verify("password", against: parts.joined(separator: "$")))

        // Downgrading the cost parameters must not verify either.
        let downgraded = encoded.replacingOccurrences(of: "m=8192,t=2,", with: "m=8192,t=1,")
        #expect(downgraded != encoded)
        #expect(try await !hasher.verify("password", against: downgraded))
    }

    @Test func rejectsEmptyAndOverlongPasswords() async throws {
        await #expect(throws: CredentialError.emptyPassword) { try await hasher.hash("") }
        await #expect(throws: CredentialError.passwordTooLong(maxBytes: 1024)) {
            try await hasher.hash(String(repeating: "a", count: 1025))
        }
        // Limit is in UTF-8 bytes, not characters: 513 two-byte characters = 1026 bytes.
        await #expect(throws: CredentialError.passwordTooLong(maxBytes: 1024)) {
            try await hasher.hash(String(repeating: "é", count: 513))
        }
        let encoded = try await hasher.hash(String(repeating: "a", count: 1024))
        #expect(try await hasher.verify(String(repeating: "a", count: 1024), against: encoded))
        await #expect(throws: CredentialError.emptyPassword) { try await hasher.verify("", against: encoded) }
        await #expect(throws: CredentialError.passwordTooLong(maxBytes: 1024)) {
            try await hasher.verify(String(repeating: "a", count: 1025), against: encoded)
        }
    }
}

// MARK: - API keys

@Suite struct APIKeyCodecTests {
    @Test func generatedKeyHasDocumentedShape() {
        let key = APIKeyCodec.generate()
        #expect(key.token.wholeMatch(of: #/mgk_[0-9a-hjkmnp-tv-z]{12}_[0-9A-Za-z]{38}/#) != nil)
        #expect(key.token.utf8.count == 55)
        #expect(key.id.count == 12)
        #expect(key.secret.count == 32)
        #expect(key.token.hasPrefix("mgk_\(key.id)_\(key.secret)"))
    }

    @Test func parseRoundTrips() throws {
        for _ in 0..<50 {
            let key = APIKeyCodec.generate()
            let parsed = try #require(APIKeyCodec.parse(key.token))
            #expect(parsed.id == key.id)
            #expect(parsed.secret == key.secret)
        }
    }

    @Test func anySingleCharacterChangeIsRejected() {
        let key = APIKeyCodec.generate()
        let original = Array(key.token.utf8)
        let replacements = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-".utf8)
        var attempts = 0
        for position in original.indices {
            for replacement in replacements where replacement != original[position] {
                var mutated = original
                mutated[position] = replacement
                let token = String(decoding: mutated, as: UTF8.self)
                #expect(APIKeyCodec.parse(token) == nil, "accepted \(token) (position \(position))")
                attempts += 1
            }
        }
        #expect(attempts > 3000)
    }

    @Test func malformedTokensAreRejected() {
        let token = APIKeyCodec.generate().token
        let candidates = [
            "",
            "mgk_",
            String(token.dropLast()),
            token + "0",
            " " + token,
            token + "\n",
            token.uppercased(),
            "mgt_" + token.dropFirst(4),
            token.replacingOccurrences(of: "mgk_", with: "MGK_"),
            String(repeating: "a", count: 55),
            "mgk_" + String(repeating: "é", count: 25),
        ]
        for candidate in candidates {
            #expect(APIKeyCodec.parse(candidate) == nil, "accepted \(candidate.debugDescription)")
        }
    }

    @Test func checksumIsCRC32() {
        // Standard check value for CRC-32/IEEE.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        let key = APIKeyCodec.generate()
        #expect(key.token.hasSuffix(APIKeyCodec.checksum(of: Array("mgk_\(key.id)_\(key.secret)".utf8))))
    }

    @Test func thousandKeysAreUniqueAndUseTheWholeAlphabet() {
        let keys = (0..<1000).map { _ in APIKeyCodec.generate() }
        #expect(Set(keys.map(\.token)).count == 1000)
        #expect(Set(keys.map(\.id)).count == 1000)
        #expect(Set(keys.map(\.secret)).count == 1000)
        // A broken alphabet mapping (bias or truncation) would leave characters unused.
        #expect(Set(keys.flatMap { Array($0.id) }).count == 32)
        #expect(Set(keys.flatMap { Array($0.secret) }).count == 62)
    }
}

// MARK: - Keyed hash

@Suite struct KeyedHasherTests {
    let key = SymmetricKey(data: Data(repeating: 1, count: 32))

    @Test func hashIsLowercaseHexHMAC() {
        let hasher = KeyedHasher(key: key)
        let hash = hasher.hash("secret-value")
        #expect(hash.wholeMatch(of: #/[0-9a-f]{64}/#) != nil)
        #expect(hash == hasher.hash("secret-value"))
        let expected = HMAC<SHA256>.authenticationCode(for: Data("secret-value".utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
        #expect(hash == expected)
        #expect(!hash.contains("secret"))
    }

    @Test func differentKeyGivesDifferentHash() {
        let a = KeyedHasher(key: key)
        let b = KeyedHasher(key: SymmetricKey(data: Data(repeating: 2, count: 32)))
        #expect(a.hash("v") != b.hash("v"))
        #expect(!b.matches("v", hash: a.hash("v")))
    }

    @Test func matchesOnlyTheRightValueAndHash() {
        let hasher = KeyedHasher(key: key)
        let hash = hasher.hash("value")
        #expect(hasher.matches("value", hash: hash))
        #expect(!hasher.matches("value2", hash: hash))
        #expect(!hasher.matches("valu", hash: hash))
        #expect(!hasher.matches("value", hash: String(hash.dropLast())))
        #expect(!hasher.matches("value", hash: String(hash.dropLast(2))))
        #expect(!hasher.matches("value", hash: hash + "00"))
        #expect(!hasher.matches("value", hash: ""))
        #expect(!hasher.matches("value", hash: "zz" + hash.dropFirst(2)))
        var flipped = Array(hash)
        flipped[0] = flipped[0] == "0" ? "1" : "0"
        #expect(!hasher.matches("value", hash: String(flipped)))
    }
}

// MARK: - Session tokens

@Suite struct SessionTokenSignerTests {
    let signer = SessionTokenSigner(key: SymmetricKey(data: Data(repeating: 9, count: 32)))
    let now = Date(timeIntervalSince1970: 1_800_000_000.75)

    @Test func roundTrip() throws {
        let userID = UUID()
        let tenantID = UUID()
        let (token, claims) = signer.issue(userID: userID, tenantID: tenantID, now: now)
        #expect(token.hasPrefix("mgt_"))
        #expect(!token.contains("="))
        #expect(claims.userID == userID)
        #expect(claims.tenantID == tenantID)
        #expect(claims.expiresAt.timeIntervalSince(claims.issuedAt) == 900)
        #expect(try signer.verify(token, now: now) == claims)
        #expect(try signer.verify(token, now: now.addingTimeInterval(800)) == claims)
    }

    @Test func tokenIDsAreUnique() {
        let ids = (0..<100).map { _ in signer.issue(userID: UUID(), tenantID: UUID(), now: now).claims.tokenID }
        #expect(Set(ids).count == 100)
    }

    @Test func expiredTokenIsRejected() throws {
        let (token, claims) = signer.issue(userID: UUID(), tenantID: UUID(), now: now)
        #expect(throws: SessionTokenError.expired) { try signer.verify(token, now: claims.expiresAt) }
        #expect(throws: SessionTokenError.expired) { try signer.verify(token, now: now.addingTimeInterval(86_400)) }
        #expect(try signer.verify(token, now: claims.expiresAt.addingTimeInterval(-1)) == claims)

        let short = SessionTokenSigner(key: SymmetricKey(data: Data(repeating: 9, count: 32)), ttl: .seconds(60))
        let (shortToken, shortClaims) = short.issue(userID: UUID(), tenantID: UUID(), now: now)
        #expect(shortClaims.expiresAt.timeIntervalSince(shortClaims.issuedAt) == 60)
        #expect(throws: SessionTokenError.expired) { try short.verify(shortToken, now: now.addingTimeInterval(61)) }
    }

    @Test func tamperedPayloadIsRejected() throws {
        let (token, _) = signer.issue(userID: UUID(), tenantID: UUID(), now: now)
        let body = token.dropFirst(4)
        let dot = try #require(body.firstIndex(of: "."))
        let payload = try #require(ByteEncoding.base64URLDecode(body[..<dot]))
        var json = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])

        // Impersonate another user.
        json["userID"] = UUID().uuidString
        let forged = "mgt_" + ByteEncoding.base64URLEncode(try JSONSerialization.data(withJSONObject: json)) + body[dot...]
        #expect(throws: SessionTokenError.badSignature) { try signer.verify(forged, now: now) }

        // Extend the lifetime.
        var extended = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        extended["expiresAt"] = 9_999_999_999
        let forged2 = "mgt_" + ByteEncoding.base64URLEncode(try JSONSerialization.data(withJSONObject: extended)) + body[dot...]
        #expect(throws: SessionTokenError.badSignature) { try signer.verify(forged2, now: now) }
    }

    @Test func signatureFromAnotherTokenIsRejected() throws {
        let (a, _) = signer.issue(userID: UUID(), tenantID: UUID(), now: now)
        let (b, _) = signer.issue(userID: UUID(), tenantID: UUID(), now: now)
        let spliced = String(a[..<a.firstIndex(of: ".")!]) + String(b[b.firstIndex(of: ".")!...])
        #expect(throws: SessionTokenError.badSignature) { try signer.verify(spliced, now: now) }
    }

    @Test func tokenFromAnotherKeyIsRejected() {
        let other = SessionTokenSigner(key: SymmetricKey(data: Data(repeating: 8, count: 32)))
        let (token, _) = other.issue(userID: UUID(), tenantID: UUID(), now: now)
        #expect(throws: SessionTokenError.badSignature) { try signer.verify(token, now: now) }
    }

    @Test func flippingAnyCharacterIsRejected() throws {
        let (token, claims) = signer.issue(userID: UUID(), tenantID: UUID(), now: now)
        let chars = Array(token)
        for index in chars.indices {
            var mutated = chars
            mutated[index] = chars[index] == "A" ? "B" : "A"
            #expect(throws: SessionTokenError.self) { try signer.verify(String(mutated), now: now) }
        }
        #expect(try signer.verify(token, now: now) == claims)
    }

    @Test(arguments: [
        "",
        "garbage",
        "mgt_",
        "mgt_.",
        "mgt_abc",
        "mgt_abc.def.ghi",
        "mgt_!!!.???",
        "Bearer mgt_abc.def",
        "mgk_abc.def",
    ])
    func garbageIsMalformed(token: String) {
        #expect(throws: SessionTokenError.malformed) { try signer.verify(token, now: now) }
    }

    @Test func nonCanonicalEncodingIsMalformed() {
        let (token, _) = signer.issue(userID: UUID(), tenantID: UUID(), now: now)
        #expect(throws: SessionTokenError.malformed) { try signer.verify(token + "=", now: now) }
        #expect(throws: SessionTokenError.malformed) { try signer.verify(String(token.dropLast(3)), now: now) }
        #expect(throws: SessionTokenError.malformed) { try signer.verify(token + String(repeating: "A", count: 3000), now: now) }
    }
}
