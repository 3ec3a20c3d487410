import Foundation

/// The ordered sensitivity levels of `labels.yaml`, lowest first.
///
/// Every memory carries one of these labels and every role a clearance from the same scale; a
/// role may read a label at or below its clearance. Anything the scale does not know is treated
/// as unreadable, never as harmless.
public struct LabelScale: Sendable, Hashable {
    /// The levels, lowest first.
    public let levels: [String]
    /// The label of a memory whose writer asks for none.
    public let defaultLabel: String
    private let ranks: [String: Int]

    /// The standard scale: `public < internal < confidential < restricted`, default `internal`.
    public static let standard = LabelScale(unchecked: RoleDefinition.clearanceLevels, defaultLabel: "internal")

    /// Builds a scale; levels must be distinct names matching `[a-z][a-z0-9-]{0,39}` and the
    /// default one of them. The parser reports mistakes with their position in `labels.yaml`;
    /// this initializer, for tools and tests, reports them against the file as a whole.
    public init(levels: [String], defaultLabel: String) throws(PolicyError) {
        func fail(_ message: String) -> PolicyError {
            .invalid(file: LabelPolicy.fileName, line: 0, column: 0, message: message)
        }
        guard !levels.isEmpty else { throw fail("levels list is empty (define at least one level)") }
        var seen: Set<String> = []
        for level in levels {
            guard Self.isValidLevelName(level) else {
                throw fail("invalid level name '\(level)' (must match [a-z][a-z0-9-]{0,39})")
            }
            guard seen.insert(level).inserted else { throw fail("level '\(level)' is listed twice") }
        }
        guard seen.contains(defaultLabel) else {
            throw fail("unknown label '\(defaultLabel)' for default_label (expected one of: \(levels.joined(separator: ", ")))")
        }
        self.init(unchecked: levels, defaultLabel: defaultLabel)
    }

    private init(unchecked levels: [String], defaultLabel: String) {
        self.levels = levels
        self.defaultLabel = defaultLabel
        self.ranks = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
    }

    /// Level names follow the role-name rule: they appear in URLs, storage and logs.
    public static func isValidLevelName(_ name: String) -> Bool {
        RoleDefinition.isValidName(name)
    }

    /// The lowest level.
    public var lowest: String { levels[0] }
    /// The highest level.
    public var highest: String { levels[levels.count - 1] }

    /// Position of `label` (0 = lowest); `nil` for a label the scale does not define.
    public func rank(_ label: String) -> Int? {
        ranks[label]
    }

    public func contains(_ label: String) -> Bool {
        ranks[label] != nil
    }

    /// The highest of `labels`, or `defaultLabel` for none. The answer is always a level of this
    /// scale: an unknown label counts as the highest level (fail closed), so a label from an
    /// older or foreign policy can never lower the result.
    public func highest(_ labels: [String]) -> String {
        guard !labels.isEmpty else { return defaultLabel }
        var best = 0
        for label in labels {
            best = max(best, rank(label) ?? levels.count - 1)
        }
        return levels[best]
    }

    /// Whether a reader with `clearance` may read something labelled `label`: the label is at or
    /// below the clearance. Either being unknown denies.
    public func allows(clearance: String, toRead label: String) -> Bool {
        guard let clearanceRank = rank(clearance), let labelRank = rank(label) else { return false }
        return labelRank <= clearanceRank
    }
}

/// Which returned memories carry a reader-specific watermark (`watermark:` in `labels.yaml`).
public struct WatermarkPolicy: Sendable, Hashable {
    /// Memories labelled at or above this level are marked.
    public let minimumLabel: String
    /// Roles whose readers get unmarked text (machine consumers that must see exact bytes).
    public let exemptRoles: Set<String>

    /// Every label from `internal` up is marked; only the `agent` role (machine consumers) is exempt.
    public static let standard = WatermarkPolicy(minimumLabel: "internal", exemptRoles: ["agent"])

    public init(minimumLabel: String, exemptRoles: Set<String>) {
        self.minimumLabel = minimumLabel
        self.exemptRoles = exemptRoles
    }

    /// Whether text labelled `label` returned to `role` gets a mark. Unknown labels (of the memory
    /// or of the policy) are marked: a mark too many is harmless, a missing one loses the trail.
    public func applies(label: String, role: String, scale: LabelScale) -> Bool {
        if exemptRoles.contains(role) { return false }
        guard let minimum = scale.rank(minimumLabel), let rank = scale.rank(label) else { return true }
        return rank >= minimum
    }
}

/// The parsed content of `labels.yaml`: the label scale and the watermark policy.
public struct LabelPolicy: Sendable, Hashable {
    /// The optional file in the policy directory this comes from.
    public static let fileName = "labels.yaml"
    /// The only `version` this gateway understands.
    public static let supportedVersion = 1

    public let scale: LabelScale
    public let watermark: WatermarkPolicy

    /// What applies when the policy directory has no `labels.yaml` (identical to the shipped file).
    public static let standard = LabelPolicy(scale: .standard, watermark: .standard)

    public init(scale: LabelScale, watermark: WatermarkPolicy) {
        self.scale = scale
        self.watermark = watermark
    }
}
