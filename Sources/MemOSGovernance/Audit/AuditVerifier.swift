import Crypto
import Foundation

/// Verifies an audit export (`memos-audit/1` JSON Lines) offline, with no access to the gateway.
///
/// It checks, line by line, what `audit/VERIFY.md` specifies: every line canonical JSON; the
/// header's signature; each record's hash over its content; seqs consecutive from the header's
/// `first_seq`; each `prev_hash` equal to the previous record's hash; times never decreasing;
/// each checkpoint validly signed and naming exactly the record before it; the export ending at
/// the header's signed `last_seq`/`last_hash`; optionally no gap between checkpoints longer than
/// allowed. It stops at the first failure and names its line and seq.
///
/// Feed lines one at a time with `add(line:)` (to stream a large file) or use `verify(jsonl:)`.
public struct AuditVerifier: Sendable {
    private struct Header: Sendable {
        var tenant: String
        var fromMillis: Int64?
        var toMillis: Int64?
        var exportedAt: Int64
        var firstSeq: Int64?
        var lastSeq: Int64?
        var lastHash: String?
    }

    private struct Seen: Sendable {
        var seq: Int64
        var hash: String
        var line: Int
    }

    private let trustedKey: Curve25519.Signing.PublicKey?
    private let maximumGapMillis: Int64?
    private var lineNumber = 0
    private var header: Header?
    private var key: Curve25519.Signing.PublicKey?
    private var keyID: String?
    private var failure: AuditVerificationFailure?
    private var warnings: [String] = []
    private var recordCount = 0
    private var checkpointCount = 0
    private var firstSeq: Int64?
    private var lastRecord: Seen?
    /// The signed head (seq, hash) that precedes the first record of a windowed export.
    private var anchor: Seen?
    private var lastTime: Int64?
    /// Time from which the next checkpoint gap is measured.
    private var gapStart: Int64?
    private var lastCheckpointLine = 0
    private var coveredSeq: Int64 = 0
    /// The seq a record was expected to have when a gap was found (for the reordering hint).
    private(set) var gapExpectedSeq: Int64?

    /// - Parameters:
    ///   - publicKey: the gateway's published audit key. Without it the header's own key is used,
    ///     which proves the export is intact and consistent, but not who wrote it.
    ///   - maximumCheckpointGap: if given, fail when checkpoints (written at least this often by a
    ///     running gateway) are further apart, which reveals downtime or removed history.
    public init(publicKey: Curve25519.Signing.PublicKey? = nil, maximumCheckpointGap: TimeInterval? = nil) {
        trustedKey = publicKey
        maximumGapMillis = maximumCheckpointGap.map { Int64(($0 * 1000).rounded(.up)) }
    }

    /// Verifies a whole export held in memory (one object per line, `\n`-separated).
    public static func verify(
        jsonl: Data, publicKey: Curve25519.Signing.PublicKey? = nil, maximumCheckpointGap: TimeInterval? = nil
    ) -> AuditVerification {
        let bytes = [UInt8](jsonl)
        var lines: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(start..<index)
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        var verifier = AuditVerifier(publicKey: publicKey, maximumCheckpointGap: maximumCheckpointGap)
        for line in lines where !verifier.hasFailed {
            verifier.add(line: bytes[line])
        }
        var result = verifier.finish()
        // A missing seq that turns up further down means reordering, not removal: say so.
        if var failure = result.failure, failure.kind == .seqGap, let expected = verifier.gapExpectedSeq {
            for (offset, line) in lines.enumerated().dropFirst(failure.line) {
                if let json = try? AuditJSON.parse(bytes[line]), json["type"] == .string("record"),
                    json["seq"] == .int(expected)
                {
                    failure.kind = .outOfOrder
                    failure.message = "records out of order: expected seq \(expected) here, found seq \(failure.seq ?? 0); "
                        + "seq \(expected) appears later, at line \(offset + 1)"
                    result.failure = failure
                    break
                }
            }
        }
        return result
    }

    /// Verifies an export given as lines (without their newlines).
    public static func verify(
        lines: [String], publicKey: Curve25519.Signing.PublicKey? = nil, maximumCheckpointGap: TimeInterval? = nil
    ) -> AuditVerification {
        verify(
            jsonl: Data(lines.joined(separator: "\n").utf8), publicKey: publicKey,
            maximumCheckpointGap: maximumCheckpointGap)
    }

    /// Whether a failure was found (further lines are then ignored).
    public var hasFailed: Bool { failure != nil }

    /// Checks the next line of the export (without its newline).
    public mutating func add<Bytes: Collection<UInt8>>(line: Bytes) {
        guard failure == nil else { return }
        lineNumber += 1
        let bytes = Array(line)
        if lineNumber == 1 {
            readHeader(bytes)
            return
        }
        guard header != nil else { return }
        let json: AuditJSON
        do {
            json = try AuditJSON.parse(bytes)
        } catch {
            let expected = lastRecord.map { $0.seq + 1 }
            fail(
                Self.rawSeq(bytes) ?? expected, .malformed,
                bytes.isEmpty ? "empty line" : "not valid JSON (\(error)): the line was altered")
            return
        }
        guard json.canonicalBytes == bytes else {
            fail(seqOf(json), .malformed, "not in canonical form: the line was altered or re-serialised")
            return
        }
        switch json["type"] {
        case .string("record")?: readRecord(json)
        case .string("checkpoint")?: readCheckpoint(json)
        default: fail(seqOf(json), .malformed, "unexpected line type \(json["type"]?.canonical ?? "(none)")")
        }
    }

    /// Finishes verification after the last line.
    public mutating func finish() -> AuditVerification {
        if failure == nil {
            finalChecks()
        }
        return AuditVerification(
            failure: failure, warnings: warnings, tenant: header?.tenant, records: recordCount,
            checkpoints: checkpointCount, firstSeq: firstSeq, lastSeq: lastRecord?.seq, keyID: keyID,
            authenticated: trustedKey != nil && key != nil)
    }

    // MARK: Lines

    private mutating func readHeader(_ bytes: [UInt8]) {
        func headerFailure(_ message: String) { fail(nil, .header, message) }
        guard let json = try? AuditJSON.parse(bytes) else { return headerFailure("the header is not valid JSON") }
        guard json.canonicalBytes == bytes else {
            return headerFailure("the header is not in canonical form: it was altered")
        }
        let parsed: Header
        let publicKey: Curve25519.Signing.PublicKey
        let signature: Data
        do {
            let fields = try AuditFields(
                json,
                allowed: [
                    "type", "format", "version", "tenant", "exported_at", "from", "to", "first_seq", "last_seq",
                    "last_hash", "public_key", "key_id", "signature",
                ])
            try fields.constant("type", .string("header"))
            try fields.constant("format", .string(AuditFormat.name))
            try fields.constant("version", .int(AuditFormat.version))
            parsed = Header(
                tenant: try fields.tenant("tenant").key, fromMillis: try fields.optionalTime("from"),
                toMillis: try fields.optionalTime("to"), exportedAt: try fields.time("exported_at"),
                firstSeq: try fields.optionalInt("first_seq"), lastSeq: try fields.optionalInt("last_seq"),
                lastHash: try fields.optionalString("last_hash"))
            guard let raw = AuditFormat.base64Decode(try fields.string("public_key")),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
            else { throw AuditFieldError(message: "field `public_key` must be a base64 Ed25519 public key") }
            publicKey = key
            guard try fields.string("key_id") == AuditFormat.keyID(of: key) else {
                throw AuditFieldError(message: "field `key_id` does not match `public_key`")
            }
            guard let decoded = AuditFormat.base64Decode(try fields.string("signature")) else {
                throw AuditFieldError(message: "field `signature` must be base64")
            }
            signature = decoded
        } catch {
            return headerFailure("invalid header: \(error)")
        }
        switch (parsed.firstSeq, parsed.lastSeq, parsed.lastHash) {
        case (nil, nil, nil): break
        case (let first?, let last?, let hash?) where first >= 1 && first <= last && AuditFormat.isHash(hash):
            if parsed.fromMillis == nil, first != 1 {
                return headerFailure("invalid header: a full export must start at seq 1")
            }
        default: return headerFailure("invalid header: first_seq, last_seq and last_hash are inconsistent")
        }
        if let trustedKey {
            guard trustedKey.rawRepresentation == publicKey.rawRepresentation else {
                return fail(
                    nil, .wrongKey,
                    "the export is signed by key \(AuditFormat.keyID(of: publicKey)), "
                        + "not by the trusted key \(AuditFormat.keyID(of: trustedKey))")
            }
        } else {
            warnings.append(
                "no trusted public key given: checked against the export's own key \(AuditFormat.keyID(of: publicKey)),"
                    + " which proves integrity, not authenticity; compare that key id with the gateway's published one")
        }
        guard publicKey.isValidSignature(signature, for: Data(json.removing("signature").canonicalBytes)) else {
            return headerFailure("the header's signature does not verify: the header was altered")
        }
        header = parsed
        key = publicKey
        keyID = AuditFormat.keyID(of: publicKey)
        // A window that starts after the chain began: gaps count from the window's start.
        if let from = parsed.fromMillis, parsed.firstSeq.map({ $0 > 1 }) ?? true {
            gapStart = from
        }
    }

    private mutating func readRecord(_ json: AuditJSON) {
        guard let header else { return }
        let record: AuditRecord
        do {
            record = try AuditRecord(json: json)
        } catch {
            return fail(seqOf(json), .malformed, "invalid record: \(error)")
        }
        let seq = record.seq
        guard json["tenant"] == .string(header.tenant) else {
            return fail(seq, .tenantMismatch, "record of chain \(json["tenant"]?.canonical ?? "?"), not \(header.tenant)")
        }
        let computed = ByteEncoding.hex(SHA256.hash(data: json.removing("hash").canonicalBytes))
        guard computed == record.hash else {
            return fail(
                seq, .hashMismatch,
                "hash mismatch: the record was altered (its content hashes to \(computed.prefix(16))…, "
                    + "the record says \(record.hash.prefix(16))…)")
        }
        guard let headerLast = header.lastSeq, let headerFirst = header.firstSeq else {
            return fail(seq, .outOfOrder, "the signed header lists no records, but this line holds one")
        }
        let expected = lastRecord.map { $0.seq + 1 } ?? headerFirst
        if seq > expected {
            gapExpectedSeq = expected
            let missing = seq - expected == 1 ? "seq \(expected) is missing" : "seq \(expected)...\(seq - 1) are missing"
            return fail(seq, .seqGap, "seq gap: expected seq \(expected), found \(seq) (\(missing): a record was removed)")
        }
        if seq < expected {
            return fail(
                seq, .outOfOrder,
                "records out of order: seq \(seq) where seq \(expected) was expected (reordered or duplicated)")
        }
        guard seq <= headerLast else {
            return fail(seq, .outOfOrder, "record beyond the signed header's last_seq \(headerLast)")
        }
        if let previous = lastRecord ?? anchor {
            guard record.prevHash == previous.hash else {
                let source = lastRecord == nil ? "the signed checkpoint of seq \(previous.seq)" : "seq \(previous.seq)"
                return fail(
                    seq, .prevHashMismatch,
                    "prev_hash mismatch: does not match the hash of \(source) (line \(previous.line)); "
                        + "the chain is broken: a record before this one was altered or replaced")
            }
        } else if seq == 1 {
            guard record.prevHash == AuditFormat.genesisHash else {
                return fail(seq, .prevHashMismatch, "prev_hash mismatch: the first record must have prev_hash 0…0")
            }
        } else {
            warnings.append(
                "the export starts at seq \(seq) and no checkpoint in it anchors that record's prev_hash "
                    + "\(record.prevHash.prefix(16))…; compare it with an earlier export")
        }
        guard checkTime(record.timeMillis, seq: seq) else { return }
        if gapStart == nil { gapStart = record.timeMillis }
        recordCount += 1
        if firstSeq == nil { firstSeq = seq }
        lastRecord = Seen(seq: seq, hash: record.hash, line: lineNumber)
    }

    private mutating func readCheckpoint(_ json: AuditJSON) {
        guard let header, let key, let keyID else { return }
        let seq: Int64
        let headHash: String
        let time: Int64
        let signature: Data
        do {
            let fields = try AuditFields(
                json, allowed: ["type", "version", "tenant", "seq", "head_hash", "time", "key_id", "signature"])
            try fields.constant("version", .int(AuditFormat.version))
            _ = try fields.tenant("tenant")
            seq = try fields.int("seq")
            headHash = try fields.hash("head_hash")
            time = try fields.time("time")
            guard try fields.string("key_id") == keyID else {
                return fail(
                    seq, .wrongKey,
                    "checkpoint signed with key \((try? fields.string("key_id")) ?? "?"), not with \(keyID)")
            }
            guard let decoded = AuditFormat.base64Decode(try fields.string("signature")) else {
                throw AuditFieldError(message: "field `signature` must be base64")
            }
            signature = decoded
        } catch {
            return fail(seqOf(json), .malformed, "invalid checkpoint: \(error)")
        }
        guard key.isValidSignature(signature, for: Data(json.removing("signature").canonicalBytes)) else {
            return fail(seq, .badSignature, "bad checkpoint signature: the checkpoint was altered or forged")
        }
        guard json["tenant"] == .string(header.tenant) else {
            return fail(seq, .tenantMismatch, "checkpoint of chain \(json["tenant"]?.canonical ?? "?"), not \(header.tenant)")
        }
        if let last = lastRecord {
            if seq > last.seq {
                gapExpectedSeq = last.seq + 1
                return fail(
                    seq, .seqGap,
                    "seq gap: the checkpoint covers seq \(seq) but the last record is seq \(last.seq) "
                        + "(line \(last.line)): seq \(last.seq + 1)...\(seq) are missing")
            }
            guard seq == last.seq else {
                return fail(
                    seq, .outOfOrder, "checkpoint of seq \(seq) after record seq \(last.seq): lines were reordered")
            }
            guard headHash == last.hash else {
                return fail(
                    seq, .checkpointMismatch,
                    "checkpoint does not match record hash: the signed head of seq \(seq) is \(headHash.prefix(16))…, "
                        + "the record at line \(last.line) hashes to \(last.hash.prefix(16))… (it was altered and rehashed)")
            }
        } else {
            // Before the first record: only a windowed export's anchor, i.e. the head just before it.
            if header.fromMillis == nil || header.firstSeq == 1 {
                return fail(seq, .outOfOrder, "checkpoint before the first record")
            }
            if let first = header.firstSeq, seq != first - 1 {
                return fail(
                    seq, seq < first - 1 ? .outOfOrder : .seqGap,
                    "checkpoint of seq \(seq) before the first record, seq \(first): expected seq \(first - 1)")
            }
            if let anchor, anchor.seq != seq || anchor.hash != headHash {
                return fail(
                    seq, .checkpointMismatch,
                    "checkpoint disagrees with the signed head at line \(anchor.line) (seq \(anchor.seq))")
            }
            anchor = Seen(seq: seq, hash: headHash, line: lineNumber)
        }
        guard checkTime(time, seq: seq) else { return }
        if let maximumGapMillis, let start = gapStart, time - start > maximumGapMillis {
            return fail(seq, .checkpointGap, gapMessage(from: start, to: time))
        }
        gapStart = time
        lastCheckpointLine = lineNumber
        coveredSeq = max(coveredSeq, seq)
        checkpointCount += 1
    }

    private mutating func finalChecks() {
        guard let header else {
            return fail(nil, .header, lineNumber == 0 ? "the export is empty" : "the header is missing")
        }
        if header.lastSeq != lastRecord?.seq {
            let next = lastRecord.map { $0.seq + 1 } ?? header.firstSeq
            let found = lastRecord.map { "ends at seq \($0.seq)" } ?? "holds no records"
            return failAt(
                lineNumber, next, .truncated,
                "the export \(found), but its signed header names seq \(header.lastSeq.map(String.init) ?? "none") "
                    + "as the last: records were removed from the end")
        }
        if let last = lastRecord, header.lastHash != last.hash {
            return failAt(
                last.line, last.seq, .hashMismatch,
                "the last record's hash does not match the signed header's last_hash: it was altered and rehashed")
        }
        if let maximumGapMillis, let start = gapStart {
            let end = header.toMillis ?? header.exportedAt
            if end - start > maximumGapMillis {
                return failAt(lineNumber, lastRecord?.seq, .checkpointGap, gapMessage(from: start, to: end) + " (up to the export's end)")
            }
        }
        if let last = lastRecord, coveredSeq < last.seq {
            let first = max(coveredSeq + 1, firstSeq ?? 1)
            warnings.append(
                (first == last.seq ? "seq \(first) is" : "seq \(first)...\(last.seq) are")
                    + " not yet covered by a signed checkpoint (only by the signed export header)")
        }
    }

    // MARK: Helpers

    private mutating func checkTime(_ time: Int64, seq: Int64) -> Bool {
        if let lastTime, time < lastTime {
            fail(
                seq, .timeBackwards,
                "time goes backwards: \(AuditTime.format(millis: time)) after \(AuditTime.format(millis: lastTime))")
            return false
        }
        lastTime = time
        return true
    }

    private func gapMessage(from start: Int64, to end: Int64) -> String {
        "no checkpoint for \(Double(end - start) / 1000) s, from \(AuditTime.format(millis: start)) to "
            + "\(AuditTime.format(millis: end)) (limit \(Double(maximumGapMillis ?? 0) / 1000) s): "
            + "the gateway was down or records were removed"
    }

    private mutating func fail(_ seq: Int64?, _ kind: AuditVerificationFailure.Kind, _ message: String) {
        failAt(lineNumber, seq, kind, message)
    }

    private mutating func failAt(_ line: Int, _ seq: Int64?, _ kind: AuditVerificationFailure.Kind, _ message: String) {
        if failure == nil {
            failure = AuditVerificationFailure(line: line, seq: seq, kind: kind, message: message)
        }
    }

    private func seqOf(_ json: AuditJSON) -> Int64? {
        if case .int(let seq)? = json["seq"] { return seq }
        return lastRecord.map { $0.seq + 1 }
    }

    /// Best effort for a line that no longer parses: the digits after `"seq":`, if still there.
    private static func rawSeq(_ bytes: [UInt8]) -> Int64? {
        let needle = Array("\"seq\":".utf8)
        guard bytes.count > needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
            let digits = bytes[(start + needle.count)...].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            return Int64(String(decoding: digits, as: UTF8.self))
        }
        return nil
    }
}
