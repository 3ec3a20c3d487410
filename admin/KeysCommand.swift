import ArgumentParser
import Foundation

/// `memos-admin keys rotate`: a new master key, every data key rewrapped.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the gateway's master key (platform operators).",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate the master key: a new one is generated and every data key rewrapped under it.",
            discussion: """
                Runs on the live gateway without downtime; memories are not re-encrypted (their \
                data keys do not change). The gateway rewrites its key file; if the master key comes \
                from MEMOS_MASTER_KEY, deploy the new one before the next restart. Backups taken \
                before the rotation need the old master key: keep it with them. Needs --yes, or \
                typing 'rotate' at a terminal.

                Example:
                  memos-admin keys rotate --yes --json
                """)

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Confirm the rotation.")
        var yes = false

        func validate() throws {
            try Confirmation.check(yes: yes, action: "keys rotate")
        }

        func run() async throws {
            let client = try global.client()
            try Confirmation.confirm(yes: yes, action: "Rotating the gateway's master key", expected: "rotate")
            try await reportingFailures {
                let response = try await client.send(.POST, "/admin/v1/keys/rotate")
                if global.json {
                    try printJSON(response)
                } else {
                    global.output.say(
                        "master key rotated: \(cell(response["rewrapped_keys"])) data keys rewrapped under key \(cell(response["kek_id"]))")
                }
            }
        }
    }
}
