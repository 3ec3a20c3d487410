/// The outcome of verifying an audit export offline.
public struct AuditVerification: Sendable, Equatable, CustomStringConvertible {
    /// The first problem found (verification stops there); nil when the export verified.
    public var failure: AuditVerificationFailure?
    /// Things that do not make the export invalid but limit what it proves.
    public var warnings: [String]
    /// The chain verified: a lowercase tenant UUID or "platform" (nil if the header was unreadable).
    public var tenant: String?
    public var records: Int
    public var checkpoints: Int
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    /// The key id the signatures were checked against.
    public var keyID: String?
    /// True when signatures were checked against a key the caller supplied (authenticity);
    /// false when only the export's own header key was available (integrity only).
    public var authenticated: Bool

    public var isValid: Bool { failure == nil }

    public var description: String {
        var lines: [String] = []
        if let failure {
            lines.append("FAILED \(failure)")
        } else {
            let range = firstSeq.map { first in "seq \(first)...\(lastSeq ?? first)" } ?? "no records"
            lines.append(
                "OK \(tenant ?? "?"): \(records) records (\(range)), \(checkpoints) checkpoints, key \(keyID ?? "?")"
                    + (authenticated ? "" : " (integrity only: no trusted key given)"))
        }
        lines += warnings.map { "warning: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Where and why an export failed verification.
public struct AuditVerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// A line is not (canonical) JSON of the expected shape.
        case malformed
        /// The first line is missing, malformed, or its signature does not verify.
        case header
        /// Signed by a key other than the trusted one.
        case wrongKey
        /// A record's content does not match its own hash: the record was altered.
        case hashMismatch
        /// A record does not continue the chain: something before it was altered or replaced.
        case prevHashMismatch
        /// A seq is missing: a record was removed.
        case seqGap
        /// Records are reordered or duplicated.
        case outOfOrder
        /// A timestamp is earlier than the one before it.
        case timeBackwards
        /// A checkpoint's signature does not verify.
        case badSignature
        /// A (validly signed) checkpoint names a different head than the records show.
        case checkpointMismatch
        /// A line belongs to another chain.
        case tenantMismatch
        /// The export ends before the record its signed header names.
        case truncated
        /// No checkpoint for longer than the allowed gap.
        case checkpointGap
    }

    /// 1-based line number in the export (1 is the header).
    public var line: Int
    /// The seq of the record the line holds or concerns, when known.
    public var seq: Int64?
    public var kind: Kind
    public var message: String

    public init(line: Int, seq: Int64?, kind: Kind, message: String) {
        self.line = line
        self.seq = seq
        self.kind = kind
        self.message = message
    }

    public var description: String {
        "line \(line)" + (seq.map { " (seq \($0))" } ?? "") + ": \(message)"
    }
}
