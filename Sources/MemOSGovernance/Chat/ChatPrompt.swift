import Foundation
import MemOSCore

/// Composes the messages sent to the model for one chat turn.
///
/// The system message starts with the persona's activation prefix, byte for byte, followed by
/// the gateway's fixed instructions: both stay the same from turn to turn, so a backend with
/// prefix caching (llama.cpp `cache_prompt`, vLLM automatic prefix caching) reuses their KV
/// cache and only processes what follows: working memory, retrieved memories, the client's
/// instructions and the conversation. Memory text here is what the caller may read (redacted,
/// never above its clearance) and carries no watermark: marks are for what leaves the gateway.
enum ChatPrompt {
    static let instructions = """
        You are an assistant with a long-term memory. Memories about the user and their work are \
        listed below; use them when they are relevant to the conversation, prefer the most specific \
        and most recent one when they disagree, and never invent memories. If the memories do not \
        answer the question, say so rather than guess.
        """

    struct Memory {
        let text: String
    }

    static func compose(
        activationPrefix: String?, workingMemory: [Memory], retrieved: [Memory], clientInstructions: String?,
        conversation: [ChatTurn]
    ) -> [ChatTurn] {
        var system = ""
        if let activationPrefix, !activationPrefix.isEmpty {
            system += activationPrefix
            system += "\n\n"
        }
        system += instructions
        if !workingMemory.isEmpty {
            system += "\n\nWorking memory of this conversation:\n"
            system += workingMemory.map { "- " + oneLine($0.text) }.joined(separator: "\n")
        }
        if !retrieved.isEmpty {
            system += "\n\nRelevant memories:\n"
            system += retrieved.enumerated().map { "[\($0.offset + 1)] " + oneLine($0.element.text) }.joined(separator: "\n")
        }
        if let clientInstructions, !clientInstructions.isEmpty {
            system += "\n\n" + clientInstructions
        }
        return [ChatTurn(role: "system", content: system)] + conversation
    }

    /// A memory on one line, so the list stays a list whatever the memory contains.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " / ")
    }
}
