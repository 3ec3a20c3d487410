import Foundation
import Hummingbird
import MemOSGovernance

/// `/product/*`: the MemOS server's API shapes, mapped onto ours under our authentication.
struct ProductRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
    }
}
