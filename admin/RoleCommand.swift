import ArgumentParser
import Foundation
import MemOSGovernance

/// `memos-admin role list`: the roles of the active policy.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Show the roles users can be granted.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List roles: clearance, permissions, subspace grants.",
            discussion: """
                Asks the gateway (GET /admin/v1/roles), or reads a policy directory offline with --policy-dir.

                Examples:
                  memos-admin role list
                  memos-admin role list --policy-dir ./policies --json
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("policy-dir"), help: "Read the roles from this policy directory instead of the gateway.")
        var policyDirectory: String?

        func run() async throws {
            let roles: [[String: Any]]
            if let policyDirectory {
                roles = try await Self.offlineRoles(policyDirectory)
            } else {
                let client = try global.client()
                var fetched: [[String: Any]] = []
                try await reportingFailures {
                    fetched = try await client.send(.GET, "/admin/v1/roles")["roles"] as? [[String: Any]] ?? []
                }
                roles = fetched
            }
            if global.json {
                try printJSON(["roles": roles])
                return
            }
            printTable(
                ["name", "clearance", "permissions", "grants", "description"],
                roles.map { role in
                    [cell(role["name"]), cell(role["clearance"]), cell(role["permissions"]), Self.grants(role["grants"]), cell(role["description"])]
                })
        }

        /// `team/*:read+write` for each grant.
        static func grants(_ value: Any?) -> String {
            guard let grants = value as? [[String: Any]], !grants.isEmpty else { return cell(value) }
            return grants.map { grant in
                "\(cell(grant["subspace"])):" + ((grant["access"] as? [String]) ?? []).joined(separator: "+")
            }.joined(separator: " ")
        }

        static func offlineRoles(_ path: String) async throws -> [[String: Any]] {
            var roles: [[String: Any]] = []
            try await reportingFailures {
                let policy: PolicySet
                do {
                    policy = try PolicySet.load(directory: URL(fileURLWithPath: path))
                } catch {
                    throw CLIFailure("\(path): \(error)")
                }
                roles = policy.roles.roles.values.sorted { $0.name < $1.name }.map { role in
                    [
                        "name": role.name, "description": role.description, "clearance": role.clearance,
                        "permissions": role.permissions.map(\.rawValue).sorted(),
                        "grants": role.grants.map { grant in
                            ["subspace": grant.subspace.description, "access": SubspaceAccess.allCases.filter { grant.access.contains($0) }.map(\.rawValue)]
                        },
                    ]
                }
            }
            return roles
        }
    }
}
