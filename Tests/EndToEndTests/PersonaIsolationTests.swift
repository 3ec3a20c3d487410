import Foundation
import Testing

/// Inside one tenant: each (user, role) persona is private, and shared cubes follow the role grants.
@Suite struct PersonaIsolationTests {
    @Test func personaMemoryIsPrivateToUserAndRole() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let pat = try await gateway.createUserWithID(
                tenant: "acme", username: "pat", roles: ["member", "manager", "parent"])
            // Another user holding the very same roles, and the tenant's administrator.
            let sam = try await gateway.createUserWithID(
                tenant: "acme", username: "sam", roles: ["manager", "member", "parent"])
            let root = try await gateway.createUserWithID(tenant: "acme", username: "root", roles: ["tenant-admin"])

            let text = "Performance review notes for the osprey project"
            let memory = try await gateway.addText(text, token: pat.key, role: "manager")
            let id = try #require(memory["id"] as? String)
            let managerCube = try #require(memory["cube"] as? String)
            #expect(memory["subspace"] as? String == "persona")
            // Pat's parent persona keeps a memory of its own, matching the same words.
            let parentID = try await gateway.addTextID("Osprey nest spotted on the family walk", token: pat.key, role: "parent")

            // Control: the manager persona sees its memory.
            let asManager = try await gateway.search("osprey review", token: pat.key, role: "manager")
            #expect(asManager.resultIDs == [id])
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: pat.key, role: "manager").status == 200)

            let missing = UUID().uuidString.lowercased()
            let missingGet = try await gateway.send(.GET, "/v1/memories/\(missing)", token: pat.key, role: "parent")
            let intruders: [(String, String, String?)] = [
                ("pat as parent", pat.key, "parent"), ("pat as member", pat.key, "member"),
                ("pat by default (member)", pat.key, nil), ("sam as manager", sam.key, "manager"),
                ("sam as member", sam.key, "member"), ("sam as parent", sam.key, "parent"),
                ("tenant admin", root.key, nil),
            ]
            for (name, token, role) in intruders {
                let get = try await gateway.send(.GET, "/v1/memories/\(id)", token: token, role: role)
                #expect(get.status == 404, "\(name) GET: \(get)")
                #expect(!get.bodyText.contains("osprey"))
                #expect(normalizedNotFound(get, id: id) == normalizedNotFound(missingGet, id: missing), "\(name)")

                let search = try await gateway.search("osprey performance review", token: token, role: role)
                #expect(!search.resultIDs.contains(id), "\(name) found the manager's memory")
                #expect(!search.resultTexts.contains(text))

                // Naming the manager persona's cube by id, or its name, does not open it.
                let byCube = try await gateway.send(
                    .POST, "/v1/memories/search", token: token, role: role,
                    json: ["query": "osprey", "cubes": [managerCube]])
                #expect(byCube.status == 404, "\(name) searching the manager cube: \(byCube)")
                let listed = try await gateway.send(.GET, "/v1/memories?cube=\(managerCube)", token: token, role: role)
                #expect(listed.status == 404, "\(name) listing the manager cube: \(listed)")
                let all = try await gateway.listAll(token: token, role: role)
                #expect(!all.contains { $0["id"] as? String == id }, "\(name) listed it")
                let cubes = try await gateway.send(.GET, "/v1/cubes", token: token, role: role)
                #expect(!(cubes.object["cubes"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == managerCube })

                let write = try await gateway.send(
                    .POST, "/v1/memories", token: token, role: role, json: ["text": "planted", "cube": managerCube])
                #expect(write.status == 404, "\(name) writing to the manager cube: \(write)")
                let patch = try await gateway.send(
                    .PATCH, "/v1/memories/\(id)", token: token, role: role, json: ["text": "rewritten"])
                #expect(patch.status == 404, "\(name) PATCH: \(patch)")
                let delete = try await gateway.send(.DELETE, "/v1/memories/\(id)", token: token, role: role)
                #expect(delete.status == 404, "\(name) DELETE: \(delete)")
            }
            // Nor can a persona be named as a subspace for a new cube.
            for subspace in ["persona:manager", "persona/\(pat.id)/manager"] {
                let cube = try await gateway.send(
                    .POST, "/v1/cubes", token: pat.key, role: "parent", json: ["name": "sneaky", "subspace": subspace])
                #expect(cube.status == 400, "\(subspace): \(cube)")
            }

            // Unchanged, and still the only thing the manager persona holds.
            let after = try await gateway.send(.GET, "/v1/memories/\(id)", token: pat.key, role: "manager")
            #expect(after.memory["version"] as? Int == 1)
            #expect(after.memory["text"] as? String == text)
            let managerList = try await gateway.listAll(token: pat.key, role: "manager")
            #expect(managerList.compactMap { $0["id"] as? String } == [id])
            // And the parent persona sees only its own.
            let parentSearch = try await gateway.search("osprey", token: pat.key, role: "parent")
            #expect(parentSearch.resultIDs == [parentID])
        }
    }

    @Test func teamCubeFollowsTeamGrants() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let lead = try await gateway.createUser(tenant: "acme", username: "lead", roles: ["manager", "parent"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member"])
            let gus = try await gateway.createUser(tenant: "acme", username: "gus", roles: ["guest"])

            // member may not create team cubes (no manage), manager may.
            let denied = try await gateway.send(
                .POST, "/v1/cubes", token: mia, json: ["name": "roadmap", "subspace": "team/eng"])
            #expect(denied.status == 403, "\(denied)")
            let created = try await gateway.send(
                .POST, "/v1/cubes", token: lead, json: ["name": "roadmap", "subspace": "team/eng"])
            #expect(created.status == 201, "\(created)")
            #expect(created.cube["subspace"] as? String == "team/eng")
            #expect(created.cube["name"] as? String == "roadmap")
            let cube = try #require(created.cube["id"] as? String)
            let id = try await gateway.addTextID("Pelican release ships in March", token: lead, cube: cube)

            // member reads (and may write) team/*.
            let found = try await gateway.search("pelican release", token: mia)
            #expect(found.resultIDs == [id])
            #expect(try await gateway.send(.GET, "/v1/memories/\(id)", token: mia).status == 200)
            let byName = try await gateway.search("pelican", token: mia, cubes: ["roadmap"])
            #expect(byName.resultIDs == [id])
            let contribution = try await gateway.addTextID("Pelican beta feedback collected", token: mia, cube: "roadmap")
            let teamList = try await gateway.listAll(token: lead, cube: cube)
            #expect(Set(teamList.compactMap { $0["id"] as? String }) == [id, contribution])

            // guest and parent have no team grant at all.
            for (name, token, role) in [("guest", gus, nil), ("parent", lead, "parent")] as [(String, String, String?)] {
                let get = try await gateway.send(.GET, "/v1/memories/\(id)", token: token, role: role)
                #expect(get.status == 404, "\(name) GET: \(get)")
                #expect(!get.bodyText.contains("Pelican"))
                let search = try await gateway.search("pelican release beta", token: token, role: role)
                #expect(search.results.isEmpty, "\(name) search: \(search)")
                for reference in [cube, "roadmap"] {
                    let named = try await gateway.send(
                        .POST, "/v1/memories/search", token: token, role: role,
                        json: ["query": "pelican", "cubes": [reference]])
                    #expect(named.status == 404, "\(name) naming \(reference): \(named)")
                    let listed = try await gateway.send(.GET, "/v1/memories?cube=\(reference)", token: token, role: role)
                    #expect(listed.status == 404, "\(name) listing \(reference): \(listed)")
                    let write = try await gateway.send(
                        .POST, "/v1/memories", token: token, role: role, json: ["text": "Pelican spam", "cube": reference])
                    #expect(write.status == 404, "\(name) writing \(reference): \(write)")
                }
                let patch = try await gateway.send(
                    .PATCH, "/v1/memories/\(id)", token: token, role: role, json: ["text": "defaced"])
                #expect(patch.status == 404, "\(name) PATCH: \(patch)")
                let delete = try await gateway.send(.DELETE, "/v1/memories/\(id)", token: token, role: role)
                #expect(delete.status == 404, "\(name) DELETE: \(delete)")
                let cubes = try await gateway.send(.GET, "/v1/cubes", token: token, role: role)
                #expect(!(cubes.object["cubes"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == cube })
            }
            let guestTeam = try await gateway.send(
                .POST, "/v1/cubes", token: gus, json: ["name": "guests", "subspace": "team/eng"])
            #expect(guestTeam.status == 403)
            let parentTeam = try await gateway.send(
                .POST, "/v1/cubes", token: lead, role: "parent", json: ["name": "family", "subspace": "team/home"])
            #expect(parentTeam.status == 403)

            let after = try await gateway.listAll(token: mia, cube: cube)
            #expect(Set(after.compactMap { $0["id"] as? String }) == [id, contribution])
            let original = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia)
            #expect(original.memory["version"] as? Int == 1)
            #expect(original.memory["text"] as? String == "Pelican release ships in March")
        }
    }

    @Test func tenantCubeIsReadOnlyForGuests() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let gus = try await gateway.createUser(tenant: "acme", username: "gus", roles: ["guest"])
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member", "manager", "parent"])

            // Only tenant-admin may create tenant cubes.
            for (name, role) in [("member", "member"), ("manager", "manager"), ("parent", "parent")] {
                let denied = try await gateway.send(
                    .POST, "/v1/cubes", token: mia, role: role, json: ["name": "handbook", "subspace": "tenant"])
                #expect(denied.status == 403, "\(name): \(denied)")
            }
            let cube = try await gateway.createCube("handbook", subspace: "tenant", token: root)
            // Guests are cleared for public memories only, so the handbook is published as public.
            let id = try #require(
                try await gateway.addText(
                    "Holiday policy grants thirty vacation days", token: root, cube: cube, extra: ["label": "public"])["id"]
                    as? String)

            // guest reads it.
            let found = try await gateway.search("vacation policy", token: gus)
            #expect(found.resultIDs == [id])
            let get = try await gateway.send(.GET, "/v1/memories/\(id)", token: gus)
            #expect(get.status == 200)
            #expect(get.memory["subspace"] as? String == "tenant")
            #expect(try await gateway.listAll(token: gus, cube: "handbook").count == 1)

            // guest cannot write to it: add (by id and by name), patch, delete.
            for reference in [cube, "handbook"] {
                let add = try await gateway.send(
                    .POST, "/v1/memories", token: gus, json: ["text": "Guests get unlimited vacation", "cube": reference])
                #expect(add.status == 403, "add to \(reference): \(add)")
                #expect(add.isProblem)
                let batch = try await gateway.send(
                    .POST, "/v1/memories", token: gus,
                    json: ["memories": [["text": "Guests get unlimited vacation"]], "cube": reference])
                #expect(batch.status == 403)
            }
            let patch = try await gateway.send(.PATCH, "/v1/memories/\(id)", token: gus, json: ["text": "Unlimited vacation"])
            #expect(patch.status == 403, "\(patch)")
            let delete = try await gateway.send(.DELETE, "/v1/memories/\(id)", token: gus)
            #expect(delete.status == 403, "\(delete)")
            // A member may read but not write the tenant space either.
            let memberAdd = try await gateway.send(
                .POST, "/v1/memories", token: mia, json: ["text": "Members get unlimited vacation", "cube": cube])
            #expect(memberAdd.status == 403)
            // parent has no tenant grant: the cube does not exist for it.
            let parentGet = try await gateway.send(.GET, "/v1/memories/\(id)", token: mia, role: "parent")
            #expect(parentGet.status == 404)
            let parentSearch = try await gateway.search("vacation policy", token: mia, role: "parent")
            #expect(parentSearch.results.isEmpty)

            // guest cannot create cubes anywhere, not even in its own persona.
            for subspace in [nil, "persona", "team/eng", "tenant"] as [String?] {
                var body: [String: Any] = ["name": "guestbook"]
                if let subspace { body["subspace"] = subspace }
                let create = try await gateway.send(.POST, "/v1/cubes", token: gus, json: body)
                #expect(create.status == 403, "guest cube in \(subspace ?? "(default)"): \(create)")
            }
            // ...but keeps private notes in its default persona cube.
            let note = try await gateway.addText("Guest private note about vacation", token: gus)
            #expect(note["cube_name"] as? String == "default")

            // The tenant cube holds exactly the one memory, unchanged, and no guest cube exists.
            let handbook = try await gateway.listAll(token: root, cube: cube)
            #expect(handbook.compactMap { $0["id"] as? String } == [id])
            #expect(handbook.first?["version"] as? Int == 1)
            #expect(handbook.first?["text"] as? String == "Holiday policy grants thirty vacation days")
            let guestCubes = try await gateway.send(.GET, "/v1/cubes", token: gus)
            let guestCubeNames = Set((guestCubes.object["cubes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            #expect(guestCubeNames == ["default", "handbook"])
            let rootCubes = try await gateway.send(.GET, "/v1/cubes", token: root)
            #expect(!(rootCubes.object["cubes"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "guestbook" })
        }
    }

    @Test func roleHeaderMustNameAHeldRole() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let mia = try await gateway.createUser(tenant: "acme", username: "mia", roles: ["member", "parent"])
            let root = try await gateway.createUser(tenant: "acme", username: "root", roles: ["tenant-admin"])
            let handbook = try await gateway.createCube("handbook", subspace: "tenant", token: root)
            try await gateway.addText("Tenant secret about the heron budget", token: root, cube: handbook)
            try await gateway.addText("Admin persona heron note", token: root)

            // Control: held roles work, default is the first one.
            let me = try await gateway.send(.GET, "/v1/me", token: mia)
            #expect(me.object["role"] as? String == "member")
            #expect(me.object["default_role"] as? String == "member")
            #expect(Set(me.object["roles"] as? [String] ?? []) == ["member", "parent"])
            let asParent = try await gateway.send(.GET, "/v1/me", token: mia, role: "parent")
            #expect(asParent.status == 200)
            #expect(asParent.object["role"] as? String == "parent")

            let before = try await gateway.snapshot(token: root)
            for role in ["tenant-admin", "manager", "dpo", "superuser", "Member", "parent,tenant-admin"] {
                let meAs = try await gateway.send(.GET, "/v1/me", token: mia, role: role)
                #expect(meAs.status == 403, "'\(role)' /v1/me: \(meAs)")
                #expect(meAs.isProblem)
                let search = try await gateway.send(
                    .POST, "/v1/memories/search", token: mia, role: role, json: ["query": "heron budget"])
                #expect(search.status == 403, "'\(role)' search: \(search)")
                #expect(!search.bodyText.contains("heron"))
                let add = try await gateway.send(
                    .POST, "/v1/memories", token: mia, role: role, json: ["text": "heron takeover", "cube": handbook])
                #expect(add.status == 403, "'\(role)' add: \(add)")
                let cube = try await gateway.send(
                    .POST, "/v1/cubes", token: mia, role: role, json: ["name": "stolen", "subspace": "tenant"])
                #expect(cube.status == 403, "'\(role)' cube: \(cube)")
                let user = try await gateway.send(
                    .POST, "/admin/v1/tenants/acme/users", token: mia, role: role,
                    json: ["username": "mole", "roles": ["tenant-admin"]])
                #expect(user.status == 403, "'\(role)' create user: \(user)")
                let list = try await gateway.send(.GET, "/v1/memories", token: mia, role: role)
                #expect(list.status == 403, "'\(role)' list: \(list)")
            }
            let after = try await gateway.snapshot(token: root)
            #expect(after == before)
            let cubes = try await gateway.send(.GET, "/v1/cubes", token: root)
            #expect(!(cubes.object["cubes"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "stolen" })
            let users = try await gateway.send(.GET, "/admin/v1/tenants/acme/users", token: root)
            #expect(users.status == 200)
            #expect(!(users.object["users"] as? [[String: Any]] ?? []).contains { $0["username"] as? String == "mole" })
        }
    }
}
