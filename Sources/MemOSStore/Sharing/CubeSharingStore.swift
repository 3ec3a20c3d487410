import Foundation

/// What the store keeps for cube shares with users and roles, and the one-transaction write
/// that turns an imported archive into a new cube.
public protocol CubeSharingStore: Sendable {
    /// Inserts a share; `StoreError.conflict` when the grantee already has a share on the cube.
    func createCubeShare(_ share: CubeShareRecord) async throws
    /// Every share of a tenant (few: the gateway keeps them in memory).
    func cubeShares(tenantID: UUID) async throws -> [CubeShareRecord]
    /// Deletes one share of one cube; false when there is none with that id.
    func deleteCubeShare(tenantID: UUID, cubeID: UUID, id: UUID) async throws -> Bool
    /// Creates a cube with its memories, their versions and edges in one transaction: all of
    /// it, or (on any error, a name conflict included) nothing. Unlike `insertMemories`, the
    /// version rows are given, not derived, so an imported history keeps every version.
    func importCube(
        _ cube: CubeRecord, memories: [MemoryRecord], versions: [MemoryVersionRecord], edges: [MemoryEdgeRecord]
    ) async throws
}
