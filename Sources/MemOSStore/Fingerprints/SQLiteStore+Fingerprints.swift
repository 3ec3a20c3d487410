import Foundation
import GRDB

extension SQLiteStore: FingerprintStore {
    /// SQLite's historical limit on bound parameters per statement is 999; stay well below it.
    static let fingerprintChunk = 500

    public func replaceFingerprints(tenantID: UUID, memoryID: UUID, version: Int, hashes: [Int64]) async throws {
        let unique = Array(Set(hashes))
        try await write { db in
            try db.execute(
                sql: "DELETE FROM memory_fingerprints WHERE tenant_id = ? AND memory_id = ? AND version = ?",
                arguments: [tenantID, memoryID, version])
            let statement = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO memory_fingerprints (tenant_id, hash, memory_id, version) VALUES (?, ?, ?, ?)")
            for hash in unique {
                try statement.execute(arguments: [tenantID, hash, memoryID, version])
            }
        }
    }

    public func replaceFingerprints(tenantID: UUID, entries: [FingerprintEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await write { db in
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM memories WHERE tenant_id = ? AND id = ?")
            let delete = try db.cachedStatement(
                sql: "DELETE FROM memory_fingerprints WHERE tenant_id = ? AND memory_id = ? AND version = ?")
            let insert = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO memory_fingerprints (tenant_id, hash, memory_id, version) VALUES (?, ?, ?, ?)")
            for entry in entries {
                guard try Int.fetchOne(exists, arguments: [tenantID, entry.memoryID]) != nil else { continue }
                try delete.execute(arguments: [tenantID, entry.memoryID, entry.version])
                for hash in Set(entry.hashes) {
                    try insert.execute(arguments: [tenantID, hash, entry.memoryID, entry.version])
                }
            }
        }
    }

    public func fingerprintMatches(tenantID: UUID?, hashes: [Int64]) async throws -> [FingerprintMatch] {
        let unique = Array(Set(hashes))
        guard !unique.isEmpty else { return [] }
        // One parameter goes to the tenant when there is one.
        let chunkSize = Self.fingerprintChunk - (tenantID == nil ? 0 : 1)
        return try await read { db in
            var counts: [MatchKey: Int] = [:]
            for start in stride(from: 0, to: unique.count, by: chunkSize) {
                let chunk = unique[start..<min(start + chunkSize, unique.count)]
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                var arguments = StatementArguments()
                var sql = "SELECT tenant_id, memory_id, version, COUNT(*) AS matched FROM memory_fingerprints WHERE "
                if let tenantID {
                    sql += "tenant_id = ? AND "
                    arguments += [tenantID]
                }
                sql += "hash IN (\(placeholders)) GROUP BY tenant_id, memory_id, version"
                arguments += StatementArguments(chunk)
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                    let key = MatchKey(tenantID: row["tenant_id"], memoryID: row["memory_id"], version: row["version"])
                    counts[key, default: 0] += row["matched"] as Int
                }
            }
            return counts.map {
                FingerprintMatch(tenantID: $0.key.tenantID, memoryID: $0.key.memoryID, version: $0.key.version, matched: $0.value)
            }
            // Most matches first; ties in a stable order (memory, then oldest version).
            .sorted {
                ($0.matched, $1.memoryID.uuidString, $1.version) > ($1.matched, $0.memoryID.uuidString, $0.version)
            }
        }
    }
}

private struct MatchKey: Hashable {
    var tenantID: UUID
    var memoryID: UUID
    var version: Int
}
