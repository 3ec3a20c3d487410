import GRDB

/// Schema of the audit trail (registered after the governance schema).
enum AuditSchema {
    static func register(in migrator: inout DatabaseMigrator) {
    }
}
