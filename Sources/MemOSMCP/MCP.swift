/// The Model Context Protocol server that forwards tools to a running gateway (issue 7).
///
/// Desktop agents speak MCP over stdio: one JSON-RPC 2.0 message per line. `MCPServer` is the
/// protocol engine (lines in, lines out, testable without processes); `GatewayHTTPClient`
/// forwards each tool call to the gateway's HTTP API with the user's API key, so identity,
/// labels, watermarks and audit are the gateway's, exactly as for any other client.
public enum MCP {
    /// The protocol revision this server speaks.
    public static let protocolVersion = "2025-06-18"
    /// Revisions a client may ask for; any other gets `protocolVersion`, and the client decides.
    public static let supportedVersions: Set<String> = ["2025-06-18", "2025-03-26", "2024-11-05"]
    /// Reported as `serverInfo`.
    public static let serverName = "memos-gateway"
    public static let serverVersion = "1.0.0"
}

/// JSON-RPC 2.0 error codes used by the engine.
public enum JSONRPCErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
}
