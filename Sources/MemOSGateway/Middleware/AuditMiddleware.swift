import Hummingbird
import MemOSGovernance

/// One audit record for every request that the governance layer did not record itself:
/// administrative and identity operations (tenants, users, keys, tokens, leak traces), and any
/// request refused before it reached a self-auditing service (a malformed body, a bad id):
/// who, as which role, which route, and how it ended. Memory, cube, subject, chat, MemStore and
/// artifact operations audit themselves, with resource ids and before commit; the task-local
/// `RequestAuditMarker` tells this middleware they did, so nothing is recorded twice.
///
/// A success that cannot be recorded is turned into a 503, so no administrative answer leaves
/// the gateway unaudited (the change, already made, stands: these records follow it).
struct AuditMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let audit: any AuditSink

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let marker = RequestAuditMarker()
        do {
            let response = try await RequestAuditMarker.$current.withValue(marker) { try await next(request, context) }
            if !marker.hasRecord { try await record(request, context: context, status: Int(response.status.code)) }
            return response
        } catch {
            if !marker.hasRecord {
                try? await record(request, context: context, status: Int(ErrorMapping.map(error).status.code))
            }
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int) async throws {
        var event = AuditEvent(
            tenantID: nil, actorKind: "anonymous",
            action: "api.\(request.method.rawValue.lowercased()) \(context.endpointPath ?? request.uri.path)",
            outcome: AuditOutcome(status: status),
            status: status, requestID: context.requestID)
        switch context.identity {
        case .operator(let record):
            event.actor = record.id.uuidString.lowercased()
            event.actorKind = "operator"
        case .user(let user):
            event.tenantID = user.tenant.id
            event.actor = user.user.id.uuidString.lowercased()
            event.actorKind = "user"
            event.role = request.headers[.memosRole] ?? user.user.defaultRole
            if let key = user.apiKeyID { event.details["credential"] = key }
        case nil:
            break
        }
        try await audit.append(event)
    }
}
