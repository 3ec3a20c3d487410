import Foundation
import MemOSStore
import Synchronization

/// Counts changes to one tenant's cube shares in this process. A caller's attached grants
/// remember the count they were read at and grant nothing once it moves on, so a revoked
/// share stops working at once, even for a caller object that outlives its request.
final class ShareEpoch: Sendable {
    private let value = Atomic<Int>(0)

    var current: Int { value.load(ordering: .acquiring) }

    func advance() {
        value.add(1, ordering: .releasing)
    }
}

/// The cube shares that apply to one caller (its user, its acting role), by cube.
///
/// A reference type on purpose: every copy of a `MemoryCaller` sees the grants attached to it.
/// Deny by default: nothing is granted until attached, and nothing once stale.
final class CubeShareGrants: Sendable {
    private struct Attached {
        let epoch: ShareEpoch
        let seen: Int
        let access: [UUID: Set<SubspaceAccess>]
    }

    private let attached = Mutex<Attached?>(nil)

    /// Whether grants were attached and no share of the tenant changed since.
    var isCurrent: Bool {
        attached.withLock { attached in attached.map { $0.epoch.current == $0.seen } ?? false }
    }

    func attach(_ access: [UUID: Set<SubspaceAccess>], epoch: ShareEpoch, seen: Int) {
        attached.withLock { $0 = Attached(epoch: epoch, seen: seen, access: access) }
    }

    /// What shares grant on one cube: empty when none, when not attached, or when stale.
    func access(to cubeID: UUID) -> Set<SubspaceAccess> {
        attached.withLock { attached in
            guard let attached, attached.epoch.current == attached.seen else { return [] }
            return attached.access[cubeID] ?? []
        }
    }
}

extension CubeShareRecord {
    /// The access levels of the share (`read`, `write`); unknown words grant nothing.
    var accessLevels: Set<SubspaceAccess> {
        Set(access.split(separator: ",").compactMap { SubspaceAccess(rawValue: String($0)) }.filter { $0 != .manage })
    }

    /// Whether the share names this caller: its user (in any role, or the named one), or
    /// its acting role.
    func applies(to caller: MemoryCaller) -> Bool {
        guard tenantID == caller.tenantID else { return false }
        if let userID {
            return userID == caller.user.id && (role == nil || role == caller.role.name)
        }
        return role == caller.role.name
    }
}
