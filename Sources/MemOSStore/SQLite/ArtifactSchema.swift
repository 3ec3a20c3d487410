import GRDB

/// Schema of activation and parametric memory artifacts (migration v7-artifacts).
enum ArtifactSchema {
    static func register(in migrator: inout DatabaseMigrator) {
    }
}
