import Foundation
import Hummingbird
import MemOSGovernance
import MemOSStore

/// `/admin/v1` management for `memos-admin`: gateway status, tenant suspension and deletion,
/// users (status, roles, password, keys), and the loaded policy.
///
/// "Tenant admin" below means a user of that tenant acting as a role with `users.manage`;
/// a tenant user naming another tenant gets 404, as for a missing tenant.
struct ManagementRoutes {
    /// The gateway's version, as `GET /admin/v1/status` reports it.
    static let version = "0.5.0"

    let governance: Governance
    let body: JSONBody

    private var identity: IdentityService { governance.identity }

    func register(on group: RouterGroup<GatewayRequestContext>) {
        // Any authenticated identity.
        group.get("status") { _, context in
            let caller = try context.requireIdentity()
            return try JSONCoding.response(
                AdminStatusOutput(
                    version: Self.version, policyHash: governance.policy.hash, ready: await governance.isReady(),
                    tenants: try await identity.tenantCount(by: caller)))
        }
        group.get("roles") { _, context in
            _ = try context.requireIdentity()
            let roles = governance.policy.roles.roles.values.sorted { $0.name < $1.name }.map(RolesEnvelope.Role.init)
            return try JSONCoding.response(RolesEnvelope(roles: roles))
        }
        // Operators, or a role with policy.manage.
        group.get("policy") { request, context in
            if case .user = try context.requireIdentity() {
                let caller = try context.memoryCaller(for: request, identity: identity)
                guard caller.role.has(.policyManage) else {
                    throw GovernanceError.forbidden("role '\(caller.role.name)' may not read the policy (policy.manage)")
                }
            }
            return try JSONCoding.response(PolicyOutput(hash: governance.policy.hash, files: try policyFiles()))
        }

        // Operators only: one policy governs every tenant of the gateway.
        group.put("policy") { request, context in
            guard case .operator(let record) = try context.requireIdentity() else {
                throw GovernanceError.forbidden("only platform operators may apply a policy (it governs every tenant)")
            }
            let input = try await body.decode(ApplyPolicyRequest.self, from: request)
            let result = try await governance.applyPolicy(
                input.files.map { Governance.PolicyFile(name: $0.name, content: $0.content) },
                actor: record.id.uuidString.lowercased(), requestID: context.requestID)
            return try JSONCoding.response(
                AppliedPolicyOutput(hash: result.applied.hash, previousHash: result.previous.hash))
        }

        registerTenants(on: group)
        registerUsers(on: group)
        registerKeys(on: group)
    }

    private func registerTenants(on group: RouterGroup<GatewayRequestContext>) {
        // Operators, or that tenant's admin.
        group.get("tenants/:tenant") { request, context in
            let summary = try await identity.tenantSummary(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                requestID: context.requestID)
            return try JSONCoding.response(TenantDetailEnvelope(tenant: TenantDetailOutput(summary)))
        }
        // Operators only.
        group.post("tenants/:tenant/suspend") { _, context in
            let summary = try await identity.setTenantStatus(
                by: try context.requireIdentity(), tenantName: tenant(context), status: .suspended)
            return try JSONCoding.response(TenantDetailEnvelope(tenant: TenantDetailOutput(summary)))
        }
        group.post("tenants/:tenant/resume") { _, context in
            let summary = try await identity.setTenantStatus(
                by: try context.requireIdentity(), tenantName: tenant(context), status: .active)
            return try JSONCoding.response(TenantDetailEnvelope(tenant: TenantDetailOutput(summary)))
        }
        group.delete("tenants/:tenant") { _, context in
            let receipt = try await governance.deleteTenant(
                by: try context.requireIdentity(), tenantName: tenant(context), requestID: context.requestID)
            return try JSONCoding.response(ReceiptEnvelope(receipt: receipt))
        }
    }

    private func registerUsers(on group: RouterGroup<GatewayRequestContext>) {
        let user = "tenants/:tenant/users/:username"
        group.get(RouterPath(user)) { request, context in
            let managed = try await identity.managedUser(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), requestID: context.requestID)
            return try JSONCoding.response(ManagedUserEnvelope(managed))
        }
        for (action, status) in [("disable", UserRecord.Status.disabled), ("enable", .active)] {
            group.post(RouterPath("\(user)/\(action)")) { request, context in
                let managed = try await identity.setUserStatus(
                    by: try context.requireIdentity(), actingRole: request.headers[.memosRole],
                    tenantName: tenant(context), username: username(context), status: status,
                    requestID: context.requestID)
                return try JSONCoding.response(ManagedUserEnvelope(managed))
            }
        }
        group.post(RouterPath("\(user)/roles")) { request, context in
            let input = try await body.decode(GrantRoleRequest.self, from: request)
            let managed = try await identity.grantRole(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), role: input.role, requestID: context.requestID)
            return try JSONCoding.response(ManagedUserEnvelope(managed))
        }
        group.delete(RouterPath("\(user)/roles/:role")) { request, context in
            let managed = try await identity.revokeRole(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), role: context.parameters.get("role") ?? "", requestID: context.requestID)
            return try JSONCoding.response(ManagedUserEnvelope(managed))
        }
        group.post(RouterPath("\(user)/password")) { request, context in
            let input = try await body.decode(ResetPasswordRequest.self, from: request)
            try await identity.resetPassword(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), password: input.password, requestID: context.requestID)
            return Response(status: .noContent)
        }
    }

    private func registerKeys(on group: RouterGroup<GatewayRequestContext>) {
        let keys = "tenants/:tenant/users/:username/keys"
        group.post(RouterPath(keys)) { request, context in
            let input = try await body.decode(CreateUserKeyRequest.self, from: request)
            let created = try await identity.createAPIKey(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), name: input.name, expiresIn: input.expiresIn.map { .seconds($0) },
                scopes: input.scopes, requestID: context.requestID)
            return try JSONCoding.response(
                CreatedManagedKeyEnvelope(
                    key: ManagedKeyOutput(created.key.record, scopes: created.scopes, includeRevokedAt: false),
                    apiKey: created.key.token),
                status: .created)
        }
        group.get(RouterPath(keys)) { request, context in
            let listed = try await identity.apiKeys(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), requestID: context.requestID)
            return try JSONCoding.response(
                ManagedKeysEnvelope(
                    keys: listed.map { ManagedKeyOutput($0.record, scopes: $0.scopes, includeRevokedAt: true) }))
        }
        // Tenant-scoped revocation, for operators and tenant admins.
        group.delete(RouterPath("\(keys)/:id")) { request, context in
            try await identity.revokeAPIKey(
                by: try context.requireIdentity(), actingRole: request.headers[.memosRole], tenantName: tenant(context),
                username: username(context), keyID: context.parameters.get("id") ?? "", requestID: context.requestID)
            return Response(status: .noContent)
        }
    }

    private func tenant(_ context: GatewayRequestContext) -> String {
        context.parameters.get("tenant") ?? ""
    }

    private func username(_ context: GatewayRequestContext) -> String {
        context.parameters.get("username") ?? ""
    }

    /// The `*.yaml` files of the policy directory as they are now (hidden files skipped), by name.
    private func policyFiles() throws -> [PolicyOutput.File] {
        let directory = governance.policy.directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw GovernanceError.unavailable("cannot read the policy directory: \(error.localizedDescription)")
        }
        var files: [PolicyOutput.File] = []
        for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            do {
                files.append(PolicyOutput.File(name: name, content: String(decoding: try Data(contentsOf: url), as: UTF8.self)))
            } catch {
                throw GovernanceError.unavailable("cannot read policy file \(name): \(error.localizedDescription)")
            }
        }
        return files
    }
}
