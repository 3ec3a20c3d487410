import GRDB

/// The schema, as an ordered list of migrations, so any older data directory upgrades in place.
///
/// Deliberately absent: any table or index over memory text. Search indexes live in memory.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-identity-and-memories") { db in
            try db.create(table: "tenants") { t in
                t.primaryKey("id", .blob)
                t.column("name", .text).notNull().unique()
                t.column("status", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "operators") { t in
                t.primaryKey("id", .blob)
                t.column("name", .text).notNull().unique()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "users") { t in
                t.primaryKey("id", .blob)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("username", .text).notNull()
                t.column("password_hash", .text)
                t.column("default_role", .text).notNull()
                t.column("status", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["tenant_id", "username"])
            }
            try db.create(table: "role_bindings") { t in
                t.column("user_id", .blob).notNull().references("users", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.primaryKey(["user_id", "role"])
            }
            try db.create(table: "api_keys") { t in
                t.primaryKey("id", .text)
                t.column("tenant_id", .blob).references("tenants", onDelete: .cascade)
                t.column("user_id", .blob).references("users", onDelete: .cascade)
                t.column("operator_id", .blob).references("operators", onDelete: .cascade)
                t.column("name", .text)
                t.column("secret_hash", .text).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked_at", .datetime)
                t.column("created_at", .datetime).notNull()
                t.check(sql: "(user_id IS NULL) <> (operator_id IS NULL)")
            }
            try db.create(index: "api_keys_by_user", on: "api_keys", columns: ["user_id"])
            try db.create(table: "cubes") { t in
                t.primaryKey("id", .blob)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("subspace", .text).notNull()
                t.column("name", .text).notNull()
                t.column("created_by", .blob)
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["tenant_id", "subspace", "name"])
            }
            try db.create(table: "memories") { t in
                t.primaryKey("id", .blob)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("cube_id", .blob).notNull().references("cubes", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "memories_by_cube", on: "memories", columns: ["tenant_id", "cube_id", "id"])
            try db.create(table: "memory_versions") { t in
                t.column("memory_id", .blob).notNull().references("memories", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.column("tenant_id", .blob).notNull()
                t.column("state", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("recorded_at", .datetime).notNull()
                t.primaryKey(["memory_id", "version"])
            }
        }
        migrator.registerMigration("v2-embeddings-and-edges") { db in
            // Sealed vectors: derived from memory text, so never stored in the clear.
            try db.alter(table: "memories") { t in
                t.add(column: "embedding", .blob)
                t.add(column: "embedder", .text)
            }
            try db.create(table: "memory_edges") { t in
                t.primaryKey("id", .blob)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("from_id", .blob).notNull().references("memories", onDelete: .cascade)
                t.column("to_id", .blob).notNull().references("memories", onDelete: .cascade)
                t.column("relation", .text).notNull()
                t.column("provenance", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["from_id", "to_id", "relation"])
            }
            try db.create(index: "memory_edges_from", on: "memory_edges", columns: ["tenant_id", "from_id"])
            try db.create(index: "memory_edges_to", on: "memory_edges", columns: ["tenant_id", "to_id"])
        }
        migrator.registerMigration("v3-usage") { db in
            try db.create(table: "memory_usage") { t in
                t.column("memory_id", .blob).notNull().references("memories", onDelete: .cascade)
                t.column("tenant_id", .blob).notNull()
                t.column("user_id", .blob).notNull()
                t.column("role", .text).notNull()
                t.column("count", .integer).notNull()
                t.column("last_retrieved_at", .datetime).notNull()
                t.primaryKey(["memory_id", "user_id", "role"])
            }
        }
        GovernanceSchema.register(in: &migrator)
        AuditSchema.register(in: &migrator)
        AdminSchema.register(in: &migrator)
        ArtifactSchema.register(in: &migrator)
        CubeSharingSchema.register(in: &migrator)
        MemStoreSchema.register(in: &migrator)
        SchedulerSchema.register(in: &migrator)
        return migrator
    }
}
