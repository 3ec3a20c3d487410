import ArgumentParser
import Foundation

/// `memos-admin subject ...`: data-subject requests (GDPR Art. 15/17/20), with a DPO's key.
struct SubjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject", abstract: "Answer data-subject requests: export or erase everything about a person.",
        discussion: "These use a key of a user holding subjects.export / subjects.erase in the tenant (the dpo role).",
        subcommands: [Export.self, Erase.self])

    /// `--tenant T --subject S [--role R]`.
    struct Target: ParsableArguments {
        @Option(help: "Tenant of the subject; must be the tenant of the --token key.")
        var tenant: String
        @Option(help: "The data subject: a username, or the subject name memories were written about.")
        var subject: String
        @Option(help: "Role the key acts as (default: the user's default role; the DPO's is dpo).")
        var role: String?

        func validate() throws {
            guard !subject.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("--subject must not be empty")
            }
        }

        var path: String { "/v1/subjects/\(segment(subject))" }
    }

    /// Checks that the key belongs to `tenant`, so a request never lands in the wrong tenant.
    static func checkTenant(_ tenant: String, client: AdminClient) async throws {
        let me = try await client.send(.GET, "/v1/me")
        guard let own = me["tenant"] as? [String: Any] else {
            throw CLIFailure("subject requests need the key of a tenant user with the dpo role, not an operator key")
        }
        guard (own["name"] as? String) == tenant || (own["id"] as? String) == tenant.lowercased() else {
            throw CLIFailure("the key belongs to tenant '\(cell(own["name"]))', not '\(tenant)'")
        }
    }

    /// A file name part made of safe characters.
    static func fileSafe(_ value: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let mapped = String(value.map { allowed.contains($0) ? $0 : "_" })
        return mapped.hasPrefix(".") ? "_" + mapped.dropFirst() : mapped
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export everything held about a data subject (machine-readable JSON).",
            discussion: """
                Memories (with versions, links and usage) the key's role may read; `withheld` counts \
                those above its clearance. Writes --out (mode 0600) or prints the JSON.

                Example:
                  memos-admin subject export --tenant acme --subject alice \\
                    --out alice-export.json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Option(help: "Write the export to this file instead of stdout.")
        var out: String?

        func run() async throws {
            let client = try global.client(role: target.role)
            try await reportingFailures {
                try await SubjectCommand.checkTenant(target.tenant, client: client)
                let response = try await client.send(.GET, target.path + "/export")
                let memories = (response["memories"] as? [Any])?.count ?? 0
                guard let out else {
                    try printJSON(response)
                    return
                }
                let data = try JSONSerialization.data(
                    withJSONObject: response, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                try Arguments.writePrivate(data + Data("\n".utf8), to: out)
                if global.json {
                    try printJSON(["out": out, "memories": memories, "withheld": response["withheld"] ?? 0])
                } else {
                    global.output.say(
                        "exported \(memories) memories about \(target.subject) (\(cell(response["withheld"])) withheld) to \(out)")
                }
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a data subject everywhere and save the signed erasure receipt.",
            discussion: """
                Removes the subject's memories, versions, links, usage records and index \
                entries, destroys the subject's key and compacts the database. The signed receipt \
                is printed and saved to --receipt (default erasure-<subject>-<date>.json); check it \
                with `memos-admin receipt verify`. Needs --yes, or typing the subject at a terminal.

                Example:
                  memos-admin subject erase --tenant acme --subject alice \\
                    --reason "Art. 17 request 2026-114" --yes
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Option(help: "Why (recorded in the receipt), e.g. the request reference.")
        var reason: String?
        @Option(help: "Where to save the receipt.")
        var receipt: String?
        @Flag(help: "Confirm the erasure.")
        var yes = false

        func validate() throws {
            try Confirmation.check(yes: yes, action: "subject erase")
        }

        func run() async throws {
            let client = try global.client(role: target.role)
            try await reportingFailures {
                try await SubjectCommand.checkTenant(target.tenant, client: client)
            }
            try Confirmation.confirm(
                yes: yes, action: "Erasing everything about '\(target.subject)' in tenant \(target.tenant)",
                expected: target.subject)
            try await reportingFailures {
                var body: [String: Any] = [:]
                if let reason { body["reason"] = reason }
                let response = try await client.send(.POST, target.path + "/erase", body: body)
                guard let receiptObject = response["receipt"] as? [String: Any] else {
                    throw CLIFailure("the gateway erased the subject but returned no receipt")
                }
                let path = receipt ?? ReceiptFile.defaultName(prefix: "erasure", name: target.subject)
                try ReceiptFile.save(receiptObject, to: path)
                if global.json {
                    try printJSON(["receipt": receiptObject, "receipt_file": path])
                } else {
                    try printJSON(receiptObject)
                    global.output.note("erased \(target.subject); signed receipt saved to \(path)")
                }
            }
        }
    }
}
