import Foundation
import MemOSCore
import MemOSGovernance

/// One message of a chat request: `{"role", "content"}`.
struct ChatMessageInput: Decodable {
    let turn: ChatTurn

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, content
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        turn = ChatTurn(role: try c.decodeNonEmptyString(forKey: .role), content: try c.decodeNonEmptyString(forKey: .content))
    }
}

/// `POST /v1/chat`: exactly one of `messages` (the conversation, last message the user's) or
/// `query` (a single user message).
struct ChatRequestBody: Decodable {
    let request: ChatRequest
    let stream: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case messages, query, sessionID = "session_id", cubes, topK = "top_k", stream, temperature
        case writeMemories = "write_memories", cube
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let forms = [CodingKeys.messages, .query].filter { c.contains($0) }
        guard forms.count == 1 else {
            throw RequestError.invalidField("(body)", "provide exactly one of 'messages' or 'query' (got \(forms.count))")
        }
        let messages: [ChatTurn] =
            forms[0] == .query
            ? [ChatTurn(role: "user", content: try c.decodeNonEmptyString(forKey: .query))]
            : try c.decode([ChatMessageInput].self, forKey: .messages).map(\.turn)
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream) ?? false
        request = ChatRequest(
            messages: messages,
            sessionID: try c.decodeIfPresent(String.self, forKey: .sessionID),
            cubes: try c.decodeIfPresent([String].self, forKey: .cubes),
            topK: try c.decodeIfPresent(Int.self, forKey: .topK) ?? ChatRequest.defaultTopK,
            temperature: try c.decodeIfPresent(Double.self, forKey: .temperature) ?? ChatRequest.defaultTemperature,
            writeMemories: try c.decodeIfPresent(Bool.self, forKey: .writeMemories) ?? true,
            cube: try c.decodeIfPresent(String.self, forKey: .cube))
    }
}

/// A memory the answer drew on: id, label, cube and how it got into the prompt; never its text.
struct ChatMemoryUseOutput: Encodable {
    let id: String
    let label: String
    let cube: String
    let source: String

    init(_ use: ChatMemoryUse) {
        id = use.id.uuidString.lowercased()
        label = use.label
        cube = use.cubeID.uuidString.lowercased()
        source = use.source.rawValue
    }
}

/// What a turn used: the body of a chat answer's metadata and of the stream's `memories` event.
struct ChatPreparationOutput: Encodable {
    let preparation: ChatPreparation

    enum CodingKeys: String, CodingKey {
        case memoriesUsed = "memories_used", activationID = "activation_id", sessionID = "session_id", label, watermarked
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(preparation.memoriesUsed.map(ChatMemoryUseOutput.init), forKey: .memoriesUsed)
        try c.encode(preparation.activationID, forKey: .activationID)
        try c.encode(preparation.sessionID, forKey: .sessionID)
        try c.encode(preparation.label, forKey: .label)
        try c.encode(preparation.watermarked, forKey: .watermarked)
    }
}

/// `POST /v1/chat` answer (and the stream's `done` event, without `answer`).
struct ChatOutput: Encodable {
    let result: ChatResult
    let includeAnswer: Bool

    enum CodingKeys: String, CodingKey {
        case answer, memoriesUsed = "memories_used", activationID = "activation_id", sessionID = "session_id", label,
            watermarked, written, model
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let preparation = result.preparation
        if includeAnswer { try c.encode(result.answer, forKey: .answer) }
        try c.encode(preparation.memoriesUsed.map(ChatMemoryUseOutput.init), forKey: .memoriesUsed)
        try c.encode(preparation.activationID, forKey: .activationID)
        try c.encode(preparation.sessionID, forKey: .sessionID)
        try c.encode(preparation.label, forKey: .label)
        try c.encode(preparation.watermarked, forKey: .watermarked)
        try c.encode(result.written.map { $0.uuidString.lowercased() }, forKey: .written)
        try c.encode(result.model, forKey: .model)
    }
}

/// The stream's `delta` event.
struct ChatDeltaOutput: Encodable {
    let text: String
}
