import Foundation
import MemOSCore
import Yams

/// One line of `retention.yaml`: memories matching `label` and/or `memoryType` are deleted once
/// older than `maximumAge`.
public struct RetentionRule: Sendable, Hashable {
    /// The label the rule applies to; `nil` for any.
    public let label: String?
    /// The memory type (`MemoryType` raw value) the rule applies to; `nil` for any.
    public let memoryType: String?
    /// Age in seconds after which a matching memory is swept.
    public let maximumAge: TimeInterval

    public init(label: String? = nil, memoryType: String? = nil, maximumAge: TimeInterval) {
        self.label = label
        self.memoryType = memoryType
        self.maximumAge = maximumAge
    }
}

/// The parsed content of `retention.yaml`.
public struct RetentionPolicy: Sendable, Hashable {
    /// The optional file in the policy directory this comes from.
    public static let fileName = "retention.yaml"
    /// The only `version` this gateway understands.
    public static let supportedVersion = 1
    /// How often expired memories are swept when the file does not say.
    public static let defaultSweepInterval: TimeInterval = 3600

    public let rules: [RetentionRule]
    /// How often the sweeper looks for expired memories, in seconds.
    public let sweepInterval: TimeInterval
    /// Maximum age of memories no rule matches; `nil` keeps them.
    public let defaultMaximumAge: TimeInterval?

    public init(rules: [RetentionRule], sweepInterval: TimeInterval = Self.defaultSweepInterval, defaultMaximumAge: TimeInterval? = nil) {
        self.rules = rules
        self.sweepInterval = sweepInterval
        self.defaultMaximumAge = defaultMaximumAge
    }

    /// What applies when the policy directory has no `retention.yaml` (identical to the shipped
    /// file): working memory lives 30 days, everything else is kept; swept hourly.
    public static let standard = RetentionPolicy(rules: [RetentionRule(memoryType: "WorkingMemory", maximumAge: 30 * 86_400)])

    /// How long a memory may live, or `nil` to keep it. The most specific matching rule wins:
    /// label and type, then type, then label, then `defaultMaximumAge`.
    public func maximumAge(label: String, memoryType: String) -> TimeInterval? {
        if let rule = rules.first(where: { $0.label == label && $0.memoryType == memoryType }) { return rule.maximumAge }
        if let rule = rules.first(where: { $0.label == nil && $0.memoryType == memoryType }) { return rule.maximumAge }
        if let rule = rules.first(where: { $0.label == label && $0.memoryType == nil }) { return rule.maximumAge }
        return defaultMaximumAge
    }

    /// Parses a duration such as `90d`, `12h`, `30m` or `45s` into seconds; `nil` if malformed or zero.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), text.first?.isASCII == true,
            text.first?.isNumber == true, (1...999_999).contains(count)
        else { return nil }
        let seconds: Int
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        default: return nil
        }
        return TimeInterval(count * seconds)
    }

    /// Parses and validates the text of a `retention.yaml`; labels must be levels of `scale`.
    public static func parse(
        yaml: String, fileName: String = RetentionPolicy.fileName, scale: LabelScale = .standard
    ) throws(PolicyError) -> RetentionPolicy {
        try RetentionPolicyParser(yaml: PolicyYAML(file: fileName), scale: scale).parse(yaml)
    }
}

struct RetentionPolicyParser {
    let yaml: PolicyYAML
    let scale: LabelScale

    func parse(_ text: String) throws(PolicyError) -> RetentionPolicy {
        let root = try yaml.compose(text, emptyMessage: "policy file is empty (expected 'version' and 'rules')")
        let entries = try yaml.mapping(root, what: "the top level")
        try yaml.checkKeys(
            entries, of: root, required: ["version", "rules"], optional: ["sweep_interval", "default_max_age"], context: "the top level")
        func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
        _ = try yaml.version(value("version")!, supported: RetentionPolicy.supportedVersion)

        let sweepInterval = try value("sweep_interval").map { node throws(PolicyError) in
            try duration(node, what: "sweep_interval")
        } ?? RetentionPolicy.defaultSweepInterval
        let defaultMaximumAge = try value("default_max_age").map { node throws(PolicyError) in
            try duration(node, what: "default_max_age")
        }

        var rules: [RetentionRule] = []
        var firstLine: [String: Int] = [:]
        for node in try yaml.sequence(value("rules")!, what: "rules") {
            let ruleEntries = try yaml.mapping(node, what: "each rule")
            try yaml.checkKeys(ruleEntries, of: node, required: ["max_age"], optional: ["label", "memory_type"], context: "rule")
            func ruleValue(_ key: String) -> Node? { ruleEntries.first { $0.key == key }?.value }

            let label = try ruleValue("label").map { node throws(PolicyError) in
                try yaml.label(node, what: "label of a retention rule", levels: scale.levels)
            }
            let memoryType = try ruleValue("memory_type").map { node throws(PolicyError) in
                let name = try yaml.string(node, what: "memory_type")
                guard MemoryType(rawValue: name) != nil else {
                    throw yaml.invalid(at: node, "unknown memory_type '\(name)' (expected one of: \(MemoryType.allNames.joined(separator: ", ")))")
                }
                return name
            }
            guard label != nil || memoryType != nil else {
                throw yaml.invalid(at: node, "a rule needs 'label', 'memory_type' or both (use default_max_age for everything else)")
            }
            let key = "\(label ?? "*")/\(memoryType ?? "*")"
            if let line = firstLine[key] {
                throw yaml.invalid(at: node, "a rule for the same label and memory_type is already defined on line \(line)")
            }
            firstLine[key] = yaml.line(of: node)
            rules.append(RetentionRule(label: label, memoryType: memoryType, maximumAge: try duration(ruleValue("max_age")!, what: "max_age")))
        }
        return RetentionPolicy(rules: rules, sweepInterval: sweepInterval, defaultMaximumAge: defaultMaximumAge)
    }

    private func duration(_ node: Node, what: String) throws(PolicyError) -> TimeInterval {
        let text = try yaml.string(node, what: what)
        guard let seconds = RetentionPolicy.parseDuration(text) else {
            throw yaml.invalid(at: node, "invalid duration '\(text)' for \(what) (expected a positive number and a unit: s, m, h or d, e.g. 90d, 12h, 30m)")
        }
        return seconds
    }
}
