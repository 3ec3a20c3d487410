import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Bad input is refused with a precise 400 (or 413/415), and a refused request changes nothing.
@Suite struct InputValidationTests {
    /// One user with some memories; checks that rejected requests leave them exactly as they were.
    struct Fixture {
        let gateway: TestGateway
        let token: String
        let memoryID: String
        let baseline: [String: String]

        static func make(_ gateway: TestGateway) async throws -> Fixture {
            try await gateway.createTenant("acme")
            let token = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let id = try await gateway.addTextID("Baseline memory about the lighthouse", token: token)
            try await gateway.addText("Second baseline memory about the harbour", token: token)
            return Fixture(gateway: gateway, token: token, memoryID: id, baseline: try await gateway.snapshot(token: token))
        }

        /// Sends raw bytes as alice.
        func raw(_ method: HTTPMethod, _ path: String, _ body: String, contentType: String? = "application/json")
            async throws -> HTTPResult
        {
            try await gateway.send(method, path, token: token, rawBody: Data(body.utf8), contentType: contentType)
        }

        func json(_ method: HTTPMethod, _ path: String, _ body: Any) async throws -> HTTPResult {
            try await gateway.send(method, path, token: token, json: body)
        }

        /// The request was refused with `status`, its detail names every string in `mentions`, and
        /// the store (and the search index) is exactly as before.
        func expectRejected(
            _ result: HTTPResult, _ status: Int = 400, mentions: [String] = [], _ label: String = "",
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            #expect(result.status == status, "\(label): \(result)", sourceLocation: sourceLocation)
            #expect(result.isProblem, "\(label): not a problem document", sourceLocation: sourceLocation)
            for mention in mentions {
                #expect(result.detail.contains(mention), "\(label): '\(result.detail)' should mention \(mention)",
                        sourceLocation: sourceLocation)
            }
            #expect(result.memories.isEmpty, sourceLocation: sourceLocation)
            let now = try await gateway.snapshot(token: token)
            #expect(now == baseline, "\(label): the store changed", sourceLocation: sourceLocation)
        }

        /// Nothing with `word` was stored anywhere alice can see.
        func expectNothingFound(_ word: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let found = try await gateway.search(word, token: token)
            #expect(found.results.isEmpty, "found \(word): \(found)", sourceLocation: sourceLocation)
        }
    }

    /// Text that looks like the start of an IBAN but is too short for one (a UUID's last group)
    /// once crashed the whole gateway process from the PII detector.
    @Test func ibanShapedShortTokensAreStoredNotFatal() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let token = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            for text in ["canary 3f2a0c1e-77aa-4b1c-9d2e-DB58E9E8B258 noted", "ticket BF20BC39CF3F", "ref QQ00 AAAA BBBB"] {
                let added = try await gateway.send(.POST, "/v1/memories", token: token, json: ["text": text])
                #expect(added.status == 201, "\(added)")
                #expect(added.memories.first?["text"] as? String == text)
            }
            #expect(try await gateway.send(.GET, "/healthz").status == 200)
        }
    }

    @Test func malformedJSONIsRejected() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let bodies = [
                #"{"text": "Truncated marmoset"#, "not json at all", #"{"text": 'single quotes marmoset'}"#,
                "[]", #"["text", "marmoset"]"#, #""marmoset""#, "42", "null",
                #"{"text": 42}"#, #"{"text": null}"#, #"{"text": ["marmoset"]}"#, #"{"text": "x", "tags": "marmoset"}"#,
                #"{"memories": {"text": "marmoset"}}"#, "",
            ]
            for body in bodies {
                let result = try await f.raw(.POST, "/v1/memories", body)
                try await f.expectRejected(result, 400, body)
            }
            for body in [#"{"query": "lighthouse""#, #"{"query": 5}"#, "", #"{"query": "x", "top_k": "ten"}"#] {
                try await f.expectRejected(try await f.raw(.POST, "/v1/memories/search", body), 400, "search \(body)")
            }
            for body in [#"{"text": "Patched marmoset""#, "[]", ""] {
                try await f.expectRejected(try await f.raw(.PATCH, "/v1/memories/\(f.memoryID)", body), 400, "patch \(body)")
            }
            try await f.expectNothingFound("marmoset")
        }
    }

    /// RFC 8259 has no trailing commas; a strict gateway must not guess what such a body meant.
    @Test func trailingCommaIsMalformedJSON() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let add = try await f.raw(.POST, "/v1/memories", #"{"text": "Trailing comma marmoset",}"#)
            try await f.expectRejected(add, 400, "object with trailing comma")
            let search = try await f.raw(.POST, "/v1/memories/search", #"{"query": "lighthouse",}"#)
            try await f.expectRejected(search, 400, "search with trailing comma")
            let patch = try await f.raw(.PATCH, "/v1/memories/\(f.memoryID)", #"{"text": "Trailing comma marmoset", }"#)
            try await f.expectRejected(patch, 400, "patch with trailing comma")
            try await f.expectNothingFound("marmoset")
        }
    }

    @Test func unknownFieldsAreRejectedByPath() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let adds: [(Any, String)] = [
                (["text": "Unknown field ocelot", "colour": "red"], "colour"),
                (["memories": [["txt": "Typo ocelot"]]], "memories[0].txt"),
                (["memories": [["text": "Fine ocelot"], ["text": "Bad ocelot", "tag": ["x"]]]], "memories[1].tag"),
                (
                    ["memories": [["text": "Fine ocelot", "sources": [["content": "x", "msg_id": "1"]]] as [String: Any]]],
                    "memories[0].sources[0].msg_id"
                ),
                (["messages": [["role": "user", "content": "Ocelot chat", "time": "now"]]], "messages[0].time"),
                (["text": "Ocelot", "Text": "duplicate in another case"], "Text"),
            ]
            for (body, path) in adds {
                let result = try await f.json(.POST, "/v1/memories", body)
                try await f.expectRejected(result, 400, mentions: ["'\(path)'"], path)
            }
            let searches: [(Any, String)] = [
                (["query": "lighthouse", "filters": ["colour": "red"]], "filters.colour"),
                (["query": "lighthouse", "topk": 3], "topk"),
                (["query": "lighthouse", "filters": ["tags": ["a"], "memory_type": ["UserMemory"]]] as [String: Any],
                 "filters.memory_type"),
            ]
            for (body, path) in searches {
                let result = try await f.json(.POST, "/v1/memories/search", body)
                try await f.expectRejected(result, 400, mentions: ["'\(path)'"], path)
                #expect(result.results.isEmpty)
            }
            let patch = try await f.json(.PATCH, "/v1/memories/\(f.memoryID)", ["text": "Ocelot", "version": 7])
            try await f.expectRejected(patch, 400, mentions: ["'version'"], "patch")
            let cube = try await f.json(.POST, "/v1/cubes", ["name": "ocelots", "kind": "team"])
            try await f.expectRejected(cube, 400, mentions: ["'kind'"], "cube")
            let cubes = try await gateway.send(.GET, "/v1/cubes", token: f.token)
            #expect((cubes.object["cubes"] as? [[String: Any]] ?? []).count == 1)
            try await f.expectNothingFound("ocelot")
        }
    }

    @Test func emptyTextAndQueryAreRejected() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let adds: [(Any, String)] = [
                (["text": ""], "text"), (["text": "   \n\t  "], "text"), ([String: Any](), "text"),
                (["tags": ["only-tags"]], "text"),
                (["text": "Both forms", "memories": [["text": "x"]]], "memories"),
                (["memories": [Any]()], "memories"), (["messages": [Any]()], "messages"),
                (["memories": [["text": "   "]]], "memories[0].text"),
                (["memories": [["tags": ["x"]]]], "memories[0].text"),
                (["messages": [["role": "user", "content": "  "]]], "messages[0].content"),
                (["messages": [["role": "", "content": "hello"]]], "messages[0].role"),
            ]
            for (body, field) in adds {
                let result = try await f.json(.POST, "/v1/memories", body)
                try await f.expectRejected(result, 400, mentions: [field], "\(body)")
            }
            for query in ["", "   ", "\n\t"] {
                let result = try await f.json(.POST, "/v1/memories/search", ["query": query])
                try await f.expectRejected(result, 400, mentions: ["query"], "query '\(query)'")
                #expect(result.results.isEmpty)
            }
            let noQuery = try await f.json(.POST, "/v1/memories/search", ["top_k": 3])
            try await f.expectRejected(noQuery, 400, mentions: ["query"], "no query")
            for body in [["text": ""], ["text": "  "], [String: Any]()] as [[String: Any]] {
                let result = try await f.json(.PATCH, "/v1/memories/\(f.memoryID)", body)
                try await f.expectRejected(result, 400, "patch \(body)")
            }
        }
    }

    @Test func topKMustBeWithinRange() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            for topK in [0, -1, 1_001, 1_000_000] {
                let result = try await f.json(.POST, "/v1/memories/search", ["query": "lighthouse", "top_k": topK])
                try await f.expectRejected(result, 400, mentions: ["top_k"], "top_k \(topK)")
                #expect(result.results.isEmpty)
            }
            let notInteger = try await f.json(.POST, "/v1/memories/search", ["query": "lighthouse", "top_k": 2.5])
            try await f.expectRejected(notInteger, 400, "top_k 2.5")
            for topK in [1, 1_000] {
                let ok = try await f.json(.POST, "/v1/memories/search", ["query": "lighthouse harbour", "top_k": topK])
                #expect(ok.status == 200, "top_k \(topK): \(ok)")
                #expect(ok.results.count == min(topK, 2))
            }
            // List limits and cursors are validated the same way.
            for query in ["limit=0", "limit=1001", "limit=-3", "limit=ten", "cursor=not-a-cursor"] {
                let result = try await gateway.send(.GET, "/v1/memories?\(query)", token: f.token)
                try await f.expectRejected(result, 400, "list \(query)")
            }
        }
    }

    @Test func batchLimitsAndPagination() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let tooMany = (0..<1_001).map { ["text": "Overflow wombat number \($0)"] }
            let rejected = try await f.json(.POST, "/v1/memories", ["memories": tooMany])
            try await f.expectRejected(rejected, 400, mentions: ["memories", "1000"], "1001 items")
            try await f.expectNothingFound("wombat")

            let items = (0..<1_000).map { ["text": "Bulk numbat entry \($0)", "key": "bulk-\($0)"] }
            let accepted = try await f.json(.POST, "/v1/memories", ["memories": items])
            #expect(accepted.status == 201, "\(accepted.status)")
            #expect(accepted.memories.count == 1_000)
            let createdIDs = accepted.memoryIDs
            #expect(Set(createdIDs).count == 1_000)
            // Order is kept.
            #expect(accepted.memories.first?["key"] as? String == "bulk-0")
            #expect(accepted.memories.last?["key"] as? String == "bulk-999")

            // Every one of them, page by page.
            var listed: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await gateway.send(
                    .GET, "/v1/memories?limit=300" + (cursor.map { "&cursor=\($0)" } ?? ""), token: f.token)
                #expect(page.status == 200)
                #expect(page.memories.count <= 300)
                listed += page.memoryIDs
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 20
            #expect(pages == 4)  // 1,002 memories (two from the fixture) in pages of 300
            #expect(listed.count == 1_002)
            #expect(Set(listed).count == listed.count, "duplicates across pages")
            #expect(Set(createdIDs).isSubset(of: Set(listed)))
            #expect(Set(listed).isSuperset(of: f.baseline.keys))

            let found = try await gateway.search("numbat", token: f.token)
            #expect(found.results.count == 1_000)
        }
    }

    @Test func batchWithOneBadItemStoresNothing() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let good = ["text": "Good capybara item"]
            let cases: [(Any, String)] = [
                ([good, ["text": ""], good], "memories[1].text"),
                ([good, good, ["text": "Capybara", "memory_type": "Episodic"]], "memories[2].memory_type"),
                ([good, ["text": "Capybara", "confidence": 1.5]], "memories[1].confidence"),
                ([good, ["text": "Capybara", "tags": [""]]], "memories[1].tags[0]"),
                ([good, ["text": "Capybara", "sources": [["chat_time": "last tuesday"]]] as [String: Any]],
                 "memories[1].sources[0].chat_time"),
                ([good, ["text": 7]], "memories[1].text"),
                ([good, "just a string"], "memories[1]"),
            ]
            for (memories, path) in cases {
                let result = try await f.json(.POST, "/v1/memories", ["memories": memories])
                try await f.expectRejected(result, 400, mentions: [path], path)
            }
            try await f.expectNothingFound("capybara")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let gateway = try await TestGateway.start(maxBodyBytes: 4_096)
        try await using(gateway) { gateway in
            let f = try await Fixture.make(gateway)
            let big = "Oversized axolotl " + String(repeating: "padding ", count: 1_000)
            let result = try await f.json(.POST, "/v1/memories", ["text": big])
            try await f.expectRejected(result, 413, "oversized text")
            let batch = try await f.json(
                .POST, "/v1/memories", ["memories": (0..<200).map { ["text": "Oversized axolotl \($0)"] }])
            try await f.expectRejected(batch, 413, "oversized batch")
            let search = try await f.json(.POST, "/v1/memories/search", ["query": big])
            try await f.expectRejected(search, 413, "oversized search")

            // Just under the limit is fine.
            let fits = try await f.json(.POST, "/v1/memories", ["text": "Small axolotl " + String(repeating: "x ", count: 1_500)])
            #expect(fits.status == 201, "\(fits.status)")
            let found = try await gateway.search("axolotl", token: f.token)
            #expect(found.results.count == 1)
        }
    }

    /// A client that sends no Content-Length (chunked transfer) must meet the same limit, and the
    /// same 413, as one that announces its size.
    @Test func oversizedChunkedBodyIs413() async throws {
        let gateway = try await TestGateway.start(maxBodyBytes: 4_096)
        try await using(gateway) { gateway in
            let f = try await Fixture.make(gateway)
            let big = "Oversized axolotl " + String(repeating: "padding ", count: 1_000)
            var request = HTTPClientRequest(url: gateway.baseURL + "/v1/memories")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(f.token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            let bytes = Array(try JSONSerialization.data(withJSONObject: ["text": big]))
            request.body = .bytes(bytes, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code == 413, "chunked: \(String(buffer: body))")
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/problem+json") == true)
            let after = try await gateway.snapshot(token: f.token)
            #expect(after == f.baseline)
            try await f.expectNothingFound("axolotl")
        }
    }

    @Test func nonJSONContentTypeIs415() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let body = #"{"text": "Content type pangolin"}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data",
                         "text/json"] {
                let add = try await f.raw(.POST, "/v1/memories", body, contentType: type)
                try await f.expectRejected(add, 415, mentions: [type], type)
                let search = try await f.raw(.POST, "/v1/memories/search", #"{"query": "lighthouse"}"#, contentType: type)
                try await f.expectRejected(search, 415, type)
                #expect(search.results.isEmpty)
                let patch = try await f.raw(.PATCH, "/v1/memories/\(f.memoryID)", body, contentType: type)
                try await f.expectRejected(patch, 415, type)
            }
            try await f.expectNothingFound("pangolin")
            // Control: JSON with parameters is accepted.
            let ok = try await f.raw(.POST, "/v1/memories", body, contentType: "application/json; charset=utf-8")
            #expect(ok.status == 201, "\(ok)")
        }
    }

    /// The media type is `application/json` exactly (parameters allowed); types that merely start
    /// with those letters are other formats.
    @Test func lookalikeContentTypesAre415() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let body = #"{"text": "Lookalike content type pangolin"}"#
            for type in ["application/jsonx", "application/json5", "application/json-seq"] {
                let add = try await f.raw(.POST, "/v1/memories", body, contentType: type)
                try await f.expectRejected(add, 415, type)
            }
            try await f.expectNothingFound("pangolin")
        }
    }

    @Test func badChatTimeNamesTheField() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let cases: [([[String: Any]], String)] = [
                ([["role": "user", "content": "Iguana one", "chat_time": "yesterday"]], "messages[0].chat_time"),
                (
                    [
                        ["role": "user", "content": "Iguana one", "chat_time": "2024-05-01T09:30:00Z"],
                        ["role": "assistant", "content": "Iguana two", "chat_time": "2024-13-45T99:00:00Z"],
                    ], "messages[1].chat_time"
                ),
                ([["role": "user", "content": "Iguana one", "chat_time": 1_714_555_800]], "messages[0].chat_time"),
            ]
            for (messages, path) in cases {
                let result = try await f.json(.POST, "/v1/memories", ["messages": messages])
                try await f.expectRejected(result, 400, mentions: [path], path)
            }
            let filter = try await f.json(
                .POST, "/v1/memories/search", ["query": "lighthouse", "filters": ["created_after": "soon"]])
            try await f.expectRejected(filter, 400, mentions: ["filters.created_after"], "created_after")
            try await f.expectNothingFound("iguana")
            // Control: a valid chat_time is accepted.
            let ok = try await f.json(
                .POST, "/v1/memories",
                ["messages": [["role": "user", "content": "Iguana fine", "chat_time": "2024-05-01T09:30:00Z"]]])
            #expect(ok.status == 201, "\(ok)")
        }
    }

    @Test func unknownMemoryTypeListsAllowedOnes() async throws {
        try await TestGateway.with { gateway in
            let f = try await Fixture.make(gateway)
            let allowed = ["WorkingMemory", "LongTermMemory", "UserMemory", "PreferenceMemory", "DocumentChunk"]
            let cases: [(HTTPMethod, String, [String: Any], String)] = [
                (.POST, "/v1/memories", ["text": "Typed tapir", "memory_type": "Episodic"], "memory_type"),
                (.POST, "/v1/memories", ["text": "Typed tapir", "memory_type": "longtermmemory"], "memory_type"),
                (.POST, "/v1/memories", ["memories": [["text": "Typed tapir"]], "memory_type": "Bogus"], "memory_type"),
                (
                    .POST, "/v1/memories",
                    ["messages": [["role": "user", "content": "Typed tapir"]], "memory_type": "Chat"], "memory_type"
                ),
                (
                    .POST, "/v1/memories/search", ["query": "lighthouse", "filters": ["memory_types": ["Episodic"]]],
                    "filters.memory_types"
                ),
                (.PATCH, "/v1/memories/\(f.memoryID)", ["memory_type": "Episodic"], "memory_type"),
            ]
            for (method, path, body, field) in cases {
                let result = try await f.json(method, path, body)
                try await f.expectRejected(result, 400, mentions: [field] + allowed, "\(path) \(field)")
            }
            try await f.expectNothingFound("tapir")
        }
    }
}
