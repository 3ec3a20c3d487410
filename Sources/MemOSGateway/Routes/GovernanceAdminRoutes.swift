import Foundation
import Hummingbird
import MemOSGovernance

/// `/admin/v1` governance operations: leak tracing, the audit trail, the signing key, and
/// master key rotation.
struct GovernanceAdminRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("watermark/trace") { request, context in
            let scope = try auditScope(request, context, action: "trace leaked text")
            guard let tracer = governance.tracer else {
                throw GovernanceError.unavailable("leak tracing needs the audit trail, which this gateway runs without")
            }
            let input = try await body.decode(TraceRequest.self, from: request)
            let trace = try await tracer.trace(input.text, tenantID: scope)
            guard !trace.recipients.isEmpty else {
                throw GovernanceError.notFound("no watermark or fingerprint in this text leads to a recipient")
            }
            return try JSONCoding.response(TraceOutput(trace))
        }
        group.get("audit/export") { request, context in
            let scope = try auditScope(request, context, action: "export the audit trail")
            guard let log = governance.auditLog else {
                throw GovernanceError.unavailable("this gateway runs without an audit trail")
            }
            let query = request.uri.queryParameters
            let from = try query.get("from").map { try date($0, field: "from") }
            let to = try query.get("to").map { try date($0, field: "to") }
            // Operators read the platform chain, or a tenant's with ?tenant=<id>.
            var tenantID = scope
            if scope == nil, let raw = query.get("tenant") {
                guard let id = UUID(uuidString: raw) else {
                    throw RequestError.invalidField("tenant", "must be a tenant id")
                }
                tenantID = id
            }
            let lines = log.export(tenantID: tenantID, from: from, to: to)
            let stream = AsyncStream<ByteBuffer> { continuation in
                let task = Task {
                    do {
                        for try await line in lines {
                            continuation.yield(ByteBuffer(string: line + "\n"))
                        }
                    } catch {
                        // The body is already streaming: end it; the verifier reports the truncation.
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: ResponseBody(asyncSequence: stream))
        }
        group.get("audit/public-key") { _, context in
            _ = try context.requireIdentity()
            guard let log = governance.auditLog else {
                throw GovernanceError.unavailable("this gateway runs without an audit trail")
            }
            return try JSONCoding.response(
                PublicKeyOutput(publicKey: log.publicKey.rawRepresentation.base64EncodedString(), keyID: log.keyID))
        }
        group.post("keys/rotate") { _, context in
            guard case .operator = try context.requireIdentity() else {
                throw GovernanceError.forbidden("only platform operators may rotate the master key")
            }
            let rotation = try await governance.rotateMasterKey()
            return try JSONCoding.response(RotationOutput(rewrappedKeys: rotation.rewrapped, kekID: rotation.kekID))
        }
    }

    /// Operators see every tenant (nil); a tenant user needs `audit.read` and sees its own.
    private func auditScope(_ request: Request, _ context: GatewayRequestContext, action: String) throws -> UUID? {
        switch try context.requireIdentity() {
        case .operator:
            return nil
        case .user:
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            guard caller.role.has(.auditRead) else {
                throw GovernanceError.forbidden("role '\(caller.role.name)' may not \(action) (audit.read)")
            }
            return caller.tenantID
        }
    }

    private func date(_ value: String, field: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: value) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: value) else {
            throw RequestError.invalidField(field, "must be an RFC 3339 time, e.g. 2026-11-23T00:00:00Z")
        }
        return date
    }
}
