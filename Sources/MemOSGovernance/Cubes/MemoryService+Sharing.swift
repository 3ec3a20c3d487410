import Foundation
import MemOSCore
import MemOSStore

/// One share of a cube, as its manager sees it.
public struct CubeShareView: Sendable, Hashable {
    public let id: UUID
    public let cubeID: UUID
    /// The username granted access; nil for a share with a role.
    public let user: String?
    /// The role granted access (with `user`: that user acting as that role).
    public let role: String?
    /// `["read"]` or `["read", "write"]`.
    public let access: [String]
    public let createdAt: Date
    /// Username of who shared the cube, when that user still exists.
    public let createdBy: String?
}

/// Sharing a cube with users or roles of the same tenant.
///
/// A share adds read (or read and write) access to one cube on top of the policy's subspace
/// grants; it never grants manage, never crosses tenants, and never lifts clearance: every
/// memory is still checked against the acting role's clearance (no read up). A user share
/// applies to that user in every role it acts as (each role's clearance filtering what it
/// sees); a role share to every user acting as that role; a share naming both to that user
/// acting as that role. Revocation takes effect for the next check, in flight or not.
extension MemoryService {
    /// Attaches the shares that apply to `caller` (once per caller, again after any change).
    func attachShares(_ caller: MemoryCaller) async throws {
        guard !caller.shares.isCurrent else { return }
        let (shares, epoch, seen) = try await translatingStoreErrors {
            try await self.directory.shares(tenantID: caller.tenantID)
        }
        var access: [UUID: Set<SubspaceAccess>] = [:]
        for share in shares where share.applies(to: caller) {
            access[share.cubeID, default: []].formUnion(share.accessLevels)
        }
        caller.shares.attach(access, epoch: epoch, seen: seen)
    }

    /// Shares a cube the caller manages with a user of its tenant, a role, or a user in a role.
    public func shareCube(
        _ caller: MemoryCaller, cube reference: String, user username: String?, role: String?, access: [String]?,
        now: Date = Date()
    ) async throws -> CubeShareView {
        try await auditedWrite(caller, "share.create", personal: username.map { ["user": $0] } ?? [:]) {
            let cube = try await managedCube(caller, reference: reference)
            let levels = try Self.shareAccess(access ?? ["read"])
            guard username != nil || role != nil else {
                throw GovernanceError.invalidInput(field: "user", message: "name a user, a role, or both")
            }
            var grantee: UserRecord?
            if let username {
                // Tenant-scoped lookup: users of other tenants cannot be named, only missed.
                guard let found = try await translatingStoreErrors({
                    try await self.store.user(tenantID: caller.tenantID, username: username)
                }) else {
                    throw GovernanceError.notFound("no user '\(username)' in this tenant")
                }
                grantee = found
            }
            if let role, activePolicy.current.roles.role(named: role) == nil {
                throw GovernanceError.invalidInput(field: "role", message: "unknown role '\(role)'")
            }
            let record = CubeShareRecord(
                id: UUID.v7(at: now), tenantID: caller.tenantID, cubeID: cube.id, userID: grantee?.id, role: role,
                access: levels.joined(separator: ","), createdBy: caller.user.id, createdAt: now.roundedToMilliseconds)
            var details = ["access": record.access, "grantee": grantee == nil ? "role" : (role == nil ? "user" : "user-in-role")]
            if let role { details["role"] = role }
            try await auditSuccess(
                caller, "share.create",
                AuditNote(
                    resources: [cube.id, record.id].map { $0.uuidString.lowercased() },
                    personal: username.map { ["user": $0] } ?? [:], details: details),
                status: 201)
            do {
                try await store.createCubeShare(record)
            } catch StoreError.conflict {
                throw GovernanceError.conflict(
                    "cube '\(cube.name)' is already shared with that grantee; delete that share to change it")
            } catch let error as StoreError {
                throw Self.translate(error)
            }
            directory.invalidateShares(tenantID: caller.tenantID)
            return CubeShareView(
                id: record.id, cubeID: cube.id, user: username, role: role, access: levels, createdAt: record.createdAt,
                createdBy: caller.user.username)
        }
    }

    /// The shares of a cube the caller manages.
    public func cubeShares(_ caller: MemoryCaller, cube reference: String) async throws -> [CubeShareView] {
        try await auditedRead(caller, "share.list") {
            let cube = try await managedCube(caller, reference: reference)
            let shares = try await translatingStoreErrors { try await self.store.cubeShares(tenantID: caller.tenantID) }
                .filter { $0.cubeID == cube.id }
            let users = try await translatingStoreErrors { try await self.store.users(tenantID: caller.tenantID) }
            let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.username) })
            let views = shares.map { share in
                CubeShareView(
                    id: share.id, cubeID: share.cubeID, user: share.userID.flatMap { names[$0] }, role: share.role,
                    access: SubspaceAccess.allCases.filter(share.accessLevels.contains).map(\.rawValue),
                    createdAt: share.createdAt, createdBy: share.createdBy.flatMap { names[$0] })
            }
            return (
                views,
                AuditNote(resources: [cube.id.uuidString.lowercased()] + views.map { $0.id.uuidString.lowercased() })
            )
        }
    }

    /// Revokes a share; the grantee loses access at its next check.
    public func unshareCube(_ caller: MemoryCaller, cube reference: String, shareID: UUID) async throws {
        try await auditedWrite(caller, "share.delete") {
            let cube = try await managedCube(caller, reference: reference)
            let exists = try await translatingStoreErrors { try await self.store.cubeShares(tenantID: caller.tenantID) }
                .contains { $0.id == shareID && $0.cubeID == cube.id }
            guard exists else { throw GovernanceError.notFound("cube '\(cube.name)' has no share \(shareID)") }
            try await auditSuccess(
                caller, "share.delete", AuditNote(resources: [cube.id, shareID].map { $0.uuidString.lowercased() }),
                status: 204)
            let deleted = try await translatingStoreErrors {
                try await self.store.deleteCubeShare(tenantID: caller.tenantID, cubeID: cube.id, id: shareID)
            }
            directory.invalidateShares(tenantID: caller.tenantID)
            guard deleted else { throw GovernanceError.notFound("cube '\(cube.name)' has no share \(shareID)") }
        }
    }

    /// A cube the caller may read and whose subspace it manages through policy (a share never
    /// lets its grantee share further). A cube it cannot read answers 404, like a missing one.
    func managedCube(_ caller: MemoryCaller, reference: String) async throws -> CubeRecord {
        let cube = try await resolveCube(caller, reference: reference, access: .read)
        guard let subspace = Subspace(storageKey: cube.subspace), caller.may(.manage, in: subspace) else {
            throw GovernanceError.forbidden(
                "role '\(caller.role.name)' may not manage the shares of cube '\(cube.name)' (needs manage access on its subspace)")
        }
        return cube
    }

    /// Validated share access: `read`, or `read` and `write`, in that order.
    static func shareAccess(_ requested: [String]) throws -> [String] {
        guard !requested.isEmpty else {
            throw GovernanceError.invalidInput(field: "access", message: "must name at least \"read\"")
        }
        for word in requested where word != "read" && word != "write" {
            throw GovernanceError.invalidInput(
                field: "access", message: "unknown access '\(word)': a share grants \"read\" or \"read\" and \"write\" (never manage)")
        }
        guard requested.contains("read") else {
            throw GovernanceError.invalidInput(field: "access", message: "write access needs read: use [\"read\", \"write\"]")
        }
        return requested.contains("write") ? ["read", "write"] : ["read"]
    }
}
