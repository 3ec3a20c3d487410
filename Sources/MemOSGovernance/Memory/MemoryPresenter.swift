import Foundation
import MemOSCore

/// What a reader gets of a memory: nothing above its clearance, PII above its clearance
/// redacted (or the whole memory hidden, where policy says hide), and a watermark where
/// policy asks for one. Every returned memory passes through here.
struct MemoryPresenter: Sendable {
    let policy: PolicySet
    let redactor: PIIRedactor
    let detector = PIIDetector()

    init(policy: PolicySet) {
        self.policy = policy
        self.redactor = PIIRedactor(policy: policy.pii, scale: policy.labels)
    }

    /// No read up: the access label must be within the clearance, and no PII the role must
    /// not even know exists (treatment `hide`) may be in it.
    func mayRead(_ governance: MemoryGovernance, caller: MemoryCaller) -> Bool {
        let scale = policy.labels
        let clearance = caller.role.clearance
        guard scale.allows(clearance: clearance, toRead: governance.accessLabel) else { return false }
        if scale.allows(clearance: clearance, toRead: governance.label) { return true }
        return !governance.pii.contains { span in
            let rule = policy.pii.rule(for: span.kind)
            return !scale.allows(clearance: clearance, toRead: rule.minimumLabel)
                && (rule.roleTreatments[caller.role.name] ?? rule.defaultTreatment) == .hide
        }
    }

    /// The content as this caller may see it, or nil when it must not see the memory at all.
    func content(
        _ content: MemoryContent, governance: MemoryGovernance, caller: MemoryCaller, watermark: WatermarkStamp?
    ) -> MemoryContent? {
        guard mayRead(governance, caller: caller) else { return nil }
        var visible = content
        let clearance = caller.role.clearance
        if !policy.labels.allows(clearance: clearance, toRead: governance.label) {
            let result = redactor.redact(content.text, spans: governance.pii, clearance: clearance, role: caller.role.name)
            guard !result.hidden else { return nil }
            visible.text = result.text
            func redacted(_ text: String) -> String? {
                let found = PIISpan.spans(of: detector.detect(in: text), in: text)
                let result = redactor.redact(text, spans: found, clearance: clearance, role: caller.role.name)
                return result.hidden ? nil : result.text
            }
            if let key = visible.key {
                guard let safe = redacted(key) else { return nil }
                visible.key = safe
            }
            if let background = visible.background {
                guard let safe = redacted(background) else { return nil }
                visible.background = safe
            }
            for index in visible.sources.indices {
                if let text = visible.sources[index].content {
                    guard let safe = redacted(text) else { return nil }
                    visible.sources[index].content = safe
                }
            }
        }
        if let watermark, policy.watermark.applies(label: governance.label, role: caller.role.name, scale: policy.labels) {
            visible.text = watermark.codec.embed(visible.text, markID: watermark.markID)
            watermark.used()
        }
        return visible
    }
}

/// One response's watermark: the codec and the mark id its audit record will carry.
final class WatermarkStamp: Sendable {
    let codec: WatermarkCodec
    let markID: UInt64
    private let applied = Mutex(false)

    init(codec: WatermarkCodec) {
        self.codec = codec
        self.markID = WatermarkCodec.newMarkID()
    }

    func used() {
        applied.withLock { $0 = true }
    }

    /// The mark as recorded in the audit trail, when any text of the response carried it.
    var recorded: String? {
        applied.withLock { $0 } ? String(markID, radix: 16) : nil
    }
}

import Synchronization
