import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import MemOSGovernance
import NIOCore

/// `memos-admin audit ...`: export, verify and follow the hash-chained audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Export, verify and follow the audit trail.",
        subcommands: [Export.self, Verify.self, Tail.self, PublicKey.self])

    /// The export path for a chain and window.
    static func exportPath(tenantID: String?, from: Date?, to: Date?) -> String {
        var query: [String] = []
        if let tenantID { query.append("tenant=\(queryValue(tenantID))") }
        if let from { query.append("from=\(queryValue(Arguments.format(from)))") }
        if let to { query.append("to=\(queryValue(Arguments.format(to)))") }
        return "/admin/v1/audit/export" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// `--tenant` as the export wants it: a tenant id, or nil for the caller's default chain
    /// (the platform chain for operators, their own tenant for tenant users).
    static func resolveTenant(_ tenant: String?, client: AdminClient) async throws -> String? {
        guard let tenant, tenant != "platform" else { return nil }
        if let id = UUID(uuidString: tenant) { return id.uuidString.lowercased() }
        do {
            let tenants = try await client.send(.GET, "/admin/v1/tenants")["tenants"] as? [[String: Any]] ?? []
            guard let match = tenants.first(where: { ($0["name"] as? String) == tenant }), let id = match["id"] as? String
            else { throw CLIFailure("no tenant named '\(tenant)'") }
            return id
        } catch let failure as CLIFailure where failure.status == 403 {
            // A tenant user: the gateway exports their own tenant; check that it is the one named.
            let me = try await client.send(.GET, "/v1/me")
            let own = me["tenant"] as? [String: Any] ?? [:]
            guard (own["name"] as? String) == tenant || (own["id"] as? String) == tenant else {
                throw CLIFailure("this key belongs to tenant '\(cell(own["name"]))' and can only export that tenant's trail")
            }
            return nil
        }
    }

    /// Splits a streamed body into lines (without `\n`), calling `body` for each.
    static func forEachLine(
        of response: HTTPClientResponse, _ body: (ArraySlice<UInt8>) async throws -> Void
    ) async throws {
        var pending: [UInt8] = []
        for try await buffer in response.body {
            pending.append(contentsOf: buffer.readableBytesView)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try await body(pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try await body(pending[...]) }
    }

    // MARK: export

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a tenant's audit trail as JSONL (verifiable), CSV or OCSF.",
            discussion: """
                Streams to --out (or stdout), with a running count of records on stderr unless --quiet. \
                jsonl is the gateway's signed export byte for byte: check it with `audit verify`. \
                csv and ocsf are derived from the records (one row or event each; header and \
                checkpoints dropped); CSV cells that start with = + - @ are prefixed with ' so that \
                spreadsheets do not run them. Formats: audit/EXPORT-FORMATS.md.

                --tenant takes a name or id; without it, operators get the platform chain and tenant \
                users (with audit.read) their own tenant. --from/--to are RFC 3339 times or dates (UTC).

                Examples:
                  memos-admin audit export --tenant acme --out acme-audit.jsonl
                  memos-admin audit export --tenant acme --from 2026-11-01 \\
                    --to 2026-12-01 --format csv --out nov.csv
                  memos-admin audit export --tenant acme --format ocsf --quiet | siem-ingest
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Tenant name or id (default: platform chain for operators, own tenant for tenant users).")
        var tenant: String?
        @Option(help: "Start of the window (RFC 3339 or YYYY-MM-DD, inclusive).")
        var from: String?
        @Option(help: "End of the window (RFC 3339 or YYYY-MM-DD, inclusive).")
        var to: String?
        @Option(help: "Output format: jsonl, csv or ocsf.")
        var format: AuditExportFormat = .jsonl
        @Option(help: "File to write (default: stdout). Written under a temporary name, renamed when complete.")
        var out: String?

        func validate() throws {
            let start = try from.map { try Arguments.time($0, option: "--from") }
            let end = try to.map { try Arguments.time($0, option: "--to") }
            if let start, let end, start > end {
                throw ValidationError("--from (\(from ?? "")) is after --to (\(to ?? ""))")
            }
        }

        func run() async throws {
            let client = try global.client()
            let start = try from.map { try Arguments.time($0, option: "--from") }
            let end = try to.map { try Arguments.time($0, option: "--to") }
            try await reportingFailures {
                let tenantID = try await AuditCommand.resolveTenant(tenant, client: client)
                let response = try await client.stream(AuditCommand.exportPath(tenantID: tenantID, from: start, to: end))
                let sink = try OutputSink(path: out)
                var converter = AuditConverter(format: format)
                let progress = Progress(enabled: !global.quiet && ((out != nil && out != "-") || isatty(STDOUT_FILENO) == 0))
                do {
                    try await AuditCommand.forEachLine(of: response) { line in
                        for converted in try converter.convert(String(decoding: line, as: UTF8.self)) {
                            try sink.write(converted)
                        }
                        progress.update(records: converter.records)
                    }
                    try sink.finish()
                } catch {
                    sink.abandon()
                    throw error
                }
                progress.done(records: converter.records)
                guard converter.header != nil else {
                    throw CLIFailure("the gateway's export had no header line: the export is incomplete")
                }
                if let out, out != "-" {
                    let summary: [String: Any] = [
                        "out": out, "format": format.rawValue, "records": converter.records,
                        "checkpoints": converter.checkpoints, "tenant": converter.header?["tenant"] ?? NSNull(),
                        "last_seq": converter.header?["last_seq"] ?? NSNull(),
                    ]
                    if global.json {
                        try printJSON(summary)
                    } else {
                        global.output.note(
                            "exported \(converter.records) records of chain \(cell(converter.header?["tenant"])) "
                                + "as \(format.rawValue) to \(out)")
                    }
                }
            }
        }
    }

    // MARK: verify

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an audit export offline: chain, checkpoint signatures, gaps, order.",
            discussion: """
                Runs audit/VERIFY.md on a JSONL export (FILE, or - for stdin), with no gateway and \
                no network. With --public-key (the JSON saved by `audit public-key`, or the base64 \
                key), signatures prove who wrote the trail; without it only integrity is proven. \
                Exit 0 when intact; exit 65 naming the first bad line and seq otherwise.

                Examples:
                  memos-admin audit verify acme-audit.jsonl --public-key audit-key.json
                  memos-admin audit verify acme-audit.jsonl --max-checkpoint-gap 5m --json
                """)

        @OptionGroup var options: OfflineOptions
        @Argument(help: "The JSONL export (- for standard input).")
        var file: String
        @Option(name: .customLong("public-key"), help: "The gateway's audit public key (file).")
        var publicKey: String?
        @Option(
            name: .customLong("max-checkpoint-gap"),
            help: "Fail when signed checkpoints are further apart than this (e.g. 5m): downtime or removed history.")
        var maximumGap: String?

        func validate() throws {
            if let maximumGap { _ = try Arguments.duration(maximumGap, option: "--max-checkpoint-gap") }
        }

        func run() async throws {
            try await reportingFailures {
                let key = try publicKey.map { try PublicKeyFile.load($0) }
                let gap = try maximumGap.map { TimeInterval(try Arguments.duration($0, option: "--max-checkpoint-gap")) }
                let data = try Arguments.read(file)
                let result = AuditVerifier.verify(jsonl: data, publicKey: key, maximumCheckpointGap: gap)
                if options.json {
                    try printJSON(Self.json(result, file: file))
                } else if result.isValid {
                    options.output.say(result.description)
                } else {
                    for warning in result.warnings { options.output.note("warning: \(warning)") }
                }
                if let failure = result.failure {
                    throw VerificationFailure("\(file): \(failure)")
                }
            }
        }

        static func json(_ result: AuditVerification, file: String) -> [String: Any] {
            var object: [String: Any] = [
                "file": file, "valid": result.isValid, "records": result.records, "checkpoints": result.checkpoints,
                "authenticated": result.authenticated, "warnings": result.warnings,
                "tenant": result.tenant ?? NSNull(), "key_id": result.keyID ?? NSNull(),
                "first_seq": result.firstSeq ?? NSNull(), "last_seq": result.lastSeq ?? NSNull(),
            ]
            if let failure = result.failure {
                let failureObject: [String: Any] = [
                    "line": failure.line, "seq": failure.seq.map { $0 as Any } ?? NSNull(), "kind": failure.kind.rawValue,
                    "message": failure.message,
                ]
                object["failure"] = failureObject
            }
            return object
        }
    }

    // MARK: tail

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the latest audit records; with --follow, keep printing new ones.",
            discussion: """
                Reads the export window starting --since ago (default 1h), prints the last -n \
                records, and with --follow polls every --interval seconds for newer ones until \
                interrupted. --json prints the records as JSON lines, exactly as exported.

                Examples:
                  memos-admin audit tail --tenant acme -n 50
                  memos-admin audit tail --tenant acme --follow --json | \\
                    jq 'select(.outcome != "success")'
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Tenant name or id (default: platform chain for operators, own tenant for tenant users).")
        var tenant: String?
        @Option(help: "How far back to start: a duration (15m, 24h, 7d) or an RFC 3339 time.")
        var since = "1h"
        @Option(name: [.customShort("n"), .customLong("lines")], help: "How many of the existing records to show first.")
        var lines = 20
        @Flag(name: [.short, .long], help: "Keep polling for new records until interrupted.")
        var follow = false
        @Option(help: "Seconds between polls with --follow.")
        var interval = 2

        func validate() throws {
            _ = try startDate()
            guard lines >= 0 else { throw ValidationError("-n/--lines must be 0 or more") }
            guard (1...3_600).contains(interval) else { throw ValidationError("--interval must be 1 to 3600 seconds") }
        }

        func startDate(now: Date = Date()) throws -> Date {
            if let seconds = try? Arguments.duration(since, option: "--since") {
                return now.addingTimeInterval(-TimeInterval(seconds))
            }
            do {
                return try Arguments.time(since, option: "--since")
            } catch {
                throw ValidationError("--since '\(since)' is neither a duration (15m, 24h, 7d) nor an RFC 3339 time")
            }
        }

        func run() async throws {
            let client = try global.client()
            let start = try startDate()
            try await reportingFailures {
                let tenantID = try await AuditCommand.resolveTenant(tenant, client: client)
                var lastSeq: Int64 = 0
                var from = start
                var first = true
                if !global.json && !global.quiet { print(Self.headerLine) }
                while true {
                    let batch = try await fetch(client, tenantID: tenantID, from: from)
                    let fresh = batch.filter { $0.seq > lastSeq }
                    let shown = first ? Array(fresh.suffix(lines)) : fresh
                    for record in shown {
                        print(global.json ? record.line : Self.row(record.object))
                    }
                    if let last = fresh.last {
                        lastSeq = last.seq
                        from = last.time
                    }
                    first = false
                    guard follow else { return }
                    fflush(nil)
                    try await Task.sleep(for: .seconds(interval))
                }
            }
        }

        struct Record {
            let seq: Int64
            let time: Date
            let line: String
            let object: [String: Any]
        }

        func fetch(_ client: AdminClient, tenantID: String?, from: Date) async throws -> [Record] {
            let response = try await client.stream(AuditCommand.exportPath(tenantID: tenantID, from: from, to: nil))
            var records: [Record] = []
            try await AuditCommand.forEachLine(of: response) { bytes in
                let line = String(decoding: bytes, as: UTF8.self)
                guard case .record(let object) = AuditLine(line), let seq = (object["seq"] as? NSNumber)?.int64Value,
                    let millis = (object["time"] as? String).flatMap(AuditOCSF.millis)
                else { return }
                records.append(
                    Record(seq: seq, time: Date(timeIntervalSince1970: TimeInterval(millis) / 1000), line: line, object: object))
            }
            return records
        }

        static let widths = [24, 7, 20, 8, 6, 14, 36]
        static var headerLine: String {
            pad(["TIME", "SEQ", "ACTION", "OUTCOME", "STATUS", "ROLE", "ACTOR", "RESOURCES"])
        }

        static func row(_ record: [String: Any]) -> String {
            pad([
                cell(record["time"]), cell(record["seq"]), cell(record["action"]), cell(record["outcome"]),
                cell(record["status"]), cell(record["role"]), cell(record["actor"]), cell(record["resources"]),
            ])
        }

        static func pad(_ values: [String]) -> String {
            var text = ""
            for (index, value) in values.enumerated() {
                if index < widths.count {
                    text += value.padding(toLength: max(widths[index], value.count + 1), withPad: " ", startingAt: 0)
                } else {
                    text += value
                }
            }
            return text
        }
    }

    // MARK: public-key

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key",
            abstract: "Fetch the Ed25519 key that signs audit checkpoints, exports and erasure receipts.",
            discussion: """
                Save it once, compare its key_id with the one published out of band, and pass the \
                file to `audit verify --public-key` and `receipt verify --public-key`.

                Example:
                  memos-admin audit public-key --out audit-key.json
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Save the key (JSON) to this file.")
        var out: String?

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/audit/public-key")
                if let out {
                    let data = try JSONSerialization.data(withJSONObject: response, options: [.prettyPrinted, .sortedKeys])
                    try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: out))
                }
                if global.json {
                    try printJSON(response)
                } else {
                    printFields([
                        ("algorithm", cell(response["algorithm"])), ("key id", cell(response["key_id"])),
                        ("public key", cell(response["public_key"])),
                    ])
                    if let out { global.output.note("saved to \(out)") }
                }
            }
        }
    }
}

/// Where an export goes: a file written under a temporary name and renamed when complete, or stdout.
final class OutputSink {
    private let handle: FileHandle
    private let path: String?
    private let temporary: URL?
    private var buffer = Data()

    init(path: String?) throws {
        guard let path, path != "-" else {
            handle = FileHandle.standardOutput
            self.path = nil
            temporary = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temporary.path)
        else { throw CLIFailure("cannot write \(path)") }
        self.handle = handle
        self.path = path
        self.temporary = temporary
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        guard let path, let temporary else { return }
        try handle.close()
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: url.path) {
            _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
        } else {
            try FileManager.default.moveItem(at: temporary, to: url)
        }
    }

    /// Removes the partial file after a failure.
    func abandon() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}

/// A running count on stderr (only at a terminal), throttled.
final class Progress {
    private let enabled: Bool
    private var last = Date.distantPast

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func update(records: Int) {
        guard enabled, Date().timeIntervalSince(last) >= 0.2 else { return }
        last = Date()
        FileHandle.standardError.write(Data("\rexporting: \(records) records".utf8))
    }

    func done(records: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\rexporting: \(records) records\n".utf8))
    }
}

/// The gateway's audit public key, from the JSON `audit public-key` saves, a base64 text, or 32 raw bytes.
enum PublicKeyFile {
    static func load(_ path: String) throws -> Curve25519.Signing.PublicKey {
        let data = try Arguments.read(path)
        if let key = parse(data) { return key }
        throw CLIFailure("\(path) is not an Ed25519 public key (expected the JSON of `audit public-key`, base64, or 32 bytes)")
    }

    static func parse(_ data: Data) -> Curve25519.Signing.PublicKey? {
        var raw: Data?
        if let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            raw = (object["public_key"] as? String).flatMap { Data(base64Encoded: $0) }
        } else if let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            let decoded = Data(base64Encoded: text)
        {
            raw = decoded
        } else if data.count == 32 {
            raw = data
        }
        return raw.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }
}
