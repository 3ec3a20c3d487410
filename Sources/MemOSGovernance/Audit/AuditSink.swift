/// Where governed operations report what they did.
///
/// Fail-closed contract: `append` returns only once the record is durable. If it throws, the
/// caller must not perform (or must not acknowledge) the operation, and answers 503.
public protocol AuditSink: Sendable {
    func append(_ event: AuditEvent) async throws
}

/// Records nothing. For benchmarks that measure the audit trail's overhead and for tests that
/// are not about auditing; never for a running gateway.
public struct NullAuditSink: AuditSink {
    public init() {}

    public func append(_ event: AuditEvent) async throws {}
}
