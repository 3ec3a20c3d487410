import Foundation
import Yams

extension RolePolicy {
    /// The only `version` this gateway understands.
    public static let supportedVersion = 1

    /// Parses and validates the text of a `roles.yaml`.
    ///
    /// Public so a proposed policy can be checked (e.g. before an administrator's change is
    /// saved) with exactly the rules the gateway applies at start-up. Parsing is strict: unknown
    /// keys, values and references are errors, because a silently ignored typo in a security
    /// policy is a silent change in who may see what.
    ///
    /// `levels` are the sensitivity labels a clearance may name, lowest first: those of
    /// `labels.yaml` (see `LabelScale`), by default the standard four.
    public static func parse(
        yaml: String, fileName: String = "roles.yaml", levels: [String] = RoleDefinition.clearanceLevels
    ) throws(PolicyError) -> RolePolicy {
        try RolePolicyParser(file: fileName, levels: levels).parse(yaml)
    }
}

/// Reads `roles.yaml` with the shared strict helpers, so every error names its line and column.
struct RolePolicyParser {
    let file: String
    /// Clearances a role may name.
    var levels: [String] = RoleDefinition.clearanceLevels

    private var yaml: PolicyYAML { PolicyYAML(file: file) }

    func parse(_ text: String) throws(PolicyError) -> RolePolicy {
        let root = try yaml.compose(text, emptyMessage: "policy file is empty (expected 'version' and 'roles')")
        let entries = try yaml.mapping(root, what: "the top level")
        try yaml.checkKeys(entries, of: root, required: ["version", "roles"], context: "the top level")

        let version = try yaml.version(entries.first { $0.key == "version" }!.value, supported: RolePolicy.supportedVersion)

        let rolesNode = entries.first { $0.key == "roles" }!.value
        let roleNodes = try sequence(rolesNode, what: "roles")
        guard !roleNodes.isEmpty else {
            throw invalid(at: rolesNode, "roles list is empty (define at least one role)")
        }

        var roles: [String: RoleDefinition] = [:]
        var firstLine: [String: Int] = [:]
        var personaReferences: [(role: String, node: Node)] = []
        for roleNode in roleNodes {
            let (role, nameNode, references) = try parseRole(roleNode)
            if let line = firstLine[role.name] {
                throw invalid(at: nameNode, "duplicate role '\(role.name)' (first defined on line \(line))")
            }
            firstLine[role.name] = line(of: nameNode)
            roles[role.name] = role
            personaReferences += references
        }
        for reference in personaReferences where roles[reference.role] == nil {
            throw invalid(at: reference.node, "subspace 'persona:\(reference.role)' refers to unknown role '\(reference.role)'")
        }
        return RolePolicy(version: version, roles: roles)
    }

    private func parseRole(_ node: Node) throws(PolicyError) -> (RoleDefinition, Node, [(role: String, node: Node)]) {
        let entries = try mapping(node, what: "each role")
        var context = "role"
        if let nameEntry = entries.first(where: { $0.key == "name" }), case .scalar(let scalar) = nameEntry.value {
            context = "role '\(scalar.string)'"
        }
        try checkKeys(entries, of: node, allowed: ["name", "description", "clearance", "permissions", "grants"], context: context)
        func value(_ key: String) -> Node { entries.first { $0.key == key }!.value }

        let nameNode = value("name")
        let name = try string(nameNode, what: "role name")
        guard RoleDefinition.isValidName(name) else {
            throw invalid(at: nameNode, "invalid role name '\(name)' (must match [a-z][a-z0-9-]{0,39})")
        }

        let description = try string(value("description"), what: "description")

        let clearanceNode = value("clearance")
        let clearance = try string(clearanceNode, what: "clearance")
        guard levels.contains(clearance) else {
            throw invalid(at: clearanceNode, "unknown clearance '\(clearance)' (expected one of: \(levels.joined(separator: ", ")))")
        }

        var permissions: Set<Permission> = []
        for permissionNode in try sequence(value("permissions"), what: "permissions") {
            let text = try string(permissionNode, what: "permission")
            guard let permission = Permission(rawValue: text) else {
                let known = Permission.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid(at: permissionNode, "unknown permission '\(text)' (expected one of: \(known))")
            }
            guard permissions.insert(permission).inserted else {
                throw invalid(at: permissionNode, "permission '\(text)' is listed twice in \(context)")
            }
        }

        var grants: [SubspaceGrant] = []
        var references: [(role: String, node: Node)] = []
        for grantNode in try sequence(value("grants"), what: "grants") {
            let grantEntries = try mapping(grantNode, what: "each grant")
            try checkKeys(grantEntries, of: grantNode, allowed: ["subspace", "access"], context: "grant of \(context)")
            let subspaceNode = grantEntries.first { $0.key == "subspace" }!.value
            let subspaceText = try string(subspaceNode, what: "subspace")
            guard var pattern = SubspacePattern(subspaceText) else {
                throw invalid(at: subspaceNode, "invalid subspace '\(subspaceText)' (expected persona, persona:<role>, team/<name>, team/* or tenant)")
            }
            if case .persona(let other) = pattern {
                if other == name {
                    pattern = .ownPersona
                } else {
                    references.append((other, subspaceNode))
                }
            }
            if grants.contains(where: { $0.subspace == pattern }) {
                throw invalid(at: subspaceNode, "subspace '\(pattern)' is granted twice in \(context); merge the grants")
            }

            let accessNode = grantEntries.first { $0.key == "access" }!.value
            let accessNodes = try sequence(accessNode, what: "access")
            guard !accessNodes.isEmpty else {
                throw invalid(at: accessNode, "empty access list for subspace '\(subspaceText)' (remove the grant to deny access)")
            }
            var access: Set<SubspaceAccess> = []
            for itemNode in accessNodes {
                let text = try string(itemNode, what: "access")
                guard let item = SubspaceAccess(rawValue: text) else {
                    let known = SubspaceAccess.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalid(at: itemNode, "unknown access '\(text)' for subspace '\(subspaceText)' (expected one of: \(known))")
                }
                guard access.insert(item).inserted else {
                    throw invalid(at: itemNode, "access '\(text)' is listed twice for subspace '\(subspaceText)'")
                }
            }
            grants.append(SubspaceGrant(subspace: pattern, access: access))
        }

        let role = RoleDefinition(name: name, description: description, clearance: clearance, permissions: permissions, grants: grants)
        return (role, nameNode, references)
    }

    // MARK: - Helpers

    private func mapping(_ node: Node, what: String) throws(PolicyError) -> [PolicyYAML.Entry] {
        try yaml.mapping(node, what: what)
    }

    private func checkKeys(_ entries: [PolicyYAML.Entry], of node: Node, allowed: [String], context: String) throws(PolicyError) {
        try yaml.checkKeys(entries, of: node, required: allowed, context: context)
    }

    private func sequence(_ node: Node, what: String) throws(PolicyError) -> [Node] { try yaml.sequence(node, what: what) }
    private func string(_ node: Node, what: String) throws(PolicyError) -> String { try yaml.string(node, what: what) }
    private func line(of node: Node) -> Int { yaml.line(of: node) }
    private func invalid(at node: Node, _ message: String) -> PolicyError { yaml.invalid(at: node, message) }
}
