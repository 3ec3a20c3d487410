import Foundation
import GRDB

extension SQLiteStore: SchedulerStore {
    public func saveActivationPrefix(_ record: ActivationPrefixRecord) async throws {
        try await write { db in try record.save(db) }
    }

    public func activationPrefix(tenantID: UUID, userID: UUID, role: String) async throws -> ActivationPrefixRecord? {
        try await read { db in
            try ActivationPrefixRecord.filter(
                Column("tenant_id") == tenantID && Column("user_id") == userID && Column("role") == role
            ).fetchOne(db)
        }
    }

    public func activationPrefixes(tenantID: UUID) async throws -> [ActivationPrefixRecord] {
        try await read { db in
            try ActivationPrefixRecord.filter(Column("tenant_id") == tenantID).fetchAll(db)
        }
    }

    public func deleteActivationPrefixes(tenantID: UUID, containingAny memoryIDs: Set<UUID>) async throws -> [PersonaKey] {
        guard !memoryIDs.isEmpty else { return [] }
        return try await write { db in
            var deleted: [PersonaKey] = []
            for record in try ActivationPrefixRecord.filter(Column("tenant_id") == tenantID).fetchAll(db)
            where !memoryIDs.isDisjoint(with: record.memoryIDList) {
                try ActivationPrefixRecord.filter(
                    Column("tenant_id") == tenantID && Column("user_id") == record.userID && Column("role") == record.role
                ).deleteAll(db)
                deleted.append(PersonaKey(userID: record.userID, role: record.role))
            }
            return deleted
        }
    }

    @discardableResult
    public func deleteActivationPrefix(tenantID: UUID, userID: UUID, role: String) async throws -> Bool {
        try await write { db in
            try ActivationPrefixRecord.filter(
                Column("tenant_id") == tenantID && Column("user_id") == userID && Column("role") == role
            ).deleteAll(db) > 0
        }
    }

    public func hotMemories(tenantID: UUID, userID: UUID, role: String, minimumCount: Int, limit: Int) async throws
        -> [MemoryUsageRecord]
    {
        try await read { db in
            try MemoryUsageRecord.filter(
                Column("tenant_id") == tenantID && Column("user_id") == userID && Column("role") == role
                    && Column("count") >= minimumCount
            ).order(Column("count").desc, Column("last_retrieved_at").desc, Column("memory_id")).limit(limit).fetchAll(db)
        }
    }

    public func personasWithUsage(tenantID: UUID) async throws -> [PersonaKey] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT user_id, role FROM memory_usage WHERE tenant_id = ? ORDER BY user_id, role",
                arguments: [tenantID]
            ).map { PersonaKey(userID: $0["user_id"], role: $0["role"]) }
        }
    }

    public func frequentlyRetrieved(tenantID: UUID, states: [String], minimumCount: Int, limit: Int) async throws
        -> [MemoryRecord]
    {
        guard !states.isEmpty else { return [] }
        return try await read { db in
            let marks = databaseQuestionMarks(count: states.count)
            return try MemoryRecord.fetchAll(
                db,
                sql: """
                    SELECT m.* FROM memories m
                    JOIN (SELECT memory_id, SUM(count) AS total FROM memory_usage WHERE tenant_id = ? GROUP BY memory_id) u
                      ON u.memory_id = m.id
                    WHERE m.tenant_id = ? AND m.state IN (\(marks)) AND u.total >= ?
                    ORDER BY u.total DESC, m.id LIMIT ?
                    """,
                arguments: StatementArguments([tenantID, tenantID] as [any DatabaseValueConvertible])
                    + StatementArguments(states) + StatementArguments([minimumCount, limit]))
        }
    }

    public func unusedMemories(tenantID: UUID, states: [String], excludedTypes: [String], before cutoff: Date, limit: Int)
        async throws -> [MemoryRecord]
    {
        guard !states.isEmpty else { return [] }
        return try await read { db in
            let stateMarks = databaseQuestionMarks(count: states.count)
            let typeClause =
                excludedTypes.isEmpty
                ? "" : "AND (m.memory_type IS NULL OR m.memory_type NOT IN (\(databaseQuestionMarks(count: excludedTypes.count))))"
            return try MemoryRecord.fetchAll(
                db,
                sql: """
                    SELECT m.* FROM memories m
                    WHERE m.tenant_id = ? AND m.state IN (\(stateMarks)) \(typeClause) AND m.updated_at < ?
                      AND NOT EXISTS (SELECT 1 FROM memory_usage u WHERE u.memory_id = m.id AND u.last_retrieved_at >= ?)
                    ORDER BY m.id LIMIT ?
                    """,
                arguments: StatementArguments([tenantID]) + StatementArguments(states) + StatementArguments(excludedTypes)
                    + StatementArguments([cutoff, cutoff] as [any DatabaseValueConvertible]) + StatementArguments([limit]))
        }
    }

    public func memories(tenantID: UUID, ids: [UUID]) async throws -> [MemoryRecord] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            var rows: [MemoryRecord] = []
            for start in stride(from: 0, to: ids.count, by: 400) {
                let chunk = Array(ids[start..<min(start + 400, ids.count)])
                rows += try MemoryRecord.filter(Column("tenant_id") == tenantID && chunk.contains(Column("id"))).fetchAll(db)
            }
            return rows
        }
    }

    public func adjacentMemoryIDs(tenantID: UUID, cubeID: UUID, around id: UUID, count: Int) async throws -> [UUID] {
        guard count > 0 else { return [] }
        return try await read { db in
            let scope = MemoryRecord.filter(Column("tenant_id") == tenantID && Column("cube_id") == cubeID)
            let before = try scope.filter(Column("id") < id).order(Column("id").desc).select(Column("id"), as: UUID.self)
                .limit(count).fetchAll(db)
            let after = try scope.filter(Column("id") > id).order(Column("id")).select(Column("id"), as: UUID.self)
                .limit(count).fetchAll(db)
            var merged: [UUID] = []
            for index in 0..<count {
                if index < after.count { merged.append(after[index]) }
                if index < before.count { merged.append(before[index]) }
            }
            return merged
        }
    }

    public func staleEmbeddingCount(tenantID: UUID, embedder: String) async throws -> Int {
        try await read { db in
            try MemoryRecord.filter(Column("tenant_id") == tenantID && (Column("embedder") == nil || Column("embedder") != embedder))
                .fetchCount(db)
        }
    }

    public func staleEmbeddings(tenantID: UUID, embedder: String, after cursor: UUID?, limit: Int) async throws
        -> [MemoryRecord]
    {
        try await read { db in
            var request = MemoryRecord.filter(
                Column("tenant_id") == tenantID && (Column("embedder") == nil || Column("embedder") != embedder))
            if let cursor { request = request.filter(Column("id") > cursor) }
            return try request.order(Column("id")).limit(limit).fetchAll(db)
        }
    }
}
