import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/scheduler`, `/v1/activation`: the MemScheduler's queue, working memory and activation memory.
struct SchedulerRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
    }
}
