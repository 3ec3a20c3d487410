import Foundation
import MemOSStore

extension Keyring {
    /// Crypto-shreds a whole tenant: every wrapped data key row of it (tenant key and all
    /// subject keys) is deleted, so nothing sealed for the tenant can be opened again, from this
    /// database or from any backup of it, and every cached copy is dropped from memory.
    /// Returns how many key rows were deleted.
    @discardableResult
    public func destroyTenantKeys(tenantID: UUID, store: any ManagementStore) async throws -> Int {
        do {
            var destroyed = 0
            for key in try await store.dataKeyScopes(tenantID: tenantID) where key.kind == Kind.subject.rawValue {
                if try await destroySubjectKey(tenantID: tenantID, subjectHash: key.scope) { destroyed += 1 }
            }
            let rows = try await store.deleteDataKeys(tenantID: tenantID)
            forgetTenant(tenantID)
            return destroyed + rows
        } catch let error as StoreError {
            throw GovernanceError.unavailable("key store: \(error)")
        }
    }
}
