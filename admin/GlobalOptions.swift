import ArgumentParser
import Foundation

/// The exit codes every command keeps to (also listed in `memos-admin --help`).
enum AdminExit {
    /// The command did what was asked.
    static let ok = ExitCode.success
    /// The command failed: the server refused or was unreachable, a file could not be read, ...
    static let failed = ExitCode.failure
    /// The command line was wrong (missing argument, bad date, unconfirmed destructive command).
    static let usage = ExitCode.validationFailure
    /// Verification failed: an audit export, an erasure receipt or a backup archive is not intact.
    static let verificationFailed = ExitCode(65)
}

/// Options shared by every command that talks to a gateway: `--server`, `--token`, `--json`, `--quiet`.
///
/// They may be given before the subcommand too (`memos-admin --json tenant list`).
struct GlobalOptions: ParsableArguments {
    @Option(help: "Gateway URL (env MEMOS_SERVER; default http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "API key to authenticate with (env MEMOS_TOKEN).")
    var token: String?

    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false

    @Flag(help: "Print only results: no progress, hints or confirmations of success.")
    var quiet = false

    var output: Output { Output(json: json, quiet: quiet) }

    func client(role: String? = nil) throws -> AdminClient {
        let environment = ProcessInfo.processInfo.environment
        let server = server ?? environment["MEMOS_SERVER"] ?? "http://127.0.0.1:8080"
        guard let token = token ?? environment["MEMOS_TOKEN"], !token.isEmpty else {
            throw ValidationError("missing --token (or MEMOS_TOKEN): use the admin key printed by `memos-admin init`")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http(s) URL, got '\(server)'")
        }
        return AdminClient(baseURL: server.hasSuffix("/") ? String(server.dropLast()) : server, token: token, role: role)
    }
}

/// The same flags for commands that work offline (files, the data directory). `--server` and
/// `--token` are accepted, so a script may pass them everywhere, and ignored.
struct OfflineOptions: ParsableArguments {
    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false

    @Flag(help: "Print only results: no progress, hints or confirmations of success.")
    var quiet = false

    @Option(help: .hidden)
    var server: String?

    @Option(help: .hidden)
    var token: String?

    var output: Output { Output(json: json, quiet: quiet) }
}

/// How a command prints: JSON for scripts, text for people, and progress or notes on stderr.
struct Output: Sendable {
    let json: Bool
    let quiet: Bool

    /// A note for people (stderr), unless `--quiet`.
    func note(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// A human result line (stdout), unless `--quiet` or `--json`.
    func say(_ message: String) {
        guard !quiet, !json else { return }
        print(message)
    }
}

/// Writes one line to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints a JSON value on stdout, stable key order.
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}

/// A JSON value as one line (sorted keys, no whitespace), for JSON Lines output.
func jsonLine(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// A JSON scalar or list as table text ("-" for nothing).
func cell(_ value: Any?) -> String {
    switch value {
    case nil, is NSNull: return "-"
    case let string as String: return string.isEmpty ? "-" : string
    case let list as [Any]: return list.isEmpty ? "-" : list.map { cell($0) }.joined(separator: ",")
    case let object as [String: Any]: return (try? jsonLine(object)) ?? "-"
    case let value?: return "\(value)"
    }
}

/// Prints rows as an aligned table with an upper-case header.
func printTable(_ headers: [String], _ rows: [[String]]) {
    print(formatTable(headers, rows), terminator: "")
}

func formatTable(_ headers: [String], _ rows: [[String]]) -> String {
    var widths = headers.map(\.count)
    for row in rows {
        for (index, value) in row.enumerated() where index < widths.count {
            widths[index] = max(widths[index], value.count)
        }
    }
    func line(_ values: [String]) -> String {
        var text = ""
        for (index, value) in values.enumerated() {
            if index == values.count - 1 {
                text += value
            } else {
                text += value.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }
        }
        return text.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
    }
    return line(headers.map { $0.uppercased() }) + rows.map(line).joined()
}

/// A key-value block for `show` commands.
func printFields(_ fields: [(String, String)]) {
    let width = (fields.map(\.0.count).max() ?? 0) + 2
    for (name, value) in fields {
        print(name.padding(toLength: width, withPad: " ", startingAt: 0) + value)
    }
}
