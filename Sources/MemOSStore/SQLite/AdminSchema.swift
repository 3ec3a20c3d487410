import GRDB

/// Schema for the management API (migration v6): the scopes an administrator attached to an
/// API key, as a JSON array of strings (NULL: none recorded). Stored and returned only; the
/// gateway does not enforce them yet.
enum AdminSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-admin") { db in
            try db.alter(table: "api_keys") { t in
                t.add(column: "scopes", .text)
            }
        }
    }
}
