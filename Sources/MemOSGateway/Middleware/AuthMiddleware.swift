import Hummingbird
import MemOSGovernance

/// Verifies the bearer credential and records whose it is in the context.
///
/// Deny by default: every route behind it is unreachable without a valid credential.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let identity: IdentityService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw RequestError.missingCredential
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw RequestError.missingCredential
        }
        var context = context
        context.identity = try await identity.authenticate(bearer: String(parts[1]).trimmingCharacters(in: .whitespaces))
        return try await next(request, context)
    }
}
