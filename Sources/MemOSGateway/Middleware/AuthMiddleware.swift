import Hummingbird
import MemOSGovernance

/// Verifies the bearer credential and records whose it is in the context.
///
/// Deny by default: every route behind it is unreachable without a valid credential.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let identity: IdentityService
    let audit: any AuditSink

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        do {
            guard let header = request.headers[.authorization] else {
                throw RequestError.missingCredential
            }
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw RequestError.missingCredential
            }
            context.identity = try await identity.authenticate(bearer: String(parts[1]).trimmingCharacters(in: .whitespaces))
        } catch {
            // Failed authentication is recorded platform-wide: the credential named no tenant
            // we can trust. The presented credential itself is never recorded.
            let mapped = ErrorMapping.map(error)
            try await audit.append(
                AuditEvent(
                    tenantID: nil, actorKind: "anonymous", action: "auth.failure",
                    outcome: .denied, status: Int(mapped.status.code), requestID: context.requestID,
                    details: ["path": context.endpointPath ?? request.uri.path, "reason": mapped.slug]))
            throw error
        }
        return try await next(request, context)
    }
}
