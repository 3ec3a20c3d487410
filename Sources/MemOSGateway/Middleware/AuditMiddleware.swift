import Hummingbird
import MemOSGovernance

/// One audit record for every administrative and identity operation (tenants, users, keys,
/// tokens, leak traces): who, as which role, which route, and how it ended. Memory, cube and
/// subject routes are skipped here because the governance layer audits them itself, with
/// resource ids and before commit.
///
/// A success that cannot be recorded is turned into a 503, so no administrative answer leaves
/// the gateway unaudited (the change, already made, stands: these records follow it).
struct AuditMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let audit: any AuditSink

    static let selfAuditedPrefixes = [
        "/v1/memories", "/v1/subjects", "/v1/cubes", "/v1/chat", "/v1/memstore", "/v1/artifacts", "/v1/activation", "/product/",
    ]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if Self.selfAuditedPrefixes.contains(where: { path.hasPrefix($0) }) {
            return try await next(request, context)
        }
        do {
            let response = try await next(request, context)
            try await record(request, context: context, status: Int(response.status.code))
            return response
        } catch {
            let status = Int(ErrorMapping.map(error).status.code)
            try? await record(request, context: context, status: status)
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
