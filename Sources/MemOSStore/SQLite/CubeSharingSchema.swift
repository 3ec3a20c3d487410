import GRDB

/// Schema of cube shares with users and roles (migration v8-cube-sharing).
enum CubeSharingSchema {
    static func register(in migrator: inout DatabaseMigrator) {
    }
}
