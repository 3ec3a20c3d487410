import Foundation
import MemOSCore

/// A persona's activation memory: its hottest memories composed into one stable prefix that an
/// inference backend can keep in its KV cache. The id is the SHA-256 of the exact text, so a
/// backend (and a stored KV snapshot) can tell whether its cache still matches.
public struct ActivationPrefix: Sendable, Hashable {
    public let id: String
    /// Unmarked text, for the model only; callers get it watermarked.
    public let text: String
    public let memoryIDs: [UUID]
    public let builtAt: Date

    public init(id: String, text: String, memoryIDs: [UUID], builtAt: Date) {
        self.id = id
        self.text = text
        self.memoryIDs = memoryIDs
        self.builtAt = builtAt
    }
}

/// The MemScheduler: background tasks, working memory per session, next-scene preloading and
/// activation memory. (Scaffolding: filled in by the scheduler work of issue 7.)
public final class MemScheduler: Sendable {
    let memories: MemoryService

    init(memories: MemoryService) {
        self.memories = memories
    }

    /// The acting persona's activation prefix, or nil when it has none yet.
    public func activation(_ caller: MemoryCaller) async throws -> ActivationPrefix? {
        nil
    }

    /// The session's working memory for the acting persona, most relevant first.
    public func workingMemory(_ caller: MemoryCaller, session: String) async throws -> [MemoryView] {
        []
    }

    /// Tells the scheduler what was said in a session, so it can predict and preload the next scene.
    public func noteTurn(_ caller: MemoryCaller, session: String, text: String) async {
    }
}
