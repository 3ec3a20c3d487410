import Foundation
import Testing

/// Documents become DocumentChunk memories that keep all the text, name the document, and
/// follow each other in the graph.
@Suite struct DocumentChunkTests {
    @Test func aLongDocumentIsChunkedWithProvenance() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let paragraphs = (1...30).map { "Section \($0). The expense policy rule number \($0) says receipts above \($0 * 10) euros need approval." }
            let document = paragraphs.joined(separator: "\n\n")
            let added = try await gateway.send(
                .POST, "/v1/memories", token: alice,
                json: ["document": ["text": document, "title": "Expense policy", "document_id": "doc-7"], "tags": ["policy"]])
            #expect(added.status == 201, "\(added)")
            let chunks = added.memories
            #expect(chunks.count > 1)
            #expect(chunks.allSatisfy { $0["memory_type"] as? String == "DocumentChunk" })
            #expect(chunks.allSatisfy { ($0["sources"] as? [[String: Any]])?.first?["document_id"] as? String == "doc-7" })
            #expect(chunks.first?["key"] as? String == "Expense policy (1/\(chunks.count))")
            let joined = chunks.compactMap { $0["text"] as? String }.joined(separator: " ")
            for paragraph in paragraphs {
                #expect(joined.contains(paragraph), "lost: \(paragraph)")
            }
            let found = try await gateway.send(
                .POST, "/v1/memories/search", token: alice,
                json: ["query": "receipts above 110 euros", "filters": ["memory_types": ["DocumentChunk"]]])
            #expect(found.resultTexts.first?.contains("rule number 11 ") == true)
            let secondID = try #require(chunks[1]["id"] as? String)
            let related = try await gateway.send(.GET, "/v1/memories/\(secondID)/related", token: alice)
            #expect((related.object["related"] as? [[String: Any]])?.contains { $0["relation"] as? String == "follows" } == true)

            let mixed = try await gateway.send(
                .POST, "/v1/memories", token: alice, json: ["document": ["text": "x"], "memory_type": "UserMemory"])
            #expect(mixed.status == 400)
            let emptyDoc = try await gateway.send(.POST, "/v1/memories", token: alice, json: ["document": ["text": " "]])
            #expect(emptyDoc.status == 400)
            #expect(emptyDoc.detail.contains("document.text"))
        }
    }
}
