import Foundation
import Hummingbird
import MemOSGovernance

/// `/admin/v1`: tenants for operators, users for operators and tenant administrators.
struct AdminRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("tenants") { request, context in
            let input = try await body.decode(CreateTenantRequest.self, from: request)
            let tenant = try await governance.identity.createTenant(by: try context.requireIdentity(), name: input.name)
            return try JSONCoding.response(TenantEnvelope(tenant: TenantOutput(tenant)), status: .created)
        }
        group.get("tenants") { _, context in
            let tenants = try await governance.identity.tenants(by: try context.requireIdentity())
            return try JSONCoding.response(TenantsEnvelope(tenants: tenants.map(TenantOutput.init)))
        }
        group.post("tenants/:tenant/users") { request, context in
            let tenantName = context.parameters.get("tenant") ?? ""
            let input = try await body.decode(CreateUserRequest.self, from: request)
            let created = try await governance.identity.createUser(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenantName,
                username: input.username, roles: input.roles, defaultRole: input.defaultRole, password: input.password,
                requestID: context.requestID)
            return try JSONCoding.response(
                CreatedUserEnvelope(
                    user: UserOutput(created.user, tenantName: tenantName, roles: created.roles),
                    apiKey: created.apiKey.token),
                status: .created)
        }
        group.get("tenants/:tenant/users") { request, context in
            let tenantName = context.parameters.get("tenant") ?? ""
            let users = try await governance.identity.users(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenantName,
                requestID: context.requestID)
            return try JSONCoding.response(
                UsersEnvelope(users: users.map { UserOutput($0.0, tenantName: tenantName, roles: $0.1) }))
        }
        // Operators revoke any key; tenant admins the keys of their own tenant.
        group.delete("keys/:id") { request, context in
            try await governance.identity.revokeManagedAPIKey(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole],
                keyID: context.parameters.get("id") ?? "", requestID: context.requestID)
            return Response(status: .noContent)
        }
    }
}
