import Foundation
import HTTPTypes
import Hummingbird
import MemOSGovernance

extension HTTPField.Name {
    /// The role a request acts as; absent means the user's default role.
    static let memosRole = HTTPField.Name("X-MemOS-Role")!
}

extension GatewayRequestContext {
    /// The verified identity; routes behind `AuthMiddleware` always have one.
    func requireIdentity() throws -> AuthenticatedIdentity {
        guard let identity else { throw RequestError.missingCredential }
        return identity
    }

    /// The tenant user and acting role for a memory operation. Operators hold no tenant and so
    /// can never reach tenant memory.
    func memoryCaller(for request: Request, identity service: IdentityService) throws -> MemoryCaller {
        guard case .user(let user) = try requireIdentity() else {
            throw GovernanceError.forbidden("platform operators manage tenants and cannot use tenant memory endpoints")
        }
        return try service.caller(for: user, requestedRole: request.headers[.memosRole], requestID: requestID)
    }
}

extension Parameters {
    /// A UUID path parameter; a malformed one is treated like an unknown id (404), as probing
    /// with garbage should learn nothing more than probing with a well-formed id.
    func requireID(_ name: String) throws -> UUID {
        guard let raw = self.get(name), let id = UUID(uuidString: raw) else {
            throw GovernanceError.notFound("no such resource '\(self.get(name) ?? "")'")
        }
        return id
    }
}
