/// Where a memory is in its lifecycle (Generated → Activated → Merged → Archived → Frozen).
///
/// Search only sees live states by default; the full transition rules belong to the lifecycle
/// engine, but the states are part of every stored version from the first commit.
public enum MemoryState: String, Sendable, Codable, CaseIterable, Hashable {
    case generated
    case activated
    case merged
    case archived
    case frozen
    case deleted

    /// States whose memories a plain search returns.
    public static let searchableByDefault: Set<MemoryState> = [.generated, .activated, .frozen]

    public static var allNames: [String] { allCases.map(\.rawValue) }
}
