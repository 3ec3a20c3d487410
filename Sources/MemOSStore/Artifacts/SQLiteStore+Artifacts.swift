import Foundation
import GRDB

extension SQLiteStore: ArtifactStore {
    public func insertArtifact(_ record: ArtifactRecord, sources: [ArtifactSourceRecord]) async throws {
        try await write { db in
            try record.insert(db)
            for source in Set(sources) where source.artifactID == record.id && source.tenantID == record.tenantID {
                try source.insert(db)
            }
        }
    }

    public func artifact(tenantID: UUID, id: UUID) async throws -> ArtifactRecord? {
        try await read { db in
            try ArtifactRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).fetchOne(db)
        }
    }

    public func artifacts(tenantID: UUID) async throws -> [ArtifactRecord] {
        try await read { db in
            try ArtifactRecord.filter(Column("tenant_id") == tenantID)
                .order(Column("id").desc).fetchAll(db)
        }
    }

    public func artifactVersions(tenantID: UUID, kind: String, subspace: String, nameKey: String) async throws
        -> [ArtifactRecord]
    {
        try await read { db in
            try Self.named(tenantID: tenantID, kind: kind, subspace: subspace, nameKey: nameKey)
                .order(Column("version")).fetchAll(db)
        }
    }

    public func latestArtifactVersion(tenantID: UUID, kind: String, subspace: String, nameKey: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                Self.named(tenantID: tenantID, kind: kind, subspace: subspace, nameKey: nameKey)
                    .select(max(Column("version")))) ?? 0
        }
    }

    private static func named(tenantID: UUID, kind: String, subspace: String, nameKey: String)
        -> QueryInterfaceRequest<ArtifactRecord>
    {
        ArtifactRecord.filter(
            Column("tenant_id") == tenantID && Column("kind") == kind && Column("subspace") == subspace
                && Column("name_key") == nameKey)
    }

    public func putArtifactChunk(tenantID: UUID, artifactID: UUID, index: Int, sealed: Data) async throws {
        try await write(syncToDisk: false) { db in
            // Only into a pending artifact of this tenant: a ready artifact's content never changes.
            guard
                try ArtifactRecord.filter(
                    Column("tenant_id") == tenantID && Column("id") == artifactID && Column("state") == "pending"
                ).fetchCount(db) == 1
            else { throw StoreError.notFound("pending artifact \(artifactID)") }
            try ArtifactChunkRecord(artifactID: artifactID, tenantID: tenantID, idx: index, sealed: sealed).save(db)
        }
    }

    public func deleteArtifactChunks(tenantID: UUID, artifactID: UUID) async throws -> Int {
        try await write { db in
            try ArtifactChunkRecord.filter(Column("tenant_id") == tenantID && Column("artifact_id") == artifactID)
                .deleteAll(db)
        }
    }

    public func artifactChunk(tenantID: UUID, artifactID: UUID, index: Int) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(
                db, sql: "SELECT sealed FROM artifact_chunks WHERE tenant_id = ? AND artifact_id = ? AND idx = ?",
                arguments: [tenantID, artifactID, index])
        }
    }

    public func artifactChunkCount(tenantID: UUID, artifactID: UUID) async throws -> Int {
        try await read { db in
            try ArtifactChunkRecord.filter(Column("tenant_id") == tenantID && Column("artifact_id") == artifactID)
                .fetchCount(db)
        }
    }

    public func finalizeArtifact(tenantID: UUID, id: UUID, size: Int, chunkCount: Int, metadata: Data) async throws -> Bool {
        try await write { db in
            let scoped = ArtifactRecord.filter(Column("tenant_id") == tenantID && Column("id") == id && Column("state") == "pending")
            guard try scoped.fetchCount(db) == 1 else { return false }
            let stored = ArtifactChunkRecord.filter(Column("tenant_id") == tenantID && Column("artifact_id") == id)
            let count = try stored.fetchCount(db)
            let highest = try Int.fetchOne(db, stored.select(max(Column("idx")))) ?? -1
            guard count == chunkCount, highest == chunkCount - 1 else {
                throw StoreError.conflict("artifact \(id) has \(count) stored chunks, expected \(chunkCount)")
            }
            return try scoped.updateAll(
                db, Column("state").set(to: "ready"), Column("size").set(to: size),
                Column("chunk_count").set(to: chunkCount), Column("metadata").set(to: metadata)) == 1
        }
    }

    public func updateArtifactMetadata(tenantID: UUID, id: UUID, metadata: Data) async throws -> Bool {
        try await write { db in
            try ArtifactRecord.filter(Column("tenant_id") == tenantID && Column("id") == id)
                .updateAll(db, Column("metadata").set(to: metadata)) == 1
        }
    }

    public func deleteArtifacts(tenantID: UUID, ids: [UUID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await write { db in
            // Chunks and sources cascade from the artifact row.
            try ArtifactRecord.filter(Column("tenant_id") == tenantID && ids.contains(Column("id"))).deleteAll(db)
        }
    }

    public func artifacts(tenantID: UUID, derivedFrom refs: [String]) async throws -> [ArtifactRecord] {
        guard !refs.isEmpty else { return [] }
        return try await read { db in
            var ids: Set<UUID> = []
            for batch in stride(from: 0, to: refs.count, by: 400).map({ Array(refs[$0..<min($0 + 400, refs.count)]) }) {
                ids.formUnion(
                    try ArtifactSourceRecord.filter(Column("tenant_id") == tenantID && batch.contains(Column("ref")))
                        .select(Column("artifact_id"), as: UUID.self).fetchAll(db))
            }
            return try ArtifactRecord.filter(Column("tenant_id") == tenantID && ids.contains(Column("id")))
                .order(Column("id")).fetchAll(db)
        }
    }

    public func pendingArtifacts(createdBefore date: Date, limit: Int) async throws -> [ArtifactRecord] {
        try await read { db in
            try ArtifactRecord.filter(Column("state") == "pending" && Column("created_at") < date)
                .order(Column("created_at")).limit(limit).fetchAll(db)
        }
    }
}
