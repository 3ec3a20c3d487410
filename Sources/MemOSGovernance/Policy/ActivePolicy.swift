import Synchronization

/// The policy in force, replaceable while the gateway runs (`policy apply`): every service
/// reads it here, so a new policy takes effect for the next operation without a restart.
public final class ActivePolicy: Sendable {
    private let state: Mutex<PolicySet>

    public init(_ policy: PolicySet) {
        state = Mutex(policy)
    }

    /// The policy set as of now; an operation reads it once and keeps that snapshot.
    public var current: PolicySet {
        state.withLock { $0 }
    }

    func replace(with policy: PolicySet) {
        state.withLock { $0 = policy }
    }
}
