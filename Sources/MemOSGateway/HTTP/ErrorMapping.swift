import Hummingbird
import MemOSGovernance

/// The one place where errors become HTTP statuses and problem documents.
enum ErrorMapping {
    struct Mapped {
        let status: HTTPResponse.Status
        let slug: String
        let detail: String
    }

    static func map(_ error: any Error) -> Mapped {
        switch error {
        case let error as GovernanceError:
            return map(error)
        case let error as RequestError:
            return map(error)
        case let error as HTTPError:
            let detail = error.body ?? defaultDetail(for: error.status)
            return Mapped(status: error.status, slug: slug(for: error.status), detail: detail)
        default:
            return Mapped(status: .internalServerError, slug: "internal", detail: "an internal error occurred")
        }
    }

    private static func map(_ error: GovernanceError) -> Mapped {
        switch error {
        case .unauthenticated(let detail): Mapped(status: .unauthorized, slug: "unauthenticated", detail: detail)
        case .forbidden(let detail): Mapped(status: .forbidden, slug: "forbidden", detail: detail)
        case .notFound(let detail): Mapped(status: .notFound, slug: "not-found", detail: detail)
        case .invalidInput: Mapped(status: .badRequest, slug: "invalid-input", detail: error.description)
        case .conflict(let detail): Mapped(status: .conflict, slug: "conflict", detail: detail)
        case .unavailable(let detail): Mapped(status: .serviceUnavailable, slug: "unavailable", detail: detail)
        case .upstream(let detail): Mapped(status: .badGateway, slug: "model-backend", detail: detail)
        case .integrity(let detail): Mapped(status: .internalServerError, slug: "integrity-error", detail: detail)
        }
    }

    private static func map(_ error: RequestError) -> Mapped {
        switch error {
        case .malformedJSON(let detail):
            Mapped(status: .badRequest, slug: "malformed-json", detail: "malformed JSON body: \(detail)")
        case .unknownField(let path):
            Mapped(status: .badRequest, slug: "unknown-field", detail: "unknown field '\(path)'")
        case .ownerField(let path):
            Mapped(
                status: .badRequest, slug: "owner-field",
                detail: "field '\(path)' is not accepted: the tenant and owner come from your credential")
        case .invalidField(let path, let reason):
            Mapped(status: .badRequest, slug: "invalid-input", detail: "\(path): \(reason)")
        case .missingField(let path):
            Mapped(status: .badRequest, slug: "invalid-input", detail: "missing required field '\(path)'")
        case .bodyTooLarge(let limit):
            Mapped(
                status: .contentTooLarge, slug: "body-too-large",
                detail: "request body exceeds the limit of \(limit) bytes")
        case .unsupportedMediaType(let type):
            Mapped(
                status: .unsupportedMediaType, slug: "unsupported-media-type",
                detail: "expected Content-Type application/json, got '\(type)'")
        case .missingCredential:
            Mapped(
                status: .unauthorized, slug: "unauthenticated",
                detail: "missing credential: send 'Authorization: Bearer <api key or session token>'")
        }
    }

    private static func slug(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 413: "body-too-large"
        case 400..<500: "bad-request"
        default: "internal"
        }
    }

    private static func defaultDetail(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "no such endpoint"
        case 405: "method not allowed on this endpoint"
        default: status.reasonPhrase
        }
    }
}
