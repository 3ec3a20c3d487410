import Foundation

/// What the store keeps for activation and parametric memory artifacts.
///
/// Every method takes the tenant id, so no call can reach another tenant's artifacts; the
/// content is opaque sealed chunks, never plaintext.
public protocol ArtifactStore: Sendable {
    /// Inserts a new artifact version with its provenance rows; `StoreError.conflict` when the
    /// (kind, subspace, name, version) already exists (a concurrent upload took the version).
    func insertArtifact(_ record: ArtifactRecord, sources: [ArtifactSourceRecord]) async throws
    func artifact(tenantID: UUID, id: UUID) async throws -> ArtifactRecord?
    /// Every artifact version of a tenant, newest first (callers filter by subspace and label).
    func artifacts(tenantID: UUID) async throws -> [ArtifactRecord]
    /// Every version of one named artifact, oldest first.
    func artifactVersions(tenantID: UUID, kind: String, subspace: String, nameKey: String) async throws -> [ArtifactRecord]
    /// The highest version of a named artifact, 0 when none exists.
    func latestArtifactVersion(tenantID: UUID, kind: String, subspace: String, nameKey: String) async throws -> Int

    /// Stores one sealed chunk of a pending artifact (replacing one at the same index).
    func putArtifactChunk(tenantID: UUID, artifactID: UUID, index: Int, sealed: Data) async throws
    /// Removes every chunk of an artifact (a restarted or abandoned upload); returns how many.
    @discardableResult
    func deleteArtifactChunks(tenantID: UUID, artifactID: UUID) async throws -> Int
    func artifactChunk(tenantID: UUID, artifactID: UUID, index: Int) async throws -> Data?
    /// Marks a pending artifact ready with its final size and metadata, in one transaction that
    /// checks exactly `chunkCount` chunks (0..<chunkCount) are stored; false when the artifact is
    /// missing or no longer pending.
    func finalizeArtifact(tenantID: UUID, id: UUID, size: Int, chunkCount: Int, metadata: Data) async throws -> Bool
    /// Replaces the sealed metadata (flagging after an erasure); false when the artifact is gone.
    func updateArtifactMetadata(tenantID: UUID, id: UUID, metadata: Data) async throws -> Bool
    /// Deletes artifacts with their chunks and provenance rows; returns how many artifacts went.
    func deleteArtifacts(tenantID: UUID, ids: [UUID]) async throws -> Int
    /// Artifacts derived from any of `refs` (memory ids or subjects' keyed hashes).
    func artifacts(tenantID: UUID, derivedFrom refs: [String]) async throws -> [ArtifactRecord]
    /// Artifacts of every tenant still waiting for their content, created before `date`
    /// (oldest first, at most `limit`): abandoned uploads to expire.
    func pendingArtifacts(createdBefore date: Date, limit: Int) async throws -> [ArtifactRecord]
    /// Stored chunks of one artifact (administration and tests).
    func artifactChunkCount(tenantID: UUID, artifactID: UUID) async throws -> Int
}
