import Foundation

/// One memory as the rest of the system sees it: content plus identity, cube and lifecycle.
///
/// The core deliberately knows nothing of tenants or owners; those ride alongside in the store
/// and governance layers, so the memory model stays usable on its own.
public struct MemoryItem: Sendable, Hashable, Identifiable {
    public var id: UUID
    public var cubeID: UUID
    public var content: MemoryContent
    public var state: MemoryState
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, cubeID: UUID, content: MemoryContent, state: MemoryState = .activated,
        version: Int = 1, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.cubeID = cubeID
        self.content = content
        self.state = state
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var text: String { content.text }
}
