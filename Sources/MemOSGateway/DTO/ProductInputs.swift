import Foundation
import MemOSCore
import MemOSGovernance

// The request shapes of the MemOS server API (`/product/*`, MemTensor/MemOS
// `api/product_models.py`), decoded strictly: every field MemOS defines is known, a field it
// does not define is an error. Fields MemOS clients send for features this gateway does not
// have are accepted and ignored where ignoring them cannot change what is stored or who may
// see it (search `mode`, `internet_search`, `moscube`, `threshold`, preference switches,
// `chat_history`, `max_tokens`, `top_p`); fields that would (a `filter` DSL, `operation`
// permission lists, `doc_path` naming a server file, `file_ids`, `is_feedback`) are refused
// with a message saying so. `user_id` and `mem_cube_id` are checked against the credential by
// the routes, never trusted.

/// A MemOS `MessageDict`: `{"role", "content", "chat_time"?, "message_id"?, "name"?}`.
struct ProductMessage: Decodable {
    let message: ChatMessage

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, content, chatTime = "chat_time", messageID = "message_id", name
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var chatTime: Date?
        if let raw = try c.decodeIfPresent(String.self, forKey: .chatTime) {
            guard let date = ProductDates.parse(raw) else {
                throw RequestError.invalidField(
                    JSONPath.render(c.codingPath + [CodingKeys.chatTime]),
                    "expected a date-time such as 2024-05-08T13:56:00Z or 2024-05-08 13:56:00")
            }
            chatTime = date
        }
        message = ChatMessage(
            role: try c.decodeNonEmptyString(forKey: .role), content: try c.decodeNonEmptyString(forKey: .content),
            speaker: try c.decodeIfPresent(String.self, forKey: .name), chatTime: chatTime,
            messageID: try c.decodeIfPresent(String.self, forKey: .messageID))
    }
}

/// Dates as MemOS clients write them: ISO 8601, or `yyyy-MM-dd HH:mm:ss` (UTC).
enum ProductDates {
    static func parse(_ text: String) -> Date? {
        if let date = JSONCoding.parseDate(text) { return date }
        return JSONCoding.parseDate(text.replacingOccurrences(of: " ", with: "T") + "Z")
    }
}

/// Fields whose presence (with a non-null value) is refused, and why.
private func refuse<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K, _ reason: String) throws {
    if c.contains(key), try !c.decodeNil(forKey: key) {
        throw RequestError.invalidField(key.stringValue, reason)
    }
}

private let operationRefusal =
    "is not accepted: what a request may read and write comes from the credential's role, not from the request"
private let filterRefusal = "MemOS filter expressions are not supported here; use /v1/memories/search with 'filter'"

/// `POST /product/add` (`APIADDRequest`).
struct ProductAddRequest: Decodable {
    let userID: String?
    let sessionID: String?
    /// `writable_cube_ids`, or `[mem_cube_id]`; nil means the persona's default cube.
    let cubes: [String]?
    let asyncMode: Bool
    let text: String?
    let messages: [ChatMessage]?
    let tags: [String]
    let info: [String: JSONValue]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case userID = "user_id", sessionID = "session_id", memCubeID = "mem_cube_id", writableCubeIDs = "writable_cube_ids"
        case asyncMode = "async_mode", customTags = "custom_tags", info, messages, memoryContent = "memory_content"
        case chatHistory = "chat_history", isFeedback = "is_feedback", docPath = "doc_path", source, operation
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try refuse(c, .operation, operationRefusal)
        try refuse(c, .docPath, "names a file on the server, which this gateway never reads; send the text as memory_content")
        if try c.decodeIfPresent(Bool.self, forKey: .isFeedback) == true {
            throw RequestError.invalidField("is_feedback", "feedback requests are not supported")
        }
        _ = try c.decodeIfPresent([JSONValue].self, forKey: .chatHistory)
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
        sessionID = try c.decodeIfPresent(String.self, forKey: .sessionID)
        cubes = try ProductCubes.decode(c, single: .memCubeID, list: .writableCubeIDs)
        let mode = try c.decodeIfPresent(String.self, forKey: .asyncMode) ?? "async"
        guard ["async", "sync"].contains(mode) else {
            throw RequestError.invalidField("async_mode", "must be 'async' or 'sync' (got '\(mode)')")
        }
        asyncMode = mode == "async"
        tags = try c.decodeTagsIfPresent(forKey: .customTags) ?? []
        var info = (try c.decodeIfPresent([String: String].self, forKey: .info) ?? [:]).mapValues { JSONValue.string($0) }
        if let source = try c.decodeIfPresent(String.self, forKey: .source) { info["source"] = .string(source) }
        if let sessionID { info["session_id"] = .string(sessionID) }
        self.info = info
        let forms = [CodingKeys.messages, .memoryContent].filter { c.contains($0) }
        guard forms.count == 1 else {
            throw RequestError.invalidField("(body)", "provide exactly one of 'messages' or 'memory_content' (got \(forms.count))")
        }
        if forms[0] == .messages {
            let messages = try c.decode([ProductMessage].self, forKey: .messages).map(\.message)
            guard !messages.isEmpty else { throw RequestError.invalidField("messages", "must not be empty") }
            self.messages = messages
            text = nil
        } else {
            text = try c.decodeNonEmptyString(forKey: .memoryContent)
            messages = nil
        }
    }
}

/// `POST /product/search` (`APISearchRequest`).
struct ProductSearchRequest: Decodable {
    let query: String
    let userID: String?
    /// `readable_cube_ids`, or `[mem_cube_id]`; nil searches every cube the role may read.
    let cubes: [String]?
    let topK: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case query, userID = "user_id", memCubeID = "mem_cube_id", readableCubeIDs = "readable_cube_ids", mode
        case sessionID = "session_id", topK = "top_k", prefTopK = "pref_top_k", includePreference = "include_preference"
        case filter, internetSearch = "internet_search", threshold, chatHistory = "chat_history", moscube, operation
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try refuse(c, .operation, operationRefusal)
        try refuse(c, .filter, filterRefusal)
        try ProductTolerated.check(c, strings: [.mode, .sessionID], bools: [.includePreference, .internetSearch, .moscube],
            numbers: [.prefTopK, .threshold], lists: [.chatHistory])
        if let mode = try c.decodeIfPresent(String.self, forKey: .mode), !["fast", "fine", "mixture"].contains(mode) {
            throw RequestError.invalidField("mode", "must be fast, fine or mixture (got '\(mode)')")
        }
        query = try c.decodeNonEmptyString(forKey: .query)
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
        cubes = try ProductCubes.decode(c, single: .memCubeID, list: .readableCubeIDs)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? 10
    }
}

/// `POST /product/chat`, `/product/chat/complete`, `/product/chat/stream` (`ChatRequest`,
/// `APIChatCompleteRequest`).
struct ProductChatRequest: Decodable {
    let userID: String?
    let query: String
    let readCubes: [String]?
    let writeCube: String?
    let history: [ChatTurn]
    let instructions: String?
    let topK: Int
    let sessionID: String?
    let model: String?
    let temperature: Double?
    let addMessageOnAnswer: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case userID = "user_id", query, memCubeID = "mem_cube_id", readableCubeIDs = "readable_cube_ids"
        case writableCubeIDs = "writable_cube_ids", history, mode, internetSearch = "internet_search"
        case systemPrompt = "system_prompt", basePrompt = "base_prompt", topK = "top_k", threshold, sessionID = "session_id"
        case includePreference = "include_preference", prefTopK = "pref_top_k", filter, model = "model_name_or_path"
        case maxTokens = "max_tokens", temperature, topP = "top_p", addMessageOnAnswer = "add_message_on_answer", moscube
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try refuse(c, .filter, filterRefusal)
        try ProductTolerated.check(c, strings: [.mode], bools: [.internetSearch, .includePreference, .moscube],
            numbers: [.threshold, .prefTopK, .maxTokens, .topP], lists: [])
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
        query = try c.decodeNonEmptyString(forKey: .query)
        let single = try c.decodeIfPresent(String.self, forKey: .memCubeID)
        readCubes = try c.decodeIfPresent([String].self, forKey: .readableCubeIDs) ?? single.map { [$0] }
        let writable = try c.decodeIfPresent([String].self, forKey: .writableCubeIDs)
        if let writable, writable.count > 1 {
            throw RequestError.invalidField("writable_cube_ids", "a chat turn is stored in one cube (got \(writable.count))")
        }
        writeCube = writable?.first ?? single
        history = try (c.decodeIfPresent([ProductMessage].self, forKey: .history) ?? []).map {
            ChatTurn(role: $0.message.role, content: $0.message.content)
        }
        instructions = try c.decodeIfPresent(String.self, forKey: .systemPrompt) ?? c.decodeIfPresent(String.self, forKey: .basePrompt)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? 10
        sessionID = try c.decodeIfPresent(String.self, forKey: .sessionID)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        addMessageOnAnswer = try c.decodeIfPresent(Bool.self, forKey: .addMessageOnAnswer) ?? true
    }
}

/// `POST /product/get_memory` (`GetMemoryRequest`).
struct ProductGetMemoryRequest: Decodable {
    let memCubeID: String
    let userID: String?
    let page: Int?
    let pageSize: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case memCubeID = "mem_cube_id", userID = "user_id", includePreference = "include_preference"
        case includeToolMemory = "include_tool_memory", includeSkillMemory = "include_skill_memory", filter, page
        case pageSize = "page_size"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try refuse(c, .filter, filterRefusal)
        try ProductTolerated.check(
            c, strings: [], bools: [.includePreference, .includeToolMemory, .includeSkillMemory], numbers: [], lists: [])
        memCubeID = try c.decodeNonEmptyString(forKey: .memCubeID)
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
        page = try c.decodeIfPresent(Int.self, forKey: .page)
        pageSize = try c.decodeIfPresent(Int.self, forKey: .pageSize)
        if let page, page < 1 { throw RequestError.invalidField("page", "must be at least 1") }
        if let pageSize, !(1...1_000).contains(pageSize) {
            throw RequestError.invalidField("page_size", "must be between 1 and 1000")
        }
        if (page == nil) != (pageSize == nil) {
            throw RequestError.invalidField("page", "page and page_size go together")
        }
    }
}

/// `POST /product/delete_memory` (`DeleteMemoryRequest`).
struct ProductDeleteMemoryRequest: Decodable {
    let memoryIDs: [String]
    let writableCubes: [String]?
    let userID: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case writableCubeIDs = "writable_cube_ids", memoryIDs = "memory_ids", fileIDs = "file_ids", filter
        case userID = "user_id", memCubeID = "mem_cube_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try refuse(c, .filter, filterRefusal)
        try refuse(c, .fileIDs, "deleting by file is not supported; name the memories in memory_ids")
        guard let ids = try c.decodeIfPresent([String].self, forKey: .memoryIDs), !ids.isEmpty else {
            throw RequestError.invalidField("memory_ids", "must name at least one memory")
        }
        guard ids.count <= 1_000 else { throw RequestError.invalidField("memory_ids", "at most 1000 per call") }
        memoryIDs = ids
        writableCubes = try ProductCubes.decode(c, single: .memCubeID, list: .writableCubeIDs)
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
    }
}

/// `mem_cube_id` (deprecated in MemOS) or its list form, never both.
enum ProductCubes {
    static func decode<K: CodingKey>(_ c: KeyedDecodingContainer<K>, single: K, list: K) throws -> [String]? {
        let one = try c.decodeIfPresent(String.self, forKey: single)
        let many = try c.decodeIfPresent([String].self, forKey: list)
        if one != nil, many != nil {
            throw RequestError.invalidField(list.stringValue, "give either \(single.stringValue) or \(list.stringValue), not both")
        }
        if let many, many.isEmpty { throw RequestError.invalidField(list.stringValue, "must not be empty when present") }
        return many ?? one.map { [$0] }
    }
}

/// Optional MemOS fields for features this gateway does not have: accepted (and ignored) when
/// they have the type MemOS gives them, so a typo or a wrong type still fails loudly.
enum ProductTolerated {
    static func check<K: CodingKey>(_ c: KeyedDecodingContainer<K>, strings: [K], bools: [K], numbers: [K], lists: [K]) throws {
        for key in strings { _ = try c.decodeIfPresent(String.self, forKey: key) }
        for key in bools { _ = try c.decodeIfPresent(Bool.self, forKey: key) }
        for key in numbers { _ = try c.decodeIfPresent(Double.self, forKey: key) }
        for key in lists { _ = try c.decodeIfPresent([JSONValue].self, forKey: key) }
    }
}
