import ArgumentParser
import Foundation

/// `memos-admin`: the operator's and compliance officer's command line.
///
/// Most commands talk to a running gateway's admin API. `init`, `policy validate`, `audit
/// verify`, `receipt verify` and `backup` work offline, on files and the data directory.
@main
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memos-admin",
        abstract: "Administer a MemOS Gateway: tenants, users, keys, policy, audit, data subjects and backups.",
        discussion: """
            Connection: --server/MEMOS_SERVER (default http://127.0.0.1:8080) and --token/MEMOS_TOKEN \
            (an operator or tenant-admin API key; a DPO key for `subject`).
            Every command takes --json (machine-readable output on stdout) and --quiet (results only); \
            the global options may come before or after the subcommand. Destructive commands \
            (tenant delete, subject erase, keys rotate, backup restore) need --yes, or typing the \
            name at a terminal.

            Exit codes:
              0   ok
              1   failed: the server refused or was unreachable, a file could not be
                  read or written, a backup restore was refused
              64  usage error: bad or missing arguments, destructive command not
                  confirmed
              65  verification failed: `audit verify`, `receipt verify` or
                  `backup verify` found the file altered or incomplete

            Examples:
              export MEMOS_SERVER=http://127.0.0.1:8080 MEMOS_TOKEN=mgk_...
              memos-admin status
              memos-admin tenant create acme
              memos-admin user create --tenant acme alice --role member
              memos-admin audit export --tenant acme --format csv --out acme.csv
              memos-admin audit verify acme.jsonl --public-key audit-key.json
            """,
        version: AdminCommand.version,
        subcommands: [
            InitCommand.self, StatusCommand.self, TenantCommand.self, UserCommand.self, KeyCommand.self,
            RoleCommand.self, PolicyCommand.self, AuditCommand.self, WatermarkCommand.self, SubjectCommand.self,
            ReceiptCommand.self, KeysCommand.self, BackupCommand.self,
        ])

    static let version = "1.0.0"

    /// Parses with the global options hoisted, so `memos-admin --json tenant list` works as well
    /// as `memos-admin tenant list --json`.
    static func main() async {
        let arguments = hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ValidationError {
            // Found while running (no token, not confirmed): the message, without the root's usage.
            printError("Error: \(error.message)")
            exit(withError: AdminExit.usage)
        } catch {
            exit(withError: error)
        }
    }

    /// Moves `--server V`, `--token V`, `--json` and `--quiet` given before the subcommand to
    /// after it (before a `--` terminator, if any). Everything else keeps its place.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var hoisted: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            let argument = arguments[index]
            if argument == "--json" || argument == "--quiet" {
                hoisted.append(argument)
                index += 1
            } else if argument == "--server" || argument == "--token", index + 1 < arguments.count {
                hoisted += [argument, arguments[index + 1]]
                index += 2
            } else if argument.hasPrefix("--server=") || argument.hasPrefix("--token=") {
                hoisted.append(argument)
                index += 1
            } else {
                return arguments
            }
        }
        guard !hoisted.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        if let terminator = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: hoisted, at: terminator)
        } else {
            rest += hoisted
        }
        return rest
    }
}
