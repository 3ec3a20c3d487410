import Hummingbird
import MemOSGovernance

/// `/healthz` (the process is up) and `/readyz` (it can serve: policy loaded, store reachable).
struct HealthRoutes {
    let governance: Governance

    func register(on router: Router<GatewayRequestContext>) {
        router.get("healthz") { _, _ in
            try JSONCoding.response(StatusOutput(status: "ok", policyHash: nil))
        }
        router.get("readyz") { _, _ in
            guard await governance.isReady() else {
                throw GovernanceError.unavailable("the store is not reachable")
            }
            return try JSONCoding.response(StatusOutput(status: "ready", policyHash: governance.policy.hash))
        }
    }
}
