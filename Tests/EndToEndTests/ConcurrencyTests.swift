import Foundation
import Synchronization
import Testing

/// Many clients of two tenants at once: writes, lazy cube creation and searches interleave, and
/// still no answer ever carries the other tenant's (or another user's private) memory.
@Suite struct ConcurrencyTests {
    struct Member: Sendable {
        let tenant: Int
        let name: String
        let key: String
    }

    /// Ids written so far by each tenant, so every task can also probe the other tenant's ids.
    final class Written: Sendable {
        private let ids = Mutex<[[String]]>([[], []])
        func add(_ id: String, tenant: Int) { ids.withLock { $0[tenant].append(id) } }
        func sample(tenant: Int) -> String? { ids.withLock { $0[tenant].randomElement() } }
    }

    /// What one task saw that it must never see.
    struct Violations: Sendable {
        var foreignTenant: [String] = []
        var foreignPersona: [String] = []
        var foreignGets: [String] = []
        var failures: [String] = []
    }

    static let markers = ["acmequokka", "globexnarwhal"]
    static let tenants = ["acme", "globex"]
    static let tasksPerUser = 11

    @Test func concurrentTenantsNeverSeeEachOther() async throws {
        try await TestGateway.with { gateway in
            var members: [Member] = []
            var teamCubes: [String] = []
            for (tenant, name) in Self.tenants.enumerated() {
                try await gateway.createTenant(name)
                let lead = try await gateway.createUser(tenant: name, username: "lead", roles: ["manager"])
                teamCubes.append(try await gateway.createCube("shared", subspace: "team/all", token: lead))
                for index in 0..<3 {
                    let username = "\(name)user\(index)"
                    let key = try await gateway.createUser(tenant: name, username: username, roles: ["member"])
                    members.append(Member(tenant: tenant, name: username, key: key))
                }
            }
            let cubes = teamCubes
            let written = Written()

            // 2 tenants x 3 users x 11 tasks = 66 concurrent tasks; each user's first writes race
            // to create its default cube.
            let violations = try await withThrowingTaskGroup(of: Violations.self) { group in
                for member in members {
                    for round in 0..<Self.tasksPerUser {
                        group.addTask {
                            try await Self.work(
                                gateway, member: member, round: round, teamCube: cubes[member.tenant], written: written)
                        }
                    }
                }
                var all = Violations()
                for try await found in group {
                    all.foreignTenant += found.foreignTenant
                    all.foreignPersona += found.foreignPersona
                    all.foreignGets += found.foreignGets
                    all.failures += found.failures
                }
                return all
            }
            #expect(violations.failures.isEmpty, "\(violations.failures.prefix(5))")
            #expect(violations.foreignTenant.isEmpty, "saw the other tenant: \(violations.foreignTenant.prefix(5))")
            #expect(violations.foreignPersona.isEmpty, "saw another persona: \(violations.foreignPersona.prefix(5))")
            #expect(violations.foreignGets.isEmpty, "read another tenant's id: \(violations.foreignGets.prefix(5))")

            // At rest: each user finds exactly its tenant's team memories plus its own private ones.
            let teamCount = 3 * Self.tasksPerUser
            for member in members {
                let own = try await gateway.search(Self.markers[member.tenant], token: member.key)
                let texts = own.resultTexts
                #expect(texts.count == teamCount + Self.tasksPerUser, "\(member.name) found \(texts.count)")
                #expect(texts.filter { $0.contains("team") }.count == teamCount)
                #expect(texts.filter { $0.contains("private") }.allSatisfy { $0.contains(member.name) })
                #expect(texts.allSatisfy { $0.contains(Self.markers[member.tenant]) })

                let other = try await gateway.search(Self.markers[1 - member.tenant], token: member.key)
                #expect(other.results.isEmpty, "\(member.name) finds the other tenant's marker")

                // Exactly one default cube came out of the race, holding this user's private writes.
                let cubes = try await gateway.send(.GET, "/v1/cubes", token: member.key)
                let names = (cubes.object["cubes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(names.sorted() == ["default", "shared"], "\(member.name): \(names)")
                let personal = try await gateway.listAll(token: member.key, cube: "default")
                #expect(personal.count == Self.tasksPerUser, "\(member.name) default cube")

                let everything = try await gateway.listAll(token: member.key)
                #expect(everything.count == teamCount + Self.tasksPerUser)
                #expect(everything.allSatisfy { ($0["text"] as? String)?.contains(Self.markers[member.tenant]) == true })
            }
            for (tenant, cube) in teamCubes.enumerated() {
                let member = try #require(members.first { $0.tenant == tenant })
                let shared = try await gateway.listAll(token: member.key, cube: cube)
                #expect(shared.count == teamCount)
            }
        }
    }

    /// One client: write to the team cube and to its persona, then search both markers and probe
    /// the other tenant's ids.
    static func work(_ gateway: TestGateway, member: Member, round: Int, teamCube: String, written: Written)
        async throws -> Violations
    {
        var seen = Violations()
        let marker = markers[member.tenant]
        let foreignMarker = markers[1 - member.tenant]

        let team = try await gateway.send(
            .POST, "/v1/memories", token: member.key,
            json: ["text": "\(marker) team note \(round) by \(member.name)", "cube": teamCube])
        let privateNote = try await gateway.send(
            .POST, "/v1/memories", token: member.key,
            json: ["text": "\(marker) private note \(round) by \(member.name)"])
        for result in [team, privateNote] {
            guard result.status == 201, let id = result.memoryIDs.first else {
                seen.failures.append("\(member.name) add: \(result)")
                continue
            }
            written.add(id, tenant: member.tenant)
        }

        for query in [marker, foreignMarker, "\(marker) \(foreignMarker) note team private"] {
            let search = try await gateway.send(
                .POST, "/v1/memories/search", token: member.key, json: ["query": query, "top_k": 1_000])
            guard search.status == 200 else {
                seen.failures.append("\(member.name) search: \(search)")
                continue
            }
            for text in search.resultTexts {
                if !text.contains(marker) || text.contains(foreignMarker) {
                    seen.foreignTenant.append("\(member.name): \(text)")
                }
                if text.contains("private"), !text.hasSuffix("by \(member.name)") {
                    seen.foreignPersona.append("\(member.name): \(text)")
                }
            }
        }

        if let foreignID = written.sample(tenant: 1 - member.tenant) {
            let get = try await gateway.send(.GET, "/v1/memories/\(foreignID)", token: member.key)
            if get.status != 404 || get.bodyText.contains(foreignMarker) {
                seen.foreignGets.append("\(member.name) GET \(foreignID): \(get)")
            }
        }
        return seen
    }
}
