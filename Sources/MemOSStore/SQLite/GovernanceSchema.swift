import GRDB

/// Schema for labels, subjects and wrapped data keys (migration v4).
///
/// Labels and the subject's keyed hash sit beside the sealed payload so queries (erasure,
/// retention) need no decryption; both are bound into the ciphertext's associated data, so an
/// edited column makes the row fail to open rather than change what it means.
enum GovernanceSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-labels-subjects-keys") { db in
            try db.alter(table: "memories") { t in
                // The effective label: max(requested, derived, PII minimum).
                t.add(column: "label", .text).notNull().defaults(to: "internal")
                // Who may see it at all: max(requested, derived).
                t.add(column: "access_label", .text).notNull().defaults(to: "internal")
                // HMAC of the data subject under the tenant key ("" for rows written before v4).
                t.add(column: "subject_hash", .text).notNull().defaults(to: "")
                // The data key that sealed payload and embedding ("" = tenant-derived, format 1).
                t.add(column: "key_id", .text).notNull().defaults(to: "")
                // Not personal, and needed by retention rules without decrypting every row.
                t.add(column: "memory_type", .text)
            }
            try db.create(index: "memories_by_subject", on: "memories", columns: ["tenant_id", "subject_hash"])
            try db.alter(table: "memory_versions") { t in
                t.add(column: "label", .text).notNull().defaults(to: "internal")
                t.add(column: "access_label", .text).notNull().defaults(to: "internal")
                t.add(column: "subject_hash", .text).notNull().defaults(to: "")
                t.add(column: "key_id", .text).notNull().defaults(to: "")
            }
            // Data keys, each wrapped (AES-GCM) by the master key. Deleting a row crypto-shreds
            // everything sealed under it; secure_delete keeps it out of free pages.
            try db.create(table: "data_keys") { t in
                t.primaryKey("id", .text)
                t.column("tenant_id", .blob).references("tenants", onDelete: .cascade)
                // system | tenant | subject
                t.column("kind", .text).notNull()
                // system: the purpose; tenant: ""; subject: the subject's keyed hash.
                t.column("scope", .text).notNull()
                t.column("wrapped", .blob).notNull()
                // Fingerprint of the master key that wrapped it (rotation rewraps row by row).
                t.column("kek_id", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(
                index: "data_keys_by_scope", on: "data_keys", columns: ["tenant_id", "kind", "scope"], unique: true)
        }
    }
}
