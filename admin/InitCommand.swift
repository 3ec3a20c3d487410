import ArgumentParser
import Foundation
import MemOSGovernance

/// `memos-admin init`: creates a data directory, its master key and the first operator.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data directory with a new master key and platform operator.",
        discussion: """
            Prints {"admin_key": "..."} (always JSON): the operator's API key, shown only this once. \
            The master key is written to DIR/master.key with mode 0600; back it up, \
            because without it the data cannot be decrypted.

            Example:
              memos-admin init --data-dir ./data
            """)

    @Option(name: .customLong("data-dir"), help: "Directory to create (env MEMOS_DATA_DIR).")
    var dataDirectory: String?

    @Option(name: .customLong("operator"), help: "Name of the platform operator.")
    var operatorName = "admin"

    @OptionGroup var options: OfflineOptions

    func run() async throws {
        guard let path = dataDirectory ?? ProcessInfo.processInfo.environment["MEMOS_DATA_DIR"] else {
            throw ValidationError("missing --data-dir")
        }
        try await reportingFailures {
            do {
                let (_, token) = try await DataDirectory.initialize(at: URL(fileURLWithPath: path), operatorName: operatorName)
                try printJSON(["admin_key": token])
            } catch let error as GovernanceError {
                throw CLIFailure("\(error)")
            } catch {
                throw CLIFailure("cannot initialise \(path): \(error)")
            }
        }
    }
}
