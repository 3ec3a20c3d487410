import GRDB

/// Schema of activation and parametric memory artifacts (migration v7-artifacts).
///
/// Three tables, all cascading from `tenants` so deleting a tenant removes every artifact:
/// - `artifacts`: one row per version; everything descriptive (name, base model, provenance,
///   size, SHA-256 of the content) is in the sealed `metadata`; the clear columns are only what
///   queries need, and each is bound into the sealed metadata's associated data.
/// - `artifact_chunks`: the content, sealed in chunks (1 MiB by default) so a large adapter
///   never has to be one blob; each chunk's associated data names its artifact and index.
/// - `artifact_sources`: what an artifact was derived from (memory ids, subjects' keyed hashes),
///   so erasure finds the artifacts to remove without decrypting every row.
enum ArtifactSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-artifacts") { db in
            try db.create(table: "artifacts") { t in
                t.primaryKey("id", .blob)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                // parametric | kv_snapshot
                t.column("kind", .text).notNull()
                // Keyed hash of the name under the tenant key: versions group by it, the name itself is sealed.
                t.column("name_key", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("label", .text).notNull()
                // Storage form of the subspace it lives in (persona/<user>/<role>, team/<name>, tenant).
                t.column("subspace", .text).notNull()
                t.column("owner_user_id", .blob).notNull()
                t.column("owner_role", .text).notNull()
                // pending (created, content not yet uploaded) | ready
                t.column("state", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("chunk_count", .integer).notNull()
                // The data key sealing metadata and chunks (one per artifact version).
                t.column("key_id", .text).notNull()
                t.column("metadata", .blob).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["tenant_id", "kind", "subspace", "name_key", "version"])
            }
            try db.create(index: "artifacts_by_tenant", on: "artifacts", columns: ["tenant_id", "subspace", "id"])
            try db.create(table: "artifact_chunks") { t in
                t.column("artifact_id", .blob).notNull().references("artifacts", onDelete: .cascade)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("idx", .integer).notNull()
                t.column("sealed", .blob).notNull()
                t.primaryKey(["artifact_id", "idx"])
            }
            try db.create(table: "artifact_sources") { t in
                t.column("artifact_id", .blob).notNull().references("artifacts", onDelete: .cascade)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                // memory | subject
                t.column("kind", .text).notNull()
                // A memory id (lowercase UUID) or a subject's keyed hash.
                t.column("ref", .text).notNull()
                t.primaryKey(["artifact_id", "kind", "ref"])
            }
            try db.create(index: "artifact_sources_by_ref", on: "artifact_sources", columns: ["tenant_id", "ref"])
        }
    }
}
