import Foundation
import MemOSTestSupport

/// One server-sent event as a client parses it.
struct SSEEvent: Sendable {
    let name: String
    let data: String

    /// `data` as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
    }
}

enum ChatFixtures {
    /// The gateway's chat model pointed at the fake server.
    static func environment(_ server: FakeOpenAIServer) -> [String: String] {
        ["MEMOS_LLM_BASE_URL": server.baseURL.absoluteString, "MEMOS_LLM_MODEL": "fake-chat"]
    }

    /// Parses a `text/event-stream` body (events separated by blank lines).
    static func events(_ body: Data) -> [SSEEvent] {
        String(decoding: body, as: UTF8.self).components(separatedBy: "\n\n").compactMap { block in
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            return data.isEmpty ? nil : SSEEvent(name: name, data: data.joined(separator: "\n"))
        }
    }

    /// The chat-completion requests the fake server received, with the text of their messages.
    static func prompts(_ server: FakeOpenAIServer) async -> [[[String: String]]] {
        await server.requests.filter { $0.path.hasSuffix("/chat/completions") }.map {
            ($0.json["messages"] as? [[String: String]]) ?? []
        }
    }
}
