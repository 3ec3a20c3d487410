import ArgumentParser
import Foundation

/// `memos-admin tenant ...`: platform operators manage tenants.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Manage tenants (platform operators).",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a tenant.",
            discussion: """
                Example:
                  memos-admin tenant create acme
                  memos-admin --server http://127.0.0.1:8080 --token $ADMIN_KEY \\
                    tenant create acme --json
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tenant name: 2-63 characters of a-z, 0-9 and '-'.")
        var name: String

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.POST, "/admin/v1/tenants", body: ["name": name])
                if global.json {
                    try printJSON(response)
                } else if let tenant = response["tenant"] as? [String: Any] {
                    if global.quiet {
                        print(cell(tenant["id"]))
                    } else {
                        print("created tenant \(tenant["name"] ?? name) (id \(tenant["id"] ?? "?"))")
                    }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tenants.",
            discussion: """
                Examples:
                  memos-admin tenant list
                  memos-admin tenant list --json | jq -r '.tenants[].id'
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/tenants")
                if global.json {
                    try printJSON(response)
                    return
                }
                let tenants = response["tenants"] as? [[String: Any]] ?? []
                printTable(
                    ["name", "status", "id", "created"],
                    tenants.map { [cell($0["name"]), cell($0["status"]), cell($0["id"]), cell($0["created_at"])] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one tenant: id, status, creation time, users.",
            discussion: "Example:\n  memos-admin tenant show acme")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tenant name.")
        var name: String

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/tenants/\(segment(name))")
                if global.json {
                    try printJSON(response)
                    return
                }
                let tenant = response["tenant"] as? [String: Any] ?? [:]
                let users: String =
                    if let list = tenant["users"] as? [Any] { "\(list.count)" } else { cell(tenant["users"]) }
                printFields([
                    ("name", cell(tenant["name"])), ("id", cell(tenant["id"])), ("status", cell(tenant["status"])),
                    ("created", cell(tenant["created_at"])), ("users", users),
                ])
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a tenant: its keys and tokens stop working until it is resumed. Nothing is deleted.",
            discussion: "Example:\n  memos-admin tenant suspend acme")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tenant name.")
        var name: String

        func run() async throws {
            try await TenantCommand.changeStatus(global: global, name: name, verb: "suspend", done: "suspended")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a suspended tenant.",
            discussion: "Example:\n  memos-admin tenant resume acme")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tenant name.")
        var name: String

        func run() async throws {
            try await TenantCommand.changeStatus(global: global, name: name, verb: "resume", done: "resumed")
        }
    }

    static func changeStatus(global: GlobalOptions, name: String, verb: String, done: String) async throws {
        let client = try global.client()
        try await reportingFailures {
            let response = try await client.send(.POST, "/admin/v1/tenants/\(segment(name))/\(verb)")
            if global.json {
                try printJSON(response)
            } else {
                let tenant = response["tenant"] as? [String: Any] ?? [:]
                global.output.say("\(done) tenant \(name) (status \(cell(tenant["status"])))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a whole tenant: every memory, user and key; its data key is crypto-shredded.",
            discussion: """
                The gateway returns a signed receipt, printed and saved to --receipt \
                (default tenant-deletion-<name>-<date>.json). Check it offline with \
                `memos-admin receipt verify FILE`. Needs --yes, or typing the tenant name at a terminal.

                Example:
                  memos-admin tenant delete acme --yes --receipt acme-deletion.json
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tenant name.")
        var name: String
        @Flag(help: "Confirm: erase the tenant and everything in it.")
        var yes = false
        @Option(help: "Where to save the signed receipt.")
        var receipt: String?

        func validate() throws {
            try Confirmation.check(yes: yes, action: "tenant delete")
        }

        func run() async throws {
            let client = try global.client()
            try Confirmation.confirm(yes: yes, action: "Erasing tenant '\(name)' and all its data", expected: name)
            try await reportingFailures {
                let response = try await client.send(.DELETE, "/admin/v1/tenants/\(segment(name))")
                guard let receiptObject = response["receipt"] as? [String: Any] else {
                    throw CLIFailure("the gateway deleted the tenant but returned no receipt")
                }
                let path = receipt ?? ReceiptFile.defaultName(prefix: "tenant-deletion", name: name)
                try ReceiptFile.save(receiptObject, to: path)
                if global.json {
                    try printJSON(["receipt": receiptObject, "receipt_file": path])
                } else {
                    try printJSON(receiptObject)
                    global.output.note("tenant \(name) erased; signed receipt saved to \(path)")
                }
            }
        }
    }
}
