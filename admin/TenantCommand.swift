import ArgumentParser
import Foundation

/// `memos-admin tenant ...`: platform operators manage tenants.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Manage tenants (platform operators).",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a tenant.",
            discussion: "Example:\n  memos-admin --server http://127.0.0.1:8080 --token $ADMIN_KEY tenant create acme --json")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant name: 2-63 characters of a-z, 0-9 and '-'.")
        var name: String

        func run() async throws {
            let client = try connection.client()
            try await reportingFailures {
                let response = try await client.send(.POST, "/admin/v1/tenants", body: ["name": name])
                if connection.json {
                    try printJSON(response)
                } else if let tenant = response["tenant"] as? [String: Any] {
                    print("created tenant \(tenant["name"] ?? name) (id \(tenant["id"] ?? "?"))")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants.")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let client = try connection.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/tenants")
                if connection.json {
                    try printJSON(response)
                    return
                }
                let tenants = response["tenants"] as? [[String: Any]] ?? []
                print("NAME".padding(toLength: 24, withPad: " ", startingAt: 0) + "STATUS    ID")
                for tenant in tenants {
                    let name = "\(tenant["name"] ?? "")".padding(toLength: 24, withPad: " ", startingAt: 0)
                    let status = "\(tenant["status"] ?? "")".padding(toLength: 10, withPad: " ", startingAt: 0)
                    print("\(name)\(status)\(tenant["id"] ?? "")")
                }
            }
        }
    }
}
