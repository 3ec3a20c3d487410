import Crypto
import Foundation
import GRDB
import MemOSGovernance
import Testing

/// The management API behind `memos-admin`, over HTTP: status, roles and policy, tenant
/// lookup, suspension and deletion, users (status, roles, password) and their API keys, each
/// with its authorization (operator, tenant admin, member, another tenant's admin).
@Suite("Management endpoints")
struct ManagementEndpointTests {
    /// Two tenants: acme (admin `root`, member `bob`) and globex (admin `gus`).
    struct Fixture {
        let acmeID: String
        let globexID: String
        let root: E2EUser
        let bob: E2EUser
        let gus: E2EUser
    }

    static func fixture(_ gateway: TestGateway, bobPassword: String? = nil) async throws -> Fixture {
        let acmeID = try await gateway.createTenantID("acme")
        let globexID = try await gateway.createTenantID("globex")
        return Fixture(
            acmeID: acmeID, globexID: globexID,
            root: try await gateway.createUserWithID(tenant: "acme", username: "root", roles: ["tenant-admin"]),
            bob: try await gateway.createUserWithID(tenant: "acme", username: "bob", roles: ["member"], password: bobPassword),
            gus: try await gateway.createUserWithID(tenant: "globex", username: "gus", roles: ["tenant-admin"]))
    }

    @Test func statusRolesAndPolicy() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway)
            let ready = try await gateway.send(.GET, "/readyz")
            let hash = try #require(ready.object["policy_hash"] as? String)

            let status = try await gateway.send(.GET, "/admin/v1/status", token: gateway.adminKey)
            #expect(status.status == 200, "\(status)")
            #expect(status.object["version"] as? String == "0.5.0")
            #expect(status.object["policy_hash"] as? String == hash)
            #expect(status.object["ready"] as? Bool == true)
            #expect(status.object["tenants"] as? Int == 2)
            let userStatus = try await gateway.send(.GET, "/admin/v1/status", token: f.bob.key)
            #expect(userStatus.status == 200)
            #expect(userStatus.object.keys.contains("tenants"))
            #expect(userStatus.object["tenants"] is NSNull)
            #expect(try await gateway.send(.GET, "/admin/v1/status").status == 401)

            let roles = try await gateway.send(.GET, "/admin/v1/roles", token: f.bob.key)
            #expect(roles.status == 200, "\(roles)")
            let list = try #require(roles.object["roles"] as? [[String: Any]])
            #expect(list.compactMap { $0["name"] as? String } == list.compactMap { $0["name"] as? String }.sorted())
            let admin = try #require(list.first { $0["name"] as? String == "tenant-admin" })
            #expect(admin["clearance"] as? String == "confidential")
            #expect((admin["description"] as? String)?.isEmpty == false)
            #expect((admin["permissions"] as? [String])?.contains("users.manage") == true)
            let grants = try #require(admin["grants"] as? [[String: Any]])
            let teams = try #require(grants.first { $0["subspace"] as? String == "team/*" })
            #expect(teams["access"] as? [String] == ["read", "write", "manage"])
            #expect(try await gateway.send(.GET, "/admin/v1/roles", token: gateway.adminKey).status == 200)

            let policy = try await gateway.send(.GET, "/admin/v1/policy", token: gateway.adminKey)
            #expect(policy.status == 200, "\(policy)")
            #expect(policy.object["hash"] as? String == hash)
            let files = try #require(policy.object["files"] as? [[String: Any]])
            let names = files.compactMap { $0["name"] as? String }
            #expect(names.contains("roles.yaml"))
            #expect(names.allSatisfy { $0.hasSuffix(".yaml") })
            let rolesYAML = try String(contentsOf: TestGateway.policyDirectory.appendingPathComponent("roles.yaml"), encoding: .utf8)
            #expect(files.first { $0["name"] as? String == "roles.yaml" }?["content"] as? String == rolesYAML)
            // tenant-admin holds policy.manage; a member does not.
            #expect(try await gateway.send(.GET, "/admin/v1/policy", token: f.root.key).status == 200)
            let refused = try await gateway.send(.GET, "/admin/v1/policy", token: f.bob.key)
            #expect(refused.status == 403)
            #expect(refused.isProblem)
        }
    }

    @Test func tenantLookupIsForOperatorsAndThatTenantsAdmin() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway)
            let byOperator = try await gateway.send(.GET, "/admin/v1/tenants/acme", token: gateway.adminKey)
            #expect(byOperator.status == 200, "\(byOperator)")
            let tenant = try #require(byOperator.object["tenant"] as? [String: Any])
            #expect(tenant["id"] as? String == f.acmeID)
            #expect(tenant["name"] as? String == "acme")
            #expect(tenant["status"] as? String == "active")
            #expect(tenant["created_at"] is String)
            #expect(tenant["users"] as? Int == 2)

            let byAdmin = try await gateway.send(.GET, "/admin/v1/tenants/acme", token: f.root.key)
            #expect(byAdmin.status == 200)
            #expect((byAdmin.object["tenant"] as? [String: Any])?["users"] as? Int == 2)
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme", token: f.bob.key).status == 403)
            // Another tenant's admin learns nothing: the same 404 as for a tenant that does not exist.
            let other = try await gateway.send(.GET, "/admin/v1/tenants/acme", token: f.gus.key)
            let missing = try await gateway.send(.GET, "/admin/v1/tenants/nosuch", token: f.gus.key)
            #expect(other.status == 404)
            #expect(normalizedNotFound(other, id: "acme") == normalizedNotFound(missing, id: "nosuch"))
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/nosuch", token: gateway.adminKey).status == 404)

            // Suspension, resumption and deletion are for operators only.
            for path in ["/admin/v1/tenants/acme/suspend", "/admin/v1/tenants/acme/resume"] {
                #expect(try await gateway.send(.POST, path, token: f.root.key).status == 403)
            }
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: f.root.key).status == 403)
            #expect(try await gateway.send(.POST, "/admin/v1/tenants/nosuch/suspend", token: gateway.adminKey).status == 404)
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/nosuch", token: gateway.adminKey).status == 404)
        }
    }

    @Test func aSuspendedTenantIsRefusedEverywhereUntilResumed() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway, bobPassword: "bob's long password")
            let id = try await gateway.addTextID("Bob waters the office plants on Fridays", token: f.bob.key)
            let session = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "bob", "password": "bob's long password"])
            let token = try #require(session.object["access_token"] as? String)

            let suspended = try await gateway.send(.POST, "/admin/v1/tenants/acme/suspend", token: gateway.adminKey)
            #expect(suspended.status == 200, "\(suspended)")
            #expect((suspended.object["tenant"] as? [String: Any])?["status"] as? String == "suspended")
            #expect((suspended.object["tenant"] as? [String: Any])?["users"] as? Int == 2)

            let requests: [(HTTPMethod, String, String)] = [
                (.GET, "/v1/me", f.bob.key), (.GET, "/v1/memories/\(id)", f.bob.key), (.GET, "/v1/me", token),
                (.GET, "/v1/keys", f.bob.key), (.GET, "/admin/v1/tenants/acme", f.root.key),
                (.GET, "/admin/v1/tenants/acme/users", f.root.key), (.GET, "/admin/v1/status", f.root.key),
            ]
            for (method, path, credential) in requests {
                let result = try await gateway.send(method, path, token: credential)
                #expect(result.status == 403, "\(path): \(result)")
                #expect(result.detail == "tenant 'acme' is suspended")
                #expect(result.isProblem)
            }
            let search = try await gateway.send(.POST, "/v1/memories/search", token: f.bob.key, json: ["query": "plants"])
            #expect(search.status == 403)
            // Operators still see it, and other tenants are unaffected.
            let seen = try await gateway.send(.GET, "/admin/v1/tenants/acme", token: gateway.adminKey)
            #expect((seen.object["tenant"] as? [String: Any])?["status"] as? String == "suspended")
            #expect(try await gateway.send(.GET, "/v1/me", token: f.gus.key).status == 200)

            let resumed = try await gateway.send(.POST, "/admin/v1/tenants/acme/resume", token: gateway.adminKey)
            #expect(resumed.status == 200)
            #expect((resumed.object["tenant"] as? [String: Any])?["status"] as? String == "active")
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: f.bob.key).status == 200)
            #expect(try await gateway.send(.GET, "/v1/me", token: token).status == 200)
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme", token: f.root.key).status == 200)
        }
    }

    @Test func userLookupDisableAndEnable() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway, bobPassword: "bob's long password")
            let fetched = try await gateway.send(.GET, "/admin/v1/tenants/acme/users/bob", token: f.root.key)
            #expect(fetched.status == 200, "\(fetched)")
            let user = try #require(fetched.object["user"] as? [String: Any])
            #expect(user["id"] as? String == f.bob.id)
            #expect(user["tenant"] as? String == "acme")
            #expect(user["username"] as? String == "bob")
            #expect(user["roles"] as? [String] == ["member"])
            #expect(user["default_role"] as? String == "member")
            #expect(user["status"] as? String == "active")
            #expect(user["has_password"] as? Bool == true)
            #expect(user["created_at"] is String)
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme/users/bob", token: gateway.adminKey).status == 200)
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme/users/root", token: f.bob.key).status == 403)
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme/users/bob", token: f.gus.key).status == 404)
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme/users/nobody", token: f.root.key).status == 404)
            // A globex user is not found through acme.
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme/users/gus", token: gateway.adminKey).status == 404)

            let session = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "bob", "password": "bob's long password"])
            let token = try #require(session.object["access_token"] as? String)

            #expect(try await gateway.send(.POST, "/admin/v1/tenants/acme/users/root/disable", token: f.bob.key).status == 403)
            #expect(try await gateway.send(.POST, "/admin/v1/tenants/acme/users/bob/disable", token: f.gus.key).status == 404)
            let disabled = try await gateway.send(.POST, "/admin/v1/tenants/acme/users/bob/disable", token: f.root.key)
            #expect(disabled.status == 200, "\(disabled)")
            #expect((disabled.object["user"] as? [String: Any])?["status"] as? String == "disabled")
            for credential in [f.bob.key, token] {
                let refused = try await gateway.send(.GET, "/v1/me", token: credential)
                #expect(refused.status == 401, "\(refused)")
                #expect(refused.isProblem)
            }
            #expect(try await gateway.send(.GET, "/v1/me", token: f.root.key).status == 200)

            let enabled = try await gateway.send(.POST, "/admin/v1/tenants/acme/users/bob/enable", token: gateway.adminKey)
            #expect(enabled.status == 200)
            #expect((enabled.object["user"] as? [String: Any])?["status"] as? String == "active")
            #expect(try await gateway.send(.GET, "/v1/me", token: f.bob.key).status == 200)
            #expect(try await gateway.send(.GET, "/v1/me", token: token).status == 200)
        }
    }

    @Test func grantAndRevokeRolesShowInMe() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway)
            let base = "/admin/v1/tenants/acme/users/bob/roles"
            let granted = try await gateway.send(.POST, base, token: f.root.key, json: ["role": "manager"])
            #expect(granted.status == 200, "\(granted)")
            #expect((granted.object["user"] as? [String: Any])?["roles"] as? [String] == ["manager", "member"])
            var me = try await gateway.send(.GET, "/v1/me", token: f.bob.key)
            #expect(me.object["roles"] as? [String] == ["manager", "member"])
            #expect(try await gateway.send(.GET, "/v1/me", token: f.bob.key, role: "manager").status == 200)
            // Granting twice changes nothing.
            #expect(try await gateway.send(.POST, base, token: f.root.key, json: ["role": "manager"]).status == 200)

            let unknown = try await gateway.send(.POST, base, token: f.root.key, json: ["role": "wizard"])
            #expect(unknown.status == 400)
            #expect(unknown.detail.contains("wizard"))
            #expect(try await gateway.send(.POST, base, token: f.root.key, json: ["role": "manager", "x": 1]).status == 400)
            #expect(try await gateway.send(.POST, base, token: f.bob.key, json: ["role": "tenant-admin"]).status == 403)
            #expect(try await gateway.send(.POST, base, token: f.gus.key, json: ["role": "manager"]).status == 404)

            // Revoking the default role moves the default to the first remaining one.
            let revoked = try await gateway.send(.DELETE, "\(base)/member", token: gateway.adminKey)
            #expect(revoked.status == 200, "\(revoked)")
            let user = try #require(revoked.object["user"] as? [String: Any])
            #expect(user["roles"] as? [String] == ["manager"])
            #expect(user["default_role"] as? String == "manager")
            me = try await gateway.send(.GET, "/v1/me", token: f.bob.key)
            #expect(me.object["roles"] as? [String] == ["manager"])
            #expect(me.object["role"] as? String == "manager")
            #expect(try await gateway.send(.GET, "/v1/me", token: f.bob.key, role: "member").status == 403)

            let last = try await gateway.send(.DELETE, "\(base)/manager", token: f.root.key)
            #expect(last.status == 409, "\(last)")
            #expect(try await gateway.send(.DELETE, "\(base)/member", token: f.root.key).status == 404)
            #expect(try await gateway.send(.DELETE, "\(base)/manager", token: f.gus.key).status == 404)
        }
    }

    @Test func passwordResetReplacesTheOldPassword() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway, bobPassword: "the old password")
            let path = "/admin/v1/tenants/acme/users/bob/password"
            let short = try await gateway.send(.POST, path, token: f.root.key, json: ["password": "short"])
            #expect(short.status == 400)
            #expect(short.isProblem)
            #expect(try await gateway.send(.POST, path, token: f.root.key, json: [:] as [String: String]).status == 400)
            #expect(try await gateway.send(.POST, path, token: f.bob.key, json: ["password": "bob sets his own"]).status == 403)
            #expect(try await gateway.send(.POST, path, token: f.gus.key, json: ["password": "gus was here!!"]).status == 404)

            let reset = try await gateway.send(.POST, path, token: f.root.key, json: ["password": "a brand new password"])
            #expect(reset.status == 204, "\(reset)")
            let login = { (password: String) in
                try await gateway.send(
                    .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "bob", "password": password])
            }
            let fresh = try await login("a brand new password")
            #expect(fresh.status == 200, "\(fresh)")
            let token = try #require(fresh.object["access_token"] as? String)
            #expect(try await gateway.send(.GET, "/v1/me", token: token).status == 200)
            #expect(try await login("the old password").status == 401)

            // Operators may reset too, also for a user who had no password.
            #expect(try await gateway.send(.POST, "/admin/v1/tenants/acme/users/root/password", token: gateway.adminKey,
                json: ["password": "root's first password"]).status == 204)
            let root = try await gateway.send(.GET, "/admin/v1/tenants/acme/users/root", token: gateway.adminKey)
            #expect((root.object["user"] as? [String: Any])?["has_password"] as? Bool == true)
        }
    }

    @Test func keysAreCreatedListedAndRevoked() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway)
            let path = "/admin/v1/tenants/acme/users/bob/keys"
            let created = try await gateway.send(
                .POST, path, token: f.root.key, json: ["name": "ci", "expires_in": 3600, "scopes": ["memories:read"]])
            #expect(created.status == 201, "\(created)")
            let apiKey = try #require(created.object["api_key"] as? String)
            #expect(apiKey.hasPrefix("mgk_"))
            let key = try #require(created.object["key"] as? [String: Any])
            let keyID = try #require(key["id"] as? String)
            #expect(key["name"] as? String == "ci")
            #expect(key["expires_at"] is String)
            #expect(key["created_at"] is String)
            #expect(key["scopes"] as? [String] == ["memories:read"])
            let me = try await gateway.send(.GET, "/v1/me", token: apiKey)
            #expect(me.status == 200)
            #expect((me.object["user"] as? [String: Any])?["name"] as? String == "bob")

            // Without options: no name, no expiry, no scopes, all null.
            let plain = try await gateway.send(.POST, path, token: gateway.adminKey, json: [:] as [String: String])
            #expect(plain.status == 201, "\(plain)")
            let plainKey = try #require(plain.object["key"] as? [String: Any])
            #expect(plainKey["expires_at"] is NSNull)
            #expect(plainKey["name"] is NSNull)
            #expect(plainKey["scopes"] is NSNull)

            for bad in [["expires_in": 0], ["expires_in": -5], ["scopes": [""]], ["tenant": "globex"]] as [[String: Any]] {
                #expect(try await gateway.send(.POST, path, token: f.root.key, json: bad).status == 400, "\(bad)")
            }
            #expect(try await gateway.send(.POST, path, token: f.bob.key, json: ["name": "mine"]).status == 403)
            #expect(try await gateway.send(.POST, path, token: f.gus.key, json: ["name": "x"]).status == 404)
            #expect(try await gateway.send(.GET, path, token: f.gus.key).status == 404)
            #expect(try await gateway.send(.GET, path, token: f.bob.key).status == 403)

            var listed = try await gateway.send(.GET, path, token: f.root.key)
            #expect(listed.status == 200, "\(listed)")
            var keys = try #require(listed.object["keys"] as? [[String: Any]])
            #expect(keys.count == 3)  // initial, ci, plain
            #expect(Set(keys.compactMap { $0["id"] as? String }).contains(keyID))
            #expect(keys.allSatisfy { $0["revoked_at"] is NSNull && $0["created_at"] is String })
            #expect(!listed.bodyText.contains(ForgedKeys.secret(of: apiKey)))

            // A tenant admin revokes through its tenant; another tenant's admin cannot.
            #expect(try await gateway.send(.DELETE, "\(path)/\(keyID)", token: f.gus.key).status == 404)
            #expect(try await gateway.send(.DELETE, "\(path)/\(keyID)", token: f.bob.key).status == 403)
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/acme/users/root/keys/\(keyID)", token: f.root.key).status == 404)
            #expect(try await gateway.send(.DELETE, "\(path)/\(keyID)", token: f.root.key).status == 204)
            #expect(try await gateway.send(.GET, "/v1/me", token: apiKey).status == 401)
            #expect(try await gateway.send(.DELETE, "\(path)/\(keyID)", token: f.root.key).status == 404)
            listed = try await gateway.send(.GET, path, token: gateway.adminKey)
            keys = try #require(listed.object["keys"] as? [[String: Any]])
            #expect(keys.first { $0["id"] as? String == keyID }?["revoked_at"] is String)

            // Operators revoke through DELETE /admin/v1/keys/{id}.
            let plainID = try #require(plainKey["id"] as? String)
            #expect(try await gateway.send(.DELETE, "/admin/v1/keys/\(plainID)", token: gateway.adminKey).status == 204)
            #expect(try await gateway.send(.GET, "/v1/me", token: try #require(plain.object["api_key"] as? String)).status == 401)
            #expect(try await gateway.send(.GET, "/v1/me", token: f.bob.key).status == 200)
        }
    }

    @Test func deletingATenantErasesEverythingOfItAndNothingElse() async throws {
        try await TestGateway.with { gateway in
            let f = try await Self.fixture(gateway)
            let canary = "canary" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let bobMemory = try await gateway.addTextID("Bob's locker code is \(canary)", token: f.bob.key)
            _ = try await gateway.addTextID("Root plans the \(canary) offsite", token: f.root.key)
            _ = try await gateway.addText(
                "Customer 4711 asked about \(canary) invoices", token: f.root.key, extra: ["subject": "customer-4711"])
            let gusMemory = try await gateway.addTextID("Globex ships \(canary) widgets on Monday", token: f.gus.key)
            #expect(try await gateway.search(canary, token: f.bob.key).resultIDs.contains(bobMemory))

            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: f.root.key).status == 403)
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: f.gus.key).status == 403)
            let deleted = try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: gateway.adminKey)
            #expect(deleted.status == 200, "\(deleted)")
            let receiptObject = try #require(deleted.object["receipt"] as? [String: Any])
            let receipt = try JSONDecoder().decode(
                ErasureReceipt.self, from: try JSONSerialization.data(withJSONObject: receiptObject))
            #expect(receipt.verify(publicKey: try await gateway.signingKey()))
            #expect(receipt.tenant == f.acmeID)
            #expect(receipt.subjectHash == "tenant:\(f.acmeID)")
            #expect(receipt.role == "operator")
            #expect(receipt.erased.memories == 3)
            #expect(receipt.erased.versions == 3)
            #expect(receipt.dataKeysDestroyed >= 4)  // tenant key + bob, root, customer-4711
            #expect(receipt.auditCheckpoint != nil)

            // Its credentials, its tenant, its memories: gone. Globex: untouched.
            for key in [f.root.key, f.bob.key] {
                #expect(try await gateway.send(.GET, "/v1/me", token: key).status == 401)
            }
            #expect(try await gateway.send(.GET, "/admin/v1/tenants/acme", token: gateway.adminKey).status == 404)
            let tenants = try await gateway.send(.GET, "/admin/v1/tenants", token: gateway.adminKey)
            #expect((tenants.object["tenants"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["globex"])
            #expect(try await gateway.send(.GET, "/v1/memories/\(gusMemory)", token: f.gus.key).status == 200)
            #expect(try await gateway.search(canary, token: f.gus.key).resultIDs == [gusMemory])
            let status = try await gateway.send(.GET, "/admin/v1/status", token: gateway.adminKey)
            #expect(status.object["tenants"] as? Int == 1)

            let acme = try #require(UUID(uuidString: f.acmeID))
            let globex = try #require(UUID(uuidString: f.globexID))
            let leftovers = try await gateway.openDatabase().read { db in
                try ["data_keys", "memories", "memory_versions", "users", "api_keys", "cubes"].map {
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0) WHERE tenant_id = ?", arguments: [acme]) ?? -1
                } + [try Int.fetchOne(db, sql: "SELECT count(*) FROM tenants WHERE id = ?", arguments: [acme]) ?? -1]
            }
            #expect(leftovers == [0, 0, 0, 0, 0, 0, 0])
            let globexKeys = try await gateway.openDatabase().read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM data_keys WHERE tenant_id = ?", arguments: [globex]) ?? 0
            }
            #expect(globexKeys >= 2)
            // Only globex's copy of the canary remains, and it is sealed: nothing in clear on disk.
            #expect(try gateway.filesContaining(canary).isEmpty)

            // The tenant's audit chain stays, closed by tenant.delete; the platform chain has it too.
            let chain = try await gateway.auditExport(tenantID: f.acmeID)
            #expect(chain.contains { $0.contains("\"tenant.delete\"") })
            let platform = try await gateway.send(.GET, "/admin/v1/audit/export", token: gateway.adminKey)
            #expect(platform.bodyText.contains("\"tenant.delete\""))

            // Deleting it again: no such tenant. A new tenant may take the name.
            #expect(try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: gateway.adminKey).status == 404)
            try await gateway.createTenant("acme")
            let again = try await gateway.createUser(tenant: "acme", username: "bob", roles: ["member"])
            #expect(try await gateway.search(canary, token: again).resultIDs.isEmpty)
        }
    }
}
