import GRDB

/// Schema of MemStore offerings and subscriptions (migration v9-memstore).
enum MemStoreSchema {
    static func register(in migrator: inout DatabaseMigrator) {
    }
}
