import ArgumentParser
import Foundation
import Logging
import MemOSMCP

/// `memos-gateway mcp --server URL`: a Model Context Protocol server on stdio (one JSON-RPC
/// message per line) whose tools forward to a running gateway as the user of `MEMOS_TOKEN`.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve MemOS tools to an MCP client (a desktop agent) over stdio.",
        discussion: """
            The API key comes from MEMOS_TOKEN (never a flag, so it stays out of process lists); \
            MEMOS_ROLE picks the role the tools act as (default: the user's default role). Tools: \
            memos_add, memos_search, memos_get, memos_delete, memos_chat. stdout carries only protocol \
            messages; logs go to stderr (LOG_LEVEL, default info) and never contain the key.
            """)

    @Option(help: "The gateway's base URL, e.g. http://127.0.0.1:8080 (env MEMOS_SERVER).")
    var server: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "memos-mcp")
        guard let server = server ?? environment["MEMOS_SERVER"], !server.isEmpty else {
            throw ValidationError("missing --server URL (or MEMOS_SERVER): the running gateway to forward to")
        }
        guard let token = environment["MEMOS_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw ValidationError("MEMOS_TOKEN must hold the API key the tools act with")
        }
        let role = environment["MEMOS_ROLE"].flatMap { $0.isEmpty ? nil : $0 }
        let gateway: GatewayHTTPClient
        do {
            gateway = try GatewayHTTPClient(server: server, token: token, role: role)
        } catch let error as GatewayUnreachable {
            throw ValidationError(error.description)
        }
        logger.info("serving MCP on stdio", metadata: ["server": .string(gateway.baseURL), "role": .string(role ?? "(default)")])
        let engine = MCPServer(gateway: gateway, logger: logger)
        try await engine.serve(Self.standardInputLines()) { answer in
            FileHandle.standardOutput.write(Data((answer + "\n").utf8))
        }
        logger.info("stdin closed, stopping")
    }

    /// Lines of stdin, read on a thread of their own so blocking reads never hold up the
    /// concurrency pool.
    static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            Thread.detachNewThread {
                while let line = readLine(strippingNewline: true) {
                    continuation.yield(line)
                }
                continuation.finish()
            }
        }
    }
}
