import Foundation
import MemOSCore
import MemOSGovernance

/// Provenance as a client sends it.
struct SourceInput: Decodable {
    let source: SourceMessage

    enum CodingKeys: String, CodingKey, CaseIterable {
        case messageID = "message_id", role, speaker, chatTime = "chat_time", content, documentID = "document_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = SourceMessage(
            messageID: try c.decodeIfPresent(String.self, forKey: .messageID),
            role: try c.decodeIfPresent(String.self, forKey: .role),
            speaker: try c.decodeIfPresent(String.self, forKey: .speaker),
            chatTime: try c.decodeIfPresent(Date.self, forKey: .chatTime),
            content: try c.decodeIfPresent(String.self, forKey: .content),
            documentID: try c.decodeIfPresent(String.self, forKey: .documentID))
    }
}

/// One memory in a batch (`memories: [...]`), MemoryItem-shaped minus what the server assigns.
struct MemoryItemInput: Decodable {
    let content: MemoryContent
    /// Whether the item named its own type and tags, so batch-level defaults know what to fill.
    let hasOwnType: Bool
    let hasOwnTags: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, key, tags, memoryType = "memory_type", sources, background, confidence, info
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let confidence = try c.decodeIfPresent(Double.self, forKey: .confidence)
        if let confidence, !(0...1).contains(confidence) {
            throw RequestError.invalidField(JSONPath.render(c.codingPath + [CodingKeys.confidence]), "must be between 0 and 1")
        }
        hasOwnType = c.contains(.memoryType)
        hasOwnTags = c.contains(.tags)
        content = MemoryContent(
            text: try c.decodeNonEmptyString(forKey: .text),
            key: try c.decodeIfPresent(String.self, forKey: .key),
            tags: try c.decodeTagsIfPresent(forKey: .tags) ?? [],
            memoryType: try c.decodeMemoryTypeIfPresent(forKey: .memoryType) ?? .longTermMemory,
            sources: try c.decodeIfPresent([SourceInput].self, forKey: .sources)?.map(\.source) ?? [],
            background: try c.decodeIfPresent(String.self, forKey: .background),
            confidence: confidence,
            info: try c.decodeIfPresent([String: JSONValue].self, forKey: .info) ?? [:])
    }
}

/// One conversation turn for the MemReader.
struct MessageInput: Decodable {
    let message: ChatMessage

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, content, speaker, chatTime = "chat_time", messageID = "message_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = ChatMessage(
            role: try c.decodeNonEmptyString(forKey: .role),
            content: try c.decodeNonEmptyString(forKey: .content),
            speaker: try c.decodeIfPresent(String.self, forKey: .speaker),
            chatTime: try c.decodeIfPresent(Date.self, forKey: .chatTime),
            messageID: try c.decodeIfPresent(String.self, forKey: .messageID))
    }
}

/// A document to chunk: `{"text", "title"?, "document_id"?}`.
struct DocumentPayload: Decodable {
    let text: String
    let title: String?
    let documentID: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, title, documentID = "document_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decodeNonEmptyString(forKey: .text)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        documentID = try c.decodeIfPresent(String.self, forKey: .documentID)
    }
}

/// `POST /v1/memories`: exactly one of `text`, `memories`, `messages`, `document`.
struct AddMemoriesRequest: Decodable {
    let cube: String?
    let input: AddMemoriesInput
    /// The requested label and the data subject, for every memory of the call.
    let governance: AddGovernance

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, memories, messages, document, cube, memoryType = "memory_type", tags, info, key, sources, mode
        case refineAsync = "async"
        case label, subject
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cube = try c.decodeIfPresent(String.self, forKey: .cube)
        governance = AddGovernance(
            label: try c.decodeIfPresent(String.self, forKey: .label),
            subject: c.contains(.subject) ? try c.decodeNonEmptyString(forKey: .subject) : nil)
        let forms = [CodingKeys.text, .memories, .messages, .document].filter { c.contains($0) }
        guard forms.count == 1 else {
            throw RequestError.invalidField(
                "(body)", "provide exactly one of 'text', 'memories', 'messages' or 'document' (got \(forms.count))")
        }
        if forms[0] != .messages {
            for field in [CodingKeys.mode, .refineAsync] where c.contains(field) {
                throw RequestError.invalidField(field.rawValue, "applies only to 'messages'")
            }
        }
        let memoryType = try c.decodeMemoryTypeIfPresent(forKey: .memoryType)
        let tags = try c.decodeTagsIfPresent(forKey: .tags)
        let info = try c.decodeIfPresent([String: JSONValue].self, forKey: .info)
        switch forms[0] {
        case .text:
            input = .items([
                MemoryContent(
                    text: try c.decodeNonEmptyString(forKey: .text),
                    key: try c.decodeIfPresent(String.self, forKey: .key),
                    tags: tags ?? [], memoryType: memoryType ?? .longTermMemory,
                    sources: try c.decodeIfPresent([SourceInput].self, forKey: .sources)?.map(\.source) ?? [],
                    info: info ?? [:])
            ])
        case .memories:
            for field in [CodingKeys.key, .sources] where c.contains(field) {
                throw RequestError.invalidField(field.rawValue, "belongs inside each item of 'memories'")
            }
            let items = try c.decode([MemoryItemInput].self, forKey: .memories)
            guard !items.isEmpty else { throw RequestError.invalidField("memories", "must not be empty") }
            guard items.count <= MemoryService.maxBatch else {
                throw RequestError.invalidField(
                    "memories", "at most \(MemoryService.maxBatch) memories per call (got \(items.count))")
            }
            // Batch-level defaults fill what an item leaves out.
            input = .items(
                items.map { item in
                    var content = item.content
                    if let tags, !item.hasOwnTags { content.tags = tags }
                    if let memoryType, !item.hasOwnType { content.memoryType = memoryType }
                    if let info { content.info = info.merging(content.info) { _, own in own } }
                    return content
                })
        case .document:
            for field in [CodingKeys.key, .sources, .memoryType] where c.contains(field) {
                throw RequestError.invalidField(field.rawValue, "is not used with 'document' (chunks are DocumentChunk memories)")
            }
            let document = try c.decode(DocumentPayload.self, forKey: .document)
            input = .document(
                DocumentInput(
                    text: document.text, title: document.title, documentID: document.documentID, tags: tags ?? [],
                    info: info ?? [:]))
        default:
            for field in [CodingKeys.key, .sources] where c.contains(field) {
                throw RequestError.invalidField(field.rawValue, "is not used with 'messages' (provenance comes from each message)")
            }
            let messages = try c.decode([MessageInput].self, forKey: .messages)
            guard !messages.isEmpty else { throw RequestError.invalidField("messages", "must not be empty") }
            let modeName = try c.decodeIfPresent(String.self, forKey: .mode) ?? "fast"
            guard let mode = MessageReading.Mode(rawValue: modeName) else {
                throw RequestError.invalidField("mode", "unknown mode '\(modeName)' (expected fast or fine)")
            }
            let refineAsync = try c.decodeIfPresent(Bool.self, forKey: .refineAsync) ?? false
            if refineAsync && mode == .fine {
                throw RequestError.invalidField(
                    "async", "refines fast-mode windows in the background; with mode 'fine' the add is already refined")
            }
            input = .messages(
                messages.map(\.message),
                reading: MessageReading(
                    mode: mode, refineInBackground: refineAsync, memoryType: memoryType ?? .longTermMemory,
                    tags: tags ?? [], info: info ?? [:]))
        }
    }
}
