import Foundation
import Testing

@testable import MemOSGovernance

/// The package root, found from this file's location so tests read the *shipped* policy.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // MemOSGovernanceTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root

private let shippedPolicyDirectory = packageRoot.appendingPathComponent("policies", isDirectory: true)

private func withPolicyDirectory<T>(_ files: [String: Data], _ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("memos-policy-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, data) in files {
        try data.write(to: directory.appendingPathComponent(name))
    }
    return try body(directory)
}

/// A valid one-role policy; the error tests each break exactly one line of it.
private let validPolicy = """
    version: 1
    roles:
      - name: member
        description: Ordinary employee
        clearance: internal
        permissions: []
        grants:
          - subspace: persona
            access: [read, write, manage]
          - subspace: team/*
            access: [read, write]
          - subspace: tenant
            access: [read]
    """

/// `validPolicy` with 1-based line `line` replaced by `replacement` (which may span lines or be empty).
private func policy(replacingLine line: Int, with replacement: String?) -> String {
    var lines = validPolicy.components(separatedBy: "\n")
    if let replacement {
        lines[line - 1] = replacement
    } else {
        lines.remove(at: line - 1)
    }
    return lines.joined(separator: "\n")
}

private func appendingRole(_ role: String) -> String {
    validPolicy + "\n" + role
}

// MARK: - Shipped policy

@Suite struct ShippedPolicyTests {
    @Test func shippedPolicyLoadsWithSevenRoles() throws {
        let set = try PolicySet.load(directory: shippedPolicyDirectory)
        #expect(set.roles.version == 1)
        #expect(Set(set.roles.roles.keys) == ["tenant-admin", "dpo", "member", "guest", "manager", "parent", "agent"])
        #expect(set.hash.wholeMatch(of: #/[0-9a-f]{64}/#) != nil)
        #expect(set.directory == shippedPolicyDirectory)
    }

    @Test func shippedRolesHaveExpectedGrants() throws {
        let roles = try PolicySet.load(directory: shippedPolicyDirectory).roles
        let rwm: Set<SubspaceAccess> = [.read, .write, .manage]
        let rw: Set<SubspaceAccess> = [.read, .write]
        let r: Set<SubspaceAccess> = [.read]

        func grants(_ name: String) throws -> [SubspacePattern: Set<SubspaceAccess>] {
            let role = try #require(roles.role(named: name))
            return Dictionary(uniqueKeysWithValues: role.grants.map { ($0.subspace, $0.access) })
        }

        #expect(try grants("tenant-admin") == [.ownPersona: rwm, .anyTeam: rwm, .tenant: rwm])
        #expect(try grants("dpo") == [.ownPersona: rwm, .tenant: r])
        #expect(try grants("member") == [.ownPersona: rwm, .anyTeam: rw, .tenant: r])
        #expect(try grants("guest") == [.ownPersona: rw, .tenant: r])
        #expect(try grants("manager") == [.ownPersona: rwm, .anyTeam: rwm, .tenant: r])
        #expect(try grants("parent") == [.ownPersona: rwm])

        let admin = try #require(roles.role(named: "tenant-admin"))
        #expect(admin.clearance == "confidential")
        #expect(admin.permissions == [
                .usersManage, .keysManage, .auditRead, .policyManage, .labelsLower, .subjectsName, .cubesExport, .cubesImport,
                .memstorePublish, .memstoreSubscribe, .artifactsWrite, .artifactsRead,
            ])
        let dpo = try #require(roles.role(named: "dpo"))
        #expect(dpo.clearance == "restricted")
        #expect(dpo.permissions == [.subjectsExport, .subjectsErase, .subjectsName, .auditRead])
        #expect(roles.role(named: "member")?.clearance == "internal")
        #expect(roles.role(named: "member")?.permissions.isEmpty == true)
        #expect(roles.role(named: "guest")?.clearance == "public")
        #expect(roles.role(named: "manager")?.clearance == "confidential")
        #expect(roles.role(named: "parent")?.clearance == "confidential")
        #expect(roles.role(named: "root") == nil)
    }

    @Test func shippedRolesDenyWhatTheyDoNotGrant() throws {
        let roles = try PolicySet.load(directory: shippedPolicyDirectory).roles
        let member = try #require(roles.role(named: "member"))
        #expect(member.allows(.write, on: .team("sales")))
        #expect(!member.allows(.manage, on: .team("sales")))
        #expect(!member.allows(.write, on: .tenant))
        #expect(!member.allows(.read, on: .persona(role: "parent")))
        #expect(!member.has(.usersManage))

        let guest = try #require(roles.role(named: "guest"))
        #expect(!guest.allows(.read, on: .team("sales")))
        #expect(!guest.allows(.manage, on: .ownPersona))

        let parent = try #require(roles.role(named: "parent"))
        #expect(parent.allows(.manage, on: .ownPersona))
        #expect(!parent.allows(.read, on: .tenant))
        #expect(!parent.allows(.read, on: .team("family")))
        #expect(!parent.allows(.read, on: .persona(role: "member")))

        let dpo = try #require(roles.role(named: "dpo"))
        #expect(!dpo.allows(.read, on: .anyTeam))
        #expect(!dpo.allows(.write, on: .tenant))
        #expect(dpo.has(.subjectsErase))
    }
}

// MARK: - Patterns and evaluation

@Suite struct SubspacePatternTests {
    @Test(arguments: [
        ("persona", SubspacePattern.ownPersona),
        ("persona:member", .persona(role: "member")),
        ("team/sales", .team("sales")),
        ("team/0-ops", .team("0-ops")),
        ("team/*", .anyTeam),
        ("tenant", .tenant),
    ])
    func parsesAndRoundTrips(text: String, pattern: SubspacePattern) {
        #expect(SubspacePattern(text) == pattern)
        #expect(pattern.description == text)
    }

    @Test(arguments: [
        "", "Persona", "persona:", "persona:Member", "persona:1abc", "team", "team/", "team/Sales",
        "team/-sales", "team/sales/eu", "team/**", "team/" + String(repeating: "a", count: 64),
        "tenant ", " tenant", "tenants", "team/sä", "persona:" + String(repeating: "a", count: 41),
    ])
    func rejectsInvalidPatterns(text: String) {
        #expect(SubspacePattern(text) == nil)
    }

    @Test func anyTeamGrantCoversNamedTeamsOnly() {
        let role = RoleDefinition(
            name: "r", description: "", clearance: "internal", permissions: [],
            grants: [SubspaceGrant(subspace: .anyTeam, access: [.read])])
        #expect(role.allows(.read, on: .team("a")))
        #expect(role.allows(.read, on: .anyTeam))
        #expect(!role.allows(.write, on: .team("a")))
        #expect(!role.allows(.read, on: .tenant))
        #expect(!role.allows(.read, on: .ownPersona))

        let oneTeam = RoleDefinition(
            name: "s", description: "", clearance: "internal", permissions: [],
            grants: [SubspaceGrant(subspace: .team("a"), access: [.read])])
        #expect(oneTeam.allows(.read, on: .team("a")))
        #expect(!oneTeam.allows(.read, on: .team("b")))
        // A grant on one team must not be mistaken for all teams.
        #expect(!oneTeam.allows(.read, on: .anyTeam))
    }

    @Test func personaSharingIsPerRole() throws {
        let yaml = appendingRole("""
              - name: parent
                description: Family
                clearance: confidential
                permissions: []
                grants:
                  - subspace: persona
                    access: [read, write]
                  - subspace: persona:member
                    access: [read]
            """)
        let roles = try RolePolicy.parse(yaml: yaml)
        let parent = try #require(roles.role(named: "parent"))
        #expect(parent.allows(.read, on: .persona(role: "member")))
        #expect(!parent.allows(.write, on: .persona(role: "member")))
        #expect(!parent.allows(.read, on: .persona(role: "guest")))
        // Naming the acting role explicitly is the same subspace as `persona`.
        #expect(parent.allows(.write, on: .persona(role: "parent")))
        let member = try #require(roles.role(named: "member"))
        #expect(!member.allows(.read, on: .persona(role: "parent")))
    }
}

// MARK: - Errors name the exact line

struct BadPolicy: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let line: Int
    let column: Int?
    let fragment: String
    var testDescription: String { name }
}

@Suite struct PolicyErrorTests {
    static let cases: [BadPolicy] = [
        BadPolicy(
            name: "YAML syntax error", yaml: policy(replacingLine: 5, with: "    clearance: internal: extra"),
            line: 5, column: nil, fragment: "YAML syntax error"),
        BadPolicy(
            name: "unclosed flow sequence", yaml: policy(replacingLine: 9, with: "        access: [read, write"),
            line: 10, column: nil, fragment: "YAML syntax error"),
        BadPolicy(
            name: "duplicate YAML key", yaml: policy(replacingLine: 5, with: "    clearance: internal\n    clearance: public"),
            line: 5, column: nil, fragment: "duplicate key 'clearance'"),
        BadPolicy(name: "empty file", yaml: "", line: 1, column: 1, fragment: "empty"),
        BadPolicy(name: "top level is a list", yaml: "- version: 1\n", line: 1, column: 1, fragment: "expected a mapping"),
        BadPolicy(
            name: "permissions is not a list", yaml: policy(replacingLine: 6, with: "    permissions: users.manage"),
            line: 6, column: 18, fragment: "permissions must be a list"),
        BadPolicy(
            name: "grants missing value", yaml: validPolicy.components(separatedBy: "\n").prefix(7).joined(separator: "\n"),
            line: 7, column: nil, fragment: "grants must be a list"),
        BadPolicy(
            name: "grants is a word",
            yaml: validPolicy.components(separatedBy: "\n").prefix(6).joined(separator: "\n") + "\n    grants: none",
            line: 7, column: 13, fragment: "grants must be a list (use [] for none), found 'none'"),
        BadPolicy(
            name: "role is not a mapping", yaml: policy(replacingLine: 3, with: "  - member\n  - name: member"),
            line: 3, column: 5, fragment: "expected a mapping for each role"),
        BadPolicy(
            name: "grant is not a mapping", yaml: policy(replacingLine: 8, with: "      - persona\n      - subspace: persona"),
            line: 8, column: 9, fragment: "expected a mapping for each grant"),
        BadPolicy(
            name: "description is a list", yaml: policy(replacingLine: 4, with: "    description: [a, b]"),
            line: 4, column: 18, fragment: "description must be a non-empty string"),
        BadPolicy(
            name: "unknown key in role", yaml: policy(replacingLine: 6, with: "    permissions: []\n    colour: blue"),
            line: 7, column: 5, fragment: "unknown key 'colour' in role 'member'"),
        BadPolicy(
            name: "unknown top-level key", yaml: "version: 1\nextends: base\n" + validPolicy.dropFirst("version: 1\n".count),
            line: 2, column: 1, fragment: "unknown key 'extends'"),
        BadPolicy(
            name: "unknown key in grant", yaml: policy(replacingLine: 13, with: "        access: [read]\n        expires: never"),
            line: 14, column: 9, fragment: "unknown key 'expires'"),
        BadPolicy(
            name: "missing clearance", yaml: policy(replacingLine: 5, with: nil),
            line: 3, column: 5, fragment: "missing required key 'clearance' in role 'member'"),
        BadPolicy(
            name: "missing access", yaml: policy(replacingLine: 11, with: nil),
            line: 10, column: 9, fragment: "missing required key 'access'"),
        BadPolicy(
            name: "missing roles", yaml: "# comment\nversion: 1\n", line: 2, column: 1,
            fragment: "missing required key 'roles'"),
        BadPolicy(
            name: "missing version", yaml: String(validPolicy.dropFirst("version: 1\n".count)), line: 1, column: 1,
            fragment: "missing required key 'version'"),
        BadPolicy(
            name: "duplicate role", yaml: appendingRole("""
                  - name: member
                    description: Again
                    clearance: internal
                    permissions: []
                    grants: []
                """),
            line: 14, column: 11, fragment: "duplicate role 'member' (first defined on line 3)"),
        BadPolicy(
            name: "unknown clearance", yaml: policy(replacingLine: 5, with: "    clearance: secret"),
            line: 5, column: 16,
            fragment: "unknown clearance 'secret' (expected one of: public, internal, confidential, restricted)"),
        BadPolicy(
            name: "unknown permission", yaml: policy(replacingLine: 6, with: "    permissions: [audit.read, users.delete]"),
            line: 6, column: 31, fragment: "unknown permission 'users.delete'"),
        BadPolicy(
            name: "duplicate permission", yaml: policy(replacingLine: 6, with: "    permissions:\n      - audit.read\n      - audit.read"),
            line: 8, column: 9, fragment: "listed twice"),
        BadPolicy(
            name: "unknown access", yaml: policy(replacingLine: 13, with: "        access: [read, wrte]"),
            line: 13, column: 24,
            fragment: "unknown access 'wrte' for subspace 'tenant' (expected one of: read, write, manage)"),
        BadPolicy(
            name: "empty access", yaml: policy(replacingLine: 13, with: "        access: []"),
            line: 13, column: 17, fragment: "empty access list"),
        BadPolicy(
            name: "bad subspace pattern", yaml: policy(replacingLine: 10, with: "      - subspace: team/Sales"),
            line: 10, column: 19, fragment: "invalid subspace 'team/Sales'"),
        BadPolicy(
            name: "subspace granted twice", yaml: policy(replacingLine: 12, with: "      - subspace: team/*"),
            line: 12, column: 19, fragment: "granted twice"),
        BadPolicy(
            name: "persona of unknown role", yaml: policy(replacingLine: 12, with: "      - subspace: persona:manager"),
            line: 12, column: 19, fragment: "unknown role 'manager'"),
        BadPolicy(
            name: "unsupported version", yaml: policy(replacingLine: 1, with: "version: 2"),
            line: 1, column: 10, fragment: "unsupported policy version 2"),
        BadPolicy(
            name: "version as string", yaml: policy(replacingLine: 1, with: "version: \"1\""),
            line: 1, column: 10, fragment: "version must be an integer"),
        BadPolicy(
            name: "empty roles", yaml: "version: 1\n\nroles: []\n", line: 3, column: 8,
            fragment: "roles list is empty"),
        BadPolicy(
            name: "uppercase role name", yaml: policy(replacingLine: 3, with: "  - name: Member"),
            line: 3, column: 11, fragment: "invalid role name 'Member'"),
        BadPolicy(
            name: "overlong role name", yaml: policy(replacingLine: 3, with: "  - name: " + String(repeating: "a", count: 41)),
            line: 3, column: 11, fragment: "invalid role name"),
    ]

    @Test(arguments: cases)
    func errorNamesTheLine(bad: BadPolicy) {
        do {
            _ = try RolePolicy.parse(yaml: bad.yaml)
            Issue.record("\(bad.name): policy was accepted")
        } catch {
            guard case .invalid(let file, let line, let column, let message) = error else {
                Issue.record("\(bad.name): unexpected error \(error)")
                return
            }
            #expect(file == "roles.yaml")
            #expect(line == bad.line, "\(bad.name): \(error)")
            if let expectedColumn = bad.column {
                #expect(column == expectedColumn, "\(bad.name): \(error)")
            }
            #expect(message.contains(bad.fragment), "\(bad.name): \(error)")
            #expect(error.description.hasPrefix("roles.yaml:\(line):\(column): "))
        }
    }

    @Test func descriptionMatchesCompilerStyle() {
        let error = PolicyError.invalid(
            file: "roles.yaml", line: 14, column: 7,
            message: "unknown access 'wrte' for subspace 'tenant' (expected one of: read, write, manage)")
        #expect(error.description == "roles.yaml:14:7: unknown access 'wrte' for subspace 'tenant' (expected one of: read, write, manage)")
    }

    @Test func validPolicyParses() throws {
        let roles = try RolePolicy.parse(yaml: validPolicy)
        #expect(roles.roles.count == 1)
        #expect(roles.role(named: "member")?.grants.count == 3)
    }
}

// MARK: - Loading and hashing

@Suite struct PolicySetTests {
    @Test func missingRolesFileIsReported() throws {
        _ = try withPolicyDirectory(["other.yaml": Data("x: 1\n".utf8)]) { directory in
            #expect(throws: PolicyError.missingFile(directory.appendingPathComponent("roles.yaml").path)) {
                try PolicySet.load(directory: directory)
            }
        }
        let nowhere = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        #expect(throws: PolicyError.missingFile(nowhere.appendingPathComponent("roles.yaml").path)) {
            try PolicySet.load(directory: nowhere)
        }
    }

    @Test func errorsFromLoadNameTheFile() throws {
        _ = try withPolicyDirectory(["roles.yaml": Data(policy(replacingLine: 5, with: "    clearance: top").utf8)]) { directory in
            #expect(throws: PolicyError.invalid(
                file: "roles.yaml", line: 5, column: 16,
                message: "unknown clearance 'top' (expected one of: public, internal, confidential, restricted)")
            ) {
                try PolicySet.load(directory: directory)
            }
        }
    }

    @Test func invalidUTF8NamesTheLine() throws {
        var data = Data("version: 1\nroles:\n  - name: ".utf8)
        data.append(contentsOf: [0xC3, 0x28])
        _ = try withPolicyDirectory(["roles.yaml": data]) { directory in
            do {
                _ = try PolicySet.load(directory: directory)
                Issue.record("invalid UTF-8 was accepted")
            } catch {
                guard let error = error as? PolicyError, case .invalid(_, let line, let column, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(line == 3)
                #expect(column == 11)
            }
        }
    }

    @Test func otherYAMLFilesAreHashedButNotParsed() throws {
        let roles = Data(validPolicy.utf8)
        let base = try withPolicyDirectory(["roles.yaml": roles]) { try PolicySet.load(directory: $0).hash }
        let same = try withPolicyDirectory(["roles.yaml": roles]) { try PolicySet.load(directory: $0).hash }
        #expect(base == same)

        // labels.yaml, pii.yaml and retention.yaml are parsed (LabelPolicyTests); any other name is only hashed.
        let withExtra = try withPolicyDirectory(["roles.yaml": roles, "notes.yaml": Data("not: [valid, roles".utf8)]) {
            try PolicySet.load(directory: $0).hash
        }
        #expect(withExtra != base)

        // Files that are not policy files do not affect the hash.
        let withNoise = try withPolicyDirectory([
            "roles.yaml": roles, "README.md": Data("hi".utf8), ".roles.yaml.swp": Data("x".utf8),
        ]) { try PolicySet.load(directory: $0).hash }
        #expect(withNoise == base)
    }

    @Test func renamingAFileChangesTheHash() throws {
        let roles = Data(validPolicy.utf8)
        let extra = Data("a: 1\n".utf8)
        let a = try withPolicyDirectory(["roles.yaml": roles, "a.yaml": extra]) { try PolicySet.load(directory: $0).hash }
        let b = try withPolicyDirectory(["roles.yaml": roles, "b.yaml": extra]) { try PolicySet.load(directory: $0).hash }
        #expect(a != b)
        // Moving bytes between a file name and its content must not collide either.
        let c = try withPolicyDirectory(["roles.yaml": roles, "ab.yaml": Data()]) { try PolicySet.load(directory: $0).hash }
        let d = try withPolicyDirectory(["roles.yaml": roles, "a.yaml": Data("b".utf8)]) { try PolicySet.load(directory: $0).hash }
        #expect(c != d)
    }

    @Test func changingAnyByteOfAnyFileChangesTheHash() throws {
        let roles = Data(validPolicy.utf8)
        let extra = Data("retention:\n  default: 30d\n".utf8)
        let base = try withPolicyDirectory(["roles.yaml": roles, "notes.yaml": extra]) {
            try PolicySet.load(directory: $0).hash
        }
        var seen: Set<String> = [base]
        for index in extra.indices {
            var mutated = extra
            mutated[index] ^= 0x01
            let hash = try withPolicyDirectory(["roles.yaml": roles, "notes.yaml": mutated]) {
                try PolicySet.load(directory: $0).hash
            }
            #expect(seen.insert(hash).inserted, "byte \(index) change did not produce a new hash")
        }
        // roles.yaml must stay valid to load, so flip bytes inside the description text.
        let text = validPolicy
        let range = try #require(text.range(of: "Ordinary employee"))
        let start = text.utf8.distance(from: text.utf8.startIndex, to: range.lowerBound)
        for offset in 0..<"Ordinary employee".utf8.count {
            var mutated = roles
            mutated[start + offset] = mutated[start + offset] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            let hash = try withPolicyDirectory(["roles.yaml": mutated, "notes.yaml": extra]) {
                try PolicySet.load(directory: $0).hash
            }
            #expect(seen.insert(hash).inserted, "roles.yaml byte \(start + offset) change did not produce a new hash")
        }
    }

    @Test func shippedPolicyHashIsStableAcrossLoads() throws {
        let a = try PolicySet.load(directory: shippedPolicyDirectory)
        let b = try PolicySet.load(directory: shippedPolicyDirectory)
        #expect(a.hash == b.hash)
    }
}
