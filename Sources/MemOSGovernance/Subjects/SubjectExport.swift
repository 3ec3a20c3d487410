import Foundation
import MemOSCore
import MemOSStore

/// Everything held about one data subject (GDPR Art. 15 access, Art. 20 portability).
public struct SubjectExport: Sendable {
    public struct Memory: Sendable {
        public let memory: MemoryView
        public let versions: [MemoryVersionView]
        public let edges: [MemoryEdgeRecord]
        public let usage: [MemoryUsageRecord]
    }

    public let subject: String
    public let tenantID: UUID
    public let exportedAt: Date
    public let memories: [Memory]
    /// Artifacts and other data derived from the subject's memories or naming the subject,
    /// listed (never their content) as far as the exporting role's clearance reaches.
    public let derived: [DerivedRecord]
    /// Memories and derived items above the exporting role's clearance, left out (a role with the permission
    /// but a lower clearance cannot use export to read up).
    public let withheld: Int
}
