import Crypto
import Foundation
import MemOSStore

/// Uploading and downloading an artifact's content, sealed chunk by chunk.
extension ArtifactService {
    /// Uploads the content of a pending artifact the caller created, streaming: every
    /// `chunkSize` bytes are sealed (bound to artifact, version, label and index) and stored as
    /// they arrive, so memory use stays at one chunk. The SHA-256 and size are sealed into the
    /// metadata when the stream ends, and the artifact becomes ready (immutable). A failed
    /// stream leaves it pending and its partial chunks removed; uploading again restarts it.
    ///
    /// The size limit is the caller's to enforce (the gateway answers 413): `content` ending
    /// with an error aborts the upload.
    public func uploadContent<Content: AsyncSequence>(_ caller: MemoryCaller, id: UUID, content: Content) async throws
        -> ArtifactView where Content.Element == Data
    {
        try await memories.auditedWrite(caller, "artifact.upload") {
            let (record, metadata) = try await visible(caller, id: id)
            guard caller.role.has(.artifactsWrite) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not upload artifacts (artifacts.write)")
            }
            guard record.ownerUserID == caller.user.id, record.ownerRole == caller.role.name else {
                throw GovernanceError.forbidden("only the persona that created artifact \(id.uuidString.lowercased()) may upload its content")
            }
            guard record.state == ArtifactState.pending.rawValue else {
                throw GovernanceError.conflict(
                    "artifact \(id.uuidString.lowercased()) already has its content; create a new version instead")
            }
            guard Self.uploadsInFlight.withLock({ $0.insert(id).inserted }) else {
                throw GovernanceError.conflict("an upload of artifact \(id.uuidString.lowercased()) is already in progress")
            }
            defer { _ = Self.uploadsInFlight.withLock { $0.remove(id) } }
            let key = try await sealer.key(of: record)
            do {
                _ = try await memories.translatingStoreErrors {
                    try await self.store.deleteArtifactChunks(tenantID: caller.tenantID, artifactID: id)
                }
                var hasher = SHA256()
                var buffer = Data()
                var size = 0
                var index = 0
                func flush(_ chunk: Data) async throws {
                    let sealed = try sealer.sealChunk(chunk, index: index, record: record, key: key)
                    let position = index
                    try await memories.translatingStoreErrors {
                        try await self.store.putArtifactChunk(
                            tenantID: caller.tenantID, artifactID: id, index: position, sealed: sealed)
                    }
                    index += 1
                }
                for try await piece in content {
                    hasher.update(data: piece)
                    size += piece.count
                    buffer.append(piece)
                    while buffer.count >= chunkSize {
                        try await flush(Data(buffer.prefix(chunkSize)))
                        buffer = Data(buffer.dropFirst(chunkSize))
                    }
                }
                guard size > 0 else {
                    throw GovernanceError.invalidInput(field: "content", message: "the artifact content is empty")
                }
                if !buffer.isEmpty { try await flush(buffer) }
                let digest = ByteEncoding.hex(hasher.finalize())
                var ready = record
                ready.state = ArtifactState.ready.rawValue
                ready.size = size
                ready.chunkCount = index
                var sealedMetadata = metadata
                sealedMetadata.size = size
                sealedMetadata.sha256 = digest
                sealedMetadata.chunkCount = index
                ready.metadata = try sealer.sealMetadata(sealedMetadata, record: ready, key: key)
                try await memories.auditSuccess(
                    caller, "artifact.upload",
                    AuditNote(
                        resources: [id.uuidString.lowercased()],
                        details: ["kind": record.kind, "bytes": String(size), "chunks": String(index)]))
                let final = ready
                let finalized = try await memories.translatingStoreErrors {
                    try await self.store.finalizeArtifact(
                        tenantID: caller.tenantID, id: id, size: final.size, chunkCount: final.chunkCount, metadata: final.metadata)
                }
                guard finalized else { throw GovernanceError.notFound("no artifact \(id.uuidString.lowercased())") }
                return view(ready, sealedMetadata, caller: caller)
            } catch {
                // Nothing half-uploaded stays behind; the artifact stays pending.
                _ = try? await store.deleteArtifactChunks(tenantID: caller.tenantID, artifactID: id)
                throw error
            }
        }
    }

    /// Prepares a download: requires `artifacts.read`, clearance for the label and a ready
    /// artifact; a flagged artifact (derived from erased data, kept by its policy) is refused
    /// unless `acceptFlagged`. Every chunk is authenticated and the SHA-256 and size compared
    /// with the sealed metadata before anything is returned, so tampering (an edited, swapped,
    /// dropped or appended chunk) is an integrity error, never wrong bytes.
    public func download(_ caller: MemoryCaller, id: UUID, acceptFlagged: Bool = false) async throws -> ArtifactDownload {
        try await memories.auditedRead(caller, "artifact.download") {
            let (record, metadata) = try await visible(caller, id: id)
            guard caller.role.has(.artifactsRead) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not download artifacts (artifacts.read)")
            }
            guard record.state == ArtifactState.ready.rawValue, let size = metadata.size, let digest = metadata.sha256,
                let chunkCount = metadata.chunkCount
            else {
                throw GovernanceError.conflict("artifact \(id.uuidString.lowercased()) has no content yet (upload it first)")
            }
            if !metadata.flags.isEmpty && !acceptFlagged {
                throw GovernanceError.conflict(
                    "artifact \(id.uuidString.lowercased()) is flagged: \(metadata.flags.map(\.reason).joined(separator: "; ")); "
                        + "download it only with accept_flagged=true")
            }
            let key = try await sealer.key(of: record)
            let sealer = self.sealer
            let store = self.store
            let reader: @Sendable (Int) async throws -> Data = { index in
                let found: Data?
                do {
                    found = try await store.artifactChunk(tenantID: record.tenantID, artifactID: record.id, index: index)
                } catch let error as StoreError {
                    throw MemoryService.translate(error)
                }
                guard (0..<chunkCount).contains(index), let sealed = found else {
                    throw GovernanceError.integrity(
                        "artifact \(record.id.uuidString.lowercased()) v\(record.version) chunk \(index) is missing")
                }
                return try sealer.openChunk(sealed, index: index, record: record, key: key)
            }
            try await reportingIntegrity(record) {
                var hasher = SHA256()
                var total = 0
                for index in 0..<chunkCount {
                    let chunk = try await reader(index)
                    hasher.update(data: chunk)
                    total += chunk.count
                }
                let stored = try await memories.translatingStoreErrors {
                    try await store.artifactChunkCount(tenantID: record.tenantID, artifactID: record.id)
                }
                guard total == size, stored == chunkCount, ByteEncoding.hex(hasher.finalize()) == digest else {
                    throw GovernanceError.integrity(
                        "artifact \(id.uuidString.lowercased()) v\(record.version) content does not match its sealed size and SHA-256")
                }
            }
            let download = ArtifactDownload(
                artifact: view(record, metadata, caller: caller), size: size, chunkCount: chunkCount,
                acceptedFlags: metadata.flags.map(\.reason), reader: reader)
            var details = ["kind": record.kind, "bytes": String(size)]
            if !metadata.flags.isEmpty { details["flagged"] = "accepted" }
            return (download, AuditNote(resources: [id.uuidString.lowercased()], details: details))
        }
    }
}
