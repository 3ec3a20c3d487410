import GRDB

/// Schema of scheduler tasks (migration v10-scheduler).
enum SchedulerSchema {
    static func register(in migrator: inout DatabaseMigrator) {
    }
}
