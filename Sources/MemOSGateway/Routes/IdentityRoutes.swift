import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/me` and `/v1/keys`: what a credential may learn and do about itself.
struct IdentityRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.get("me") { request, context in
            switch try context.requireIdentity() {
            case .operator(let op):
                return try JSONCoding.response(
                    MeOutput(
                        kind: "operator", tenant: nil, user: nil,
                        operatorInfo: .init(id: op.id.uuidString.lowercased(), name: op.name), role: nil, roles: [],
                        defaultRole: nil, clearance: nil, credential: "api_key"))
            case .user(let identity):
                let caller = try context.memoryCaller(for: request, identity: governance.identity)
                return try JSONCoding.response(
                    MeOutput(
                        kind: "user",
                        tenant: .init(id: identity.tenant.id.uuidString.lowercased(), name: identity.tenant.name),
                        user: .init(id: identity.user.id.uuidString.lowercased(), name: identity.user.username),
                        operatorInfo: nil, role: caller.role.name, roles: identity.roles,
                        defaultRole: identity.user.defaultRole, clearance: caller.role.clearance,
                        credential: identity.apiKeyID == nil ? "session_token" : "api_key"))
            }
        }
        group.post("keys") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(CreateKeyRequest.self, from: request)
            let key = try await governance.identity.createAPIKey(
                for: caller, name: input.name, expiresIn: input.expiresIn.map { .seconds($0) })
            return try JSONCoding.response(
                CreatedKeyEnvelope(key: APIKeyOutput(key.record), apiKey: key.token), status: .created)
        }
        group.get("keys") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let keys = try await governance.identity.apiKeys(for: caller)
            return try JSONCoding.response(KeysEnvelope(keys: keys.map(APIKeyOutput.init)))
        }
        group.delete("keys/:id") { request, context in
            let identity = try context.requireIdentity()
            let caller: MemoryCaller? =
                if case .user = identity { try context.memoryCaller(for: request, identity: governance.identity) } else { nil }
            try await governance.identity.revokeAPIKey(
                by: identity, caller: caller, keyID: context.parameters.get("id") ?? "")
            return Response(status: .noContent)
        }
    }

    /// `POST /v1/auth/token` sits outside the auth middleware: it is how a session begins.
    func registerPublic(on group: RouterGroup<GatewayRequestContext>) {
        group.post("auth/token") { request, context in
            let input = try await body.decode(TokenRequest.self, from: request)
            // Who tried is personal data: the trail keeps keyed hashes of tenant and username.
            var event = AuditEvent(
                tenantID: nil, actorKind: "anonymous", action: "auth.success", requestID: context.requestID,
                personal: ["tenant": input.tenant, "username": input.username], details: ["method": "password"])
            do {
                let issued = try await governance.identity.issueSessionToken(
                    tenantName: input.tenant, username: input.username, password: input.password)
                try await governance.audit.append(event)
                return try JSONCoding.response(TokenOutput(accessToken: issued.token, expiresAt: issued.expiresAt))
            } catch {
                guard case GovernanceError.unauthenticated = error else { throw error }
                event.action = "auth.failure"
                event.outcome = .denied
                event.status = 401
                try await governance.audit.append(event)
                throw error
            }
        }
    }
}
