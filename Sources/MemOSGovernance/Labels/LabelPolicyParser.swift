import Foundation
import Yams

extension LabelPolicy {
    /// Parses and validates the text of a `labels.yaml`.
    ///
    /// With `knownRoles`, the watermark's exempt roles must be among them; without, only their
    /// spelling is checked (the policy directory loader checks them once `roles.yaml` is read,
    /// which itself needs these levels first).
    public static func parse(
        yaml: String, fileName: String = LabelPolicy.fileName, knownRoles: Set<String>? = nil
    ) throws(PolicyError) -> LabelPolicy {
        let (policy, references) = try LabelPolicyParser(yaml: PolicyYAML(file: fileName)).parse(yaml)
        if let knownRoles {
            try PolicyReference.checkRoles(references, known: knownRoles, what: "watermark exempt_roles")
        }
        return policy
    }
}

/// Reads `labels.yaml`; role names it mentions are returned for checking against `roles.yaml`.
struct LabelPolicyParser {
    let yaml: PolicyYAML

    func parse(_ text: String) throws(PolicyError) -> (LabelPolicy, [PolicyReference]) {
        let root = try yaml.compose(text, emptyMessage: "policy file is empty (expected 'version', 'levels', 'default_label' and 'watermark')")
        let entries = try yaml.mapping(root, what: "the top level")
        try yaml.checkKeys(entries, of: root, required: ["version", "levels", "default_label", "watermark"], context: "the top level")
        func value(_ key: String) -> Node { entries.first { $0.key == key }!.value }

        _ = try yaml.version(value("version"), supported: LabelPolicy.supportedVersion)

        let levelsNode = value("levels")
        let levelNodes = try yaml.sequence(levelsNode, what: "levels")
        guard !levelNodes.isEmpty else {
            throw yaml.invalid(at: levelsNode, "levels list is empty (define at least one level, lowest first)")
        }
        var levels: [String] = []
        var firstLine: [String: Int] = [:]
        for node in levelNodes {
            let level = try yaml.string(node, what: "level")
            guard LabelScale.isValidLevelName(level) else {
                throw yaml.invalid(at: node, "invalid level name '\(level)' (must match [a-z][a-z0-9-]{0,39})")
            }
            if let line = firstLine[level] {
                throw yaml.invalid(at: node, "level '\(level)' is listed twice (first on line \(line))")
            }
            firstLine[level] = yaml.line(of: node)
            levels.append(level)
        }

        let defaultLabel = try yaml.label(value("default_label"), what: "default_label", levels: levels)
        let scale = try LabelScale(levels: levels, defaultLabel: defaultLabel)

        let watermarkNode = value("watermark")
        let watermarkEntries = try yaml.mapping(watermarkNode, what: "watermark")
        try yaml.checkKeys(watermarkEntries, of: watermarkNode, required: ["minimum_label", "exempt_roles"], context: "watermark")
        let minimumLabel = try yaml.label(
            watermarkEntries.first { $0.key == "minimum_label" }!.value, what: "watermark minimum_label", levels: levels)
        var references: [PolicyReference] = []
        for node in try yaml.sequence(watermarkEntries.first { $0.key == "exempt_roles" }!.value, what: "exempt_roles") {
            let reference = try yaml.roleReference(node, what: "exempt_roles")
            if let first = references.first(where: { $0.name == reference.name }) {
                throw yaml.invalid(at: node, "role '\(reference.name)' is listed twice in exempt_roles (first on line \(first.line))")
            }
            references.append(reference)
        }

        let watermark = WatermarkPolicy(minimumLabel: minimumLabel, exemptRoles: Set(references.map(\.name)))
        return (LabelPolicy(scale: scale, watermark: watermark), references)
    }
}
