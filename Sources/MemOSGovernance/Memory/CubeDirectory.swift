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

    private let store: any GatewayStore
    private let entries = Mutex<[UUID: Entry]>([:])

    init(store: any GatewayStore) {
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
    }
}
