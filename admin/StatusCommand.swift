import ArgumentParser
import Foundation

/// `memos-admin status`: is the gateway up, which version, how many tenants, which policy.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the gateway's version, health, tenants and active policy hash.",
        discussion: """
            Reads GET /admin/v1/status; against a gateway without it, falls back to /readyz and \
            the tenant list. Exit code 1 when the gateway is unreachable or not ready.

            Examples:
              memos-admin status
              memos-admin status --json | jq -r .policy_hash
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let client = try global.client()
        try await reportingFailures {
            var status: [String: Any]
            do {
                status = try await client.send(.GET, "/admin/v1/status")
            } catch let failure as CLIFailure where failure.status == 404 || failure.status == 405 {
                status = try await Self.composedStatus(client)
            }
            status["server"] = client.baseURL
            let ready = status["ready"] as? Bool ?? false
            if global.json {
                try printJSON(status)
            } else {
                let tenants: String =
                    if let list = status["tenants"] as? [Any] { "\(list.count)" } else { cell(status["tenants"]) }
                printFields([
                    ("server", client.baseURL),
                    ("version", cell(status["version"])),
                    ("health", ready ? "ready" : "NOT READY"),
                    ("tenants", tenants),
                    ("policy hash", cell(status["policy_hash"])),
                ])
            }
            if !ready { throw CLIFailure("the gateway at \(client.baseURL) is not ready") }
        }
    }

    /// What an older gateway can tell: `/readyz` (policy hash) and the tenant list.
    static func composedStatus(_ client: AdminClient) async throws -> [String: Any] {
        let (code, data) = try await client.exchange(.GET, "/readyz")
        let ready = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let tenants = try await client.send(.GET, "/admin/v1/tenants")["tenants"] as? [Any] ?? []
        return [
            "version": NSNull(), "ready": code == 200, "policy_hash": ready["policy_hash"] ?? NSNull(),
            "tenants": tenants.count,
        ]
    }
}
