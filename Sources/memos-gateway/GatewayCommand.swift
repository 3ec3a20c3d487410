import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MemOSGateway
import MemOSGovernance

/// The executable: `serve` (the default, so `memos-gateway --data-dir DIR` runs the server) and
/// `mcp` (a Model Context Protocol server on stdio that forwards to a running gateway).
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memos-gateway",
        abstract: "The MemOS Gateway: a governed memory OS for LLM agents.",
        subcommands: [ServeCommand.self, MCPCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// The server: parse settings, open the data directory, serve until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the MemOS Gateway HTTP API (the default command).",
        discussion: """
            The data directory must have been created by `memos-admin init`; the gateway refuses to \
            start without its master key (or MEMOS_MASTER_KEY). Every option can also come from the \
            environment: MEMOS_DATA_DIR, MEMOS_HOST, MEMOS_PORT, MEMOS_POLICY_DIR, MEMOS_MAX_BODY_BYTES,
            MEMOS_MAX_ARCHIVE_BYTES, MEMOS_MAX_ARTIFACT_BYTES.
            """)

    @Option(name: .customLong("data-dir"), help: "Data directory (env MEMOS_DATA_DIR).")
    var dataDirectory: String?

    @Option(help: "Address to listen on (env MEMOS_HOST).")
    var host: String?

    @Option(help: "Port to listen on (env MEMOS_PORT; default 8080).")
    var port: Int?

    @Option(name: .customLong("policy-dir"), help: "Directory of policy files (env MEMOS_POLICY_DIR; default ./policies).")
    var policyDirectory: String?

    @Option(name: .customLong("max-body-bytes"), help: "Largest accepted request body (env MEMOS_MAX_BODY_BYTES; default 8 MiB).")
    var maxBodyBytes: Int?

    @Option(
        name: .customLong("max-archive-bytes"),
        help: "Largest cube archive POST /v1/cubes/import accepts (env MEMOS_MAX_ARCHIVE_BYTES; default 256 MiB).")
    var maxArchiveBytes: Int?

    @Option(
        name: .customLong("max-artifact-bytes"),
        help: "Largest artifact content accepted (env MEMOS_MAX_ARTIFACT_BYTES; default 512 MiB).")
    var maxArtifactBytes: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "memos-gateway")

        guard let dataPath = dataDirectory ?? environment["MEMOS_DATA_DIR"] else {
            throw ValidationError("missing --data-dir (or MEMOS_DATA_DIR): create one with `memos-admin init --data-dir DIR`")
        }
        let portValue = try port ?? environment["MEMOS_PORT"].map(Self.parsePort) ?? 8080
        var configuration = GatewayConfiguration(host: host ?? environment["MEMOS_HOST"] ?? "127.0.0.1", port: portValue)
        if let limit = try Self.limit(maxBodyBytes, environment, "MEMOS_MAX_BODY_BYTES", flag: "--max-body-bytes") {
            configuration.maxBodyBytes = limit
        }
        if let limit = try Self.limit(maxArchiveBytes, environment, "MEMOS_MAX_ARCHIVE_BYTES", flag: "--max-archive-bytes") {
            configuration.maxArchiveBytes = limit
        }
        if let limit = try Self.limit(maxArtifactBytes, environment, "MEMOS_MAX_ARTIFACT_BYTES", flag: "--max-artifact-bytes") {
            configuration.maxArtifactBytes = limit
        }
        let policyPath = policyDirectory ?? environment["MEMOS_POLICY_DIR"] ?? "policies"

        let governance: Governance
        do {
            governance = try await Governance.open(
                dataDirectory: DataDirectory(url: URL(fileURLWithPath: dataPath)),
                policyDirectory: URL(fileURLWithPath: policyPath), environment: environment)
        } catch {
            logger.critical("refusing to start", metadata: ["reason": .string("\(error)")])
            throw ExitCode(1)
        }
        logger.info(
            "starting",
            metadata: [
                "host": .string(configuration.host), "port": .stringConvertible(configuration.port),
                "data_dir": .string(dataPath), "policy_hash": .string(governance.policy.hash),
            ])
        let app = GatewayApplication.build(configuration: configuration, governance: governance, logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("stopped")
    }

    static func parsePort(_ value: String) throws -> Int {
        guard let port = Int(value), (0...65535).contains(port) else {
            throw ValidationError("MEMOS_PORT must be a port number, got '\(value)'")
        }
        return port
    }

    /// A byte limit from its flag, else its environment variable; it must be a positive number.
    static func limit(_ flag: Int?, _ environment: [String: String], _ variable: String, flag name: String) throws -> Int? {
        if let flag {
            guard flag > 0 else { throw ValidationError("\(name) must be a positive number of bytes, got \(flag)") }
            return flag
        }
        guard let raw = environment[variable] else { return nil }
        guard let value = Int(raw), value > 0 else {
            throw ValidationError("\(variable) must be a positive number of bytes, got '\(raw)'")
        }
        return value
    }
}
