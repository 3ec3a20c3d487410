import Foundation
import MemOSGovernance

/// The governed stack the benchmark drives, set up exactly as a fresh deployment would be:
/// a new data directory with its own master key, the shipped role policy, one tenant and one
/// ordinary member acting in their persona subspace.
///
/// Everything runs in-process, so the numbers are the engine's (authorization, sealing, SQLite,
/// indexing) without HTTP in between.
struct BenchStack: Sendable {
    static let tenantName = "bench"
    static let username = "bench-user"
    static let role = "member"

    let directory: URL
    let governance: Governance
    let caller: MemoryCaller

    /// `governed: false` runs the same stack with the test-only null keyring (plaintext
    /// payloads) and null audit sink, so the benchmark can report governance's overhead as a ratio.
    /// `models` is the only environment the governed stack sees (e.g. the MiniLM embedder's).
    static func open(
        at directory: URL, policyDirectory: URL, governed: Bool = true, models: [String: String] = [:]
    ) async throws -> BenchStack {
        let (dataDirectory, operatorKey) = try await DataDirectory.initialize(at: directory)
        // The environment is ignored so a MEMOS_MASTER_KEY in the shell cannot point the run at
        // some other key.
        let governance =
            governed
            ? try await Governance.open(dataDirectory: dataDirectory, policyDirectory: policyDirectory, environment: models)
            : try await Governance.make(
                store: try dataDirectory.openStore(), policy: try PolicySet.load(directory: policyDirectory),
                masterKey: try dataDirectory.loadMasterKey(environment: [:]), nullKeyringAndAudit: true)
        let operatorIdentity = try await governance.identity.authenticate(bearer: operatorKey)
        _ = try await governance.identity.createTenant(by: operatorIdentity, name: tenantName)
        let created = try await governance.identity.createUser(
            by: operatorIdentity, actingRole: nil, tenantName: tenantName, username: username, roles: [role],
            defaultRole: nil, password: nil, requestID: "bench-setup")
        guard case .user(let identity) = try await governance.identity.authenticate(bearer: created.apiKey.token) else {
            throw GovernanceError.unavailable("the benchmark user's key did not authenticate as a tenant user")
        }
        let caller = try governance.identity.caller(for: identity, requestedRole: role, requestID: "bench")
        return BenchStack(directory: directory, governance: governance, caller: caller)
    }
}
