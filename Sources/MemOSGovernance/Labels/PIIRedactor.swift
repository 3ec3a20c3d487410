import Foundation

/// What one reader may see of a memory's text.
public struct RedactionResult: Sendable, Hashable {
    /// The text with withheld values replaced by placeholders; empty when `hidden`.
    public let text: String
    /// The whole memory must not be returned to this reader (a `hide` treatment applied).
    public let hidden: Bool
    /// Kinds that were withheld (redacted, or the reason for hiding), each once, in text order.
    public let redactedKinds: [PIIKind]

    public init(text: String, hidden: Bool, redactedKinds: [PIIKind]) {
        self.text = text
        self.hidden = hidden
        self.redactedKinds = redactedKinds
    }
}

/// Applies `pii.yaml` to memory text on the way out.
///
/// Sealed spans say where the writer's PII was; the text is also scanned again, so a value is
/// withheld if either finds it. Redacting too much is recoverable, a leak is not: spans that no
/// longer fit the text are never used to cut it, and the fresh scan covers what they pointed at.
public struct PIIRedactor: Sendable {
    public let policy: PIIPolicy
    public let scale: LabelScale
    private let detector = PIIDetector()

    public init(policy: PIIPolicy, scale: LabelScale) {
        self.policy = policy
        self.scale = scale
    }

    /// Kinds whose values a reader with `clearance` may not see (all of them for an unknown clearance).
    public func withheldKinds(clearance: String) -> Set<PIIKind> {
        Set(PIIKind.allCases.filter { !scale.allows(clearance: clearance, toRead: policy.rule(for: $0).minimumLabel) })
    }

    /// What a reader with `clearance` acting as `role` may see of `text`. Spans whose kind's
    /// minimum label is above the clearance are replaced by the kind's placeholder (`redact`), or
    /// make the whole memory hidden (`hide`).
    public func redact(_ text: String, spans: [PIISpan], clearance: String, role: String) -> RedactionResult {
        let withheld = withheldKinds(clearance: clearance)
        guard !withheld.isEmpty else { return RedactionResult(text: text, hidden: false, redactedKinds: []) }

        var regions: [(bytes: Range<Int>, kind: PIIKind)] = []
        var staleKinds: [PIIKind] = []
        for span in spans where withheld.contains(span.kind) {
            if let range = span.range(in: text) {
                regions.append((text.utf8.byteRange(of: range), span.kind))
            } else {
                staleKinds.append(span.kind)
            }
        }
        for match in detector.detect(in: text) where withheld.contains(match.kind) {
            regions.append((text.utf8.byteRange(of: match.range), match.kind))
        }
        regions.sort { $0.bytes.lowerBound < $1.bytes.lowerBound }

        // A stale span still proves its kind was in the memory, so it counts towards hiding.
        let involved = unique(regions.map(\.kind) + staleKinds)
        if involved.contains(where: { policy.rule(for: $0).treatment(for: role) == .hide }) {
            return RedactionResult(text: "", hidden: true, redactedKinds: involved)
        }

        // Overlapping regions (a sealed span and a fresh match of the same value, or of
        // neighbouring kinds) merge; the merged region shows the more sensitive kind's placeholder.
        var merged: [(bytes: Range<Int>, kind: PIIKind)] = []
        for region in regions {
            if let last = merged.last, region.bytes.lowerBound < last.bytes.upperBound {
                let upper = max(last.bytes.upperBound, region.bytes.upperBound)
                merged[merged.count - 1] = (last.bytes.lowerBound..<upper, moreSensitive(last.kind, region.kind))
            } else {
                merged.append(region)
            }
        }

        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var cursor = 0
        for region in merged {
            output += bytes[cursor..<region.bytes.lowerBound]
            output += policy.rule(for: region.kind).placeholder.utf8
            cursor = region.bytes.upperBound
        }
        output += bytes[cursor...]
        return RedactionResult(text: String(decoding: output, as: UTF8.self), hidden: false, redactedKinds: unique(merged.map(\.kind)))
    }

    private func moreSensitive(_ a: PIIKind, _ b: PIIKind) -> PIIKind {
        let rankA = scale.rank(policy.rule(for: a).minimumLabel) ?? Int.max
        let rankB = scale.rank(policy.rule(for: b).minimumLabel) ?? Int.max
        if rankA != rankB { return rankA > rankB ? a : b }
        return a.specificity >= b.specificity ? a : b
    }

    private func unique(_ kinds: [PIIKind]) -> [PIIKind] {
        var seen: Set<PIIKind> = []
        return kinds.filter { seen.insert($0).inserted }
    }
}
