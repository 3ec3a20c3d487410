import Foundation

/// How many of a leaked excerpt's fingerprint hashes one stored memory version holds.
public struct FingerprintMatch: Sendable, Hashable {
    public var tenantID: UUID
    public var memoryID: UUID
    public var version: Int
    /// Distinct queried hashes found for this memory version.
    public var matched: Int

    public init(tenantID: UUID, memoryID: UUID, version: Int, matched: Int) {
        self.tenantID = tenantID
        self.memoryID = memoryID
        self.version = version
        self.matched = matched
    }
}

/// Keyed text fingerprints of memory versions, so an excerpt stripped of its watermark can still
/// be attributed. Only keyed hashes are kept: the table reveals nothing about the text.
public protocol FingerprintStore: Sendable {
    /// Sets the hashes of one memory version (replacing that version's earlier set, if any);
    /// other versions keep theirs, since any of them may have been sent to someone.
    func replaceFingerprints(tenantID: UUID, memoryID: UUID, version: Int, hashes: [Int64]) async throws

    /// Memory versions holding any of `hashes`, most matches first (ties by memory, then oldest
    /// version). `tenantID` nil searches every tenant (a platform operator tracing a leak);
    /// otherwise only that tenant's rows.
    func fingerprintMatches(tenantID: UUID?, hashes: [Int64]) async throws -> [FingerprintMatch]

    /// Replaces the fingerprints of many memory versions in one transaction; versions whose
    /// memory no longer exists are skipped (it was deleted meanwhile).
    func replaceFingerprints(tenantID: UUID, entries: [FingerprintEntry]) async throws
}

/// The fingerprint of one memory version, for batch writes.
public struct FingerprintEntry: Sendable, Hashable {
    public let memoryID: UUID
    public let version: Int
    public let hashes: [Int64]

    public init(memoryID: UUID, version: Int, hashes: [Int64]) {
        self.memoryID = memoryID
        self.version = version
        self.hashes = hashes
    }
}
