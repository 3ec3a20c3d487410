import Foundation

/// Persistence for the gateway, behind a protocol so SQLite (the embedded default) and a later
/// PostgreSQL engine are interchangeable.
///
/// Every memory and cube query takes the tenant id as a required argument: no method can name
/// another tenant's rows, so isolation does not depend on callers remembering a `WHERE`.
public protocol GatewayStore: Sendable {
    /// Succeeds when the store can serve reads; readiness probes call it.
    func ping() async throws

    // Tenants and operators
    func createTenant(_ tenant: TenantRecord) async throws
    func tenant(id: UUID) async throws -> TenantRecord?
    func tenant(named name: String) async throws -> TenantRecord?
    func tenants() async throws -> [TenantRecord]
    func createOperator(_ operator: OperatorRecord, key: APIKeyRecord) async throws
    func `operator`(id: UUID) async throws -> OperatorRecord?

    // Users and roles
    func createUser(_ user: UserRecord, roles: [String], key: APIKeyRecord?) async throws
    func user(tenantID: UUID, id: UUID) async throws -> UserRecord?
    func user(tenantID: UUID, username: String) async throws -> UserRecord?
    func users(tenantID: UUID) async throws -> [UserRecord]
    func roles(userID: UUID) async throws -> [String]

    // API keys
    func insertAPIKey(_ key: APIKeyRecord) async throws
    func apiKey(id: String) async throws -> APIKeyRecord?
    func apiKeys(tenantID: UUID, userID: UUID) async throws -> [APIKeyRecord]
    func revokeAPIKey(id: String, tenantID: UUID?, at date: Date) async throws -> Bool

    // Cubes
    func createCube(_ cube: CubeRecord) async throws
    func cube(tenantID: UUID, id: UUID) async throws -> CubeRecord?
    func cubes(tenantID: UUID, subspaces: [String]) async throws -> [CubeRecord]
    func cubes(tenantID: UUID, subspacePrefix: String) async throws -> [CubeRecord]

    // Memories
    func insertMemories(_ memories: [MemoryRecord]) async throws
    func memory(tenantID: UUID, id: UUID) async throws -> MemoryRecord?
    func memories(tenantID: UUID, cubeID: UUID) async throws -> [MemoryRecord]
    func memories(tenantID: UUID, cubeIDs: [UUID], after cursor: UUID?, limit: Int) async throws -> [MemoryRecord]
    func updateMemory(_ memory: MemoryRecord, expectedVersion: Int) async throws
    func history(tenantID: UUID, memoryID: UUID) async throws -> [MemoryVersionRecord]
    /// Replaces a memory's sealed embedding without writing a new version (re-embedding).
    func updateEmbedding(tenantID: UUID, id: UUID, version: Int, embedding: Data, embedder: String) async throws

    // Subjects, erasure and retention
    /// Every current memory of one data subject (by keyed hash).
    func memories(tenantID: UUID, subjectHash: String) async throws -> [MemoryRecord]
    /// Deletes memories with every version, edge and usage record, in one
    /// transaction, and counts what went.
    func eraseMemories(tenantID: UUID, ids: [UUID]) async throws -> ErasureCounts
    /// Memories (of any tenant) last written before `cutoff`, in id order from `cursor`: the
    /// retention sweeper's candidates, carrying label and type for its rules.
    func memoriesLastWritten(before cutoff: Date, after cursor: UUID?, limit: Int) async throws -> [ExpiredMemory]
    /// Returns freed pages to the file system and empties the WAL, so erased bytes do not
    /// linger in either (secure_delete already zeroes freed pages).
    func compact() async throws

    // Usage
    /// Adds retrieval counts; increments for memories deleted meanwhile are dropped.
    func recordUsage(_ increments: [MemoryUsageRecord]) async throws
    func usage(tenantID: UUID, memoryID: UUID) async throws -> [MemoryUsageRecord]

    // Graph
    /// Inserts memories and edges in one transaction (a conversation and its `follows` links).
    func insertMemories(_ memories: [MemoryRecord], edges: [MemoryEdgeRecord]) async throws
    func insertEdges(_ edges: [MemoryEdgeRecord]) async throws
    /// Edges touching a memory, in either direction.
    func edges(tenantID: UUID, memoryID: UUID) async throws -> [MemoryEdgeRecord]
    /// Edges with at least one end in a cube, for the cube's in-memory graph.
    func edges(tenantID: UUID, cubeID: UUID) async throws -> [MemoryEdgeRecord]
    /// Writes several new versions (and edges) atomically: a merge changes two memories at once.
    func commitVersions(_ updates: [(record: MemoryRecord, expectedVersion: Int)], inserts: [MemoryRecord], edges: [MemoryEdgeRecord])
        async throws
}
