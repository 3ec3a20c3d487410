import Foundation
import MemOSCore

/// What to add: ready-made memories, or a conversation for the MemReader to turn into memories.
public enum AddMemoriesInput: Sendable {
    case items([MemoryContent])
    case messages([ChatMessage], reading: MessageReading)
    /// A document, chunked by size and structure into `DocumentChunk` memories.
    case document(DocumentInput)
}

/// How a conversation becomes memories.
public struct MessageReading: Sendable {
    public enum Mode: String, Sendable {
        /// Windows of messages, no model: instant and always available.
        case fast
        /// A chat model extracts self-contained facts (needs a configured LLM).
        case fine
    }

    public var mode: Mode
    /// With `.fast`: also refine with the model in the background, linking the refined facts
    /// to the raw windows.
    public var refineInBackground: Bool
    public var memoryType: MemoryType
    public var tags: [String]
    public var info: [String: JSONValue]

    public init(
        mode: Mode = .fast, refineInBackground: Bool = false, memoryType: MemoryType = .longTermMemory,
        tags: [String] = [], info: [String: JSONValue] = [:]
    ) {
        self.mode = mode
        self.refineInBackground = refineInBackground
        self.memoryType = memoryType
        self.tags = tags
        self.info = info
    }
}

/// Governance choices of an add: the label asked for and whom the memories are about.
public struct AddGovernance: Sendable {
    /// nil: the policy's default label.
    public var label: String?
    /// nil: the writer's username. Naming someone else needs `subjects.name`.
    public var subject: String?

    public init(label: String? = nil, subject: String? = nil) {
        self.label = label
        self.subject = subject
    }
}

/// What an add stored, and the background refinement it queued, if any.
public struct AddOutcome: Sendable {
    public let memories: [MemoryView]
    public let refinement: RefinementTask?
}

/// A document to chunk into memories.
public struct DocumentInput: Sendable {
    public var text: String
    public var title: String?
    /// Provenance: which document the chunks came from (defaults to a new id).
    public var documentID: String?
    public var tags: [String]
    public var info: [String: JSONValue]

    public init(text: String, title: String?, documentID: String?, tags: [String], info: [String: JSONValue]) {
        self.text = text
        self.title = title
        self.documentID = documentID
        self.tags = tags
        self.info = info
    }
}

/// A partial change to a memory; nil fields stay as they are.
public struct MemoryPatch: Sendable {
    public var text: String?
    public var key: String??
    public var tags: [String]?
    public var memoryType: MemoryType?
    public var background: String??
    public var confidence: Double??
    public var info: [String: JSONValue]?
    /// A new requested label; lowering one needs `labels.lower` and a justification.
    public var label: String?
    /// Why a label is lowered (recorded in the audit trail).
    public var justification: String?

    public init(
        text: String? = nil, key: String?? = nil, tags: [String]? = nil, memoryType: MemoryType? = nil,
        background: String?? = nil, confidence: Double?? = nil, info: [String: JSONValue]? = nil,
        label: String? = nil, justification: String? = nil
    ) {
        self.label = label
        self.justification = justification
        self.text = text
        self.key = key
        self.tags = tags
        self.memoryType = memoryType
        self.background = background
        self.confidence = confidence
        self.info = info
    }

    var isEmpty: Bool {
        text == nil && key == nil && tags == nil && memoryType == nil && background == nil && confidence == nil
            && info == nil && label == nil
    }

    func applied(to content: MemoryContent) -> MemoryContent {
        var content = content
        if let text { content.text = text }
        if let key { content.key = key }
        if let tags { content.tags = tags }
        if let memoryType { content.memoryType = memoryType }
        if let background { content.background = background }
        if let confidence { content.confidence = confidence }
        if let info { content.info = info }
        return content
    }
}

/// A memory as returned to a caller, with the cube it lives in.
///
/// `item.content` is what this caller may see: PII above its clearance redacted, and, where
/// policy says so, watermarked.
public struct MemoryView: Sendable {
    public let item: MemoryItem
    public let cube: CubeView
    /// The reported label: max(requested, derived, PII minimum).
    public let label: String
    public let subject: String
}

/// A search hit.
public struct SearchHit: Sendable {
    public let memory: MemoryView
    public let score: Double
}

/// A cube as a caller sees it.
public struct CubeView: Sendable, Hashable {
    public let id: UUID
    public let name: String
    /// `persona`, `persona:<role>`, `team/<name>` or `tenant`, relative to the caller.
    public let subspace: String
    public let createdAt: Date
    /// True when the caller reaches the cube only through a share (cube sharing).
    public var shared: Bool = false
}

/// A page of a listing; `nextCursor` is nil on the last page.
public struct MemoryPage: Sendable {
    public let memories: [MemoryView]
    public let nextCursor: String?
}

/// One entry of a memory's history.
public struct MemoryVersionView: Sendable {
    public let version: Int
    public let state: MemoryState
    public let content: MemoryContent
    public let recordedAt: Date
    public let cube: CubeView
    public let label: String
    public let subject: String
}

/// A memory related to another, as seen from that other memory.
public struct RelatedMemory: Sendable {
    public enum Direction: String, Sendable {
        /// The asked-about memory points at this one.
        case outgoing
        /// This one points at the asked-about memory.
        case incoming
    }

    public let relation: MemoryRelation
    public let direction: Direction
    public let memory: MemoryView
    public let createdAt: Date
}
