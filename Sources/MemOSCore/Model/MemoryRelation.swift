/// How two memories relate in the memory graph. Edges are directed: `from` → `to`.
public enum MemoryRelation: String, Sendable, Codable, CaseIterable, Hashable {
    /// `from` summarises `to` (a parent over its children).
    case summarizes
    /// `from` was merged into `to`, the survivor.
    case mergedInto = "merged_into"
    /// `from` comes after `to` in the same conversation.
    case follows
    /// Both speak of the same entity (person, project, place).
    case sameEntity = "same_entity"
    /// `from` contradicts (and supersedes) `to`.
    case contradicts
    /// `from` was refined from the raw memory `to` (fine-mode reading of a fast-mode window).
    case refinedFrom = "refined_from"

    public static var allNames: [String] { allCases.map(\.rawValue) }
}
