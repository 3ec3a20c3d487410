/// Every refusal the governance layer can give, each naming its reason precisely.
///
/// The gateway maps these to HTTP status codes in exactly one place; nothing below it knows HTTP.
public enum GovernanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No usable credential: missing, malformed, wrong, expired or revoked (401).
    case unauthenticated(String)
    /// Authenticated, but the acting role may not do this (403).
    case forbidden(String)
    /// The resource does not exist for this caller. Other tenants' and other subspaces' resources
    /// answer exactly like missing ones, so probing learns nothing (404).
    case notFound(String)
    /// The request is malformed; `field` names the offending input when there is one (400).
    case invalidInput(field: String?, message: String)
    /// The request clashes with existing state: a duplicate name, a stale version (409).
    case conflict(String)
    /// A dependency the operation needs is down; nothing was changed (503).
    case unavailable(String)
    /// A model backend failed or answered nonsense; nothing was changed (502).
    case upstream(String)
    /// Stored data failed authentication (edited, moved between rows, or its key destroyed
    /// while still referenced); it is never returned, and the failure is audited (500).
    case integrity(String)

    public var description: String {
        switch self {
        case .unauthenticated(let message), .forbidden(let message), .notFound(let message),
            .conflict(let message), .unavailable(let message), .upstream(let message), .integrity(let message):
            message
        case .invalidInput(let field, let message):
            field.map { "\($0): \(message)" } ?? message
        }
    }
}
