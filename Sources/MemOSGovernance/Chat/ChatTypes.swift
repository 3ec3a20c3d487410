import Foundation
import MemOSCore

/// One chat-with-memory turn as a caller asks for it.
public struct ChatRequest: Sendable {
    /// The conversation so far, oldest first; the last message must be the user's.
    public var messages: [ChatTurn]
    /// Groups turns for working memory and next-scene prediction; nil starts a new session.
    public var sessionID: String?
    /// Cubes (ids or names) to retrieve from; nil means every cube the role may read.
    public var cubes: [String]?
    /// How many retrieved memories go into the prompt.
    public var topK: Int
    /// Sampling temperature passed to the model.
    public var temperature: Double
    /// Whether the turn (question and answer) is stored as new memories afterwards.
    public var writeMemories: Bool
    /// Where new memories go (id or name); nil is the persona's default cube.
    public var cube: String?
    /// Extra instructions from the client, placed after the gateway's own (never before the
    /// activation prefix, which must stay first for prefix caching).
    public var instructions: String?

    public static let defaultTopK = 8
    public static let defaultTemperature = 0.7
    public static let maxTopK = 50
    public static let maxMessages = 200

    public init(
        messages: [ChatTurn], sessionID: String? = nil, cubes: [String]? = nil, topK: Int = ChatRequest.defaultTopK,
        temperature: Double = ChatRequest.defaultTemperature, writeMemories: Bool = true, cube: String? = nil,
        instructions: String? = nil
    ) {
        self.messages = messages
        self.sessionID = sessionID
        self.cubes = cubes
        self.topK = topK
        self.temperature = temperature
        self.writeMemories = writeMemories
        self.cube = cube
        self.instructions = instructions
    }
}

/// A memory whose text went into the prompt, as reported back (never its text).
public struct ChatMemoryUse: Sendable, Hashable {
    public enum Source: String, Sendable {
        /// Part of the persona's activation prefix.
        case activation
        /// The session's working memory.
        case workingMemory = "working_memory"
        /// Retrieved for the last user message.
        case retrieved
    }

    public let id: UUID
    public let label: String
    public let cubeID: UUID
    public let source: Source
}

/// What a chat turn used, decided before the model is called.
public struct ChatPreparation: Sendable {
    public let sessionID: String
    public let memoriesUsed: [ChatMemoryUse]
    /// The activation prefix the prompt started with, if the persona has one.
    public let activationID: String?
    /// The highest label among the memories used (nil when none was used); new memories from
    /// the turn are labelled at least this (capped at what the caller could see).
    public let label: String?
    /// Whether the answer carries a watermark for this caller.
    public let watermarked: Bool
}

/// A finished chat turn.
public struct ChatResult: Sendable {
    /// The model's answer as the caller receives it (watermarked where policy says so).
    public let answer: String
    public let preparation: ChatPreparation
    /// Memories written from the turn (empty with `writeMemories == false`).
    public let written: [UUID]
    /// The model that answered.
    public let model: String
}

/// One event of a streamed chat turn.
public enum ChatStreamEvent: Sendable {
    /// A piece of the answer, as the caller receives it (marks included).
    case delta(String)
    /// The answer is complete and the turn has been stored.
    case done(ChatResult)
}
