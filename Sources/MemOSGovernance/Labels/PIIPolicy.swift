import Foundation
import Yams

/// What happens to a PII span for a reader whose clearance is below the span's label.
public enum PIITreatment: String, Sendable, Hashable, CaseIterable {
    /// The span is replaced by the kind's placeholder; the rest of the memory is returned.
    case redact
    /// The whole memory is withheld from the reader.
    case hide
}

/// How one kind of PII is labelled and shown (one entry of `pii.yaml`).
public struct PIIRule: Sendable, Hashable {
    public let kind: PIIKind
    /// The lowest clearance that may see the value itself.
    public let minimumLabel: String
    /// What replaces the value for readers below `minimumLabel`, e.g. `[EMAIL]`.
    public let placeholder: String
    /// Treatment for roles not listed in `roleTreatments`.
    public let defaultTreatment: PIITreatment
    /// Per-role overrides of `defaultTreatment`.
    public let roleTreatments: [String: PIITreatment]

    public init(
        kind: PIIKind, minimumLabel: String, placeholder: String, defaultTreatment: PIITreatment = .redact,
        roleTreatments: [String: PIITreatment] = [:]
    ) {
        self.kind = kind
        self.minimumLabel = minimumLabel
        self.placeholder = placeholder
        self.defaultTreatment = defaultTreatment
        self.roleTreatments = roleTreatments
    }

    /// The treatment for readers acting as `role`.
    public func treatment(for role: String) -> PIITreatment {
        roleTreatments[role] ?? defaultTreatment
    }
}

/// The parsed content of `pii.yaml`: one rule per PII kind.
public struct PIIPolicy: Sendable, Hashable {
    /// The optional file in the policy directory this comes from.
    public static let fileName = "pii.yaml"
    /// The only `version` this gateway understands.
    public static let supportedVersion = 1

    /// Rules by kind; every kind has one.
    public let rules: [PIIKind: PIIRule]

    /// Built from rules; kinds without a rule get their standard one.
    public init(rules: [PIIRule]) {
        var byKind = Dictionary(uniqueKeysWithValues: Self.standardRules.map { ($0.kind, $0) })
        for rule in rules { byKind[rule.kind] = rule }
        self.rules = byKind
    }

    /// What applies when the policy directory has no `pii.yaml` (identical to the shipped file).
    public static let standard = PIIPolicy(rules: [])

    static let standardRules: [PIIRule] = [
        PIIRule(kind: .email, minimumLabel: "confidential", placeholder: "[EMAIL]"),
        PIIRule(kind: .phone, minimumLabel: "confidential", placeholder: "[PHONE]"),
        PIIRule(kind: .paymentCard, minimumLabel: "confidential", placeholder: "[PAYMENT_CARD]"),
        PIIRule(kind: .iban, minimumLabel: "confidential", placeholder: "[IBAN]"),
        PIIRule(kind: .usSSN, minimumLabel: "restricted", placeholder: "[US_SSN]"),
        PIIRule(kind: .chineseResidentID, minimumLabel: "restricted", placeholder: "[CN_RESIDENT_ID]"),
        PIIRule(kind: .ipAddress, minimumLabel: "internal", placeholder: "[IP_ADDRESS]"),
        PIIRule(kind: .secret, minimumLabel: "restricted", placeholder: "[SECRET]", roleTreatments: ["guest": .hide]),
    ]

    public func rule(for kind: PIIKind) -> PIIRule {
        rules[kind] ?? Self.standardRules.first { $0.kind == kind }!
    }

    /// The highest label the given kinds imply, or `nil` for none.
    public func minimumLabel(for kinds: [PIIKind], scale: LabelScale) -> String? {
        guard !kinds.isEmpty else { return nil }
        return scale.highest(kinds.map { rule(for: $0).minimumLabel })
    }

    /// Checks that every label this policy names exists on `scale`; used when the built-in rules
    /// meet a custom `labels.yaml`, where there is no `pii.yaml` line to point at.
    func validate(against scale: LabelScale, file: String) throws(PolicyError) {
        for kind in PIIKind.allCases {
            let label = rule(for: kind).minimumLabel
            guard scale.contains(label) else {
                throw PolicyError.invalid(
                    file: file, line: 0, column: 0,
                    message: "no \(file) in the policy directory, and the built-in rule for '\(kind.rawValue)' needs label '\(label)', "
                        + "which labels.yaml does not define; add a \(file) that uses the configured levels")
            }
        }
    }

    /// Parses and validates the text of a `pii.yaml`. Labels must be levels of `scale`; with
    /// `knownRoles`, per-role treatments must name roles defined there.
    public static func parse(
        yaml: String, fileName: String = PIIPolicy.fileName, scale: LabelScale = .standard, knownRoles: Set<String>? = nil
    ) throws(PolicyError) -> PIIPolicy {
        let (policy, references) = try PIIPolicyParser(yaml: PolicyYAML(file: fileName), scale: scale).parse(yaml)
        if let knownRoles {
            try PolicyReference.checkRoles(references, known: knownRoles, what: "PII treatment")
        }
        return policy
    }
}

/// Reads `pii.yaml`. Every kind must be listed: a compliance reader should find each kind's
/// handling in the file, not in the gateway's source.
struct PIIPolicyParser {
    let yaml: PolicyYAML
    let scale: LabelScale

    func parse(_ text: String) throws(PolicyError) -> (PIIPolicy, [PolicyReference]) {
        let root = try yaml.compose(text, emptyMessage: "policy file is empty (expected 'version' and 'entities')")
        let entries = try yaml.mapping(root, what: "the top level")
        try yaml.checkKeys(entries, of: root, required: ["version", "entities"], context: "the top level")
        _ = try yaml.version(entries.first { $0.key == "version" }!.value, supported: PIIPolicy.supportedVersion)

        let entitiesNode = entries.first { $0.key == "entities" }!.value
        let kindNames = PIIKind.allCases.map(\.rawValue).joined(separator: ", ")
        var rules: [PIIRule] = []
        var references: [PolicyReference] = []
        for entry in try yaml.mapping(entitiesNode, what: "entities") {
            guard let kind = PIIKind(rawValue: entry.key) else {
                throw yaml.invalid(at: entry.keyNode, "unknown PII kind '\(entry.key)' (expected one of: \(kindNames))")
            }
            let (rule, roleReferences) = try parseRule(kind: kind, node: entry.value)
            rules.append(rule)
            references += roleReferences
        }
        for kind in PIIKind.allCases where !rules.contains(where: { $0.kind == kind }) {
            throw yaml.invalid(at: entitiesNode, "missing PII kind '\(kind.rawValue)' in entities (every kind must be listed: \(kindNames))")
        }
        return (PIIPolicy(rules: rules), references)
    }

    private func parseRule(kind: PIIKind, node: Node) throws(PolicyError) -> (PIIRule, [PolicyReference]) {
        let context = "PII kind '\(kind.rawValue)'"
        let entries = try yaml.mapping(node, what: context)
        try yaml.checkKeys(entries, of: node, required: ["minimum_label", "placeholder"], optional: ["treatment", "roles"], context: context)
        func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }

        let minimumLabel = try yaml.label(value("minimum_label")!, what: "minimum_label of \(context)", levels: scale.levels)

        let placeholderNode = value("placeholder")!
        let placeholder = try yaml.string(placeholderNode, what: "placeholder")
        guard placeholder.count <= 64, !placeholder.contains(where: \.isNewline) else {
            throw yaml.invalid(at: placeholderNode, "placeholder must be a single line of at most 64 characters")
        }
        guard PIIDetector().detect(in: placeholder).isEmpty else {
            throw yaml.invalid(at: placeholderNode, "placeholder '\(placeholder)' itself looks like PII; choose a plain marker such as [EMAIL]")
        }

        let defaultTreatment = try value("treatment").map { node throws(PolicyError) in try treatment(node) } ?? .redact

        var roleTreatments: [String: PIITreatment] = [:]
        var references: [PolicyReference] = []
        if let rolesNode = value("roles") {
            for entry in try yaml.mapping(rolesNode, what: "roles of \(context)") {
                let reference = try yaml.roleReference(entry.keyNode, what: "roles of \(context)")
                roleTreatments[reference.name] = try treatment(entry.value)
                references.append(reference)
            }
        }
        let rule = PIIRule(
            kind: kind, minimumLabel: minimumLabel, placeholder: placeholder, defaultTreatment: defaultTreatment,
            roleTreatments: roleTreatments)
        return (rule, references)
    }

    private func treatment(_ node: Node) throws(PolicyError) -> PIITreatment {
        let text = try yaml.string(node, what: "treatment")
        guard let treatment = PIITreatment(rawValue: text) else {
            let known = PIITreatment.allCases.map(\.rawValue).joined(separator: ", ")
            throw yaml.invalid(at: node, "unknown treatment '\(text)' (expected one of: \(known))")
        }
        return treatment
    }
}
