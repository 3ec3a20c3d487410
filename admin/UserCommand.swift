import ArgumentParser
import Foundation

/// `memos-admin user ...`: operators and tenant administrators manage a tenant's users.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage a tenant's users.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and print their first API key (shown once).",
            discussion: """
                Example:
                  memos-admin user create --tenant acme alice --role member --role manager --json
                  echo 's3cret-passphrase' | memos-admin user create --tenant acme bob --role member --password-stdin
                """)

        @OptionGroup var connection: ConnectionOptions
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
        }

        func run() async throws {
            let client = try connection.client()
            var body: [String: Any] = ["username": username, "roles": roles]
            if let defaultRole { body["default_role"] = defaultRole }
            if passwordFromStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--password-stdin given but standard input had no password")
                }
                body["password"] = line
            }
            try await reportingFailures {
                let path = "/admin/v1/tenants/\(tenant.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? tenant)/users"
                let response = try await client.send(.POST, path, body: body)
                if connection.json {
                    try printJSON(response)
                } else {
                    let user = response["user"] as? [String: Any] ?? [:]
                    print("created user \(user["username"] ?? username) in \(tenant) (id \(user["id"] ?? "?"))")
                    print("api key (shown once): \(response["api_key"] ?? "")")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's users.")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Tenant to list.")
        var tenant: String

        func run() async throws {
            let client = try connection.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/tenants/\(tenant)/users")
                if connection.json {
                    try printJSON(response)
                    return
                }
                for user in response["users"] as? [[String: Any]] ?? [] {
                    let roles = (user["roles"] as? [String] ?? []).joined(separator: ",")
                    print("\(user["username"] ?? "")\t\(roles)\t\(user["status"] ?? "")\t\(user["id"] ?? "")")
                }
            }
        }
    }
}
