import GRDB

/// Schema of the audit trail (registered after the governance schema).
///
/// Records and checkpoints are append-only: nothing in the store updates or deletes them. The
/// tables hold no memory text and no personal values in the clear (those arrive pre-hashed in
/// `body`); `action`, `request_id` and `mark` are copies of body fields, kept as columns only so
/// lookups need no JSON scan. Verification always reads `body`, never the copies.
enum AuditSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-audit") { db in
            // One row per audited operation, hash-chained per tenant key
            // (a tenant UUID in lowercase, or "platform" for events outside any tenant).
            try db.create(table: "audit_records") { t in
                t.column("tenant_key", .text).notNull()
                t.column("seq", .integer).notNull()
                // Milliseconds since 1970 (UTC), equal to the record's `time` field.
                t.column("time_ms", .integer).notNull()
                t.column("action", .text).notNull()
                t.column("request_id", .text)
                // The watermark id issued with the response this record describes.
                t.column("mark", .text)
                // Canonical JSON of the record (everything but its hash).
                t.column("body", .text).notNull()
                // SHA-256 (lowercase hex) of `body`.
                t.column("hash", .text).notNull()
                t.primaryKey(["tenant_key", "seq"])
            }
            try db.execute(
                sql: "CREATE INDEX audit_records_by_mark ON audit_records(mark) WHERE mark IS NOT NULL")
            try db.create(index: "audit_records_by_time", on: "audit_records", columns: ["tenant_key", "time_ms"])
            // Signed statements "the chain of tenant_key ended at (seq, head_hash) at time".
            // Several checkpoints may name the same seq: an idle tenant still gets one per interval.
            try db.create(table: "audit_checkpoints") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tenant_key", .text).notNull()
                t.column("seq", .integer).notNull()
                t.column("time_ms", .integer).notNull()
                // Canonical JSON of the signed statement.
                t.column("body", .text).notNull()
                // Ed25519 signature over the UTF-8 bytes of `body`, base64.
                t.column("signature", .text).notNull()
            }
            try db.create(index: "audit_checkpoints_by_tenant", on: "audit_checkpoints", columns: ["tenant_key", "id"])
            try db.create(
                index: "audit_checkpoints_by_time", on: "audit_checkpoints", columns: ["tenant_key", "time_ms"])
            // The current end of each chain, updated in the same transaction as every append, so
            // reading a head (or listing tenant keys for the checkpoint timer) never scans records.
            try db.create(table: "audit_heads") { t in
                t.primaryKey("tenant_key", .text)
                t.column("seq", .integer).notNull()
                t.column("hash", .text).notNull()
                // Time of the latest record or checkpoint: nothing later may be stamped earlier.
                t.column("time_ms", .integer).notNull()
            }
        }
    }
}
