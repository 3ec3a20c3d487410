import Foundation
import Logging

/// The MCP protocol engine: one JSON-RPC 2.0 message in (a line of stdio), at most one out.
///
/// Speaks the lifecycle (`initialize`, `notifications/initialized`), `ping`, `tools/list` and
/// `tools/call`. Malformed input gets the JSON-RPC error the spec names: -32700 for text that
/// is not JSON, -32600 for JSON that is not a request (batches included: MCP 2025-06-18 has
/// none), -32601 for an unknown method, -32602 for bad parameters (an unknown tool or
/// arguments outside its schema). Notifications and responses get no answer.
///
/// Logs go to the logger the caller provides (stderr for stdio) and name methods, tools and
/// outcomes only: never arguments (memory text) and never the credential.
public actor MCPServer {
    private let tools: ToolCalls
    private let logger: Logger
    private var negotiatedVersion: String?
    private var clientReady = false

    public init(gateway: any GatewayForwarding, logger: Logger = Logger(label: "memos-mcp")) {
        self.tools = ToolCalls(gateway: gateway)
        self.logger = logger
    }

    /// Whether `initialize` has been answered (and with which revision).
    public var protocolVersion: String? { negotiatedVersion }
    /// Whether the client sent `notifications/initialized`.
    public var isClientReady: Bool { clientReady }

    /// Answers every line of `lines`, in order, until the input ends (stdio: EOF on stdin).
    public func serve<Lines: AsyncSequence>(_ lines: Lines, write: @Sendable (String) -> Void) async throws
    where Lines.Element == String {
        for try await line in lines {
            if let answer = await handle(line: line) { write(answer) }
        }
    }

    /// The answer to one line, or nil when none is due (notifications, responses, blank lines).
    public func handle(line: String) async -> String? {
        guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard let message = MCPJSON.parse(Data(line.utf8)) else {
            return Self.error(id: .null, JSONRPCErrorCode.parseError, "Parse error: the line is not valid JSON")
        }
        guard case .object(let fields) = message else {
            if case .array = message {
                return Self.error(id: .null, JSONRPCErrorCode.invalidRequest, "Invalid Request: batches are not supported")
            }
            return Self.error(id: .null, JSONRPCErrorCode.invalidRequest, "Invalid Request: a message must be a JSON object")
        }
        let id = fields["id"]
        if let id {
            switch id {
            case .string, .int: break
            default:
                return Self.error(id: .null, JSONRPCErrorCode.invalidRequest, "Invalid Request: id must be a string or an integer")
            }
        }
        guard fields["jsonrpc"] == "2.0" else {
            return Self.error(id: id ?? .null, JSONRPCErrorCode.invalidRequest, "Invalid Request: jsonrpc must be \"2.0\"")
        }
        guard let method = fields["method"]?.stringValue else {
            // A response to a request this server never sends: nothing to answer.
            if fields["result"] != nil || fields["error"] != nil { return nil }
            return Self.error(id: id ?? .null, JSONRPCErrorCode.invalidRequest, "Invalid Request: missing method")
        }
        let params = fields["params"] ?? .object([:])
        guard let id else {
            notify(method)
            return nil
        }
        guard case .object(let parameters) = params else {
            return Self.error(id: id, JSONRPCErrorCode.invalidParams, "Invalid params: params must be an object")
        }
        do {
            let result = try await respond(method, parameters)
            return Self.encode(["jsonrpc": "2.0", "id": id, "result": result])
        } catch let failure as RPCFailure {
            return Self.error(id: id, failure.code, failure.message)
        } catch {
            logger.error("request failed", metadata: ["method": .string(method), "error": .string("\(type(of: error))")])
            return Self.error(id: id, JSONRPCErrorCode.internalError, "Internal error")
        }
    }

    // MARK: - Methods

    private struct RPCFailure: Error {
        let code: Int
        let message: String
    }

    private func respond(_ method: String, _ params: [String: MCPJSON]) async throws -> MCPJSON {
        switch method {
        case "initialize":
            guard let requested = params["protocolVersion"]?.stringValue else {
                throw RPCFailure(code: JSONRPCErrorCode.invalidParams, message: "Invalid params: missing protocolVersion")
            }
            let version = MCP.supportedVersions.contains(requested) ? requested : MCP.protocolVersion
            negotiatedVersion = version
            logger.info("initialized", metadata: ["protocol_version": .string(version)])
            return .object([
                "protocolVersion": .string(version),
                "capabilities": ["tools": ["listChanged": false]],
                "serverInfo": ["name": .string(MCP.serverName), "title": "MemOS Gateway", "version": .string(MCP.serverVersion)],
                "instructions": """
                    Governed long-term memory. memos_search before answering questions about the user; \
                    memos_add durable facts and preferences; memos_chat asks the gateway's own model with \
                    memory. Everything runs as the configured user and role, and is labelled and audited.
                    """,
            ])
        case "ping":
            return .object([:])
        case "tools/list":
            return .object(["tools": .array(MemosTools.all.map(\.listing))])
        case "tools/call":
            guard let name = params["name"]?.stringValue else {
                throw RPCFailure(code: JSONRPCErrorCode.invalidParams, message: "Invalid params: missing tool name")
            }
            guard let tool = MemosTools.named(name) else {
                throw RPCFailure(code: JSONRPCErrorCode.invalidParams, message: "Unknown tool: \(name)")
            }
            let given: [String: MCPJSON]
            switch params["arguments"] {
            case nil, .null?: given = [:]
            case .object(let object)?: given = object
            default: throw RPCFailure(code: JSONRPCErrorCode.invalidParams, message: "Invalid params: arguments must be an object")
            }
            let arguments: [String: MCPJSON]
            do {
                arguments = try tool.validate(given)
            } catch {
                throw RPCFailure(code: JSONRPCErrorCode.invalidParams, message: "Invalid params: \(error.message)")
            }
            let result = try await tools.run(tool, arguments)
            logger.info("tool call", metadata: ["tool": .string(name), "is_error": .stringConvertible(result.isError)])
            return result.json
        default:
            throw RPCFailure(code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)")
        }
    }

    private func notify(_ method: String) {
        switch method {
        case "notifications/initialized":
            clientReady = true
        case "notifications/cancelled":
            // Calls are answered in order and quickly; a late answer is harmless to the client.
            break
        default:
            logger.debug("ignored notification", metadata: ["method": .string(method)])
        }
    }

    // MARK: - Encoding

    private static func error(id: MCPJSON, _ code: Int, _ message: String) -> String {
        encode(["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]])
    }

    private static func encode(_ message: MCPJSON) -> String {
        message.text
    }
}
