import Foundation
import MemOSCore

/// Decides a memory's labels when it is written: the label asked for, the labels of what it
/// was derived from, and the minimum its PII implies, highest wins.
struct MemoryLabeler: Sendable {
    let policy: PolicySet
    let detector = PIIDetector()

    /// Checks a requested label: it must exist, and a writer may not label above its own
    /// clearance (it could never read the memory back).
    func validate(requested label: String, caller: MemoryCaller) throws {
        let scale = policy.labels
        guard scale.contains(label) else {
            throw GovernanceError.invalidInput(
                field: "label", message: "unknown label '\(label)' (expected one of: \(scale.levels.joined(separator: ", ")))")
        }
        guard scale.allows(clearance: caller.role.clearance, toRead: label) else {
            throw GovernanceError.forbidden(
                "role '\(caller.role.name)' (clearance \(caller.role.clearance)) may not label a memory '\(label)'")
        }
    }

    /// The label of a write that names none: the policy default, but never above the writer's
    /// clearance (a guest's own notes are public, or it could not read them back).
    func defaultLabel(for caller: MemoryCaller) -> String {
        let scale = policy.labels
        guard let clearance = scale.rank(caller.role.clearance), let standard = scale.rank(scale.defaultLabel) else {
            return scale.defaultLabel
        }
        return scale.levels[min(clearance, standard)]
    }

    func governance(
        for content: MemoryContent, requested: String?, subject: String, derivedFrom sources: [MemoryGovernance]
    ) -> MemoryGovernance {
        let scale = policy.labels
        let requestedLabel = requested ?? scale.defaultLabel
        let derived = sources.isEmpty ? nil : scale.highest(sources.map(\.accessLabel))
        let matches = detector.detect(in: content.text)
        var kinds = matches.map(\.kind)
        // PII in the other free-text fields raises the label too (they are redacted on read by
        // re-detection, see MemoryPresenter).
        for field in [content.key, content.background].compactMap({ $0 }) + content.sources.compactMap(\.content) {
            kinds += detector.detect(in: field).map(\.kind)
        }
        let accessLabel = scale.highest([requestedLabel] + (derived.map { [$0] } ?? []))
        var candidates = [accessLabel] + sources.map(\.label)
        if let minimum = policy.pii.minimumLabel(for: kinds, scale: scale) { candidates.append(minimum) }
        return MemoryGovernance(
            subject: subject, requestedLabel: requestedLabel, derivedLabel: derived,
            pii: PIISpan.spans(of: matches, in: content.text), accessLabel: accessLabel,
            label: scale.highest(candidates))
    }
}
