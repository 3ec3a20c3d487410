import ArgumentParser
import Foundation

/// `memos-admin key ...`: a user's API keys, with scopes and expiry.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Manage a user's API keys (create, list, revoke).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for a user and print it (shown once).",
            discussion: """
                --expires-in takes seconds or a number with s, m, h, d or w. --scope (repeatable) \
                is recorded with the key and shown by `key list`; this gateway version records \
                scopes but does not enforce them.

                Examples:
                  memos-admin key create --tenant acme alice --name laptop --expires-in 90d
                  memos-admin key create --tenant acme ci-bot --scope member \\
                    --expires-in 12h --quiet
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: UserCommand.Target
        @Option(help: "A label for the key (shown in `key list`).")
        var name: String?
        @Option(name: .customLong("expires-in"), help: "Lifetime: seconds, or 30m, 12h, 90d, 2w.")
        var expiresIn: String?
        @Option(name: .customLong("scope"), help: "Restrict the key to this scope (repeatable).")
        var scopes: [String] = []

        func validate() throws {
            if let expiresIn { _ = try Arguments.duration(expiresIn, option: "--expires-in") }
            if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--name must not be empty")
            }
        }

        func run() async throws {
            let client = try global.client()
            var body: [String: Any] = [:]
            if let name { body["name"] = name }
            if let expiresIn { body["expires_in"] = try Arguments.duration(expiresIn, option: "--expires-in") }
            if !scopes.isEmpty { body["scopes"] = scopes }
            try await reportingFailures {
                let response = try await client.send(.POST, target.path + "/keys", body: body)
                if global.json {
                    try printJSON(response)
                } else if global.quiet {
                    print(cell(response["api_key"]))
                } else {
                    let key = response["key"] as? [String: Any] ?? [:]
                    print("created key \(cell(key["id"])) for \(target.username) in \(target.tenant), expires \(cell(key["expires_at"]))")
                    print("api key (shown once): \(cell(response["api_key"]))")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's API keys (never the secrets).",
            discussion: "Example:\n  memos-admin key list --tenant acme alice")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: UserCommand.Target

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, target.path + "/keys")
                if global.json {
                    try printJSON(response)
                    return
                }
                let keys = response["keys"] as? [[String: Any]] ?? []
                printTable(
                    ["id", "name", "scopes", "created", "expires", "revoked"],
                    keys.map {
                        [
                            cell($0["id"]), cell($0["name"]), cell($0["scopes"]), cell($0["created_at"]),
                            cell($0["expires_at"]), cell($0["revoked_at"]),
                        ]
                    })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by id; it stops working at once.",
            discussion: """
                Operators revoke any key by id; tenant administrators name the key's tenant and \
                user with --tenant and --user.

                Examples:
                  memos-admin key revoke mgk_id_0192f3...
                  memos-admin key revoke --tenant acme --user alice mgk_id_0192f3...
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key id (from `key list`).")
        var id: String
        @Option(help: "Tenant of the key's user (tenant administrators).")
        var tenant: String?
        @Option(help: "The key's user (with --tenant).")
        var user: String?

        func validate() throws {
            guard (tenant == nil) == (user == nil) else {
                throw ValidationError("--tenant and --user go together")
            }
        }

        var path: String {
            if let tenant, let user {
                return "/admin/v1/tenants/\(segment(tenant))/users/\(segment(user))/keys/\(segment(id))"
            }
            return "/admin/v1/keys/\(segment(id))"
        }

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                _ = try await client.send(.DELETE, path)
                if global.json {
                    try printJSON(["revoked": id])
                } else {
                    global.output.say("revoked key \(id)")
                }
            }
        }
    }
}
