import Foundation
import MemOSCore
import MemOSStore

/// Deleting a whole tenant: the operator's counterpart of subject erasure.
extension Governance {
    /// Erases a tenant (operators): every memory through the subject-erasure path (rows,
    /// versions, edges, usage, embeddings, index entries), every data key
    /// (crypto-shredding), then the tenant row, whose foreign keys take users, role bindings,
    /// API keys and cubes with it. Compacts the database and returns a signed receipt.
    ///
    /// Fail-closed: `tenant.delete` is recorded on the platform chain (and closes the tenant's own
    /// chain) before anything changes; if the trail cannot take it, nothing is deleted. The
    /// tenant is suspended first, so its credentials stop working while the erasure runs, and a
    /// failed erasure can be retried. The tenant's audit chain stays: it holds keyed hashes only,
    /// and their key is destroyed with the tenant.
    public func deleteTenant(
        by identity: AuthenticatedIdentity, tenantName: String, requestID: String, reason: String? = nil
    ) async throws -> ErasureReceipt {
        try self.identity.requireOperator(identity, to: "delete tenants")
        guard case .operator(let op) = identity else {
            throw GovernanceError.forbidden("only platform operators may delete tenants")
        }
        let store = self.store
        guard let tenant = try await memories.translatingStoreErrors({ try await store.tenant(named: tenantName) }) else {
            throw GovernanceError.notFound("no tenant '\(tenantName)'")
        }
        let tenantID = tenant.id
        let counts = try await memories.translatingStoreErrors { try await store.tenantCounts(tenantID: tenantID) }
        let details = [
            "tenant_name": tenant.name, "users": String(counts.users), "api_keys": String(counts.apiKeys),
            "cubes": String(counts.cubes), "memories": String(counts.memories), "data_keys": String(counts.dataKeys),
        ]
        let resource = tenantID.uuidString.lowercased()
        let actor = op.id.uuidString.lowercased()
        for chain in [nil, tenantID] {
            try await audit.append(
                AuditEvent(
                    tenantID: chain, actor: actor, actorKind: "operator", action: "tenant.delete", resources: [resource],
                    requestID: requestID, details: details))
        }
        _ = try await memories.translatingStoreErrors { try await store.setTenantStatus(id: tenantID, status: .suspended) }

        var outcome = MemoryService.ErasureOutcome()
        while true {
            let cubeIDs = try await memories.translatingStoreErrors {
                try await store.cubes(tenantID: tenantID, subspacePrefix: "").map(\.id)
            }
            guard !cubeIDs.isEmpty else { break }
            let page = try await memories.translatingStoreErrors {
                try await store.memories(tenantID: tenantID, cubeIDs: cubeIDs, after: nil, limit: 500)
            }
            guard !page.isEmpty else { break }
            let erased = try await memories.erase(page, tenantID: tenantID)
            guard erased.counts.memories > 0 else {
                throw GovernanceError.unavailable("tenant erasure made no progress; retry the deletion")
            }
            outcome.counts = outcome.counts + erased.counts
            outcome.indexEntries += erased.indexEntries
            outcome.embeddings += erased.embeddings
            outcome.derived += erased.derived
        }
        let keys = try await keyring.destroyTenantKeys(tenantID: tenantID, store: store)
        _ = try await memories.translatingStoreErrors { try await store.deleteTenant(id: tenantID) }
        memories.directory.invalidate(tenantID: tenantID)
        scheduler.sessions.forgetTenant(tenantID)
        try await memories.translatingStoreErrors { try await store.compact() }

        return try await memories.signedReceipt(
            tenantID: tenantID, subjectHash: "tenant:\(resource)", requestedBy: actor, role: "operator",
            requestID: requestID, reason: reason ?? "tenant deletion", outcome: outcome, dataKeysDestroyed: keys,
            stores: Self.tenantErasureStores)
    }

    static let tenantErasureStores: [ErasureReceipt.Store] = [
        .init(
            store: "sqlite:memories,memory_versions,memory_edges,memory_usage",
            method: "DELETE in one transaction per batch with secure_delete=ON (freed pages zeroed), then VACUUM and wal_checkpoint(TRUNCATE)"),
        .init(
            store: "sqlite:data_keys",
            method: "every data key of the tenant deleted, tenant and subject keys (crypto-shredding: copies in backups cannot be decrypted)"),
        .init(
            store: "sqlite:tenants,users,role_bindings,api_keys,cubes",
            method: "tenant row deleted; foreign keys cascade to its users, role bindings, API keys and cubes"),
        .init(store: "memory:search-indexes", method: "entries removed from BM25, vector and graph indexes"),
        .init(store: "memory:usage-queue", method: "pending retrieval counts dropped"),
        .init(
            store: "memory:scheduler-sessions",
            method: "every session of the tenant forgotten (working memory, recent turns, preloaded scenes, preload statistics)"),
        .init(
            store: "audit-trail",
            method: "the tenant's chain is kept, closed by tenant.delete: keyed hashes only, whose key is destroyed"),
    ]
}
