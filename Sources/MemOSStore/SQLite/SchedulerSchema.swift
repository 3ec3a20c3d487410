import GRDB

/// Schema of the scheduler's persistent state (migration v10-scheduler): activation prefixes.
///
/// The scheduler's task queue lives in memory (its tasks are all re-derivable); what must
/// survive a restart is each persona's activation prefix, sealed like a memory. Ids of the
/// memories a prefix holds sit beside it in the clear (random ids, no text) so erasure finds
/// the prefixes to delete without decrypting them.
enum SchedulerSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-scheduler") { db in
            try db.create(table: "activation_prefixes") { t in
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("user_id", .blob).notNull().references("users", onDelete: .cascade)
                t.column("role", .text).notNull()
                // JSON array of lowercase memory ids, in prefix order.
                t.column("memory_ids", .text).notNull()
                // AES-GCM under the tenant key: text, id (its SHA-256) and label.
                t.column("sealed", .blob).notNull()
                t.column("built_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "user_id", "role"])
            }
        }
    }
}
