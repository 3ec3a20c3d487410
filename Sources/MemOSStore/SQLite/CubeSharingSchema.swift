import GRDB

/// Schema of cube shares with users and roles (migration v8-cube-sharing).
///
/// One table, `cube_shares`: a grant of read (or read and write) access on one cube to one
/// user of the same tenant, to every user acting as one role, or to one user acting as one
/// role. It cascades from `tenants`, `cubes` and `users`, so deleting any of them removes the
/// share. Nothing here is derived from memory text.
enum CubeSharingSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-cube-sharing") { db in
            try db.create(table: "cube_shares") { t in
                t.primaryKey("id", .blob)
                t.column("tenant_id", .blob).notNull().references("tenants", onDelete: .cascade)
                t.column("cube_id", .blob).notNull().references("cubes", onDelete: .cascade)
                // The grantee: a user, a role, or both (that user acting as that role).
                t.column("user_id", .blob).references("users", onDelete: .cascade)
                t.column("role", .text)
                // "read" or "read,write"; shares never grant manage.
                t.column("access", .text).notNull()
                t.column("created_by", .blob).references("users", onDelete: .setNull)
                t.column("created_at", .datetime).notNull()
                t.check(sql: "user_id IS NOT NULL OR role IS NOT NULL")
            }
            // One share per grantee and cube (NULLs would otherwise never collide).
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX cube_shares_by_grantee
                    ON cube_shares (cube_id, coalesce(user_id, x''), coalesce(role, ''))
                    """)
            try db.create(index: "cube_shares_by_tenant", on: "cube_shares", columns: ["tenant_id", "cube_id"])
        }
    }
}
