import Foundation

/// The result of a `tools/call`: content for the model and whether it reports a failure.
struct ToolResult: Sendable {
    let content: [String]
    let isError: Bool

    var json: MCPJSON {
        .object([
            "content": .array(content.map { .object(["type": "text", "text": .string($0)]) }),
            "isError": .bool(isError),
        ])
    }
}

/// Runs a tool as one gateway call and turns the gateway's answer into a tool result. Gateway
/// refusals (403, 404, 400, …) are tool errors carrying the problem's detail, so the agent sees
/// why; memory text comes back exactly as the gateway returned it (watermarked where policy
/// says so).
struct ToolCalls {
    let gateway: any GatewayForwarding

    func run(_ tool: ToolDefinition, _ arguments: [String: MCPJSON]) async throws -> ToolResult {
        switch tool.name {
        case "memos_add":
            var body: [String: MCPJSON] = ["text": arguments["text"] ?? .null]
            if let cube = arguments["cube"] { body["cube"] = cube }
            if let label = arguments["label"] { body["label"] = label }
            return try await call("POST", "/v1/memories", .object(body)) { json in
                let stored = (json["memories"]?.arrayValue ?? []).map(Self.summary)
                return [MCPJSON.object(["stored": .array(stored)]).text]
            }
        case "memos_search":
            var body: [String: MCPJSON] = ["query": arguments["query"] ?? .null, "top_k": arguments["top_k"] ?? 10]
            if let cube = arguments["cube"] { body["cubes"] = [cube] }
            return try await call("POST", "/v1/memories/search", .object(body)) { json in
                let results = (json["results"]?.arrayValue ?? []).map { hit -> MCPJSON in
                    var item = Self.summary(hit["memory"] ?? .null).objectValue ?? [:]
                    item["score"] = hit["score"]
                    return .object(item)
                }
                return [MCPJSON.object(["results": .array(results)]).text]
            }
        case "memos_get":
            let id = arguments["id"]?.stringValue?.lowercased() ?? ""
            return try await call("GET", "/v1/memories/\(id)", nil) { json in
                [Self.summary(json["memory"] ?? .null).text]
            }
        case "memos_delete":
            let id = arguments["id"]?.stringValue?.lowercased() ?? ""
            return try await call("DELETE", "/v1/memories/\(id)", nil) { _ in ["Deleted memory \(id)."] }
        default:  // memos_chat
            var body: [String: MCPJSON] = ["query": arguments["message"] ?? .null]
            if let session = arguments["session_id"] { body["session_id"] = session }
            return try await call("POST", "/v1/chat", .object(body)) { json in
                let metadata: MCPJSON = .object([
                    "session_id": json["session_id"] ?? .null, "memories_used": json["memories_used"] ?? [],
                    "written": json["written"] ?? [], "label": json["label"] ?? .null,
                ])
                return [json["answer"]?.stringValue ?? "", metadata.text]
            }
        }
    }

    /// One gateway call; a 2xx answer goes through `success`, anything else becomes a tool error.
    private func call(
        _ method: String, _ path: String, _ body: MCPJSON?, success: (MCPJSON) -> [String]
    ) async throws -> ToolResult {
        let response: GatewayResponse
        do {
            response = try await gateway.send(method, path, body: body)
        } catch let error as GatewayUnreachable {
            return ToolResult(content: [error.description], isError: true)
        }
        let json = MCPJSON.parse(response.body) ?? .null
        guard (200..<300).contains(response.status) else {
            return ToolResult(content: [Self.describeFailure(status: response.status, json: json, body: response.body)], isError: true)
        }
        return ToolResult(content: success(json), isError: false)
    }

    /// `forbidden (403): role 'guest' may not …` from a problem document, or the status and the
    /// start of whatever else the gateway sent.
    static func describeFailure(status: Int, json: MCPJSON, body: Data) -> String {
        if let detail = json["detail"]?.stringValue {
            let kind = json["type"]?.stringValue.map { String($0.split(separator: ":").last ?? "") } ?? "error"
            return "\(kind) (\(status)): \(detail)"
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return "the gateway answered HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
    }

    /// The fields of a memory an agent needs, without provenance and internals.
    static func summary(_ memory: MCPJSON) -> MCPJSON {
        var item: [String: MCPJSON] = [:]
        for key in ["id", "text", "label", "cube_name", "memory_type", "tags", "key", "created_at", "updated_at"] {
            if let value = memory[key], value != .null { item[key] = value }
        }
        return .object(item)
    }
}
