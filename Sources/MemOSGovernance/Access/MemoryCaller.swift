import Foundation
import MemOSStore

/// Who is asking, as which role: the only thing memory operations trust about a request.
///
/// The tenant here comes from the verified credential; nothing a client sends can change it.
public struct MemoryCaller: Sendable {
    public let tenant: TenantRecord
    public let user: UserRecord
    /// The role this request acts as.
    public let role: RoleDefinition
    /// Every role the user holds (for `persona:<role>` sharing grants).
    public let heldRoles: Set<String>
    /// Correlates audit records and watermarks with the request.
    public let requestID: String
    /// Cube shares granting this caller access beyond its subspace grants; attached by
    /// `MemoryService` when it resolves cubes (see Cubes/CubeShareGrants.swift). Empty, and so
    /// granting nothing, until then.
    let shares = CubeShareGrants()

    public init(tenant: TenantRecord, user: UserRecord, role: RoleDefinition, heldRoles: Set<String>, requestID: String) {
        self.tenant = tenant
        self.user = user
        self.role = role
        self.heldRoles = heldRoles
        self.requestID = requestID
    }

    public var tenantID: UUID { tenant.id }

    /// This caller's private subspace for the acting role.
    public var personaSubspace: Subspace { .persona(userID: user.id, role: role.name) }

    /// The policy pattern that governs a subspace for this caller, or nil when no policy can
    /// ever grant access (another user's persona, a persona of a role the caller does not hold).
    func pattern(for subspace: Subspace) -> SubspacePattern? {
        switch subspace {
        case .persona(let userID, let personaRole):
            guard userID == user.id else { return nil }
            if personaRole == role.name { return .ownPersona }
            return heldRoles.contains(personaRole) ? .persona(role: personaRole) : nil
        case .team(let name):
            return .team(name)
        case .tenant:
            return .tenant
        }
    }

    /// Deny by default: access exists only where the active policy grants it.
    public func may(_ access: SubspaceAccess, in subspace: Subspace) -> Bool {
        guard let pattern = pattern(for: subspace) else { return false }
        return role.allows(access, on: pattern)
    }

    public func may(_ access: SubspaceAccess, cube: CubeRecord) -> Bool {
        guard let subspace = Subspace(storageKey: cube.subspace) else { return false }
        // Cube sharing: a share of this tenant's cube may add read or write, never manage.
        return may(access, in: subspace)
            || (cube.tenantID == tenantID && access != .manage && shares.access(to: cube.id).contains(access))
    }

    /// Whether this caller reaches the cube only through a share (not its subspace grants).
    public func isShared(_ cube: CubeRecord) -> Bool {
        guard let subspace = Subspace(storageKey: cube.subspace), !may(.read, in: subspace) else { return false }
        return may(.read, cube: cube)
    }

    /// How a cube's subspace is shown to this caller: `persona`, `persona:<role>`, `team/<name>`, `tenant`.
    public func displayName(of subspace: Subspace) -> String {
        switch subspace {
        case .persona(_, let personaRole): personaRole == role.name ? "persona" : "persona:\(personaRole)"
        case .team(let name): "team/\(name)"
        case .tenant: "tenant"
        }
    }
}
