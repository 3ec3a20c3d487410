import Foundation
import GRDB

extension SQLiteStore {
    public func memories(tenantID: UUID, subjectHash: String) async throws -> [MemoryRecord] {
        try await read { db in
            try MemoryRecord.filter(Column("tenant_id") == tenantID && Column("subject_hash") == subjectHash)
                .order(Column("id")).fetchAll(db)
        }
    }

    public func eraseMemories(tenantID: UUID, ids: [UUID]) async throws -> ErasureCounts {
        try await write { db in
            var counts = ErasureCounts()
            for chunk in stride(from: 0, to: ids.count, by: 400).map({ Array(ids[$0..<min($0 + 400, ids.count)]) }) {
                let scoped = MemoryRecord.filter(Column("tenant_id") == tenantID && chunk.contains(Column("id")))
                let owned = try scoped.select(Column("id"), as: UUID.self).fetchAll(db)
                guard !owned.isEmpty else { continue }
                counts.versions += try MemoryVersionRecord.filter(owned.contains(Column("memory_id"))).deleteAll(db)
                counts.edges += try MemoryEdgeRecord
                    .filter(Column("tenant_id") == tenantID && (owned.contains(Column("from_id")) || owned.contains(Column("to_id"))))
                    .deleteAll(db)
                counts.usageRecords += try MemoryUsageRecord.filter(owned.contains(Column("memory_id"))).deleteAll(db)
                counts.memories += try scoped.deleteAll(db)
            }
            return counts
        }
    }

    public func memoriesLastWritten(before cutoff: Date, after cursor: UUID?, limit: Int) async throws -> [ExpiredMemory] {
        try await read { db in
            var request = MemoryRecord.filter(Column("updated_at") < cutoff)
            if let cursor { request = request.filter(Column("id") > cursor) }
            return try request.order(Column("id")).limit(limit).fetchAll(db).map {
                ExpiredMemory(
                    tenantID: $0.tenantID, id: $0.id, cubeID: $0.cubeID, label: $0.label, memoryType: $0.memoryType,
                    updatedAt: $0.updatedAt)
            }
        }
    }

    public func compact() async throws {
        do {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.checkpoint(.truncate)
            }
        } catch {
            throw StoreError.unavailable("compaction failed: \(error)")
        }
    }
}
