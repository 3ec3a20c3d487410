import Foundation
import Hummingbird
import Logging

/// Outermost middleware: turns every error into an RFC 9457 problem, stamps the request id on
/// every response, and writes one access-log line per request (path only: query strings and
/// bodies may carry personal data and are never logged).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let mapped = ErrorMapping.map(error)
            if mapped.status == .internalServerError {
                context.logger.error(
                    "unhandled error", metadata: ["request_id": .string(context.requestID), "error": .string("\(type(of: error))")])
            }
            response = JSONCoding.problem(
                Problem(
                    type: "urn:memos:problem:\(mapped.slug)", title: mapped.status.reasonPhrase,
                    status: mapped.status.code, detail: mapped.detail, instance: request.uri.path,
                    requestID: context.requestID))
        }
        response.headers[.init("X-Request-ID")!] = context.requestID
        let elapsed = ContinuousClock.now - started
        context.logger.info(
            "request",
            metadata: [
                "request_id": .string(context.requestID),
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000),
            ])
        return response
    }
}
