/// What can go wrong in the store, in terms the layers above can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A uniqueness rule was violated (a tenant, user or cube name that already exists).
    case conflict(String)
    /// The row to change does not exist (or belongs to another tenant: the store cannot tell).
    case notFound(String)
    /// Someone else changed the row first; re-read and retry.
    case versionMismatch(expected: Int, actual: Int)
    /// The database itself failed (disk full, file unwritable, corrupt).
    case unavailable(String)

    public var description: String {
        switch self {
        case .conflict(let message): "conflict: \(message)"
        case .notFound(let message): "not found: \(message)"
        case .versionMismatch(let expected, let actual): "version mismatch: expected \(expected), found \(actual)"
        case .unavailable(let message): "store unavailable: \(message)"
        }
    }
}
