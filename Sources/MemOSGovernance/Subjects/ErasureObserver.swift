import Foundation

/// What was erased, as told to the holders of data derived from memories (activation prefixes,
/// adapter artifacts, MemStore caches), so erasure reaches them too.
public struct MemoryErasure: Sendable {
    public let tenantID: UUID
    /// The subject's keyed hash when a data subject is erased; nil for retention and tenant deletion.
    public let subjectHash: String?
    /// The memories just deleted.
    public let memoryIDs: Set<UUID>

    public init(tenantID: UUID, subjectHash: String?, memoryIDs: Set<UUID>) {
        self.tenantID = tenantID
        self.subjectHash = subjectHash
        self.memoryIDs = memoryIDs
    }
}

/// One derived store's part of an erasure, reported in the signed receipt.
public struct DerivedErasure: Sendable, Codable, Hashable {
    /// An item that could not be removed and was flagged instead, with the reason.
    public struct Flag: Sendable, Codable, Hashable {
        public let id: String
        public let reason: String

        public init(id: String, reason: String) {
            self.id = id
            self.reason = reason
        }
    }

    /// e.g. `sqlite:artifacts(parametric)` or `memory:activation-prefixes`.
    public let store: String
    public let method: String
    public let erased: Int
    public let flagged: [Flag]

    public init(store: String, method: String, erased: Int, flagged: [Flag] = []) {
        self.store = store
        self.method = method
        self.erased = erased
        self.flagged = flagged
    }
}

/// A holder of data derived from memories. Observers run after the memories' rows are deleted
/// and before the subject key is destroyed and the receipt signed; a throw fails the erasure
/// request (the memories stay deleted; retrying erases the rest).
public protocol ErasureObserver: Sendable {
    func memoriesErased(_ erasure: MemoryErasure) async throws -> [DerivedErasure]
}
