import Foundation
import MemOSStore

/// Who received a leaked text: first by the invisible mark (exact: tenant, recipient, request),
/// then, when the marks were stripped, by the text's keyed fingerprint (which memory it came
/// from, matched against the memories as held) and the audit trail, which records every
/// memory id sent to whom and when: together, the server-side record of what was sent.
public struct WatermarkTracer: Sendable {
    /// One recipient of the leaked text, as the audit trail recorded it.
    public struct Recipient: Sendable {
        public let tenantID: UUID
        public let tenantName: String
        public let userID: String?
        public let username: String?
        public let role: String?
        public let requestID: String?
        public let time: Date
        public let action: String
        public let memoryID: UUID?
    }

    public enum Method: String, Sendable {
        case watermark, fingerprint
    }

    public struct Trace: Sendable {
        public let method: Method
        /// Most recent first.
        public let recipients: [Recipient]
        /// For fingerprint traces: the share of the excerpt's fingerprint the memory matched.
        public let confidence: Double
    }

    let memories: MemoryService
    let auditLog: AuditLog

    /// Fingerprint overlap below which a memory is not considered the excerpt's source.
    public static let minimumOverlap = 0.2

    /// Traces `text`. `tenantID` limits the trace to one tenant (a tenant admin); nil searches
    /// every tenant (a platform operator).
    public func trace(_ text: String, tenantID: UUID?) async throws -> Trace {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GovernanceError.invalidInput(field: "text", message: "must not be empty")
        }
        let codec = WatermarkCodec(key: try await memories.keyring.systemKey("watermark"))
        var recipients: [Recipient] = []
        for mark in codec.decode(text) {
            guard let found = try await auditLog.record(mark: String(mark, radix: 16)),
                let recordTenant = found.tenantID, tenantID == nil || recordTenant == tenantID
            else { continue }
            recipients.append(try await recipient(found.record, tenantID: recordTenant, memoryID: nil))
        }
        if !recipients.isEmpty {
            return Trace(method: .watermark, recipients: recipients.sorted { $0.time > $1.time }, confidence: 1)
        }
        return try await traceByFingerprint(WatermarkCodec.strip(text), tenantID: tenantID)
    }

    private func traceByFingerprint(_ text: String, tenantID: UUID?) async throws -> Trace {
        let tenants: [UUID] =
            if let tenantID { [tenantID] } else {
                try await memories.translatingStoreErrors { try await memories.store.tenants() }.map(\.id)
            }
        var best: (tenantID: UUID, memoryID: UUID, overlap: Double)?
        for tenant in tenants {
            guard let found = try await memories.fingerprintSource(of: text, tenantID: tenant),
                found.overlap >= Self.minimumOverlap, found.overlap > (best?.overlap ?? 0)
            else { continue }
            best = (tenant, found.memoryID, found.overlap)
        }
        guard let best else { return Trace(method: .fingerprint, recipients: [], confidence: 0) }
        let summaries = try await auditLog.recipients(ofResource: best.memoryID.uuidString.lowercased(), tenantID: best.tenantID)
        var recipients: [Recipient] = []
        for summary in summaries where summary.outcome == .success {
            if summary.actorKind == "user", Self.sends(summary.action) {
                recipients.append(try await recipient(summary, tenantID: best.tenantID, memoryID: best.memoryID))
            } else if summary.actorKind == MemStoreService.subscriberActorKind, Self.subscriberReads.contains(summary.action),
                let subscriber = summary.subscriberTenant.flatMap(UUID.init(uuidString:)), tenantID == nil || subscriber == tenantID
            {
                // Another tenant read it through the MemStore: the recipient lives in that tenant.
                recipients.append(try await recipient(summary, tenantID: subscriber, memoryID: best.memoryID))
            }
        }
        return Trace(method: .fingerprint, recipients: recipients.sorted { $0.time > $1.time }, confidence: best.overlap)
    }

    /// MemStore reads whose response carried the publisher's memory text to a subscriber.
    static let subscriberReads: Set<String> = ["memstore.search", "memstore.list", "memstore.read"]

    /// Actions whose response carried memory text.
    static func sends(_ action: String) -> Bool {
        [
            "memory.read", "memory.search", "memory.list", "memory.history", "memory.related", "memory.add",
            "memory.update", "subject.export", "chat.completion", "cube.export",
            "activation.read", "scheduler.working_memory",
        ].contains(action)
    }

    private func recipient(_ summary: AuditRecordSummary, tenantID: UUID, memoryID: UUID?) async throws -> Recipient {
        let tenant = try await memories.translatingStoreErrors { try await memories.store.tenant(id: tenantID) }
        var username: String?
        if let actor = summary.actor, let userID = UUID(uuidString: actor) {
            username = try await memories.translatingStoreErrors { try await memories.store.user(tenantID: tenantID, id: userID) }?.username
        }
        return Recipient(
            tenantID: tenantID, tenantName: tenant?.name ?? "", userID: summary.actor, username: username, role: summary.role,
            requestID: summary.requestID, time: summary.time, action: summary.action, memoryID: memoryID)
    }
}
