/// The Model Context Protocol server that forwards tools to a running gateway (issue 7).
public enum MCP {
    /// The protocol revision this server speaks.
    public static let protocolVersion = "2025-06-18"
}
