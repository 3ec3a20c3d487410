import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/cubes/{id}/export`, `/v1/cubes/import`, cube shares: portable MemCube archives and sharing.
struct CubeArchiveRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
    }
}
