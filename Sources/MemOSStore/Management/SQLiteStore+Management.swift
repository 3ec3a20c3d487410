import Foundation
import GRDB

extension SQLiteStore: ManagementStore {
    public func setTenantStatus(id: UUID, status: TenantRecord.Status) async throws -> Bool {
        try await write { db in
            try TenantRecord.filter(Column("id") == id).updateAll(db, Column("status").set(to: status.rawValue)) > 0
        }
    }

    public func tenantCounts(tenantID: UUID) async throws -> TenantCounts {
        try await read { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE tenant_id = ?", arguments: [tenantID]) ?? 0
            }
            var counts = TenantCounts()
            counts.users = try count("users")
            counts.apiKeys = try count("api_keys")
            counts.cubes = try count("cubes")
            counts.memories = try count("memories")
            counts.dataKeys = try count("data_keys")
            return counts
        }
    }

    public func tenantCount() async throws -> Int {
        try await read { db in try TenantRecord.fetchCount(db) }
    }

    public func setUserStatus(tenantID: UUID, userID: UUID, status: UserRecord.Status) async throws -> Bool {
        try await write { db in
            try UserRecord.filter(Column("tenant_id") == tenantID && Column("id") == userID)
                .updateAll(db, Column("status").set(to: status.rawValue)) > 0
        }
    }

    public func setPasswordHash(tenantID: UUID, userID: UUID, hash: String) async throws -> Bool {
        try await write { db in
            try UserRecord.filter(Column("tenant_id") == tenantID && Column("id") == userID)
                .updateAll(db, Column("password_hash").set(to: hash)) > 0
        }
    }

    public func grantRole(tenantID: UUID, userID: UUID, role: String) async throws -> Bool {
        try await write { db in
            guard try UserRecord.filter(Column("tenant_id") == tenantID && Column("id") == userID).fetchCount(db) > 0
            else { return false }
            try db.execute(
                sql: "INSERT OR IGNORE INTO role_bindings (user_id, role) VALUES (?, ?)", arguments: [userID, role])
            return true
        }
    }

    public func revokeRole(tenantID: UUID, userID: UUID, role: String) async throws -> RoleRevocation {
        try await write { db in
            guard let user = try UserRecord.filter(Column("tenant_id") == tenantID && Column("id") == userID).fetchOne(db)
            else { return .notHeld }
            let roles = try String.fetchAll(
                db, sql: "SELECT role FROM role_bindings WHERE user_id = ? ORDER BY role", arguments: [userID])
            guard roles.contains(role) else { return .notHeld }
            let remaining = roles.filter { $0 != role }
            guard let first = remaining.first else { return .lastRole }
            try db.execute(sql: "DELETE FROM role_bindings WHERE user_id = ? AND role = ?", arguments: [userID, role])
            var defaultRole = user.defaultRole
            if defaultRole == role || !remaining.contains(defaultRole) {
                defaultRole = first
                try db.execute(sql: "UPDATE users SET default_role = ? WHERE id = ?", arguments: [defaultRole, userID])
            }
            return .revoked(defaultRole: defaultRole)
        }
    }

    public func insertAPIKey(_ key: APIKeyRecord, scopes: [String]?) async throws {
        let encoded = try scopes.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await write { db in
            try key.insert(db)
            if let encoded {
                try db.execute(sql: "UPDATE api_keys SET scopes = ? WHERE id = ?", arguments: [encoded, key.id])
            }
        }
    }

    public func apiKeyScopes(ids: [String]) async throws -> [String: [String]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, scopes FROM api_keys WHERE scopes IS NOT NULL AND id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(ids)
            ).map { (id: $0["id"] as String, scopes: $0["scopes"] as String) }
        }
        var result: [String: [String]] = [:]
        for row in rows {
            guard let scopes = try? JSONDecoder().decode([String].self, from: Data(row.scopes.utf8)) else {
                throw StoreError.unavailable("api key \(row.id) has malformed scopes")
            }
            result[row.id] = scopes
        }
        return result
    }

    public func deleteDataKeys(tenantID: UUID) async throws -> Int {
        try await write { db in
            try DataKeyRecord.filter(DataKeyRecord.Columns.tenantID == tenantID).deleteAll(db)
        }
    }

    public func dataKeyScopes(tenantID: UUID) async throws -> [(kind: String, scope: String)] {
        let rows = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT kind, scope FROM data_keys WHERE tenant_id = ? ORDER BY id", arguments: [tenantID]
            ).map { KindAndScope(kind: $0["kind"], scope: $0["scope"]) }
        }
        return rows.map { (kind: $0.kind, scope: $0.scope) }
    }

    public func deleteTenant(id: UUID) async throws -> Bool {
        try await write { db in
            // Rows keyed by tenant without a foreign key to it go explicitly.
            try db.execute(sql: "DELETE FROM memory_versions WHERE tenant_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM memory_usage WHERE tenant_id = ?", arguments: [id])
            return try TenantRecord.deleteOne(db, key: id)
        }
    }

    private struct KindAndScope: Sendable {
        let kind: String
        let scope: String
    }
}
