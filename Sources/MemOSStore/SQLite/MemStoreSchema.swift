import GRDB

/// Schema of MemStore offerings and subscriptions (migration v9-memstore).
///
/// Every row hangs off a tenant with ON DELETE CASCADE: deleting the publisher removes its
/// offerings (and with them every audience entry, selection and subscription); deleting a
/// subscriber removes its subscriptions and its place in every audience. A selected memory
/// that is deleted or erased leaves its offering's selection by the same rule. Nothing here is
/// derived from memory text: offerings reference memories and cubes by id only.
enum MemStoreSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-memstore") { db in
            try db.create(table: "memstore_offerings") { t in
                t.primaryKey("id", .blob)
                // The publisher.
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("description", .text).notNull()
                // The published cube; NULL for a selection of memories.
                t.column("cube_id", .blob).references("cubes", onDelete: .cascade)
                // The highest label any subscriber may ever see through this offering.
                t.column("label_ceiling", .text).notNull()
                // Comma-separated role names admitted in audience tenants; "" = any role.
                t.column("audience_roles", .text).notNull()
                t.column("published_by", .blob).notNull()
                t.column("published_role", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["tenant_id", "name"])
            }
            // Default deny: only tenants listed here may see or subscribe to an offering.
            try db.create(table: "memstore_audience") { t in
                t.column("offering_id", .blob).notNull().references("memstore_offerings", onDelete: .cascade)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.primaryKey(["offering_id", "tenant_id"])
            }
            try db.create(index: "memstore_audience_by_tenant", on: "memstore_audience", columns: ["tenant_id"])
            try db.create(table: "memstore_selections") { t in
                t.column("offering_id", .blob).notNull().references("memstore_offerings", onDelete: .cascade)
                t.column("memory_id", .blob).notNull().references("memories", onDelete: .cascade)
                t.primaryKey(["offering_id", "memory_id"])
            }
            try db.create(index: "memstore_selections_by_memory", on: "memstore_selections", columns: ["memory_id"])
            try db.create(table: "memstore_subscriptions") { t in
                t.primaryKey("id", .blob)
                t.column("offering_id", .blob).notNull().references("memstore_offerings", onDelete: .cascade)
                // The subscriber.
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("created_by", .blob).notNull()
                t.column("created_role", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["offering_id", "tenant_id"])
            }
            try db.create(
                index: "memstore_subscriptions_by_tenant", on: "memstore_subscriptions", columns: ["tenant_id"])
        }
    }
}
