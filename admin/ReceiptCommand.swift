import ArgumentParser
import Foundation
import MemOSGovernance

/// `memos-admin receipt verify`: check a signed erasure receipt offline.
struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Verify signed erasure receipts (subject erasure, tenant deletion).",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an erasure receipt's Ed25519 signature offline.",
            discussion: """
                FILE is a receipt saved by `subject erase` or `tenant delete` (the bare receipt or \
                {"receipt": ...}). With --public-key (from `audit public-key`) the signature proves \
                the gateway issued it; without it, the key named in the receipt is used, which \
                proves only that it was not altered. Exit 0 when valid, 65 when not.

                Example:
                  memos-admin receipt verify erasure-alice-2026-11-23.json \\
                    --public-key audit-key.json
                """)

        @OptionGroup var options: OfflineOptions
        @Argument(help: "The receipt file (- for standard input).")
        var file: String
        @Option(name: .customLong("public-key"), help: "The gateway's audit public key (file).")
        var publicKey: String?

        func run() async throws {
            try await reportingFailures {
                let receipt = try ReceiptFile.load(try Arguments.read(file), name: file)
                let key = try publicKey.map { try PublicKeyFile.load($0) }
                var problems: [String] = []
                if let key, key.rawRepresentation.base64EncodedString() != receipt.publicKey {
                    problems.append("the receipt names another key (\(receipt.keyID)) than the one given")
                }
                if receipt.signature == nil {
                    problems.append("the receipt is not signed")
                } else if !receipt.verify(publicKey: key) {
                    problems.append("the signature does not match the receipt: it was altered or signed by another key")
                }
                let valid = problems.isEmpty
                if options.json {
                    try printJSON([
                        "file": file, "valid": valid, "authenticated": valid && key != nil,
                        "receipt_id": receipt.receiptID, "tenant": receipt.tenant, "erased_at": receipt.erasedAt,
                        "key_id": receipt.keyID, "problems": problems,
                    ])
                } else if valid {
                    options.output.say(
                        "OK receipt \(receipt.receiptID): tenant \(receipt.tenant), erased \(receipt.erasedAt), "
                            + "\(receipt.erased.memories) memories, \(receipt.dataKeysDestroyed) keys destroyed, "
                            + "signed by key \(receipt.keyID)"
                            + (key == nil ? " (integrity only: no trusted key given)" : ""))
                }
                if !valid {
                    throw VerificationFailure("\(file): " + problems.joined(separator: "; "))
                }
            }
        }
    }
}

/// Saving and reading receipts.
enum ReceiptFile {
    /// `<prefix>-<name>-<yyyy-MM-dd>.json`.
    static func defaultName(prefix: String, name: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return "\(prefix)-\(SubjectCommand.fileSafe(name))-\(formatter.string(from: date)).json"
    }

    /// Writes the receipt as the gateway sent it (pretty-printed, keys sorted), mode 0600.
    static func save(_ receipt: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: receipt, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try Arguments.writePrivate(data + Data("\n".utf8), to: path)
    }

    /// Reads a bare receipt or a `{"receipt": ...}` envelope.
    static func load(_ data: Data, name: String) throws -> ErasureReceipt {
        let decoder = JSONDecoder()
        if let receipt = try? decoder.decode(ErasureReceipt.self, from: data) { return receipt }
        struct Envelope: Decodable { let receipt: ErasureReceipt }
        do {
            return try decoder.decode(Envelope.self, from: data).receipt
        } catch {
            throw VerificationFailure("\(name) is not an erasure receipt: \(error)")
        }
    }
}
