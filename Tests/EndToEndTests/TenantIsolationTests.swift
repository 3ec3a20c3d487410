import Foundation
import Testing

/// Two tenants on one gateway: nothing one tenant does, asks or names reaches the other.
@Suite struct TenantIsolationTests {
    /// acme and globex, each with a tenant-admin, a member and a manager.
    struct World {
        let acmeID: String
        let globexID: String
        let acmeAdmin: E2EUser
        let alice: E2EUser  // acme member
        let carol: E2EUser  // acme manager
        let globexAdmin: E2EUser
        let bob: E2EUser  // globex member
        let dave: E2EUser  // globex manager

        static func make(_ gateway: TestGateway) async throws -> World {
            let acmeID = try await gateway.createTenantID("acme")
            let globexID = try await gateway.createTenantID("globex")
            return World(
                acmeID: acmeID, globexID: globexID,
                acmeAdmin: try await gateway.createUserWithID(tenant: "acme", username: "root", roles: ["tenant-admin"]),
                alice: try await gateway.createUserWithID(tenant: "acme", username: "alice", roles: ["member"]),
                carol: try await gateway.createUserWithID(tenant: "acme", username: "carol", roles: ["manager", "member"]),
                globexAdmin: try await gateway.createUserWithID(
                    tenant: "globex", username: "root", roles: ["tenant-admin"]),
                bob: try await gateway.createUserWithID(tenant: "globex", username: "bob", roles: ["member"]),
                dave: try await gateway.createUserWithID(tenant: "globex", username: "dave", roles: ["manager", "member"]))
        }

        /// Every globex credential, with the role it acts as.
        var globexCallers: [(String, E2EUser, String?)] {
            [("globex admin", globexAdmin, nil), ("bob", bob, nil), ("dave as manager", dave, "manager"),
             ("dave as member", dave, "member")]
        }
    }

    @Test func otherTenantCannotGetPatchOrDeleteByID() async throws {
        try await TestGateway.with { gateway in
            let world = try await World.make(gateway)
            let secret = "Acme merger codename is bluefalcon"
            let memory = try await gateway.addText(secret, token: world.alice.key)
            let id = try #require(memory["id"] as? String)
            // The same text in a shared acme team cube, to attack more than persona memory.
            let teamCube = try await gateway.createCube("launch", subspace: "team/strategy", token: world.carol.key)
            let teamMemory = try await gateway.addText(
                "Acme launch date is kept in bluefalcon vault", token: world.carol.key, cube: teamCube)
            let teamID = try #require(teamMemory["id"] as? String)

            let randomID = UUID().uuidString.lowercased()
            let missingGet = try await gateway.send(.GET, "/v1/memories/\(randomID)", token: world.bob.key)
            #expect(missingGet.status == 404)

            for (name, user, role) in world.globexCallers {
                for target in [id, teamID] {
                    let get = try await gateway.send(.GET, "/v1/memories/\(target)", token: user.key, role: role)
                    #expect(get.status == 404, "\(name) GET: \(get)")
                    #expect(get.isProblem)
                    #expect(!get.bodyText.contains("bluefalcon"), "\(name) GET leaked text")
                    #expect(
                        normalizedNotFound(get, id: target) == normalizedNotFound(missingGet, id: randomID),
                        "\(name): a foreign id must answer exactly like a missing one")

                    let patch = try await gateway.send(
                        .PATCH, "/v1/memories/\(target)", token: user.key, role: role,
                        json: ["text": "globex was here", "tags": ["pwned"]])
                    #expect(patch.status == 404, "\(name) PATCH: \(patch)")
                    #expect(!patch.bodyText.contains("bluefalcon"))

                    let delete = try await gateway.send(.DELETE, "/v1/memories/\(target)", token: user.key, role: role)
                    #expect(delete.status == 404, "\(name) DELETE: \(delete)")
                    #expect(!delete.bodyText.contains("bluefalcon"))
                }
            }

            // Untouched: same version, text and tags for its owners.
            let after = try await gateway.send(.GET, "/v1/memories/\(id)", token: world.alice.key)
            #expect(after.status == 200)
            #expect(after.memory["version"] as? Int == 1)
            #expect(after.memory["text"] as? String == secret)
            #expect((after.memory["tags"] as? [String]) == [])
            let teamAfter = try await gateway.send(.GET, "/v1/memories/\(teamID)", token: world.alice.key)
            #expect(teamAfter.status == 200)
            #expect(teamAfter.memory["version"] as? Int == 1)
            #expect(teamAfter.memory["text"] as? String == "Acme launch date is kept in bluefalcon vault")
            let found = try await gateway.search("bluefalcon", token: world.alice.key)
            #expect(Set(found.resultIDs) == [id, teamID])
        }
    }

    @Test func otherTenantSearchAndListNeverSeeIt() async throws {
        try await TestGateway.with { gateway in
            let world = try await World.make(gateway)
            // acme: a persona memory, a named persona cube, a team cube and a tenant cube.
            let personaID = try await gateway.addTextID("Quokka pricing strategy for zanzibar", token: world.alice.key)
            let secretsCube = try await gateway.createCube("secrets", token: world.alice.key)
            let secretsID = try await gateway.addTextID(
                "Zanzibar quokka supplier contract", token: world.alice.key, cube: secretsCube)
            let teamCube = try await gateway.createCube("acme-plans", subspace: "team/strategy", token: world.carol.key)
            let teamID = try await gateway.addTextID(
                "Zanzibar quokka roadmap for the team", token: world.carol.key, cube: teamCube)
            let tenantCube = try await gateway.createCube("handbook", subspace: "tenant", token: world.acmeAdmin.key)
            let tenantID = try await gateway.addTextID(
                "Zanzibar quokka handbook entry", token: world.acmeAdmin.key, cube: tenantCube)
            let acmeIDs: Set<String> = [personaID, secretsID, teamID, tenantID]

            // globex has its own memories (and its own cubes with other names) so empty answers mean filtering.
            try await gateway.addText("Globex quokka notes", token: world.bob.key)
            let globexTeam = try await gateway.createCube("globex-plans", subspace: "team/strategy", token: world.dave.key)
            try await gateway.addText("Globex strategy quokka", token: world.dave.key, role: "manager", cube: globexTeam)

            // Control: acme sees all four.
            let adminView = try await gateway.search("zanzibar quokka", token: world.acmeAdmin.key)
            #expect(Set(adminView.resultIDs) == [teamID, tenantID])
            let aliceView = try await gateway.search("zanzibar", token: world.alice.key)
            #expect(Set(aliceView.resultIDs) == acmeIDs)

            for (name, user, role) in world.globexCallers {
                let search = try await gateway.search("zanzibar quokka pricing supplier roadmap handbook", token: user.key, role: role)
                #expect(Set(search.resultIDs).isDisjoint(with: acmeIDs), "\(name) found acme memories")
                #expect(!search.resultTexts.contains { $0.lowercased().contains("zanzibar") }, "\(name)")

                // Naming acme cubes, by id or by name, is like naming a cube that does not exist.
                for cube in [secretsCube, teamCube, tenantCube, "secrets", "acme-plans", "handbook"] {
                    let named = try await gateway.send(
                        .POST, "/v1/memories/search", token: user.key, role: role,
                        json: ["query": "zanzibar", "cubes": [cube]])
                    #expect(named.status == 404, "\(name) searching cube \(cube): \(named)")
                    #expect(named.resultIDs.isEmpty)
                    #expect(!named.bodyText.lowercased().contains("zanzibar quokka"))

                    let listed = try await gateway.send(.GET, "/v1/memories?cube=\(cube)", token: user.key, role: role)
                    #expect(listed.status == 404, "\(name) listing cube \(cube): \(listed)")
                    #expect(listed.memories.isEmpty)

                    // Writing into them is refused too, and stores nothing.
                    let write = try await gateway.send(
                        .POST, "/v1/memories", token: user.key, role: role,
                        json: ["text": "Globex injected zanzibar", "cube": cube])
                    #expect(write.status == 404, "\(name) writing to cube \(cube): \(write)")
                }

                let listed = try await gateway.listAll(token: user.key, role: role)
                #expect(Set(listed.compactMap { $0["id"] as? String }).isDisjoint(with: acmeIDs), "\(name) listed acme")

                // Naming acme in query parameters or headers is never obeyed either.
                for query in ["tenant_id=\(world.acmeID)", "tenant=acme", "user_id=\(world.alice.id)", "owner=\(world.alice.id)"] {
                    let smuggled = try await gateway.send(.GET, "/v1/memories?\(query)", token: user.key, role: role)
                    #expect(Set(smuggled.memoryIDs).isDisjoint(with: acmeIDs), "\(name) ?\(query)")
                    #expect(!smuggled.bodyText.lowercased().contains("zanzibar"))
                }
                let headers = [
                    ("X-Tenant-ID", world.acmeID), ("X-MemOS-Tenant", "acme"), ("X-Tenant", "acme"),
                    ("X-User-ID", world.alice.id),
                ]
                let withHeaders = try await gateway.send(
                    .POST, "/v1/memories/search", token: user.key, role: role,
                    rawBody: Data(#"{"query": "zanzibar quokka", "top_k": 1000}"#.utf8), headers: headers)
                #expect(withHeaders.status == 200)
                #expect(Set(withHeaders.resultIDs).isDisjoint(with: acmeIDs), "\(name) obeyed a tenant header")
                let cubes = try await gateway.send(.GET, "/v1/cubes", token: user.key, role: role)
                let cubeIDs = Set((cubes.object["cubes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
                #expect(cubes.status == 200)
                #expect(cubeIDs.isDisjoint(with: [secretsCube, teamCube, tenantCube]), "\(name) sees acme cubes")
            }

            // Nothing globex tried landed anywhere.
            let injectedAcme = try await gateway.search("injected", token: world.acmeAdmin.key)
            #expect(injectedAcme.results.isEmpty)
            let injectedGlobex = try await gateway.search("injected", token: world.dave.key, role: "manager")
            #expect(injectedGlobex.results.isEmpty)
            for cube in [secretsCube, teamCube, tenantCube] {
                let count = try await gateway.listAll(token: world.alice.key, cube: cube).count
                #expect(count == 1)
            }
        }
    }

    @Test func ownerFieldsInBodiesAreRejectedAndNeverObeyed() async throws {
        try await TestGateway.with { gateway in
            let world = try await World.make(gateway)
            try await gateway.addText("Acme baseline memory", token: world.alice.key)
            let acmeBefore = try await gateway.snapshot(token: world.alice.key)
            let globexBefore = try await gateway.snapshot(token: world.bob.key)

            let attacks: [(String, [String: Any], String)] = [
                ("/v1/memories", ["text": "Hijack ownerprobe", "tenant_id": world.acmeID], "tenant_id"),
                ("/v1/memories", ["text": "Hijack ownerprobe", "tenant": "acme"], "tenant"),
                ("/v1/memories", ["text": "Hijack ownerprobe", "user_id": world.alice.id], "user_id"),
                ("/v1/memories", ["text": "Hijack ownerprobe", "owner": world.alice.id], "owner"),
                (
                    "/v1/memories",
                    ["memories": [["text": "Fine ownerprobe"], ["text": "Hijack ownerprobe", "tenant_id": world.acmeID]]],
                    "memories[1].tenant_id"
                ),
                (
                    "/v1/memories",
                    ["memories": [["text": "Hijack ownerprobe", "owner": world.alice.id]]], "memories[0].owner"
                ),
                (
                    "/v1/memories",
                    ["memories": [["text": "Hijack ownerprobe", "sources": [["content": "x", "user_id": world.alice.id]]] as [String: Any]]],
                    "memories[0].sources[0].user_id"
                ),
                (
                    "/v1/memories",
                    ["messages": [["role": "user", "content": "Hijack ownerprobe", "tenant": "acme"]]],
                    "messages[0].tenant"
                ),
                ("/v1/memories/search", ["query": "ownerprobe", "tenant_id": world.acmeID], "tenant_id"),
                ("/v1/memories/search", ["query": "ownerprobe", "filters": ["owner": world.alice.id]], "filters.owner"),
                ("/v1/cubes", ["name": "hijacked", "tenant_id": world.acmeID], "tenant_id"),
                ("/v1/cubes", ["name": "hijacked", "subspace": "tenant", "tenant": "acme"], "tenant"),
                ("/v1/keys", ["name": "hijacked", "user_id": world.alice.id], "user_id"),
                ("/v1/keys", ["name": "hijacked", "tenant_id": world.acmeID], "tenant_id"),
            ]
            for (path, body, field) in attacks {
                let result = try await gateway.send(.POST, path, token: world.bob.key, json: body)
                #expect(result.status == 400, "\(path) with \(field): \(result)")
                #expect(result.isProblem)
                #expect(result.detail.contains("'\(field)'"), "detail should name \(field): \(result.detail)")
            }
            // The same through an acme id as a cube reference never reaches acme either.
            let cubeHijack = try await gateway.send(
                .POST, "/v1/memories", token: world.bob.key,
                json: ["text": "Hijack ownerprobe", "cube": world.acmeID])
            #expect(cubeHijack.status == 404)

            // A tenant admin cannot smuggle a tenant into user creation either.
            let userHijack = try await gateway.send(
                .POST, "/admin/v1/tenants/globex/users", token: world.globexAdmin.key,
                json: ["username": "mole", "roles": ["tenant-admin"], "tenant": "acme"])
            #expect(userHijack.status == 400, "\(userHijack)")
            let acmeUsers = try await gateway.send(.GET, "/admin/v1/tenants/acme/users", token: gateway.adminKey)
            let globexUsers = try await gateway.send(.GET, "/admin/v1/tenants/globex/users", token: gateway.adminKey)
            let allUsernames = (acmeUsers.object["users"] as? [[String: Any]] ?? [])
                + (globexUsers.object["users"] as? [[String: Any]] ?? [])
            #expect(!allUsernames.contains { $0["username"] as? String == "mole" })

            // No key was minted for anyone.
            for user in [world.alice, world.bob] {
                let keys = try await gateway.send(.GET, "/v1/keys", token: user.key)
                #expect((keys.object["keys"] as? [[String: Any]] ?? []).count == 1)
            }

            // Nothing was stored, in either tenant, or in any cube.
            let acmeAfter = try await gateway.snapshot(token: world.alice.key)
            #expect(acmeAfter == acmeBefore)
            let globexAfter = try await gateway.snapshot(token: world.bob.key)
            #expect(globexAfter == globexBefore)
            for (user, role) in [(world.acmeAdmin, nil), (world.alice, nil), (world.globexAdmin, nil), (world.bob, nil),
                                 (world.dave, "manager")] as [(E2EUser, String?)] {
                let found = try await gateway.search("ownerprobe hijack", token: user.key, role: role)
                #expect(found.results.isEmpty)
                let cubes = try await gateway.send(.GET, "/v1/cubes", token: user.key, role: role)
                #expect(!(cubes.object["cubes"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "hijacked" })
            }
        }
    }

    @Test func tenantAdminManagesOnlyItsOwnTenant() async throws {
        try await TestGateway.with { gateway in
            let world = try await World.make(gateway)
            let body: [String: Any] = ["username": "mole", "roles": ["tenant-admin"], "password": "hunter2hunter2"]

            // globex's admin, implicitly or explicitly acting as tenant-admin, cannot touch acme.
            for role in [nil, "tenant-admin"] as [String?] {
                let create = try await gateway.send(
                    .POST, "/admin/v1/tenants/acme/users", token: world.globexAdmin.key, role: role, json: body)
                #expect(create.status == 403, "\(create)")
                #expect(create.isProblem)
                #expect(create.object["api_key"] == nil)
                let list = try await gateway.send(.GET, "/admin/v1/tenants/acme/users", token: world.globexAdmin.key, role: role)
                #expect(list.status == 403)
                #expect(!list.bodyText.contains("alice"))
            }
            // Members of either tenant cannot create users, not even in their own tenant.
            for (user, tenant) in [(world.bob, "globex"), (world.bob, "acme"), (world.alice, "acme")] {
                let create = try await gateway.send(.POST, "/admin/v1/tenants/\(tenant)/users", token: user.key, json: body)
                #expect(create.status == 403, "\(create)")
            }
            // dave holds manager and member, neither with users.manage.
            let dave = try await gateway.send(
                .POST, "/admin/v1/tenants/globex/users", token: world.dave.key, role: "manager", json: body)
            #expect(dave.status == 403)
            // Tenant users cannot create tenants, and see only their own tenant.
            let tenantCreate = try await gateway.send(
                .POST, "/admin/v1/tenants", token: world.globexAdmin.key, json: ["name": "initech"])
            #expect(tenantCreate.status == 403)
            let tenants = try await gateway.send(.GET, "/admin/v1/tenants", token: world.globexAdmin.key)
            let names = (tenants.object["tenants"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["globex"], "\(tenants)")

            // No mole in acme, and no way to log in as one.
            let acmeUsers = try await gateway.send(.GET, "/admin/v1/tenants/acme/users", token: gateway.adminKey)
            #expect(acmeUsers.status == 200)
            let acmeNames = (acmeUsers.object["users"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
            #expect(Set(acmeNames) == ["root", "alice", "carol"])
            let login = try await gateway.send(
                .POST, "/v1/auth/token", json: ["tenant": "acme", "username": "mole", "password": "hunter2hunter2"])
            #expect(login.status == 401)

            // globex's admin may create users in globex; the operator may in acme.
            let own = try await gateway.send(.POST, "/admin/v1/tenants/globex/users", token: world.globexAdmin.key, json: body)
            #expect(own.status == 201, "\(own)")
            let ownKey = try #require(own.object["api_key"] as? String)
            let ownMe = try await gateway.send(.GET, "/v1/me", token: ownKey)
            #expect((ownMe.object["tenant"] as? [String: Any])?["name"] as? String == "globex")

            let byOperator = try await gateway.send(.POST, "/admin/v1/tenants/acme/users", token: gateway.adminKey, json: body)
            #expect(byOperator.status == 201, "\(byOperator)")
            let operatorKey = try #require(byOperator.object["api_key"] as? String)
            let me = try await gateway.send(.GET, "/v1/me", token: operatorKey)
            #expect((me.object["tenant"] as? [String: Any])?["id"] as? String == world.acmeID)
            #expect(me.object["role"] as? String == "tenant-admin")
        }
    }

    @Test func otherTenantCannotRevokeKeys() async throws {
        try await TestGateway.with { gateway in
            let world = try await World.make(gateway)
            // globex's admin holds keys.manage, but only within globex.
            let revoke = try await gateway.send(.DELETE, "/v1/keys/\(world.alice.keyID)", token: world.globexAdmin.key)
            #expect(revoke.status == 404, "\(revoke)")
            // The admin route serves tenant admins for their own tenant's keys: another tenant's
            // key answers like a missing one.
            let adminRoute = try await gateway.send(
                .DELETE, "/admin/v1/keys/\(world.alice.keyID)", token: world.globexAdmin.key)
            #expect(adminRoute.status == 404, "\(adminRoute)")
            let stillWorks = try await gateway.send(.GET, "/v1/me", token: world.alice.key)
            #expect(stillWorks.status == 200)
            // Control: acme's own admin may revoke it.
            let own = try await gateway.send(.DELETE, "/v1/keys/\(world.alice.keyID)", token: world.acmeAdmin.key)
            #expect(own.status == 204, "\(own)")
            let revoked = try await gateway.send(.GET, "/v1/me", token: world.alice.key)
            #expect(revoked.status == 401)
        }
    }
}
