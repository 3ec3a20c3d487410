import ArgumentParser
import Foundation

/// `memos-admin watermark trace`: who received a leaked excerpt.
struct WatermarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watermark", abstract: "Trace leaked text back to the user and request it was served to.",
        subcommands: [Trace.self])

    struct Trace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name the recipient of a leaked excerpt (invisible watermark, else leak fingerprint).",
            discussion: """
                FILE holds the leaked text as found (keep invisible characters: copy, do not retype); \
                - reads standard input. About 100 characters of marked text are enough. Exit 1 when \
                nothing in the text leads to a recipient.

                Examples:
                  memos-admin watermark trace leaked.txt
                  pbpaste | memos-admin watermark trace - --json
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "File with the leaked text, or - for standard input.")
        var file: String

        func run() async throws {
            let client = try global.client()
            try await reportingFailures {
                let data = try Arguments.read(file)
                guard let text = String(data: data, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                else { throw CLIFailure("\(file) holds no UTF-8 text to trace") }
                let response: [String: Any]
                do {
                    response = try await client.send(.POST, "/admin/v1/watermark/trace", body: ["text": text])
                } catch let failure as CLIFailure where failure.status == 404 {
                    throw CLIFailure("no recipient found: \(failure.description)", status: 404)
                }
                if global.json {
                    try printJSON(response)
                    return
                }
                printFields([
                    ("user", cell(response["user"])), ("tenant", cell(response["tenant"])),
                    ("request", cell(response["request_id"])), ("time", cell(response["time"])),
                    ("method", cell(response["method"])), ("confidence", cell(response["confidence"])),
                ])
                let recipients = response["recipients"] as? [[String: Any]] ?? []
                if recipients.count > 1 || !global.quiet {
                    print("")
                    printTable(
                        ["user", "role", "tenant", "time", "action", "request", "memory"],
                        recipients.map {
                            [
                                cell($0["user"]), cell($0["role"]), cell($0["tenant"]), cell($0["time"]), cell($0["action"]),
                                cell($0["request_id"]), cell($0["memory_id"]),
                            ]
                        })
                }
            }
        }
    }
}
