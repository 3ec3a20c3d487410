import Foundation
import MemOSCore
import MemOSStore

/// Reading through a subscription, live from the publisher's memories. A memory is returned
/// only if it is in the offering (in its cube, or selected), not deleted, labelled at or below
/// the offering's ceiling, and readable by the subscriber's acting role as the presenter
/// decides (clearance, PII treatment); its text is redacted for that role and watermarked with
/// the subscriber's tenant, user and request. The lower of ceiling and clearance always wins.
extension MemStoreService {
    /// Ranked memories of the offering matching `query`.
    public func search(_ caller: MemoryCaller, subscription id: UUID, query: String, topK: Int) async throws -> [SubscribedHit] {
        try await crossTenantRead(caller, "memstore.search", subscription: id, personal: ["query": query]) { access in
            guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw GovernanceError.invalidInput(field: "query", message: "must not be empty")
            }
            guard (1...1_000).contains(topK) else {
                throw GovernanceError.invalidInput(field: "top_k", message: "must be between 1 and 1000 (got \(topK))")
            }
            let retrievalQuery = await memories.memStoreQuery(query)
            let scale = policy.labels
            let ceiling = access.offering.labelCeiling
            let clearance = caller.role.clearance
            let admits: (MemoryGovernance) -> Bool = { [memories] governance in
                Self.withinCeiling(governance, ceiling: ceiling, scale: scale) && memories.memStoreMayRead(governance, subscriber: caller)
            }
            let found: [(ScoredMemory, MemoryGovernance)]
            if let cube = access.cube {
                found = try await memories.memStoreSearch(
                    publisherID: access.publisher.id, cube: cube, query: retrievalQuery, topK: topK,
                    clearedFor: { scale.allows(clearance: ceiling, toRead: $0) && scale.allows(clearance: clearance, toRead: $0) },
                    admits: admits)
            } else {
                let selection = try await memories.translatingStoreErrors {
                    try await store.offeringSelection(tenantID: access.publisher.id, offeringID: access.offering.id)
                }
                found = try await memories.memStoreSearch(
                    publisherID: access.publisher.id, selection: selection, query: retrievalQuery, topK: topK, admits: admits)
            }
            let stamp = try await memories.stamp()
            // Checked again on every returned item, whatever the index admitted.
            let hits = found.prefix(topK).compactMap { hit, governance in
                present(hit.item, governance: governance, access: access, caller: caller, stamp: stamp).map {
                    SubscribedHit(memory: $0, score: hit.score)
                }
            }
            return (hits, hits.map { Self.text($0.memory.item.id) }, ["top_k": String(topK)], stamp.recorded)
        }
    }

    /// The offering's memories in id (creation) order, a page at a time; memories the
    /// subscriber may not see are skipped as if absent.
    public func list(_ caller: MemoryCaller, subscription id: UUID, limit: Int, cursor: String?) async throws -> SubscribedPage {
        try await crossTenantRead(caller, "memstore.list", subscription: id) { access in
            guard (1...1_000).contains(limit) else {
                throw GovernanceError.invalidInput(field: "limit", message: "must be between 1 and 1000")
            }
            var after: UUID?
            if let cursor {
                guard let value = UUID(uuidString: cursor) else {
                    throw GovernanceError.invalidInput(field: "cursor", message: "not a cursor returned by this endpoint")
                }
                after = value
            }
            let publisherID = access.publisher.id
            let selection: [UUID]? =
                access.cube == nil
                ? try await memories.translatingStoreErrors {
                    try await store.offeringSelection(tenantID: publisherID, offeringID: access.offering.id)
                } : nil
            let stamp = try await memories.stamp()
            var page: [SubscribedMemory] = []
            var next: String?
            scan: while true {
                let records = try await nextRecords(access: access, selection: selection, after: after, limit: limit + 1)
                for record in records.prefix(limit) {
                    after = record.id
                    guard let (item, governance) = try? await memories.open(record),
                        let memory = present(item, governance: governance, access: access, caller: caller, stamp: stamp)
                    else { continue }
                    page.append(memory)
                    if page.count == limit {
                        if records.count > limit || record.id != records.prefix(limit).last?.id {
                            next = Self.text(record.id)
                        }
                        break scan
                    }
                }
                if records.count <= limit { break }
            }
            return (SubscribedPage(memories: page, nextCursor: next), page.map { Self.text($0.item.id) }, [:], stamp.recorded)
        }
    }

    /// One memory of the offering; anything outside it, or not visible to the subscriber,
    /// is not found.
    public func get(_ caller: MemoryCaller, subscription id: UUID, memory memoryID: UUID) async throws -> SubscribedMemory {
        try await crossTenantRead(caller, "memstore.read", subscription: id) { access in
            let publisherID = access.publisher.id
            let inOffering: Bool
            if access.cube == nil {
                inOffering = try await memories.translatingStoreErrors {
                    try await store.offeringSelection(tenantID: publisherID, offeringID: access.offering.id)
                }.contains(memoryID)
            } else {
                inOffering = true
            }
            let stamp = try await memories.stamp()
            guard inOffering,
                let record = try await memories.translatingStoreErrors({ try await store.memory(tenantID: publisherID, id: memoryID) }),
                access.cube.map({ $0.id == record.cubeID }) ?? true,
                let (item, governance) = try? await memories.open(record),
                let memory = present(item, governance: governance, access: access, caller: caller, stamp: stamp)
            else { throw GovernanceError.notFound("no memory \(Self.text(memoryID)) in subscription \(Self.text(id))") }
            return (memory, [Self.text(memoryID)], [:], stamp.recorded)
        }
    }

    /// The next rows of the offering after `after`: the cube's rows in id order, or the
    /// selection's (ids in the store's order, which is byte order, as is that of their strings).
    private func nextRecords(access: SubscriptionAccess, selection: [UUID]?, after: UUID?, limit: Int) async throws
        -> [MemoryRecord]
    {
        let publisherID = access.publisher.id
        if let cube = access.cube {
            return try await memories.translatingStoreErrors {
                try await store.memories(tenantID: publisherID, cubeIDs: [cube.id], after: after, limit: limit)
            }
        }
        let remaining = (selection ?? []).filter { id in after.map { id.uuidString > $0.uuidString } ?? true }
        var records: [MemoryRecord] = []
        for id in remaining {
            guard records.count < limit else { break }
            if let record = try await memories.translatingStoreErrors({ try await store.memory(tenantID: publisherID, id: id) }) {
                records.append(record)
            }
        }
        return records
    }

    /// The subscriber's view of one of the publisher's memories, or nil when it must not see it.
    func present(
        _ item: MemoryItem, governance: MemoryGovernance, access: SubscriptionAccess, caller: MemoryCaller,
        stamp: WatermarkStamp
    ) -> SubscribedMemory? {
        guard item.state != .deleted,
            Self.withinCeiling(governance, ceiling: access.offering.labelCeiling, scale: policy.labels),
            access.cube.map({ $0.id == item.cubeID }) ?? true,
            var content = memories.memStorePresent(item.content, governance: governance, subscriber: caller, watermark: stamp)
        else { return nil }
        // Message-level provenance names the publisher's people and conversations: it stays home.
        content.sources = []
        var visible = item
        visible.content = content
        return SubscribedMemory(
            item: visible, label: governance.label,
            provenance: MemStoreProvenance(
                publisher: access.publisher.name, offeringID: access.offering.id, memoryID: item.id, label: governance.label))
    }

    /// The ceiling bounds both labels; a label the scale does not know is above any ceiling.
    static func withinCeiling(_ governance: MemoryGovernance, ceiling: String, scale: LabelScale) -> Bool {
        scale.allows(clearance: ceiling, toRead: governance.label) && scale.allows(clearance: ceiling, toRead: governance.accessLabel)
    }
}
