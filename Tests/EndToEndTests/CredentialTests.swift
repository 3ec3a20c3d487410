import Foundation
import Testing

/// Every way of presenting a bad credential is refused with 401, and good credentials stay in their lane.
@Suite struct CredentialTests {
    /// Requests that would succeed with a valid credential, to probe each bad one against.
    static var probes: [(HTTPMethod, String, [String: Any]?)] { [
        (.GET, "/v1/me", nil),
        (.POST, "/v1/memories", ["text": "Credential probe kestrel"]),
        (.POST, "/v1/memories/search", ["query": "kestrel"]),
        (.GET, "/v1/memories", nil),
        (.POST, "/v1/keys", ["name": "stolen"]),
        (.GET, "/admin/v1/tenants", nil),
        (.POST, "/admin/v1/tenants/acme/users", ["username": "mole", "roles": ["tenant-admin"]]),
    ] }

    /// Sends every probe with `headers` and expects 401 problems.
    static func expectAllUnauthorized(
        _ gateway: TestGateway, headers: [(String, String)], _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for (method, path, body) in probes {
            let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
            let result = try await gateway.send(method, path, rawBody: data, headers: headers)
            #expect(result.status == 401, "\(label) \(method) \(path): \(result)", sourceLocation: sourceLocation)
            #expect(result.isProblem, "\(label) \(method) \(path)", sourceLocation: sourceLocation)
            #expect(!result.detail.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func missingMalformedAndForgedCredentialsAre401() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["tenant-admin"])
            let bob = try await gateway.createUser(tenant: "acme", username: "bob", roles: ["member"])
            let before = try await gateway.snapshot(token: alice)

            // Control: alice's real key passes every probe but the last two (she is tenant-admin).
            let control = try await gateway.send(.GET, "/v1/me", token: alice)
            #expect(control.status == 200)

            let aliceID = ForgedKeys.keyID(of: alice)
            var flipped = Array(alice)
            flipped[20] = flipped[20] == "A" ? "B" : "A"
            let forgedSecret = ForgedKeys.make(id: aliceID, secret: ForgedKeys.randomSecret())
            // alice's id with bob's (real, but not hers) secret.
            let swapped = ForgedKeys.make(id: aliceID, secret: ForgedKeys.secret(of: bob))
            // A well-formed key whose id was never issued.
            let unknownID = ForgedKeys.make(id: "0123456789ab", secret: ForgedKeys.randomSecret())
            #expect(forgedSecret.count == alice.count && swapped.count == alice.count)

            let cases: [(String, [(String, String)])] = [
                ("no header", []),
                ("empty header", [("Authorization", "")]),
                ("basic scheme", [("Authorization", "Basic " + Data("alice:\(alice)".utf8).base64EncodedString())]),
                ("raw key without scheme", [("Authorization", alice)]),
                ("token scheme", [("Authorization", "Token \(alice)")]),
                ("bearer without token", [("Authorization", "Bearer")]),
                ("bearer empty", [("Authorization", "Bearer ")]),
                ("garbage", [("Authorization", "Bearer garbage")]),
                ("checksum broken", [("Authorization", "Bearer \(String(flipped))")]),
                ("forged secret", [("Authorization", "Bearer \(forgedSecret)")]),
                ("swapped secret", [("Authorization", "Bearer \(swapped)")]),
                ("unknown key id", [("Authorization", "Bearer \(unknownID)")]),
                ("truncated key", [("Authorization", "Bearer \(alice.dropLast())")]),
                ("key with suffix", [("Authorization", "Bearer \(alice)x")]),
                ("garbage session token", [("Authorization", "Bearer mgt_garbage.token")]),
                ("key in other header", [("X-API-Key", alice)]),
            ]
            for (label, headers) in cases {
                try await Self.expectAllUnauthorized(gateway, headers: headers, label)
            }
            // Nothing was stored or created by any of those.
            #expect(try await gateway.snapshot(token: alice) == before)
            let users = try await gateway.send(.GET, "/admin/v1/tenants/acme/users", token: gateway.adminKey)
            #expect((users.object["users"] as? [[String: Any]] ?? []).count == 2)
            let keys = try await gateway.send(.GET, "/v1/keys", token: alice)
            #expect((keys.object["keys"] as? [[String: Any]] ?? []).count == 1)
        }
    }

    @Test func revokedKeysAre401() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let created = try await gateway.send(.POST, "/v1/keys", token: alice, json: ["name": "laptop"])
            #expect(created.status == 201, "\(created)")
            let second = try #require(created.object["api_key"] as? String)
            let secondID = try #require((created.object["key"] as? [String: Any])?["id"] as? String)
            #expect(secondID == ForgedKeys.keyID(of: second))
            #expect(try await gateway.send(.GET, "/v1/me", token: second).status == 200)

            // Revoked by its owner, using the other key.
            let revoke = try await gateway.send(.DELETE, "/v1/keys/\(secondID)", token: alice)
            #expect(revoke.status == 204, "\(revoke)")
            try await Self.expectAllUnauthorized(gateway, headers: [("Authorization", "Bearer \(second)")], "revoked")
            // Revoking twice finds no active key; the key list shows it revoked.
            #expect(try await gateway.send(.DELETE, "/v1/keys/\(secondID)", token: alice).status == 404)
            let keys = try await gateway.send(.GET, "/v1/keys", token: alice)
            let listed = (keys.object["keys"] as? [[String: Any]] ?? []).first { $0["id"] as? String == secondID }
            #expect(listed?["revoked_at"] as? String != nil)
            // The other key is unaffected.
            #expect(try await gateway.send(.GET, "/v1/me", token: alice).status == 200)

            // A key may revoke itself; afterwards it is dead.
            let third = try await gateway.send(.POST, "/v1/keys", token: alice, json: [String: Any]())
            let thirdKey = try #require(third.object["api_key"] as? String)
            let selfRevoke = try await gateway.send(.DELETE, "/v1/keys/\(ForgedKeys.keyID(of: thirdKey))", token: thirdKey)
            #expect(selfRevoke.status == 204)
            #expect(try await gateway.send(.GET, "/v1/me", token: thirdKey).status == 401)

            // The operator revokes through the admin route.
            let opRevoke = try await gateway.send(.DELETE, "/admin/v1/keys/\(ForgedKeys.keyID(of: alice))", token: gateway.adminKey)
            #expect(opRevoke.status == 204, "\(opRevoke)")
            try await Self.expectAllUnauthorized(gateway, headers: [("Authorization", "Bearer \(alice)")], "operator-revoked")
        }
    }

    @Test func expiredKeysAre401() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            for bad in [0, -5] {
                let rejected = try await gateway.send(.POST, "/v1/keys", token: alice, json: ["expires_in": bad])
                #expect(rejected.status == 400, "expires_in \(bad): \(rejected)")
            }
            let created = try await gateway.send(.POST, "/v1/keys", token: alice, json: ["name": "short", "expires_in": 1])
            #expect(created.status == 201, "\(created)")
            #expect((created.object["key"] as? [String: Any])?["expires_at"] as? String != nil)
            let shortLived = try #require(created.object["api_key"] as? String)
            #expect(try await gateway.send(.GET, "/v1/me", token: shortLived).status == 200)

            try await Task.sleep(for: .milliseconds(1_200))
            try await Self.expectAllUnauthorized(gateway, headers: [("Authorization", "Bearer \(shortLived)")], "expired")
            let list = try await gateway.listAll(token: alice)
            #expect(list.isEmpty, "the expired key's probe must not have stored anything")
            #expect(try await gateway.send(.GET, "/v1/me", token: alice).status == 200)
        }
    }

    @Test func sessionTokenFlow() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let password = "correct horse battery staple"
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"], password: password)
            _ = try await gateway.createUser(tenant: "acme", username: "nopass", roles: ["member"])
            _ = try await gateway.createUser(tenant: "globex", username: "gina", roles: ["member"], password: "globex password")

            let issued = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "alice", "password": password])
            #expect(issued.status == 200, "\(issued)")
            let token = try #require(issued.object["access_token"] as? String)
            #expect(token.hasPrefix("mgt_"))
            #expect(issued.object["token_type"] as? String == "Bearer")
            let expiresAt = try #require(issued.object["expires_at"] as? String)
            let expiry = try #require(try? Date(expiresAt, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            #expect(expiry > Date())

            let me = try await gateway.send(.GET, "/v1/me", token: token)
            #expect(me.status == 200)
            #expect(me.object["kind"] as? String == "user")
            #expect(me.object["credential"] as? String == "session_token")
            #expect((me.object["user"] as? [String: Any])?["name"] as? String == "alice")
            #expect((me.object["tenant"] as? [String: Any])?["name"] as? String == "acme")
            let keyMe = try await gateway.send(.GET, "/v1/me", token: alice)
            #expect(keyMe.object["credential"] as? String == "api_key")
            #expect((keyMe.object["user"] as? [String: Any])?["id"] as? String
                == (me.object["user"] as? [String: Any])?["id"] as? String)

            // The token is a full credential for its user: it writes what the API key then reads.
            let added = try await gateway.addText("Session written sandpiper note", token: token)
            let found = try await gateway.search("sandpiper", token: alice)
            #expect(found.resultIDs == [added["id"] as? String])

            // Every failure looks the same, whatever was wrong.
            let failures: [(String, [String: String])] = [
                ("wrong password", ["tenant": "acme", "username": "alice", "password": "wrong"]),
                ("unknown user", ["tenant": "acme", "username": "mallory", "password": password]),
                ("user without password", ["tenant": "acme", "username": "nopass", "password": password]),
                ("unknown tenant", ["tenant": "initech", "username": "alice", "password": password]),
                ("right password, other tenant", ["tenant": "globex", "username": "alice", "password": password]),
                ("other tenant's user", ["tenant": "acme", "username": "gina", "password": "globex password"]),
            ]
            var details: Set<String> = []
            for (label, body) in failures {
                let result = try await gateway.send(.POST, "/v1/auth/token", json: body)
                #expect(result.status == 401, "\(label): \(result)")
                #expect(result.isProblem)
                #expect(result.object["access_token"] == nil)
                details.insert(result.detail)
            }
            #expect(details.count == 1, "failures must be indistinguishable: \(details)")

            // Tampering with the token breaks it.
            var tampered = Array(token)
            let index = tampered.count - 3
            tampered[index] = tampered[index] == "A" ? "B" : "A"
            try await Self.expectAllUnauthorized(gateway, headers: [("Authorization", "Bearer \(String(tampered))")], "tampered")
            try await Self.expectAllUnauthorized(gateway, headers: [("Authorization", "Bearer \(token)x")], "extended")
            var payloadTampered = Array(token)
            payloadTampered[10] = payloadTampered[10] == "A" ? "B" : "A"
            try await Self.expectAllUnauthorized(
                gateway, headers: [("Authorization", "Bearer \(String(payloadTampered))")], "payload tampered")
            let ownerless = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "alice", "password": password, "user_id": "x"])
            #expect(ownerless.status == 400)
        }
    }

    /// Passwords the hasher refuses (empty, over its byte limit) must fail a login exactly like a
    /// wrong password; otherwise the answer tells an attacker which usernames exist.
    @Test func loginFailuresDoNotRevealWhichUsersExist() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            _ = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"], password: "s3cret-pass")
            let reference = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "alice", "password": "wrong"])
            #expect(reference.status == 401)
            for (label, password) in [("empty", ""), ("over 1024 bytes", String(repeating: "p", count: 1_025))] {
                let existing = try await gateway.send(
                    .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "alice", "password": password])
                let unknown = try await gateway.send(
                    .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "nobody", "password": password])
                #expect(existing.status == 401, "\(label) password, existing user: \(existing)")
                #expect(unknown.status == 401, "\(label) password, unknown user: \(unknown)")
                #expect(existing.status == unknown.status && existing.detail == unknown.detail,
                        "\(label) password distinguishes existing from unknown users")
                #expect(existing.detail == reference.detail)
            }
        }
    }

    @Test func operatorKeyCannotUseTenantMemory() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["tenant-admin"])
            let handbook = try await gateway.createCube("handbook", subspace: "tenant", token: alice)
            let id = try await gateway.addTextID("Operator must not read this egret memo", token: alice, cube: handbook)

            let me = try await gateway.send(.GET, "/v1/me", token: gateway.adminKey)
            #expect(me.status == 200)
            #expect(me.object["kind"] as? String == "operator")
            #expect(me.object["operator"] as? [String: Any] != nil)

            let attempts: [(HTTPMethod, String, [String: Any]?)] = [
                (.POST, "/v1/memories", ["text": "Operator planted egret", "cube": handbook]),
                (.POST, "/v1/memories", ["text": "Operator planted egret"]),
                (.POST, "/v1/memories/search", ["query": "egret memo"]),
                (.POST, "/v1/memories/search", ["query": "egret memo", "cubes": [handbook]]),
                (.GET, "/v1/memories", nil),
                (.GET, "/v1/memories?cube=\(handbook)", nil),
                (.GET, "/v1/memories/\(id)", nil),
                (.PATCH, "/v1/memories/\(id)", ["text": "Operator edit"]),
                (.DELETE, "/v1/memories/\(id)", nil),
                (.GET, "/v1/cubes", nil),
                (.POST, "/v1/cubes", ["name": "ops", "subspace": "tenant"]),
                (.POST, "/v1/keys", ["name": "ops"]),
            ]
            for (method, path, body) in attempts {
                let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
                let result = try await gateway.send(method, path, token: gateway.adminKey, rawBody: data)
                #expect(result.status == 403, "\(method) \(path): \(result)")
                #expect(result.isProblem)
                #expect(!result.bodyText.contains("egret memo"))
            }
            let all = try await gateway.listAll(token: alice)
            #expect(all.compactMap { $0["id"] as? String } == [id])
            #expect(all.first?["version"] as? Int == 1)
            let cubes = try await gateway.send(.GET, "/v1/cubes", token: alice)
            #expect(!(cubes.object["cubes"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "ops" })
        }
    }

    @Test func usersRevokeOnlyTheirOwnKeysUnlessTheyManageKeys() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let bob = try await gateway.createUser(tenant: "acme", username: "bob", roles: ["member", "manager"])
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin", "member"])
            let gina = try await gateway.createUser(tenant: "globex", username: "gina", roles: ["tenant-admin"])
            let bobKeyID = ForgedKeys.keyID(of: bob)

            // A member (and a manager) may not revoke another user's key.
            let attempts: [(String, String?, String)] = [
                (alice, nil, bobKeyID), (root, "member", bobKeyID), (bob, "manager", ForgedKeys.keyID(of: alice)),
                (bob, "member", ForgedKeys.keyID(of: root)),
            ]
            for (token, role, target) in attempts {
                let attempt = try await gateway.send(.DELETE, "/v1/keys/\(target)", token: token, role: role)
                #expect([403, 404].contains(attempt.status), "\(attempt)")
                #expect(attempt.isProblem)
            }
            for token in [alice, root] {
                #expect(try await gateway.send(.GET, "/v1/me", token: token).status == 200)
            }
            let viaAdmin = try await gateway.send(.DELETE, "/admin/v1/keys/\(bobKeyID)", token: alice)
            #expect(viaAdmin.status == 403)
            // Another tenant's administrator cannot either.
            let foreign = try await gateway.send(.DELETE, "/v1/keys/\(bobKeyID)", token: gina)
            #expect(foreign.status == 404, "\(foreign)")
            // Listing keys shows only one's own.
            let aliceKeys = try await gateway.send(.GET, "/v1/keys", token: alice)
            let aliceKeyIDs = (aliceKeys.object["keys"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(aliceKeyIDs == [ForgedKeys.keyID(of: alice)])

            let stillThere = try await gateway.send(.GET, "/v1/me", token: bob)
            #expect(stillThere.status == 200)

            // keys.manage is bounded by the tenant: not even the operator's key can be touched.
            let operatorKeyID = ForgedKeys.keyID(of: gateway.adminKey)
            for token in [root, gina] {
                let attack = try await gateway.send(.DELETE, "/v1/keys/\(operatorKeyID)", token: token)
                #expect(attack.status == 404, "\(attack)")
            }
            #expect(try await gateway.send(.GET, "/admin/v1/tenants", token: gateway.adminKey).status == 200)

            // The tenant admin (keys.manage) may.
            let revoke = try await gateway.send(.DELETE, "/v1/keys/\(bobKeyID)", token: root, role: "tenant-admin")
            #expect(revoke.status == 204, "\(revoke)")
            #expect(try await gateway.send(.GET, "/v1/me", token: bob).status == 401)
        }
    }

    @Test func healthAndReadinessNeedNoCredential() async throws {
        try await TestGateway.with { gateway in
            let health = try await gateway.send(.GET, "/healthz")
            #expect(health.status == 200)
            let ready = try await gateway.send(.GET, "/readyz")
            #expect(ready.status == 200)
            let hash = try #require(ready.object["policy_hash"] as? String)
            #expect(!hash.isEmpty)
            // Unknown endpoints are problems too, not memory leaks through a default page.
            let unknown = try await gateway.send(.GET, "/v1/nothing-here", token: gateway.adminKey)
            #expect(unknown.status == 404)
        }
    }
}
