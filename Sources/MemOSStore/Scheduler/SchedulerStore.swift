import Foundation

/// What the store keeps and answers for the scheduler: activation prefixes, and the usage and
/// lifecycle queries behind promotion, demotion, preloading and re-embedding.
///
/// Every method takes the tenant id: no call can reach another tenant's rows.
public protocol SchedulerStore: Sendable {
    // Activation prefixes
    /// Inserts or replaces the persona's prefix.
    func saveActivationPrefix(_ record: ActivationPrefixRecord) async throws
    func activationPrefix(tenantID: UUID, userID: UUID, role: String) async throws -> ActivationPrefixRecord?
    func activationPrefixes(tenantID: UUID) async throws -> [ActivationPrefixRecord]
    /// Deletes the tenant's prefixes holding any of `memoryIDs`; returns the personas affected.
    func deleteActivationPrefixes(tenantID: UUID, containingAny memoryIDs: Set<UUID>) async throws -> [PersonaKey]
    /// Deletes one persona's prefix; returns whether one existed.
    @discardableResult
    func deleteActivationPrefix(tenantID: UUID, userID: UUID, role: String) async throws -> Bool

    // Usage
    /// The persona's most retrieved memories (at least `minimumCount` retrievals), most first.
    func hotMemories(tenantID: UUID, userID: UUID, role: String, minimumCount: Int, limit: Int) async throws
        -> [MemoryUsageRecord]
    /// Every (user, role) with retrieval counts in the tenant.
    func personasWithUsage(tenantID: UUID) async throws -> [PersonaKey]

    // Lifecycle
    /// Current memories in `states` retrieved at least `minimumCount` times in total.
    func frequentlyRetrieved(tenantID: UUID, states: [String], minimumCount: Int, limit: Int) async throws -> [MemoryRecord]
    /// Current memories in `states`, of none of `excludedTypes`, last written before `cutoff`
    /// and not retrieved since `cutoff`: the ones that drift to Archived.
    func unusedMemories(tenantID: UUID, states: [String], excludedTypes: [String], before cutoff: Date, limit: Int)
        async throws -> [MemoryRecord]

    // Reading by id and neighbourhood
    func memories(tenantID: UUID, ids: [UUID]) async throws -> [MemoryRecord]
    /// Ids of the memories written just before and just after `id` in its cube (UUIDv7 order is
    /// creation order), nearest first.
    func adjacentMemoryIDs(tenantID: UUID, cubeID: UUID, around id: UUID, count: Int) async throws -> [UUID]

    // Re-embedding
    /// How many memories carry no embedding or one made by another embedder.
    func staleEmbeddingCount(tenantID: UUID, embedder: String) async throws -> Int
    /// The next batch of them, in id order after `cursor`.
    func staleEmbeddings(tenantID: UUID, embedder: String, after cursor: UUID?, limit: Int) async throws -> [MemoryRecord]
}
