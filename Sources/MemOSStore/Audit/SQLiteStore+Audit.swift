import Foundation
import GRDB

extension SQLiteStore: AuditStore {
    public func appendAuditRecord(
        tenantKey: String, syncToDisk: Bool, build: @escaping @Sendable (AuditChainHead?) throws -> AuditAppend
    ) async throws -> AuditRow {
        try await write(syncToDisk: syncToDisk) { db in
            let head = try Self.auditHead(db, tenantKey: tenantKey)
            let append = try build(head)
            let record = append.record
            // The builder is trusted, but a broken chain must never be written, whatever it returns.
            guard record.tenantKey == tenantKey, record.seq == (head?.seq ?? 0) + 1 else {
                throw StoreError.conflict("audit record \(record.seq) does not continue chain \(tenantKey)")
            }
            try record.insert(db)
            var timeMillis = record.timeMillis
            if let checkpoint = append.checkpoint {
                guard checkpoint.tenantKey == tenantKey, checkpoint.seq == record.seq else {
                    throw StoreError.conflict("audit checkpoint does not cover record \(record.seq)")
                }
                try checkpoint.insert(db)
                timeMillis = max(timeMillis, checkpoint.timeMillis)
            }
            try Self.setAuditHead(
                db, tenantKey: tenantKey, head: AuditChainHead(seq: record.seq, hash: record.hash, timeMillis: timeMillis))
            return record
        }
    }

    public func appendAuditCheckpoint(
        tenantKey: String, build: @escaping @Sendable (AuditChainHead) throws -> AuditCheckpointRow
    ) async throws -> AuditCheckpointRow? {
        try await write { db in
            guard var head = try Self.auditHead(db, tenantKey: tenantKey) else { return nil }
            var checkpoint = try build(head)
            guard checkpoint.tenantKey == tenantKey, checkpoint.seq == head.seq else {
                throw StoreError.conflict("audit checkpoint does not cover the head of chain \(tenantKey)")
            }
            try checkpoint.insert(db)
            checkpoint.id = db.lastInsertedRowID
            head.timeMillis = max(head.timeMillis, checkpoint.timeMillis)
            try Self.setAuditHead(db, tenantKey: tenantKey, head: head)
            return checkpoint
        }
    }

    public func auditHead(tenantKey: String) async throws -> AuditChainHead? {
        try await read { db in try Self.auditHead(db, tenantKey: tenantKey) }
    }

    public func auditTenantKeys() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT tenant_key FROM audit_heads ORDER BY tenant_key")
        }
    }

    public func auditSeqBounds(tenantKey: String, fromMillis: Int64?, toMillis: Int64?) async throws -> AuditSeqBounds {
        try await read { db in
            // Times never decrease along a chain, so a time window is a contiguous seq range.
            let first = try Int64.fetchOne(
                db, sql: "SELECT min(seq) FROM audit_records WHERE tenant_key = ? AND time_ms >= ?",
                arguments: [tenantKey, fromMillis ?? Int64.min])
            let last = try Int64.fetchOne(
                db, sql: "SELECT max(seq) FROM audit_records WHERE tenant_key = ? AND time_ms <= ?",
                arguments: [tenantKey, toMillis ?? Int64.max])
            let lastHash = try last.flatMap { seq in
                try String.fetchOne(
                    db, sql: "SELECT hash FROM audit_records WHERE tenant_key = ? AND seq = ?",
                    arguments: [tenantKey, seq])
            }
            return AuditSeqBounds(first: first, last: last, lastHash: lastHash)
        }
    }

    public func auditRecords(tenantKey: String, afterSeq: Int64, throughSeq: Int64, limit: Int) async throws
        -> [AuditRow]
    {
        try await read { db in
            try AuditRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_records WHERE tenant_key = ? AND seq > ? AND seq <= ?
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [tenantKey, afterSeq, throughSeq, limit])
        }
    }

    public func auditCheckpoints(
        tenantKey: String, afterID: Int64, throughSeq: Int64, fromMillis: Int64?, toMillis: Int64?, limit: Int
    ) async throws -> [AuditCheckpointRow] {
        try await read { db in
            try AuditCheckpointRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_checkpoints
                    WHERE tenant_key = ? AND id > ? AND seq <= ? AND time_ms >= ? AND time_ms <= ?
                    ORDER BY id LIMIT ?
                    """,
                arguments: [tenantKey, afterID, throughSeq, fromMillis ?? Int64.min, toMillis ?? Int64.max, limit])
        }
    }

    public func lastAuditCheckpoint(tenantKey: String) async throws -> AuditCheckpointRow? {
        try await read { db in
            try AuditCheckpointRow.fetchOne(
                db, sql: "SELECT * FROM audit_checkpoints WHERE tenant_key = ? ORDER BY id DESC LIMIT 1",
                arguments: [tenantKey])
        }
    }

    public func auditRecord(mark: String) async throws -> AuditRow? {
        try await read { db in
            try AuditRow.fetchOne(
                db, sql: "SELECT * FROM audit_records WHERE mark = ? ORDER BY time_ms LIMIT 1", arguments: [mark])
        }
    }

    public func auditRecords(tenantKey: String, mentioning resource: String, limit: Int) async throws -> [AuditRow] {
        try await read { db in
            try AuditRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_records WHERE tenant_key = ? AND instr(body, '"' || ? || '"') > 0
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [tenantKey, resource, limit])
        }
    }

    private static func auditHead(_ db: Database, tenantKey: String) throws -> AuditChainHead? {
        try Row.fetchOne(db, sql: "SELECT seq, hash, time_ms FROM audit_heads WHERE tenant_key = ?", arguments: [tenantKey])
            .map { row in AuditChainHead(seq: row["seq"], hash: row["hash"], timeMillis: row["time_ms"]) }
    }

    private static func setAuditHead(_ db: Database, tenantKey: String, head: AuditChainHead) throws {
        try db.execute(
            sql: """
                INSERT INTO audit_heads (tenant_key, seq, hash, time_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_key) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, time_ms = excluded.time_ms
                """,
            arguments: [tenantKey, head.seq, head.hash, head.timeMillis])
    }
}
