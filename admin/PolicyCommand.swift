import ArgumentParser
import Foundation
import MemOSGovernance

/// `memos-admin policy ...`: validate policy offline, show the active one, apply a new one.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Validate, show and apply the governance policy (roles, labels, PII, retention).",
        subcommands: [Validate.self, Show.self, Apply.self])

    /// The result of validating a policy directory offline.
    enum Validation {
        case valid(PolicySet)
        case invalid(String)
    }

    /// Loads a policy directory (or the directory of a policy file) with the gateway's own
    /// validator; errors read `DIR/file.yaml:line:column: message`.
    static func validate(path: String) -> (directory: URL, result: Validation) {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        let directory = exists && !isDirectory.boolValue ? url.deletingLastPathComponent() : url
        guard exists else { return (directory, .invalid("\(path): no such file or directory")) }
        do {
            return (directory, .valid(try PolicySet.load(directory: directory)))
        } catch {
            let prefix = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
            switch error {
            case .missingFile(let file):
                return (directory, .invalid("required policy file '\(file)' is missing"))
            case .invalid(let file, let line, let column, let message):
                let location = line > 0 ? "\(prefix)\(file):\(line):\(column)" : "\(prefix)\(file)"
                return (directory, .invalid("\(location): \(message)"))
            }
        }
    }

    static func summary(_ policy: PolicySet, directory: URL) -> [String: Any] {
        [
            "valid": true, "directory": directory.path, "hash": policy.hash,
            "roles": policy.roles.roles.keys.sorted(), "labels": policy.labels.levels,
        ]
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a policy directory offline, as the gateway would at start.",
            discussion: """
                PATH is a policy directory (roles.yaml, labels.yaml, pii.yaml, retention.yaml) or a \
                file in one (its directory is validated). An invalid policy prints \
                `file:line:column: message` and exits 1.

                Examples:
                  memos-admin policy validate ./policies
                  memos-admin policy validate ./policies/roles.yaml --json
                """)

        @OptionGroup var options: OfflineOptions
        @Argument(help: "Policy directory or a file in it.")
        var path: String

        func run() async throws {
            let (directory, result) = PolicyCommand.validate(path: path)
            switch result {
            case .valid(let policy):
                if options.json {
                    try printJSON(PolicyCommand.summary(policy, directory: directory))
                } else {
                    options.output.say(
                        "OK \(directory.path): \(policy.roles.roles.count) roles, labels "
                            + "\(policy.labels.levels.joined(separator: " < ")), hash \(policy.hash)")
                }
            case .invalid(let message):
                if options.json { try printJSON(["valid": false, "directory": directory.path, "error": message]) }
                printError("error: \(message)")
                throw AdminExit.failed
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the policy the gateway enforces: its hash and files.",
            discussion: """
                Examples:
                  memos-admin policy show
                  memos-admin policy show --file roles.yaml > roles.yaml
                  memos-admin policy show --out ./active-policy
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Print only this file's content.")
        var file: String?
        @Option(help: "Write the files into this directory (created if missing).")
        var out: String?

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let response = try await client.send(.GET, "/admin/v1/policy")
                let files = response["files"] as? [[String: Any]] ?? []
                if let out {
                    let directory = URL(fileURLWithPath: out)
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    for entry in files {
                        guard let name = entry["name"] as? String, let content = entry["content"] as? String,
                            !name.contains("/"), !name.hasPrefix(".")
                        else { continue }
                        try Data(content.utf8).write(to: directory.appendingPathComponent(name))
                    }
                    global.output.note("wrote \(files.count) policy files to \(out) (hash \(cell(response["hash"])))")
                }
                if let file {
                    guard let entry = files.first(where: { ($0["name"] as? String) == file }) else {
                        throw CLIFailure("the active policy has no file '\(file)' (it has: \(files.map { cell($0["name"]) }.joined(separator: ", ")))")
                    }
                    print(entry["content"] as? String ?? "", terminator: "")
                    return
                }
                if global.json {
                    try printJSON(response)
                } else if out == nil {
                    print("policy hash \(cell(response["hash"]))")
                    for entry in files {
                        print("\n==> \(cell(entry["name"])) <==")
                        print(entry["content"] as? String ?? "", terminator: "")
                    }
                }
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a policy directory and make it the gateway's active policy, without a restart.",
            discussion: """
                The policy is validated offline first; an invalid one never reaches the gateway. \
                Then every *.yaml file of the directory is sent to the gateway (operators only), \
                which validates it again, records policy.apply with the old and new hash in the \
                audit trail, writes it over its policy directory and switches to it for the next \
                request.

                Example:
                  memos-admin policy apply ./policies
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policy directory or a file in it.")
        var path: String

        func run() async throws {
            let client = try global.client()
            let (directory, result) = PolicyCommand.validate(path: path)
            guard case .valid(let policy) = result else {
                if case .invalid(let message) = result { printError("error: \(message)") }
                throw AdminExit.failed
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted()
            let files: [[String: Any]] = try names.map { name in
                ["name": name, "content": try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)]
            }
            try await reportingFailures {
                let response = try await client.send(.PUT, "/admin/v1/policy", body: ["files": files])
                if global.json {
                    try printJSON(response)
                } else {
                    global.output.say(
                        "applied policy \(directory.path): hash \(response["hash"] ?? policy.hash) "
                            + "(was \(response["previous_hash"] ?? "unknown"))")
                }
            }
        }
    }
}
