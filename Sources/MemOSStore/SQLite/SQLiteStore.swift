import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode behind a GRDB `DatabasePool`, so
/// reads run concurrently with the single writer, and a crash never loses a committed write.
public final class SQLiteStore: GatewayStore {
    let pool: DatabasePool

    /// Opens (creating if needed) the database and migrates it to the current schema.
    ///
    /// `busyTimeout` lets a second process (the admin CLI) share the file with a running gateway.
    /// `maximumReaders` bounds the pool's reading connections (two file descriptors each).
    public init(path: String, busyTimeout: TimeInterval = 5, maximumReaders: Int = 5) throws {
        var configuration = Configuration()
        configuration.maximumReaderCount = max(1, maximumReaders)
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Deleted memory text must not linger in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        // Created owner-only before SQLite opens it: it holds credential hashes and sealed memories.
        // SQLite gives the -wal and -shm files the same mode.
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError.unavailable("cannot open database at \(path): \(error)")
        }
    }

    /// Runs a write transaction, translating database failures into `StoreError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.conflict(error.message ?? "constraint violated")
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    /// A write transaction whose commit may skip the fsync (`syncToDisk: false`): SQLite's NORMAL
    /// sync in WAL mode, durable across process crashes; the next synced commit syncs it too.
    func write<T: Sendable>(syncToDisk: Bool, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !syncToDisk else { return try await write(body) }
        do {
            return try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError.unavailable("transaction produced no result") }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.conflict(error.message ?? "constraint violated")
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    public func ping() async throws {
        try await read { db in try db.execute(sql: "SELECT 1 FROM tenants LIMIT 1") }
    }

    // MARK: Tenants and operators

    public func createTenant(_ tenant: TenantRecord) async throws {
        try await write { db in try tenant.insert(db) }
    }

    public func tenant(id: UUID) async throws -> TenantRecord? {
        try await read { db in try TenantRecord.fetchOne(db, key: id) }
    }

    public func tenant(named name: String) async throws -> TenantRecord? {
        try await read { db in try TenantRecord.filter(Column("name") == name).fetchOne(db) }
    }

    public func tenants() async throws -> [TenantRecord] {
        try await read { db in try TenantRecord.order(Column("name")).fetchAll(db) }
    }

    public func createOperator(_ operator: OperatorRecord, key: APIKeyRecord) async throws {
        try await write { db in
            try `operator`.insert(db)
            try key.insert(db)
        }
    }

    public func `operator`(id: UUID) async throws -> OperatorRecord? {
        try await read { db in try OperatorRecord.fetchOne(db, key: id) }
    }

    // MARK: Users

    public func createUser(_ user: UserRecord, roles: [String], key: APIKeyRecord?) async throws {
        try await write { db in
            try user.insert(db)
            for role in Set(roles) {
                try RoleBindingRecord(userID: user.id, role: role).insert(db)
            }
            try key?.insert(db)
        }
    }

    public func user(tenantID: UUID, id: UUID) async throws -> UserRecord? {
        try await read { db in
            try UserRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).fetchOne(db)
        }
    }

    public func user(tenantID: UUID, username: String) async throws -> UserRecord? {
        try await read { db in
            try UserRecord.filter(Column("tenant_id") == tenantID && Column("username") == username).fetchOne(db)
        }
    }

    public func users(tenantID: UUID) async throws -> [UserRecord] {
        try await read { db in
            try UserRecord.filter(Column("tenant_id") == tenantID).order(Column("username")).fetchAll(db)
        }
    }

    public func roles(userID: UUID) async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT role FROM role_bindings WHERE user_id = ? ORDER BY role", arguments: [userID])
        }
    }

    // MARK: API keys

    public func insertAPIKey(_ key: APIKeyRecord) async throws {
        try await write { db in try key.insert(db) }
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await read { db in try APIKeyRecord.fetchOne(db, key: id) }
    }

    public func apiKeys(tenantID: UUID, userID: UUID) async throws -> [APIKeyRecord] {
        try await read { db in
            try APIKeyRecord.filter(Column("tenant_id") == tenantID && Column("user_id") == userID)
                .order(Column("created_at")).fetchAll(db)
        }
    }

    public func revokeAPIKey(id: String, tenantID: UUID?, at date: Date) async throws -> Bool {
        try await write { db in
            var request = APIKeyRecord.filter(Column("id") == id && Column("revoked_at") == nil)
            if let tenantID {
                request = request.filter(Column("tenant_id") == tenantID)
            }
            return try request.updateAll(db, Column("revoked_at").set(to: date)) > 0
        }
    }

    // MARK: Cubes

    public func createCube(_ cube: CubeRecord) async throws {
        try await write { db in try cube.insert(db) }
    }

    public func cube(tenantID: UUID, id: UUID) async throws -> CubeRecord? {
        try await read { db in
            try CubeRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).fetchOne(db)
        }
    }

    public func cubes(tenantID: UUID, subspaces: [String]) async throws -> [CubeRecord] {
        try await read { db in
            try CubeRecord.filter(Column("tenant_id") == tenantID && subspaces.contains(Column("subspace")))
                .order(Column("subspace"), Column("name")).fetchAll(db)
        }
    }

    public func cubes(tenantID: UUID, subspacePrefix: String) async throws -> [CubeRecord] {
        try await read { db in
            try CubeRecord.filter(Column("tenant_id") == tenantID && Column("subspace").like("\(subspacePrefix)%"))
                .order(Column("subspace"), Column("name")).fetchAll(db)
        }
    }

    // MARK: Memories

    public func insertMemories(_ memories: [MemoryRecord]) async throws {
        try await insertMemories(memories, edges: [])
    }

    public func insertMemories(_ memories: [MemoryRecord], edges: [MemoryEdgeRecord]) async throws {
        try await commitVersions([], inserts: memories, edges: edges)
    }

    public func commitVersions(
        _ updates: [(record: MemoryRecord, expectedVersion: Int)], inserts: [MemoryRecord], edges: [MemoryEdgeRecord]
    ) async throws {
        try await write { db in
            for memory in inserts {
                try memory.insert(db)
                try MemoryVersionRecord(snapshotOf: memory).insert(db)
            }
            for (record, expectedVersion) in updates {
                try Self.update(record, expectedVersion: expectedVersion, in: db)
            }
            for edge in edges {
                try edge.insert(db)
            }
        }
    }

    public func insertEdges(_ edges: [MemoryEdgeRecord]) async throws {
        try await write { db in
            for edge in edges {
                // Both ends must belong to the edge's tenant; the foreign keys alone would not say so.
                let ends = try MemoryRecord.filter(
                    Column("tenant_id") == edge.tenantID && [edge.fromID, edge.toID].contains(Column("id"))
                ).fetchCount(db)
                guard ends == (edge.fromID == edge.toID ? 1 : 2) else {
                    throw StoreError.notFound("memory for edge \(edge.id)")
                }
                try edge.insert(db)
            }
        }
    }

    public func recordUsage(_ increments: [MemoryUsageRecord]) async throws {
        try await write { db in
            // INSERT ... SELECT FROM memories: a memory deleted meanwhile simply inserts nothing.
            for increment in increments {
                try db.execute(
                        sql: """
                            INSERT INTO memory_usage (memory_id, tenant_id, user_id, role, count, last_retrieved_at)
                            SELECT id, tenant_id, ?, ?, ?, ? FROM memories WHERE id = ? AND tenant_id = ?
                            ON CONFLICT (memory_id, user_id, role) DO UPDATE SET
                              count = count + excluded.count,
                              last_retrieved_at = max(last_retrieved_at, excluded.last_retrieved_at)
                            """,
                        arguments: [
                            increment.userID, increment.role, increment.count, increment.lastRetrievedAt,
                            increment.memoryID, increment.tenantID,
                        ])
            }
        }
    }

    public func usage(tenantID: UUID, memoryID: UUID) async throws -> [MemoryUsageRecord] {
        try await read { db in
            try MemoryUsageRecord.filter(Column("tenant_id") == tenantID && Column("memory_id") == memoryID)
                .order(Column("last_retrieved_at").desc).fetchAll(db)
        }
    }

    public func edges(tenantID: UUID, memoryID: UUID) async throws -> [MemoryEdgeRecord] {
        try await read { db in
            try MemoryEdgeRecord.filter(
                Column("tenant_id") == tenantID && (Column("from_id") == memoryID || Column("to_id") == memoryID)
            ).order(Column("created_at")).fetchAll(db)
        }
    }

    public func edges(tenantID: UUID, cubeID: UUID) async throws -> [MemoryEdgeRecord] {
        try await read { db in
            try MemoryEdgeRecord.fetchAll(
                db,
                sql: """
                    SELECT e.* FROM memory_edges e
                    WHERE e.tenant_id = ?1 AND (
                      e.from_id IN (SELECT id FROM memories WHERE tenant_id = ?1 AND cube_id = ?2)
                      OR e.to_id IN (SELECT id FROM memories WHERE tenant_id = ?1 AND cube_id = ?2))
                    """,
                arguments: [tenantID, cubeID])
        }
    }

    public func updateEmbedding(tenantID: UUID, id: UUID, version: Int, embedding: Data, embedder: String) async throws {
        try await write { db in
            _ = try MemoryRecord.filter(Column("tenant_id") == tenantID && Column("id") == id && Column("version") == version)
                .updateAll(db, Column("embedding").set(to: embedding), Column("embedder").set(to: embedder))
        }
    }

    public func memory(tenantID: UUID, id: UUID) async throws -> MemoryRecord? {
        try await read { db in
            try MemoryRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).fetchOne(db)
        }
    }

    public func memories(tenantID: UUID, cubeID: UUID) async throws -> [MemoryRecord] {
        try await read { db in
            try MemoryRecord.filter(Column("tenant_id") == tenantID && Column("cube_id") == cubeID).fetchAll(db)
        }
    }

    public func memories(tenantID: UUID, cubeIDs: [UUID], after cursor: UUID?, limit: Int) async throws
        -> [MemoryRecord]
    {
        try await read { db in
            var request = MemoryRecord.filter(Column("tenant_id") == tenantID && cubeIDs.contains(Column("cube_id")))
            if let cursor {
                request = request.filter(Column("id") > cursor)
            }
            return try request.order(Column("id")).limit(limit).fetchAll(db)
        }
    }

    public func updateMemory(_ memory: MemoryRecord, expectedVersion: Int) async throws {
        try await write { db in try Self.update(memory, expectedVersion: expectedVersion, in: db) }
    }

    /// Optimistic concurrency: the write lands only on the version the writer read.
    private static func update(_ memory: MemoryRecord, expectedVersion: Int, in db: Database) throws {
        guard
            let current = try MemoryRecord.filter(Column("tenant_id") == memory.tenantID && Column("id") == memory.id)
                .fetchOne(db)
        else {
            throw StoreError.notFound("memory \(memory.id)")
        }
        guard current.version == expectedVersion else {
            throw StoreError.versionMismatch(expected: expectedVersion, actual: current.version)
        }
        try memory.update(db)
        try MemoryVersionRecord(snapshotOf: memory).insert(db)
    }

    public func history(tenantID: UUID, memoryID: UUID) async throws -> [MemoryVersionRecord] {
        try await read { db in
            try MemoryVersionRecord.filter(Column("tenant_id") == tenantID && Column("memory_id") == memoryID)
                .order(Column("version")).fetchAll(db)
        }
    }
}
