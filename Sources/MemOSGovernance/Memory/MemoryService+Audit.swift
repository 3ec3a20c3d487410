import Foundation
import MemOSCore

/// Every memory operation leaves one audit record: reads after they succeed (and before
/// anything is returned), writes before they commit, refusals and failures when they happen.
/// If the record cannot be written, the operation fails and nothing is returned or changed.
extension MemoryService {
    /// What a successful operation reports to the trail.
    struct AuditNote: Sendable {
        var resources: [String] = []
        var personal: [String: String] = [:]
        var details: [String: String] = [:]
        var mark: String?
    }

    func event(
        _ caller: MemoryCaller, _ action: String, _ note: AuditNote, outcome: AuditOutcome, status: Int,
        syncToDisk: Bool = true
    ) -> AuditEvent {
        AuditEvent(
            tenantID: caller.tenantID, actor: caller.user.id.uuidString.lowercased(), actorKind: "user",
            role: caller.role.name, action: action, resources: note.resources, outcome: outcome, status: status,
            requestID: caller.requestID, personal: note.personal, details: note.details, mark: note.mark,
            syncToDisk: syncToDisk)
    }

    /// Appends the success record; throws (503) when the trail cannot take it. Records of
    /// changes are synced to disk before the change commits; records of reads need only survive
    /// a process crash (`syncToDisk: false`).
    func auditSuccess(
        _ caller: MemoryCaller, _ action: String, _ note: AuditNote, status: Int = 200, syncToDisk: Bool = true
    ) async throws {
        try await audit.append(event(caller, action, note, outcome: .success, status: status, syncToDisk: syncToDisk))
    }

    /// Runs a read: on success it is audited before its result is released; a refusal or
    /// failure is audited as such and rethrown.
    func auditedRead<T: Sendable>(
        _ caller: MemoryCaller, _ action: String, personal: [String: String] = [:],
        _ body: () async throws -> (T, AuditNote)
    ) async throws -> T {
        let (result, note) = try await auditingFailures(caller, action, personal: personal, body)
        var recorded = note
        recorded.personal.merge(personal) { own, _ in own }
        try await auditSuccess(caller, action, recorded, syncToDisk: false)
        return result
    }

    /// Runs a write whose body audits its own success right before committing (so a trail
    /// that cannot be written stops the commit); failures are audited here.
    func auditedWrite<T: Sendable>(
        _ caller: MemoryCaller, _ action: String, personal: [String: String] = [:], _ body: () async throws -> T
    ) async throws -> T {
        try await auditingFailures(caller, action, personal: personal) { (try await body(), AuditNote()) }.0
    }

    private func auditingFailures<T: Sendable>(
        _ caller: MemoryCaller, _ action: String, personal: [String: String], _ body: () async throws -> (T, AuditNote)
    ) async throws -> (T, AuditNote) {
        do {
            return try await body()
        } catch let error as GovernanceError {
            let status = Self.auditStatus(of: error)
            // Best effort: the original error is what the caller must see. When the trail
            // itself is down, this fails too, and the operation already failed closed.
            try? await audit.append(
                event(
                    caller, action, AuditNote(personal: personal, details: ["reason": Self.reason(of: error)]),
                    outcome: AuditOutcome(status: status), status: status))
            throw error
        }
    }

    /// The status the gateway answers this error with (see the gateway's ErrorMapping), as
    /// recorded in the trail.
    static func auditStatus(of error: GovernanceError) -> Int {
        switch error {
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .invalidInput: 400
        case .conflict: 409
        case .unavailable: 503
        case .upstream: 502
        case .integrity: 500
        }
    }

    /// The kind of refusal, without its message (messages can quote input).
    static func reason(of error: GovernanceError) -> String {
        switch error {
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not-found"
        case .invalidInput(let field, _): field.map { "invalid-input:\($0)" } ?? "invalid-input"
        case .conflict: "conflict"
        case .unavailable: "unavailable"
        case .upstream: "model-backend"
        case .integrity: "integrity"
        }
    }

    /// A row that failed to open is recorded (never returned), so tampering shows in the trail.
    func reportIntegrityFailure(tenantID: UUID, resource: UUID, _ error: GovernanceError) async {
        try? await audit.append(
            AuditEvent(
                tenantID: tenantID, actor: nil, actorKind: "system", role: nil, action: "integrity.failure",
                resources: [resource.uuidString.lowercased()], outcome: .failure, status: 500, requestID: nil,
                personal: [:], details: ["reason": "\(error)"], mark: nil))
    }
}
