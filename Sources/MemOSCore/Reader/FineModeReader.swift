import Foundation

/// Why the fine-mode reader could not use what the model produced.
public enum ReaderError: Error, Equatable, CustomStringConvertible {
    /// The model's answer is not the JSON the reader asked for; the text says what is wrong,
    /// e.g. "item 2: `confidence` 1.5 is out of range 0...1".
    case malformedModelOutput(String)

    public var description: String {
        switch self {
        case .malformedModelOutput(let problem): "malformed model output: \(problem)"
        }
    }
}

/// The "fine mode" MemReader: asks a language model to distil a conversation into a few
/// self-contained facts, each citing the messages it comes from.
///
/// Where the fast `MessageWindowReader` stores what was said, this stores what was meant
/// ("Alice is moving to Lisbon in June 2024" rather than a window of chat lines), which
/// retrieves better and reads on its own. The price is a model call, and a model may answer
/// anything, so its output is validated strictly: any deviation from the requested shape is a
/// `ReaderError` naming the problem (callers typically fall back to the fast reader), never a
/// silently half-read answer.
///
/// Pure: no I/O of its own, only the `LanguageModel` it is given.
public struct FineModeReader: Sendable {
    public let model: any LanguageModel
    /// Most memories accepted from one conversation (at least 1); more is an error, since it
    /// means the model transcribed rather than distilled.
    public let maxFacts: Int

    /// Memory types the model may assign; the others are not the reader's to choose.
    public static let allowedTypes: [MemoryType] = [.userMemory, .longTermMemory, .preferenceMemory]

    public init(model: any LanguageModel, maxFacts: Int = 32) {
        self.model = model
        self.maxFacts = max(1, maxFacts)
    }

    /// The key facts of a conversation as drafts, each with the messages it came from as
    /// `sources` and the model's identifier in `info["extracted_by"]`.
    ///
    /// A conversation with no non-empty message gives no drafts without asking the model; an
    /// empty `memories` answer (nothing worth remembering) gives none either.
    ///
    /// - Throws: `ReaderError.malformedModelOutput` when the answer does not follow the schema,
    ///   and whatever the model throws.
    public func read(_ messages: [ChatMessage]) async throws -> [MemoryDraft] {
        let conversation = Conversation(messages)
        guard !conversation.lines.isEmpty else { return [] }
        let output = try await model.complete(prompt(for: conversation), temperature: 0, jsonOutput: true)
        return try parse(output, conversation: conversation)
    }

    /// The chat the model is sent for `messages`: the instructions, then the conversation with
    /// each message's id, time and speaker.
    public func prompt(for messages: [ChatMessage]) -> [ChatTurn] {
        prompt(for: Conversation(messages))
    }

    /// Drafts from a model's answer about `messages`, validated as `read` does.
    public func parse(_ output: String, messages: [ChatMessage]) throws(ReaderError) -> [MemoryDraft] {
        try parse(output, conversation: Conversation(messages))
    }

    // MARK: - Prompt

    private func prompt(for conversation: Conversation) -> [ChatTurn] {
        let types = Self.allowedTypes.map(\.rawValue).joined(separator: "|")
        let system = """
            You are the memory reader of a long-term memory system. Read the conversation and extract \
            the key facts worth remembering later: who the user is and their circumstances, their \
            preferences and dislikes, plans, decisions, commitments and other lasting knowledge. Skip \
            greetings, small talk and anything that only matters in the moment.

            Rules:
            - Each memory states one fact in a self-contained sentence that makes sense without the \
            conversation: name people instead of writing "I", "he" or "she", and turn relative times \
            ("tomorrow", "last week") into absolute dates using the message times.
            - Use only what the conversation says. Do not guess or add outside knowledge.
            - memory_type is "UserMemory" for facts about the user, "PreferenceMemory" for likes, \
            dislikes and preferences, "LongTermMemory" for other lasting knowledge.
            - source_message_ids lists the ids (shown in brackets) of the messages the fact comes from.
            - confidence is a number from 0 to 1: how sure the conversation makes the fact.
            - Return at most \(maxFacts) memories. If nothing is worth remembering, return {"memories": []}.

            Answer with a single JSON object and nothing else, in exactly this shape:
            {"memories":[{"key":"short title","text":"self-contained fact","tags":["topic"],\
            "memory_type":"\(types)","background":"why it matters","confidence":0.9,\
            "source_message_ids":["\(conversation.lines.first?.id ?? "m1")"]}]}
            """
        let rendered = conversation.lines.map(\.rendered).joined(separator: "\n")
        let user = """
            Conversation (one message per line: [id] time speaker (role): content):
            \(rendered)

            Extract the memories as JSON.
            """
        return [ChatTurn(role: "system", content: system), ChatTurn(role: "user", content: user)]
    }

    // MARK: - Parsing

    private func parse(_ output: String, conversation: Conversation) throws(ReaderError) -> [MemoryDraft] {
        let text = Self.unfenced(output)
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            let start = text.prefix(60).replacingOccurrences(of: "\n", with: " ")
            throw .malformedModelOutput(
                text.isEmpty ? "not JSON (the answer is empty)" : "not JSON (the answer starts with \"\(start)\")")
        }
        guard case .object(let top) = json else {
            throw .malformedModelOutput("the top level is \(Self.kind(of: json)), not an object")
        }
        guard let memoriesValue = top["memories"], memoriesValue != .null else {
            throw .malformedModelOutput("missing `memories` array")
        }
        guard case .array(let items) = memoriesValue else {
            throw .malformedModelOutput("`memories` is \(Self.kind(of: memoriesValue)), not an array")
        }
        guard items.count <= maxFacts else {
            throw .malformedModelOutput("\(items.count) memories, more than the limit of \(maxFacts)")
        }
        var drafts: [MemoryDraft] = []
        for (offset, item) in items.enumerated() {
            drafts.append(try draft(from: item, number: offset + 1, conversation: conversation))
        }
        return drafts
    }

    private func draft(from item: JSONValue, number: Int, conversation: Conversation) throws(ReaderError)
        -> MemoryDraft
    {
        func fail(_ problem: String) -> ReaderError { .malformedModelOutput("item \(number): \(problem)") }
        guard case .object(let fields) = item else {
            throw fail("is \(Self.kind(of: item)), not an object")
        }
        /// A field's value, with `null` counting as absent.
        func field(_ name: String) -> JSONValue? {
            guard let value = fields[name], value != .null else { return nil }
            return value
        }
        func string(_ name: String) throws(ReaderError) -> String? {
            guard let value = field(name) else { return nil }
            guard case .string(let string) = value else { throw fail("`\(name)` is \(Self.kind(of: value)), not a string") }
            let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        func strings(_ name: String) throws(ReaderError) -> [String]? {
            guard let value = field(name) else { return nil }
            guard case .array(let elements) = value else {
                throw fail("`\(name)` is \(Self.kind(of: value)), not an array of strings")
            }
            var result: [String] = []
            for element in elements {
                guard case .string(let string) = element else {
                    throw fail("`\(name)` contains \(Self.kind(of: element)), not only strings")
                }
                let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty, !result.contains(trimmed) { result.append(trimmed) }
            }
            return result
        }

        guard let text = try string("text") else { throw fail("missing or empty `text`") }
        let key = try string("key")
        let tags = try strings("tags") ?? []
        let background = try string("background")

        var memoryType = MemoryType.longTermMemory
        if let name = try string("memory_type") {
            guard let type = MemoryType(rawValue: name), Self.allowedTypes.contains(type) else {
                let allowed = Self.allowedTypes.map(\.rawValue).joined(separator: ", ")
                throw fail("`memory_type` \"\(name)\" is not one of \(allowed)")
            }
            memoryType = type
        }

        var confidence: Double?
        if let value = field("confidence") {
            guard case .number(let number) = value else {
                throw fail("`confidence` is \(Self.kind(of: value)), not a number")
            }
            guard (0...1).contains(number) else { throw fail("`confidence` \(number) is out of range 0...1") }
            confidence = number
        }

        var sources = conversation.lines.map(\.source)
        if let ids = try strings("source_message_ids"), !ids.isEmpty {
            sources = []
            for id in ids {
                guard let line = conversation.line(id: id) else {
                    let known = conversation.lines.map(\.id).joined(separator: ", ")
                    throw fail("`source_message_ids` names an unknown message \"\(id)\" (known: \(known))")
                }
                sources.append(line.source)
            }
        }

        return MemoryDraft(
            text: text, key: key, tags: tags, memoryType: memoryType, sources: sources, background: background,
            confidence: confidence, info: ["extracted_by": .string(model.identifier)])
    }

    /// The JSON inside one surrounding ```json (or bare ```) fence; any other text as it is.
    static func unfenced(_ output: String) -> String {
        let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("```"), trimmed.hasSuffix("```"), trimmed.count >= 6,
            let newline = trimmed.firstIndex(where: \.isNewline)
        else { return trimmed }
        let language = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 3)..<newline]
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard language.isEmpty || language == "json" else { return trimmed }
        let closing = trimmed.index(trimmed.endIndex, offsetBy: -3)
        guard newline < closing else { return trimmed }
        let inner = trimmed[trimmed.index(after: newline)..<closing]
        // Exactly one block: a fence inside means several blocks or prose around them.
        guard !inner.contains("```") else { return trimmed }
        return inner.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    // MARK: - Conversation

    /// The non-empty messages with the ids the model sees.
    private struct Conversation {
        struct Line {
            let id: String
            let message: ChatMessage
            let rendered: String

            var source: SourceMessage {
                SourceMessage(
                    messageID: message.messageID, role: message.role, speaker: message.speaker,
                    chatTime: message.chatTime, content: message.content)
            }
        }

        let lines: [Line]

        /// Messages keep their own `messageID` as their id when every such id is usable (no
        /// spaces or brackets, which would garble the rendering) and unique; otherwise all get
        /// `m1`, `m2`, … by position so the model's references stay unambiguous.
        init(_ messages: [ChatMessage]) {
            let kept = messages.enumerated().compactMap { offset, message -> (Int, ChatMessage, String)? in
                let content = message.content.trimmingCharacters(in: .whitespacesAndNewlines)
                return content.isEmpty ? nil : (offset, message, content)
            }
            func ownID(_ message: ChatMessage) -> String? {
                guard let id = message.messageID, !id.isEmpty,
                    !id.contains(where: { $0.isWhitespace || $0 == "[" || $0 == "]" || $0 == "\"" })
                else { return nil }
                return id
            }
            var ids = kept.map { offset, message, _ in ownID(message) ?? "m\(offset + 1)" }
            if Set(ids).count != ids.count {
                ids = kept.map { offset, _, _ in "m\(offset + 1)" }
            }
            lines = zip(ids, kept).map { id, entry in
                let (_, message, content) = entry
                var header = "[\(id)]"
                if let chatTime = message.chatTime {
                    header += " \(chatTime.formatted(Date.ISO8601FormatStyle()))"
                }
                let role = message.role.trimmingCharacters(in: .whitespacesAndNewlines)
                let speaker = message.speaker?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if !speaker.isEmpty {
                    header += role.isEmpty ? " \(speaker)" : " \(speaker) (\(role))"
                } else if !role.isEmpty {
                    header += " \(role)"
                }
                // Continuation lines are indented so every line still belongs to its message.
                let body = content.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
                return Line(id: id, message: message, rendered: "\(header): \(body)")
            }
        }

        func line(id: String) -> Line? { lines.first { $0.id == id } }
    }
}
