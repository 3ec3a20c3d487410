import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/chat`: chat with memory, plain JSON or server-sent events.
struct ChatRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
    }
}
