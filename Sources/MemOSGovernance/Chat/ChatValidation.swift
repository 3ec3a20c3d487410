import Foundation
import MemOSCore

/// The rules of a chat request, checked before any memory is read or the model is called.
enum ChatValidation {
    static let roles: Set<String> = ["system", "user", "assistant"]
    /// Longest accepted session id, in characters.
    static let maxSessionLength = 128

    /// The last user message (what retrieval searches for), once the request is valid.
    static func validate(_ request: ChatRequest) throws -> String {
        guard !request.messages.isEmpty else {
            throw GovernanceError.invalidInput(field: "messages", message: "must contain at least one message")
        }
        guard request.messages.count <= ChatRequest.maxMessages else {
            throw GovernanceError.invalidInput(
                field: "messages", message: "at most \(ChatRequest.maxMessages) messages per turn (got \(request.messages.count))")
        }
        for (index, message) in request.messages.enumerated() {
            guard roles.contains(message.role) else {
                throw GovernanceError.invalidInput(
                    field: "messages[\(index)].role", message: "unknown role '\(message.role)' (expected system, user or assistant)")
            }
            guard !message.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw GovernanceError.invalidInput(field: "messages[\(index)].content", message: "must not be empty")
            }
        }
        guard let last = request.messages.last, last.role == "user" else {
            throw GovernanceError.invalidInput(
                field: "messages", message: "the last message must be the user's (role 'user'): it is what the turn answers")
        }
        guard (1...ChatRequest.maxTopK).contains(request.topK) else {
            throw GovernanceError.invalidInput(
                field: "top_k", message: "must be between 1 and \(ChatRequest.maxTopK) (got \(request.topK))")
        }
        guard request.temperature.isFinite, (0...2).contains(request.temperature) else {
            throw GovernanceError.invalidInput(field: "temperature", message: "must be between 0 and 2")
        }
        if let session = request.sessionID {
            guard (1...maxSessionLength).contains(session.count),
                !session.contains(where: { $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
            else {
                throw GovernanceError.invalidInput(
                    field: "session_id", message: "must be 1-\(maxSessionLength) characters on one line, without control characters")
            }
        }
        return last.content
    }
}
