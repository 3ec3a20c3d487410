import Foundation

/// The governance facts of one memory version, sealed with its content: who it is about,
/// which labels it carries and why, and where its PII is (so redaction needs no re-detection).
public struct MemoryGovernance: Sendable, Hashable, Codable {
    /// The data subject: by default the username of the writer; erasure and export key on it.
    public var subject: String
    /// The label the writer asked for (or the default).
    public var requestedLabel: String
    /// The highest label of the memories this one was derived from (merge, summary), if any.
    public var derivedLabel: String?
    /// Where PII sits in the text, and of which kind.
    public var pii: [PIISpan]
    /// Who may see the memory at all: max(requested, derived).
    public var accessLabel: String
    /// What the memory is reported as: max(requested, derived, PII minimum).
    public var label: String

    public init(
        subject: String, requestedLabel: String, derivedLabel: String?, pii: [PIISpan], accessLabel: String, label: String
    ) {
        self.subject = subject
        self.requestedLabel = requestedLabel
        self.derivedLabel = derivedLabel
        self.pii = pii
        self.accessLabel = accessLabel
        self.label = label
    }

    enum CodingKeys: String, CodingKey {
        case subject, requestedLabel = "requested_label", derivedLabel = "derived_label", pii,
            accessLabel = "access_label", label
    }
}
