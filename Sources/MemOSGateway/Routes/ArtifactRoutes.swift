import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/artifacts`: parametric memory (adapters) and activation KV snapshots, encrypted and labelled.
struct ArtifactRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
    }
}
