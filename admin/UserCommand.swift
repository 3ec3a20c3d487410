import ArgumentParser
import Foundation
import NIOHTTP1

/// `memos-admin user ...`: operators and tenant administrators manage a tenant's users.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage a tenant's users.",
        subcommands: [
            Create.self, List.self, Show.self, Disable.self, Enable.self, Grant.self, Revoke.self, ResetPassword.self,
        ])

    /// `--tenant T USERNAME`, shared by the commands about one user.
    struct Target: ParsableArguments {
        @Option(help: "Tenant the user belongs to.")
        var tenant: String
        @Argument(help: "Username.")
        var username: String

        var path: String { "/admin/v1/tenants/\(segment(tenant))/users/\(segment(username))" }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and print their first API key (shown once).",
            discussion: """
                Example:
                  memos-admin user create --tenant acme alice --role member --role manager
                  echo 's3cret-passphrase' | \\
                    memos-admin user create --tenant acme bob --role member --password-stdin
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Tenant the user belongs to.")
        var tenant: String
        @Argument(help: "Username.")
        var username: String
        @Option(name: .customLong("role"), help: "A role to grant (repeatable); the first is the default unless --default-role.")
        var roles: [String] = []
        @Option(name: .customLong("default-role"), help: "Role requests act as when they name none.")
        var defaultRole: String?
        @Flag(name: .customLong("password-stdin"), help: "Read a password from standard input (for POST /v1/auth/token).")
        var passwordFromStdin = false

        func validate() throws {
            guard !roles.isEmpty else { throw ValidationError("at least one --role is required") }
            if let defaultRole, !roles.contains(defaultRole) {
                throw ValidationError("--default-role '\(defaultRole)' must be one of the --role values")
            }
        }

        func run() async throws {
            let client = try global.client()
            var body: [String: Any] = ["username": username, "roles": roles]
            if let defaultRole { body["default_role"] = defaultRole }
            if passwordFromStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--password-stdin given but standard input had no password")
                }
                body["password"] = line
            }
            try await reportingFailures {
                let path = "/admin/v1/tenants/\(segment(tenant))/users"
                let response = try await client.send(.POST, path, body: body)
                if global.json {
                    try printJSON(response)
                } else if global.quiet {
                    print(cell(response["api_key"]))
                } else {
                    let user = response["user"] as? [String: Any] ?? [:]
                    print("created user \(user["username"] ?? username) in \(tenant) (id \(user["id"] ?? "?"))")
                    print("api key (shown once): \(response["api_key"] ?? "")")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a tenant's users.",
            discussion: "Example:\n  memos-admin user list --tenant acme")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Tenant to list.")
        var tenant: String

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/tenants/\(segment(tenant))/users")
                if global.json {
                    try printJSON(response)
                    return
                }
                let users = response["users"] as? [[String: Any]] ?? []
                printTable(
                    ["username", "roles", "default", "status", "id"],
                    users.map {
                        [cell($0["username"]), cell($0["roles"]), cell($0["default_role"]), cell($0["status"]), cell($0["id"])]
                    })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one user: roles, status, password, creation time.",
            discussion: "Example:\n  memos-admin user show --tenant acme alice")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, target.path)
                if global.json {
                    try printJSON(response)
                    return
                }
                UserCommand.printUser(response["user"] as? [String: Any] ?? [:])
            }
        }
    }

    static func printUser(_ user: [String: Any]) {
        printFields([
            ("username", cell(user["username"])), ("tenant", cell(user["tenant"])), ("id", cell(user["id"])),
            ("status", cell(user["status"])), ("roles", cell(user["roles"])), ("default role", cell(user["default_role"])),
            ("password", (user["has_password"] as? Bool) == true ? "set" : "none"), ("created", cell(user["created_at"])),
        ])
    }

    /// Runs a user change and prints the updated user.
    static func change(
        global: GlobalOptions, _ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, done: String
    ) async throws {
        let client = try global.client()
        try await reportingFailures {
            let response = try await client.send(method, path, body: body)
            if global.json {
                let object: [String: Any] = response.isEmpty ? ["ok": true] : response
                try printJSON(object)
            } else {
                global.output.say(done)
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: their keys and tokens stop working. Nothing is deleted.",
            discussion: "Example:\n  memos-admin user disable --tenant acme alice")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target

        func run() async throws {
            try await UserCommand.change(
                global: global, .POST, target.path + "/disable", done: "disabled \(target.username) in \(target.tenant)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable a disabled user again.",
            discussion: "Example:\n  memos-admin user enable --tenant acme alice")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target

        func run() async throws {
            try await UserCommand.change(
                global: global, .POST, target.path + "/enable", done: "enabled \(target.username) in \(target.tenant)")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a role to a user.",
            discussion: "Example:\n  memos-admin user grant --tenant acme alice manager")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Argument(help: "Role to grant (see `memos-admin role list`).")
        var role: String

        func run() async throws {
            try await UserCommand.change(
                global: global, .POST, target.path + "/roles", body: ["role": role],
                done: "granted \(role) to \(target.username) in \(target.tenant)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a role from a user.",
            discussion: "Example:\n  memos-admin user revoke --tenant acme alice manager")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Argument(help: "Role to revoke.")
        var role: String

        func run() async throws {
            try await UserCommand.change(
                global: global, .DELETE, target.path + "/roles/\(segment(role))",
                done: "revoked \(role) from \(target.username) in \(target.tenant)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password for a user (used with POST /v1/auth/token).",
            discussion: """
                Asks for the password twice at a terminal; scripts pipe it with --password-stdin.

                Examples:
                  memos-admin user reset-password --tenant acme alice
                  printf '%s\\n' "$NEW_PASSWORD" | \\
                    memos-admin user reset-password --tenant acme alice --password-stdin
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Flag(name: .customLong("password-stdin"), help: "Read the new password from standard input.")
        var passwordFromStdin = false

        func validate() throws {
            guard passwordFromStdin || Confirmation.isInteractive else {
                throw ValidationError("no terminal to ask for the password on: pass it with --password-stdin")
            }
        }

        func run() async throws {
            let password: String
            if passwordFromStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--password-stdin given but standard input had no password")
                }
                password = line
            } else {
                guard let first = Confirmation.readSecret(prompt: "New password for \(target.username): "), !first.isEmpty,
                    let second = Confirmation.readSecret(prompt: "Repeat it: ")
                else { throw ValidationError("no password given") }
                guard first == second else { throw ValidationError("the passwords differ; nothing was changed") }
                password = first
            }
            try await UserCommand.change(
                global: global, .POST, target.path + "/password", body: ["password": password],
                done: "password of \(target.username) in \(target.tenant) reset")
        }
    }
}
