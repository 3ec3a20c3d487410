import Foundation
import Testing

/// Sharing cubes with users and roles inside a tenant, attacked: shares never lift clearance,
/// never cross tenants, never let a grantee write without write or share onwards, and stop
/// working the moment they are revoked.
@Suite("Cube sharing with users and roles")
struct CubeSharingTests {
    private struct Team {
        let ann: String
        let bob: String
        let carl: String
        let notes: String
        let hiking: String
        let salary: String
    }

    /// Ann (manager) keeps a persona cube "notes" with an internal and a confidential memory;
    /// Bob and Carl are members.
    private func team(_ gateway: TestGateway) async throws -> Team {
        try await gateway.createTenant("acme")
        let ann = try await gateway.createUser(tenant: "acme", username: "ann", roles: ["manager"])
        let bob = try await gateway.createUser(tenant: "acme", username: "bob", roles: ["member"])
        let carl = try await gateway.createUser(tenant: "acme", username: "carl", roles: ["member"])
        let notes = try await gateway.createCube("notes", token: ann)
        let hiking = try await gateway.addTextID("Ann plans a hiking trip to the Dolomites on Saturday", token: ann, cube: notes)
        let salary = try #require(
            try await gateway.addText(
                "Ann's salary review with the Dolomites budget is due", token: ann, cube: notes,
                extra: ["label": "confidential"])["id"] as? String)
        return Team(ann: ann, bob: bob, carl: carl, notes: notes, hiking: hiking, salary: salary)
    }

    @Test func aUserShareGrantsReadOnlyWithinClearanceUntilRevoked() async throws {
        try await TestGateway.with { gateway in
            let t = try await team(gateway)
            // Before: Bob cannot see Ann's persona cube at all.
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: t.bob).status == 404)
            #expect(try await gateway.send(.POST, "/v1/memories/search", token: t.bob, json: ["query": "hiking", "cubes": [t.notes]]).status == 404)

            let shared = try await gateway.send(.POST, "/v1/cubes/\(t.notes)/shares", token: t.ann, json: ["user": "bob"])
            #expect(shared.status == 201, "\(shared)")
            let share = try #require(shared.object["share"] as? [String: Any])
            #expect(share["access"] as? [String] == ["read"])
            #expect(share["user"] as? String == "bob")
            let shareID = try #require(share["id"] as? String)

            // Bob sees the cube marked shared, reads and searches it, "all my cubes" included.
            let listed = try await gateway.cubesByID(token: t.bob)
            #expect(listed[t.notes]?["shared"] as? Bool == true)
            #expect(listed[t.notes]?["subspace"] as? String != "persona")
            #expect(listed.values.filter { $0["shared"] as? Bool == false }.allSatisfy { $0["name"] as? String == "default" })
            let read = try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: t.bob)
            #expect(read.status == 200, "\(read)")
            #expect(read.memory["text"] as? String == "Ann plans a hiking trip to the Dolomites on Saturday")
            #expect(try await gateway.search("Dolomites hiking", token: t.bob).resultIDs.contains(t.hiking))
            #expect(try await gateway.search("Dolomites", token: t.bob, cubes: [t.notes]).resultIDs == [t.hiking])
            #expect(try await gateway.search("Dolomites", token: t.bob, cubes: ["notes"]).resultIDs == [t.hiking])

            // No read up: the confidential memory stays invisible to a member, share or not.
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.salary)", token: t.bob).status == 404)
            let everything = try await gateway.search("salary review Dolomites budget", token: t.bob)
            #expect(!everything.resultIDs.contains(t.salary))
            #expect(!everything.bodyText.contains("salary"))
            #expect(!(try await gateway.listAll(token: t.bob, cube: t.notes)).contains { $0["id"] as? String == t.salary })

            // Read only: no adds, changes or deletes, and no sharing onwards.
            let add = try await gateway.send(.POST, "/v1/memories", token: t.bob, json: ["text": "Bob was here", "cube": t.notes])
            #expect(add.status == 403, "\(add)")
            #expect(try await gateway.send(.PATCH, "/v1/memories/\(t.hiking)", token: t.bob, json: ["text": "x"]).status == 403)
            #expect(try await gateway.send(.DELETE, "/v1/memories/\(t.hiking)", token: t.bob).status == 403)
            let onwards = try await gateway.send(.POST, "/v1/cubes/\(t.notes)/shares", token: t.bob, json: ["user": "carl"])
            #expect(onwards.status == 403)
            #expect(try await gateway.send(.GET, "/v1/cubes/\(t.notes)/shares", token: t.bob).status == 403)
            // Carl got nothing.
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: t.carl).status == 404)

            // Revoked: gone at once, everywhere.
            let revoked = try await gateway.send(.DELETE, "/v1/cubes/\(t.notes)/shares/\(shareID)", token: t.ann)
            #expect(revoked.status == 204, "\(revoked)")
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: t.bob).status == 404)
            #expect(!(try await gateway.search("Dolomites hiking", token: t.bob).resultIDs.contains(t.hiking)))
            #expect(try await gateway.cubesByID(token: t.bob)[t.notes] == nil)
            #expect(try await gateway.send(.DELETE, "/v1/cubes/\(t.notes)/shares/\(shareID)", token: t.ann).status == 404)
        }
    }

    @Test func aRoleShareWithWriteReachesEveryUserActingAsThatRole() async throws {
        try await TestGateway.with { gateway in
            let t = try await team(gateway)
            let dana = try await gateway.createUser(tenant: "acme", username: "dana", roles: ["guest", "member"])
            let shared = try await gateway.send(
                .POST, "/v1/cubes/notes/shares", token: t.ann, json: ["role": "member", "access": ["read", "write"]])
            #expect(shared.status == 201, "\(shared)")
            #expect((shared.object["share"] as? [String: Any])?["access"] as? [String] == ["read", "write"])

            // Any member writes and reads; their writes land in Ann's cube.
            let added = try await gateway.send(
                .POST, "/v1/memories", token: t.carl, json: ["text": "Carl brings the map of the Dolomites", "cube": t.notes])
            #expect(added.status == 201, "\(added)")
            let carlsNote = try #require(added.memories.first?["id"] as? String)
            let annSees = try await gateway.send(.GET, "/v1/memories/\(carlsNote)", token: t.ann)
            #expect(annSees.status == 200)
            #expect(annSees.memory["subject"] as? String == "carl")
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: t.bob).status == 200)
            // Dana holds member too, but the share follows the acting role.
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: dana, role: "guest").status == 404)
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: dana, role: "member").status == 200)
            // Writing never reaches above the clearance either.
            #expect(try await gateway.send(.PATCH, "/v1/memories/\(t.salary)", token: t.carl, json: ["text": "x"]).status == 404)
            // Write is not manage: no new cubes, no sharing.
            #expect(try await gateway.send(.POST, "/v1/cubes/notes/shares", token: t.carl, json: ["role": "guest"]).status == 403)
            #expect(try await gateway.send(.POST, "/v1/cubes/\(t.notes)/shares", token: t.carl, json: ["role": "guest"]).status == 403)

            let shares = try await gateway.send(.GET, "/v1/cubes/notes/shares", token: t.ann)
            #expect(shares.status == 200)
            let list = (shares.object["shares"] as? [[String: Any]]) ?? []
            #expect(list.count == 1)
            #expect(list.first?["role"] as? String == "member")
            #expect(list.first?["created_by"] as? String == "ann")
            // Sharing twice with the same grantee is a conflict; bad requests are precise.
            #expect(try await gateway.send(.POST, "/v1/cubes/notes/shares", token: t.ann, json: ["role": "member"]).status == 409)
            let manage = try await gateway.send(
                .POST, "/v1/cubes/notes/shares", token: t.ann, json: ["user": "bob", "access": ["read", "manage"]])
            #expect(manage.status == 400)
            #expect(manage.detail.contains("never manage"))
            let unknownRole = try await gateway.send(.POST, "/v1/cubes/notes/shares", token: t.ann, json: ["role": "wizard"])
            #expect(unknownRole.status == 400)
            let nobody = try await gateway.send(.POST, "/v1/cubes/notes/shares", token: t.ann, json: ["access": ["read"]])
            #expect(nobody.status == 400)
        }
    }

    @Test func sharesNeverCrossTenants() async throws {
        try await TestGateway.with { gateway in
            let t = try await team(gateway)
            try await gateway.createTenant("globex")
            // Same role name and a username that exists only in the other tenant.
            let dave = try await gateway.createUser(tenant: "globex", username: "dave", roles: ["member", "tenant-admin"])
            let toDave = try await gateway.send(.POST, "/v1/cubes/notes/shares", token: t.ann, json: ["user": "dave"])
            #expect(toDave.status == 404, "\(toDave)")
            #expect(try await gateway.send(.POST, "/v1/cubes/notes/shares", token: t.ann, json: ["role": "member"]).status == 201)
            // A member of another tenant gets nothing from a role share.
            #expect(try await gateway.send(.GET, "/v1/memories/\(t.hiking)", token: dave).status == 404)
            #expect(try await gateway.send(.POST, "/v1/memories/search", token: dave, json: ["query": "Dolomites", "cubes": [t.notes]]).status == 404)
            #expect(!(try await gateway.search("Dolomites hiking", token: dave).resultIDs.contains(t.hiking)))
            #expect(try await gateway.cubesByID(token: dave)[t.notes] == nil)
            // Nor can another tenant's admin list, add or delete shares of the cube.
            #expect(try await gateway.send(.GET, "/v1/cubes/\(t.notes)/shares", token: dave, role: "tenant-admin").status == 404)
            #expect(
                try await gateway.send(.POST, "/v1/cubes/\(t.notes)/shares", token: dave, role: "tenant-admin", json: ["user": "dave"])
                    .status == 404)
            // And a globex cube cannot be shared with acme's users.
            let theirs = try await gateway.createCube("theirs", subspace: "tenant", token: dave, role: "tenant-admin")
            let toAnn = try await gateway.send(.POST, "/v1/cubes/\(theirs)/shares", token: dave, role: "tenant-admin", json: ["user": "ann"])
            #expect(toAnn.status == 404)
        }
    }
}
