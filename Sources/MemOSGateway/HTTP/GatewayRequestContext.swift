import Foundation
import Hummingbird
import MemOSGovernance

/// Per-request state: the request id (echoed to the client, written to logs) and, once the
/// auth middleware has run, the verified identity. Handlers read the identity only from here.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AuthenticatedIdentity?
    public let requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.requestID = UUID().uuidString.lowercased()
    }

    /// Bodies are read by `JSONBody`, which enforces the gateway's own limit.
    public var maxUploadSize: Int { .max }
}
