import Foundation
import GRDB

extension SQLiteStore: CubeSharingStore {
    public func createCubeShare(_ share: CubeShareRecord) async throws {
        try await write { db in
            // The cube and the user must belong to the share's tenant; foreign keys alone would not say so.
            guard try CubeRecord.filter(Column("tenant_id") == share.tenantID && Column("id") == share.cubeID).fetchCount(db) == 1
            else { throw StoreError.notFound("cube \(share.cubeID)") }
            if let userID = share.userID {
                guard try UserRecord.filter(Column("tenant_id") == share.tenantID && Column("id") == userID).fetchCount(db) == 1
                else { throw StoreError.notFound("user \(userID)") }
            }
            try share.insert(db)
        }
    }

    public func cubeShares(tenantID: UUID) async throws -> [CubeShareRecord] {
        try await read { db in
            try CubeShareRecord.filter(Column("tenant_id") == tenantID).order(Column("created_at"), Column("id")).fetchAll(db)
        }
    }

    public func deleteCubeShare(tenantID: UUID, cubeID: UUID, id: UUID) async throws -> Bool {
        try await write { db in
            try CubeShareRecord.filter(Column("tenant_id") == tenantID && Column("cube_id") == cubeID && Column("id") == id)
                .deleteAll(db) > 0
        }
    }

    public func importCube(
        _ cube: CubeRecord, memories: [MemoryRecord], versions: [MemoryVersionRecord], edges: [MemoryEdgeRecord]
    ) async throws {
        try await write { db in
            try cube.insert(db)
            let ids = Set(memories.map(\.id))
            for memory in memories {
                guard memory.tenantID == cube.tenantID, memory.cubeID == cube.id else {
                    throw StoreError.conflict("memory \(memory.id) does not belong to cube \(cube.id)")
                }
                try memory.insert(db)
            }
            for version in versions {
                guard version.tenantID == cube.tenantID, ids.contains(version.memoryID) else {
                    throw StoreError.conflict("version \(version.version) of \(version.memoryID) belongs to no imported memory")
                }
                try version.insert(db)
            }
            for edge in edges {
                guard edge.tenantID == cube.tenantID, ids.contains(edge.fromID), ids.contains(edge.toID) else {
                    throw StoreError.conflict("edge \(edge.id) does not join two imported memories")
                }
                try edge.insert(db)
            }
        }
    }
}
