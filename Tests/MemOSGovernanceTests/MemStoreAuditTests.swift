import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore
import Synchronization
import Testing

/// Cross-tenant reads are recorded in both tenants' chains, and fail closed: if either chain
/// cannot take its record, the subscriber gets an error and no memory.
@Suite("MemStore audit fails closed on both sides")
struct MemStoreAuditTests {
    /// Refuses every append to one tenant's chain and keeps the others.
    final class FailingSink: AuditSink {
        let failing: UUID
        let kept = Mutex<[AuditEvent]>([])

        init(failing: UUID) {
            self.failing = failing
        }

        func append(_ event: AuditEvent) async throws {
            if event.tenantID == failing { throw GovernanceError.unavailable("audit trail unavailable: disk full") }
            kept.withLock { $0.append(event) }
        }
    }

    @Test func aReadFailsWhenEitherTenantsTrailCannotRecordIt() async throws {
        let fixture = try await GovernanceFixture()
        let ada = try await fixture.caller(tenant: "acme", username: "ada", roles: ["tenant-admin"])
        let gus = try await fixture.caller(tenant: "globex", username: "gus", roles: ["tenant-admin"])
        let memories = fixture.governance.memories
        let cube = try await memories.createCube(ada, name: "shared", subspace: "tenant")
        let memory = try await memories.addText(ada, "wren migration notes for the shared cube", cube: cube.id.uuidString)
        let memStore = fixture.governance.memStore
        let offering = try await memStore.publish(
            ada, OfferingDraft(name: "shared", cube: cube.id.uuidString, audienceTenants: ["globex"]))
        let subscription = try await memStore.subscribe(gus, offeringID: offering.id)
        // With a working trail the read succeeds.
        let hits = try await memStore.search(gus, subscription: subscription.id, query: "wren migration", topK: 5)
        #expect(hits.map(\.memory.item.id) == [memory.item.id])
        #expect(hits.first?.memory.provenance.publisher == "acme")

        let directory = DataDirectory(url: fixture.directory)
        let store = try directory.openStore()
        let keyring = Keyring(store: store, masterKey: try directory.loadMasterKey(environment: [:]))
        for failing in [ada.tenantID, gus.tenantID] {
            let sink = FailingSink(failing: failing)
            let service = MemStoreService(
                memories: MemoryService(store: store, keyring: keyring, policy: fixture.governance.policy, audit: sink))
            await #expect(throws: GovernanceError.unavailable("audit trail unavailable: disk full")) {
                _ = try await service.search(gus, subscription: subscription.id, query: "wren migration", topK: 5)
            }
            await #expect(throws: GovernanceError.unavailable("audit trail unavailable: disk full")) {
                _ = try await service.list(gus, subscription: subscription.id, limit: 10, cursor: nil)
            }
            await #expect(throws: GovernanceError.unavailable("audit trail unavailable: disk full")) {
                _ = try await service.get(gus, subscription: subscription.id, memory: memory.item.id)
            }
            // The subscriber's chain never shows a read it did not get.
            let subscriberSuccesses = sink.kept.withLock { $0 }.filter { $0.tenantID == gus.tenantID && $0.outcome == .success }
            #expect(subscriberSuccesses.isEmpty)
            if failing == gus.tenantID {
                // The publisher's record is written first: it may over-report a read, never under-report.
                let publisherRecords = sink.kept.withLock { $0 }.filter { $0.tenantID == ada.tenantID }
                #expect(publisherRecords.count == 3)
                #expect(publisherRecords.allSatisfy { $0.actorKind == MemStoreService.subscriberActorKind })
            } else {
                // The refusal is on the subscriber's chain, as a failure with its reason.
                let failures = sink.kept.withLock { $0 }.filter { $0.tenantID == gus.tenantID && $0.outcome == .failure }
                #expect(failures.count == 3)
                #expect(failures.allSatisfy { $0.details["reason"] == "unavailable" })
            }
        }
    }

    @Test func subscriptionsNeverReachBeyondTheCallersTenantOrAboveTheCeiling() async throws {
        let fixture = try await GovernanceFixture()
        let ada = try await fixture.caller(tenant: "acme", username: "ada", roles: ["tenant-admin"])
        let gus = try await fixture.caller(tenant: "globex", username: "gus", roles: ["tenant-admin"])
        let ian = try await fixture.caller(tenant: "initech", username: "ian", roles: ["tenant-admin"])
        let memories = fixture.governance.memories
        let memStore = fixture.governance.memStore
        let cube = try await memories.createCube(ada, name: "shared", subspace: "tenant")
        let open = try await memories.add(
            ada, cube: cube.id.uuidString, input: .items([.init(text: "plover open note")]), governance: .init(label: "public"))
        let internalNote = try await memories.addText(ada, "plover internal note", cube: cube.id.uuidString)
        let offering = try await memStore.publish(
            ada, OfferingDraft(name: "shared", cube: cube.id.uuidString, labelCeiling: "public", audienceTenants: ["globex"]))
        let subscription = try await memStore.subscribe(gus, offeringID: offering.id)
        let page = try await memStore.list(gus, subscription: subscription.id, limit: 100, cursor: nil)
        #expect(page.memories.map(\.item.id) == open.map(\.item.id))
        await #expect(throws: GovernanceError.notFound("no memory \(internalNote.item.id.uuidString.lowercased()) in subscription \(subscription.id.uuidString.lowercased())")) {
            _ = try await memStore.get(gus, subscription: subscription.id, memory: internalNote.item.id)
        }
        // Another tenant cannot use globex's subscription, nor subscribe to what was not offered to it.
        await #expect(throws: GovernanceError.notFound("no subscription \(subscription.id.uuidString.lowercased())")) {
            _ = try await memStore.search(ian, subscription: subscription.id, query: "plover", topK: 5)
        }
        await #expect(throws: GovernanceError.notFound("no offering \(offering.id.uuidString.lowercased())")) {
            _ = try await memStore.subscribe(ian, offeringID: offering.id)
        }
        // An offering is for other tenants: naming one's own is refused.
        await #expect(throws: GovernanceError.invalidInput(
            field: "audience.tenants", message: "an offering is for other tenants; share within 'acme' with cubes")) {
            _ = try await memStore.publish(ada, OfferingDraft(name: "x", cube: cube.id.uuidString, audienceTenants: ["acme"]))
        }
    }
}
