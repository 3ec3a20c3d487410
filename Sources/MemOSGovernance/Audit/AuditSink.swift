import Synchronization
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

/// Whether the request being answered has put a record in the trail yet.
///
/// The gateway's audit middleware binds one per request (`current`, a task-local) and writes
/// its own generic record only when the governance layer wrote none: routes that audit
/// themselves (with resource ids, before commit) are never recorded twice, and a request
/// refused before it reached them (a malformed body, a bad id) is still recorded.
public final class RequestAuditMarker: Sendable {
    @TaskLocal public static var current: RequestAuditMarker?

    private let recorded = Atomic<Bool>(false)

    public init() {}

    public var hasRecord: Bool { recorded.load(ordering: .relaxed) }

    func markRecorded() {
        recorded.store(true, ordering: .relaxed)
    }
}
