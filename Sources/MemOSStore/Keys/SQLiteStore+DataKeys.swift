import Foundation
import GRDB

extension SQLiteStore: DataKeyStore {
    public func dataKey(tenantID: UUID?, kind: String, scope: String) async throws -> DataKeyRecord? {
        try await read { db in try Self.dataKey(db, tenantID: tenantID, kind: kind, scope: scope) }
    }

    public func dataKey(id: String) async throws -> DataKeyRecord? {
        try await read { db in try DataKeyRecord.fetchOne(db, key: id) }
    }

    public func insertDataKeyIfAbsent(_ record: DataKeyRecord) async throws -> DataKeyRecord {
        try await write { db in
            // System keys have no tenant, and SQLite's unique index treats NULLs as distinct,
            // so the check is explicit (inside the one write transaction).
            if let existing = try Self.dataKey(db, tenantID: record.tenantID, kind: record.kind, scope: record.scope) {
                return existing
            }
            try record.insert(db)
            return record
        }
    }

    public func deleteDataKeys(tenantID: UUID, kind: String, scope: String) async throws -> Int {
        try await write { db in
            try DataKeyRecord
                .filter(DataKeyRecord.Columns.tenantID == tenantID && DataKeyRecord.Columns.kind == kind
                    && DataKeyRecord.Columns.scope == scope)
                .deleteAll(db)
        }
    }

    public func allDataKeys() async throws -> [DataKeyRecord] {
        try await read { db in try DataKeyRecord.fetchAll(db) }
    }

    public func rewrapDataKeys(_ updates: [(id: String, wrapped: Data, kekID: String)]) async throws {
        let rows = updates.map { ($0.id, $0.wrapped, $0.kekID) }
        try await write { db in
            for (id, wrapped, kekID) in rows {
                try db.execute(
                    sql: "UPDATE data_keys SET wrapped = ?, kek_id = ? WHERE id = ?", arguments: [wrapped, kekID, id])
            }
        }
    }

    private static func dataKey(_ db: Database, tenantID: UUID?, kind: String, scope: String) throws -> DataKeyRecord? {
        var request = DataKeyRecord.filter(DataKeyRecord.Columns.kind == kind && DataKeyRecord.Columns.scope == scope)
        request =
            if let tenantID { request.filter(DataKeyRecord.Columns.tenantID == tenantID) } else {
                request.filter(DataKeyRecord.Columns.tenantID == nil)
            }
        return try request.fetchOne(db)
    }
}
