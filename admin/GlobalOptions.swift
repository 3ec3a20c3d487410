import ArgumentParser
import Foundation

/// Options every command that talks to the gateway shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Gateway URL (env MEMOS_SERVER; default http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "API key to authenticate with (env MEMOS_TOKEN).")
    var token: String?

    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false

    func client() throws -> AdminClient {
        let environment = ProcessInfo.processInfo.environment
        let server = server ?? environment["MEMOS_SERVER"] ?? "http://127.0.0.1:8080"
        guard let token = token ?? environment["MEMOS_TOKEN"], !token.isEmpty else {
            throw ValidationError("missing --token (or MEMOS_TOKEN): use the admin key printed by `memos-admin init`")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http(s) URL, got '\(server)'")
        }
        return AdminClient(baseURL: server.hasSuffix("/") ? String(server.dropLast()) : server, token: token)
    }
}
