import ArgumentParser

/// `memos-admin`: the operator's and compliance officer's command line.
///
/// Talks to a running gateway's admin API; only `init` touches the data directory directly,
/// because it runs before any gateway exists.
@main
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memos-admin",
        abstract: "Administer a MemOS Gateway: data directory, tenants and users.",
        discussion: """
            Connection: --server/MEMOS_SERVER (default http://127.0.0.1:8080) and --token/MEMOS_TOKEN \
            (an operator or tenant-admin API key).
            Exit codes: 0 ok, 1 failed (the server refused or was unreachable), 64 usage error.
            """,
        subcommands: [InitCommand.self, TenantCommand.self, UserCommand.self])
}
