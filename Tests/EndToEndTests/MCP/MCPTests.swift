import Foundation
import Logging
import MemOSGovernance
import MemOSMCP
import MemOSTestSupport
import Testing

/// A tiny MCP client over the engine: numbered requests, parsed answers.
private struct MCPClient {
    let server: MCPServer

    /// Sends a request; returns the whole answer.
    func request(_ id: Int, _ method: String, _ params: MCPJSON = [:]) async throws -> MCPJSON {
        let line = MCPJSON.object(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params]).text
        let answer = try #require(await server.handle(line: line))
        return try #require(MCPJSON.parse(Data(answer.utf8)))
    }

    /// Calls a tool; returns (isError, texts of the content).
    func call(_ id: Int, _ tool: String, _ arguments: MCPJSON) async throws -> (isError: Bool, texts: [String]) {
        let answer = try await request(id, "tools/call", ["name": .string(tool), "arguments": arguments])
        let result = try #require(answer["result"], "\(answer.text)")
        let texts = (result["content"]?.arrayValue ?? []).compactMap { item -> String? in
            item["type"] == "text" ? item["text"]?.stringValue : nil
        }
        let isError = result["isError"]?.boolValue
        try #require(isError != nil, "\(answer.text)")
        return (isError ?? true, texts)
    }
}

/// A line of JSON (an answer, or a tool's text), parsed; a failed expectation when absent or not JSON.
private func parsed(_ line: String?, sourceLocation: SourceLocation = #_sourceLocation) throws -> MCPJSON {
    let text = try #require(line, sourceLocation: sourceLocation)
    return try #require(MCPJSON.parse(Data(text.utf8)), "not JSON: \(text)", sourceLocation: sourceLocation)
}

extension MCPServer {
    /// An engine that logs only warnings, so test output stays readable.
    static func quiet(_ gateway: GatewayHTTPClient) -> MCPServer {
        var logger = Logger(label: "memos-mcp-test")
        logger.logLevel = .warning
        return MCPServer(gateway: gateway, logger: logger)
    }
}

@Suite struct MCPTests {
    static func initializeLine(id: Int = 1) -> String {
        MCPJSON.object([
            "jsonrpc": "2.0", "id": .int(id), "method": "initialize",
            "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "test", "version": "1"]],
        ]).text
    }

    @Test func anAgentAddsSearchesReadsChatsAndDeletesThroughTheGatewayAsItsUser() async throws {
        try await FakeOpenAIServer.with(script: [.chat("You prefer window seats on trains.")]) { model in
            try await TestGateway.with(environment: ChatFixtures.environment(model)) { gateway in
                let tenantID = try await gateway.createTenantID("acme")
                let member = try await gateway.createUserWithID(tenant: "acme", username: "max", roles: ["member"])
                let server = MCPServer.quiet(try GatewayHTTPClient(server: gateway.baseURL, token: member.key))
                let client = MCPClient(server: server)

                // Lifecycle.
                let initialized = try parsed(await server.handle(line: Self.initializeLine()))
                #expect(initialized["id"] == 1)
                #expect(initialized["result"]?["protocolVersion"] == "2025-06-18")
                #expect(initialized["result"]?["capabilities"]?["tools"] != nil)
                #expect(initialized["result"]?["serverInfo"]?["name"] == "memos-gateway")
                #expect(await server.handle(line: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == nil)
                #expect(await server.isClientReady)
                #expect(try await client.request(2, "ping")["result"] == .object([:]))

                let listed = try await client.request(3, "tools/list")
                let tools = listed["result"]?["tools"]?.arrayValue ?? []
                #expect(Set(tools.compactMap { $0["name"]?.stringValue })
                    == ["memos_add", "memos_search", "memos_get", "memos_delete", "memos_chat"])
                let add = try #require(tools.first { $0["name"] == "memos_add" })
                #expect(add["inputSchema"]?["required"] == ["text"])
                #expect(add["inputSchema"]?["type"] == "object")

                // Add, then search finds it, get reads it.
                let fact = "Max prefers window seats on long train journeys"
                let added = try await client.call(4, "memos_add", ["text": .string(fact)])
                #expect(!added.isError, "\(added.texts)")
                let stored = try #require(try parsed(added.texts.first)["stored"]?.arrayValue?.first)
                let id = try #require(stored["id"]?.stringValue)
                #expect(stored["label"] == "internal")

                let found = try await client.call(5, "memos_search", ["query": "window seats train", "top_k": 3])
                #expect(!found.isError)
                let results = MCPJSON.parse(Data(try #require(found.texts.first).utf8))?["results"]?.arrayValue ?? []
                #expect(results.first?["id"]?.stringValue == id)
                // Memory text reaches the agent as the gateway sends it: watermarked for a member.
                let text = try #require(results.first?["text"]?.stringValue)
                #expect(text != fact && WatermarkCodec.strip(text) == fact)

                let read = try await client.call(6, "memos_get", ["id": .string(id)])
                #expect(!read.isError)
                #expect(MCPJSON.parse(Data(try #require(read.texts.first).utf8))?["id"]?.stringValue == id)

                let chat = try await client.call(7, "memos_chat", ["message": "Where do I like to sit on trains?"])
                #expect(!chat.isError, "\(chat.texts)")
                #expect(chat.texts.first.map(WatermarkCodec.strip) == "You prefer window seats on trains.")
                let chatMeta = try parsed(chat.texts.last)
                #expect(chatMeta["memories_used"]?.arrayValue?.contains { $0["id"]?.stringValue == id } == true)

                let deleted = try await client.call(8, "memos_delete", ["id": .string(id)])
                #expect(!deleted.isError)
                let gone = try await client.call(9, "memos_get", ["id": .string(id)])
                #expect(gone.isError)
                #expect(gone.texts.first?.contains("404") == true)

                // Identity and audit are the gateway's: the trail names the member for each call.
                let trail = try await gateway.auditExport(tenantID: tenantID)
                for action in ["memory.add", "memory.search", "memory.read", "memory.delete", "chat.completion"] {
                    #expect(trail.contains { $0.contains("\"\(action)\"") && $0.contains(member.id) }, "\(action)")
                }
            }
        }
    }

    @Test func forbiddenActionsAreToolErrorsWithTheProblemDetail() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let member = try await gateway.createUser(tenant: "acme", username: "max", roles: ["member"])
            let other = try await gateway.createUser(tenant: "globex", username: "gil", roles: ["member"])
            let foreignID = try await gateway.addTextID("Globex secret roadmap", token: other)
            let client = MCPClient(server: MCPServer.quiet(try GatewayHTTPClient(server: gateway.baseURL, token: member)))

            let tooHigh = try await client.call(1, "memos_add", ["text": "Launch codes", "label": "restricted"])
            #expect(tooHigh.isError)
            #expect(tooHigh.texts.first?.contains("forbidden (403)") == true, "\(tooHigh.texts)")
            #expect(tooHigh.texts.first?.contains("may not label a memory 'restricted'") == true)
            #expect(try await gateway.send(.GET, "/v1/memories", token: member).memories.isEmpty)

            let foreign = try await client.call(2, "memos_get", ["id": .string(foreignID)])
            #expect(foreign.isError)
            #expect(foreign.texts.first?.contains("404") == true)
            #expect(try await client.call(3, "memos_delete", ["id": .string(foreignID)]).isError)
            #expect(try await gateway.send(.GET, "/v1/memories/\(foreignID)", token: other).status == 200)

            // No chat model on this gateway: the tool says why.
            let chat = try await client.call(4, "memos_chat", ["message": "hi"])
            #expect(chat.isError)
            #expect(chat.texts.first?.contains("MEMOS_LLM_BASE_URL") == true)

            // A revoked or wrong key: the gateway's 401 detail, never the key itself.
            let stranger = MCPClient(server: MCPServer.quiet(try GatewayHTTPClient(server: gateway.baseURL, token: "mgk_bogus")))
            let refused = try await stranger.call(5, "memos_search", ["query": "anything"])
            #expect(refused.isError)
            #expect(refused.texts.first?.contains("401") == true)
            #expect(refused.texts.first?.contains("mgk_bogus") == false)
        }
    }

    @Test func malformedMessagesGetTheJSONRPCErrorsTheSpecNames() async throws {
        // No gateway needed: none of these reach a tool.
        let server = MCPServer.quiet(try GatewayHTTPClient(server: "http://127.0.0.1:9", token: "unused"))
        func error(_ line: String) async throws -> (code: Int?, id: MCPJSON?) {
            let answer = try parsed(await server.handle(line: line))
            #expect(answer["jsonrpc"] == "2.0")
            return (answer["error"]?["code"]?.intValue, answer["id"])
        }
        #expect(try await error("{not json") == (-32700, .null))
        #expect(try await error(#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#) == (-32600, .null))
        #expect(try await error(#""just a string""#) == (-32600, .null))
        #expect(try await error(#"{"jsonrpc":"1.0","id":7,"method":"ping"}"#) == (-32600, 7))
        #expect(try await error(#"{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}"#) == (-32600, .null))
        #expect(try await error(#"{"jsonrpc":"2.0","id":8}"#) == (-32600, 8))
        #expect(try await error(#"{"jsonrpc":"2.0","id":"m","method":"resources/list"}"#) == (-32601, "m"))
        #expect(try await error(#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":[1]}"#) == (-32602, 9))
        #expect(try await error(#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"memos_nope"}}"#) == (-32602, 10))
        #expect(try await error(#"{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"memos_add"}}"#) == (-32602, 11))
        #expect(
            try await error(#"{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"memos_add","arguments":{"text":"x","tenant":"t"}}}"#)
                == (-32602, 12))
        #expect(
            try await error(#"{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"memos_get","arguments":{"id":"../admin"}}}"#)
                == (-32602, 13))
        #expect(
            try await error(#"{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"memos_search","arguments":{"query":"q","top_k":"5"}}}"#)
                == (-32602, 14))
        #expect(try await error(#"{"jsonrpc":"2.0","id":15,"method":"initialize","params":{}}"#) == (-32602, 15))
        // The unknown-tool message names the tool.
        let unknown = try #require(await server.handle(line: #"{"jsonrpc":"2.0","id":16,"method":"tools/call","params":{"name":"memos_nope"}}"#))
        #expect(unknown.contains("Unknown tool: memos_nope"))
        // Notifications, responses and blank lines get no answer.
        #expect(await server.handle(line: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#) == nil)
        #expect(await server.handle(line: #"{"jsonrpc":"2.0","id":99,"result":{}}"#) == nil)
        #expect(await server.handle(line: "   ") == nil)
        // An unknown protocol revision is answered with ours.
        let old = try #require(
            await server.handle(line: #"{"jsonrpc":"2.0","id":"i","method":"initialize","params":{"protocolVersion":"1999-01-01"}}"#))
        #expect(MCPJSON.parse(Data(old.utf8))?["result"]?["protocolVersion"] == .string(MCP.protocolVersion))
    }

    @Test func theBuiltExecutableServesMCPOverPipes() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let member = try await gateway.createUser(tenant: "acme", username: "max", roles: ["member"])
            let lines = [
                Self.initializeLine(),
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"memos_add","arguments":{"text":"The build server is called hopper-7"}}}"#,
                #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"memos_search","arguments":{"query":"build server hopper"}}}"#,
                #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"no_such_tool"}}"#,
            ]
            let output = try await Self.runMCP(
                arguments: ["mcp", "--server", gateway.baseURL], environment: ["MEMOS_TOKEN": member], input: lines)
            #expect(output.status == 0, "\(output.stderr)")
            let answers = output.stdout.split(separator: "\n").compactMap { MCPJSON.parse(Data($0.utf8)) }
            #expect(answers.count == 4, "\(output.stdout)")
            #expect(answers.map { $0["id"] } == [1, 2, 3, 4])
            #expect(answers[0]["result"]?["protocolVersion"] == "2025-06-18")
            #expect(answers[1]["result"]?["isError"] == false)
            let found = answers[2]["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(WatermarkCodec.strip(found).contains("hopper-7"))
            #expect(answers[3]["error"]?["code"] == .int(-32602))
            // Logs went to stderr, without the key.
            #expect(output.stderr.contains("serving MCP"))
            #expect(!output.stderr.contains(member))
            #expect(!output.stdout.contains(member))
        }
    }

    @Test func theExecutableRefusesToStartWithoutAToken() async throws {
        let output = try await Self.runMCP(arguments: ["mcp", "--server", "http://127.0.0.1:9"], environment: [:], input: [])
        #expect(output.status != 0)
        #expect(output.stderr.contains("MEMOS_TOKEN"))
        #expect(output.stdout.isEmpty)
    }

    /// Runs `memos-gateway` with `input` on stdin (then EOF); blocking reads happen off the
    /// concurrency pool, which the in-process gateway needs.
    static func runMCP(arguments: [String], environment: [String: String], input: [String]) async throws
        -> ExecutableTests.Output
    {
        let result = try await ChildProcess.run(
            ExecutableTests.binaries.appendingPathComponent("memos-gateway"), arguments: arguments,
            environment: ChildProcess.inheritedEnvironment(environment),
            input: Data(input.map { $0 + "\n" }.joined().utf8))
        return ExecutableTests.Output(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
