import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/memstore`: publishing cubes as read-only offerings and subscribing across tenants.
struct MemStoreRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
    }
}
