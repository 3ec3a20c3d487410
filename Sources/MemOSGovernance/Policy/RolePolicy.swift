import Foundation

/// What a grant lets a role do in a subspace.
public enum SubspaceAccess: String, Sendable, Codable, CaseIterable {
    /// Search and read memories.
    case read
    /// Add, update and delete memories in existing cubes.
    case write
    /// Create cubes in the subspace; kept separate from `write` so ordinary members can
    /// contribute to a team space without shaping its structure.
    case manage
}

/// A subspace as named in policy, relative to the acting user and role.
///
/// Policy never names concrete users: `persona` always means "the caller's own", so no role can
/// be written that reaches into another user's private memory.
public enum SubspacePattern: Sendable, Hashable, CustomStringConvertible {
    /// `persona`: the acting user's private subspace for the acting role.
    case ownPersona
    /// `persona:<role>`: the same user's private subspace of another role they hold; this is
    /// how policy lets, say, a `parent` role read what the user stored as `member`.
    case persona(role: String)
    /// `team/<name>`: one named team's shared subspace.
    case team(String)
    /// `team/*`: every team subspace in the tenant.
    case anyTeam
    /// `tenant`: the tenant-wide shared subspace.
    case tenant

    /// Parses the policy spelling; returns `nil` for anything else so typos never widen access.
    public init?(_ string: String) {
        switch string {
        case "persona":
            self = .ownPersona
        case "tenant":
            self = .tenant
        case "team/*":
            self = .anyTeam
        default:
            if string.hasPrefix("persona:") {
                let role = String(string.dropFirst("persona:".count))
                guard RoleDefinition.isValidName(role) else { return nil }
                self = .persona(role: role)
            } else if string.hasPrefix("team/") {
                let name = String(string.dropFirst("team/".count))
                guard Self.isValidTeamName(name) else { return nil }
                self = .team(name)
            } else {
                return nil
            }
        }
    }

    /// The policy spelling, so patterns round-trip through `init?(_:)` and read naturally in errors.
    public var description: String {
        switch self {
        case .ownPersona: "persona"
        case .persona(let role): "persona:\(role)"
        case .team(let name): "team/\(name)"
        case .anyTeam: "team/*"
        case .tenant: "tenant"
        }
    }

    /// Team names are lowercase `[a-z0-9][a-z0-9-]{0,62}`: URL- and path-safe without escaping.
    public static func isValidTeamName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "-"): !first
            default: false
            }
        }
        return bytes.enumerated().allSatisfy { allowed($1, first: $0 == 0) }
    }
}

/// Operations outside memory subspaces that a role may be trusted with.
public enum Permission: String, Sendable, CaseIterable {
    /// Create, disable and assign roles to users in the tenant.
    case usersManage = "users.manage"
    /// Issue and revoke API keys for other users.
    case keysManage = "keys.manage"
    /// Read the tenant's audit log.
    case auditRead = "audit.read"
    /// Export everything held about a data subject (GDPR Art. 15/20).
    case subjectsExport = "subjects.export"
    /// Erase a data subject (GDPR Art. 17).
    case subjectsErase = "subjects.erase"
    /// See real names behind pseudonymised subject identifiers.
    case subjectsName = "subjects.name"
    /// Lower the sensitivity label of a memory, which widens who may read it.
    case labelsLower = "labels.lower"
    /// Change the tenant's policy.
    case policyManage = "policy.manage"
    /// Export a whole cube as a portable archive: bulk egress, so never implied by read access.
    case cubesExport = "cubes.export"
    /// Import an archive as a new cube (its memories keep their labels and subjects).
    case cubesImport = "cubes.import"
    /// Publish cubes or selections to other tenants through the MemStore.
    case memstorePublish = "memstore.publish"
    /// Subscribe the tenant to another tenant's MemStore offering.
    case memstoreSubscribe = "memstore.subscribe"
    /// Upload parametric memory (adapters) and KV snapshots.
    case artifactsWrite = "artifacts.write"
    /// Download parametric memory artifacts.
    case artifactsRead = "artifacts.read"
}

/// One line of a role's access table: a subspace pattern and what may be done there.
public struct SubspaceGrant: Sendable, Hashable {
    /// Which subspace(s) the grant covers.
    public let subspace: SubspacePattern
    /// What the grant allows there.
    public let access: Set<SubspaceAccess>

    /// Public so tools and tests can build policies without YAML.
    public init(subspace: SubspacePattern, access: Set<SubspaceAccess>) {
        self.subspace = subspace
        self.access = access
    }
}

/// A named bundle of clearance, permissions and subspace grants, as defined in `roles.yaml`.
public struct RoleDefinition: Sendable {
    /// Unique role name, as referenced by user assignments and `persona:<role>` grants.
    public let name: String
    /// Human-readable purpose, shown to administrators.
    public let description: String
    /// Highest sensitivity label this role may read: one of the levels of `labels.yaml`
    /// (`LabelScale.levels`; by default `RoleDefinition.clearanceLevels`).
    public let clearance: String
    /// Non-memory operations this role may perform.
    public let permissions: Set<Permission>
    /// Subspace access, in file order. Anything not granted here is denied.
    public let grants: [SubspaceGrant]

    /// The standard sensitivity levels, lowest first; what clearances may name when the policy
    /// directory has no `labels.yaml` (the same levels as `LabelScale.standard`).
    public static let clearanceLevels = ["public", "internal", "confidential", "restricted"]

    /// Public so tools and tests can build policies without YAML; it does not validate.
    public init(name: String, description: String, clearance: String, permissions: Set<Permission>, grants: [SubspaceGrant]) {
        self.name = name
        self.description = description
        self.clearance = clearance
        self.permissions = permissions
        self.grants = grants
    }

    /// Whether any grant allows `access` on `pattern` (deny by default).
    ///
    /// A `team/*` grant covers every named team, and `persona:<own role>` is the same subspace
    /// as `persona`, so both spellings of one subspace get the same answer.
    public func allows(_ access: SubspaceAccess, on pattern: SubspacePattern) -> Bool {
        let target = normalized(pattern)
        return grants.contains { grant in
            guard grant.access.contains(access) else { return false }
            let granted = normalized(grant.subspace)
            if granted == target { return true }
            if granted == .anyTeam, case .team = target { return true }
            return false
        }
    }

    /// Whether the role carries a non-memory permission.
    public func has(_ permission: Permission) -> Bool {
        permissions.contains(permission)
    }

    private func normalized(_ pattern: SubspacePattern) -> SubspacePattern {
        if case .persona(let role) = pattern, role == name { return .ownPersona }
        return pattern
    }

    /// Role names are `[a-z][a-z0-9-]{0,39}`: they appear in URLs, storage keys and logs.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...40).contains(bytes.count) else { return false }
        guard (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}

/// The parsed content of `roles.yaml`.
public struct RolePolicy: Sendable {
    /// Format version of the file (currently always 1).
    public let version: Int
    /// Roles by name.
    public let roles: [String: RoleDefinition]

    /// Public so tools and tests can build policies without YAML; it does not validate.
    public init(version: Int, roles: [String: RoleDefinition]) {
        self.version = version
        self.roles = roles
    }

    /// Looks a role up by name; `nil` means the role is unknown and must be treated as no access.
    public func role(named name: String) -> RoleDefinition? {
        roles[name]
    }
}
