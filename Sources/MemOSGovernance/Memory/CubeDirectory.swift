import Foundation
import MemOSStore
import Synchronization

/// Every tenant's cubes, kept in memory once read: cubes are few and change rarely, while every
/// search resolves them, so resolving must not cost database round trips.
///
/// This process invalidates a tenant's list whenever it creates a cube there; an id it does not
/// know yet (a cube created by another process) is looked up in the store and refreshes the list.
final class CubeDirectory: Sendable {
    private struct Entry {
        var generation: Int
        var cubes: [CubeRecord]?
    }

    private let store: any GovernanceStore
    private let entries = Mutex<[UUID: Entry]>([:])
    /// Cube sharing: each tenant's shares, cached like its cubes, with the epoch that makes
    /// attached grants stale when they change.
    private struct ShareEntry {
        var epoch = ShareEpoch()
        var shares: [CubeShareRecord]?
    }
    private let shareEntries = Mutex<[UUID: ShareEntry]>([:])

    init(store: any GovernanceStore) {
        self.store = store
    }

    /// All cubes of a tenant.
    func cubes(tenantID: UUID) async throws -> [CubeRecord] {
        let (cached, generation) = entries.withLock { entries -> ([CubeRecord]?, Int) in
            let entry = entries[tenantID] ?? Entry(generation: 0, cubes: nil)
            return (entry.cubes, entry.generation)
        }
        if let cached { return cached }
        let loaded = try await store.cubes(tenantID: tenantID, subspacePrefix: "")
        entries.withLock { entries in
            // A cube created while loading bumped the generation: keep that invalidation.
            if entries[tenantID]?.generation ?? 0 == generation {
                entries[tenantID] = Entry(generation: generation, cubes: loaded)
            }
        }
        return loaded
    }

    /// One cube of a tenant by id, or nil.
    func cube(tenantID: UUID, id: UUID) async throws -> CubeRecord? {
        if let cube = try await cubes(tenantID: tenantID).first(where: { $0.id == id }) {
            return cube
        }
        guard let cube = try await store.cube(tenantID: tenantID, id: id) else { return nil }
        invalidate(tenantID: tenantID)
        return cube
    }

    func invalidate(tenantID: UUID) {
        entries.withLock { entries in
            entries[tenantID] = Entry(generation: (entries[tenantID]?.generation ?? 0) + 1, cubes: nil)
        }
        invalidateShares(tenantID: tenantID)
    }

    /// Cube sharing: every share of a tenant, and the epoch it was read at.
    func shares(tenantID: UUID) async throws -> (shares: [CubeShareRecord], epoch: ShareEpoch, seen: Int) {
        let (cached, epoch, seen) = shareEntries.withLock { entries -> ([CubeShareRecord]?, ShareEpoch, Int) in
            let entry = entries[tenantID] ?? ShareEntry()
            entries[tenantID] = entry
            return (entry.shares, entry.epoch, entry.epoch.current)
        }
        if let cached { return (cached, epoch, seen) }
        let loaded = try await store.cubeShares(tenantID: tenantID)
        shareEntries.withLock { entries in
            // A share changed while loading: keep that invalidation, answer with the old epoch.
            if epoch.current == seen { entries[tenantID]?.shares = loaded }
        }
        return (loaded, epoch, seen)
    }

    /// Forgets a tenant's shares and makes every grant attached from them stale.
    func invalidateShares(tenantID: UUID) {
        shareEntries.withLock { entries in
            let entry = entries[tenantID] ?? ShareEntry()
            entry.epoch.advance()
            entries[tenantID] = ShareEntry(epoch: entry.epoch, shares: nil)
        }
    }
}
