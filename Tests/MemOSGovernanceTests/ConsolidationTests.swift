import Foundation
import MemOSCore
import MemOSGovernance
import Testing

/// Near-duplicates merge into the newer memory; a newer value of a keyed fact supersedes the
/// older one. Nothing is lost: history and edges say what happened.
@Suite struct ConsolidationTests {
    @Test func nearDuplicateMergesIntoTheNewMemoryKeepingBothProvenances() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        let first = try await memories.add(
            caller, cube: nil,
            input: .items([MemoryContent(text: "I adopted a cat named Miso!", tags: ["pets"], sources: [SourceMessage(messageID: "m1")])]))[0]
        let second = try await memories.add(
            caller, cube: nil,
            input: .items([MemoryContent(text: "adopted cat, named miso", tags: ["family"], sources: [SourceMessage(messageID: "m9")])]))[0]

        #expect(second.item.content.sources.map(\.messageID) == ["m9", "m1"])
        #expect(Set(second.item.content.tags) == ["pets", "family"])
        let old = try await memories.get(caller, id: first.item.id)
        #expect(old.item.state == .merged)
        #expect(old.item.version == 2)
        #expect(try await memories.history(caller, id: first.item.id).map(\.state) == [.activated, .merged])
        let related = try await memories.related(caller, id: first.item.id)
        #expect(related.map(\.relation) == [.mergedInto])
        #expect(related.first?.memory.item.id == second.item.id)
        // Search returns the survivor only.
        let hits = try await memories.search(caller, query: "cat miso", topK: 10, cubes: nil, filter: MemoryFilter())
        #expect(hits.map(\.memory.item.id) == [second.item.id])
    }

    @Test func aNewerValueOfAKeyedFactSupersedesTheOlder() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        let paris = try await memories.add(
            caller, cube: nil, input: .items([MemoryContent(text: "Alice lives in Paris", key: "alice home city")]))[0]
        let berlin = try await memories.add(
            caller, cube: nil, input: .items([MemoryContent(text: "Alice moved to Berlin", key: "  Alice Home City ")]))[0]

        #expect(try await memories.get(caller, id: paris.item.id).item.state == .archived)
        let edges = try await memories.related(caller, id: berlin.item.id)
        #expect(edges.map(\.relation) == [.contradicts])
        #expect(edges.first?.direction == .outgoing)
        let hits = try await memories.search(caller, query: "where does alice live", topK: 10, cubes: nil, filter: MemoryFilter())
        #expect(hits.map(\.memory.item.id) == [berlin.item.id])
        // Both remain in history, and the archived one is still findable when asked for.
        let archived = try await memories.search(
            caller, query: "paris", topK: 10, cubes: nil, filter: MemoryFilter(states: [.archived]))
        #expect(archived.map(\.memory.item.id) == [paris.item.id])
    }

    @Test func differentFactsAndOtherCubesAreLeftAlone() async throws {
        let fixture = try await GovernanceFixture()
        let caller = try await fixture.caller(tenant: "acme", username: "alice", roles: ["member"])
        let memories = fixture.governance.memories
        _ = try await memories.createCube(caller, name: "work", subspace: nil)
        let a = try await memories.addText(caller, "the cat sleeps on the sofa")
        _ = try await memories.addText(caller, "the cat sleeps on the sofa", cube: "work")  // another cube: no merge
        _ = try await memories.addText(caller, "the cat sleeps on the bed")  // different fact
        #expect(try await memories.get(caller, id: a.item.id).item.state == .activated)
        // Restated with the same key and the same text: nothing to supersede.
        let keyed = try await memories.add(caller, cube: nil, input: .items([MemoryContent(text: "tea at 4", key: "tea time")]))[0]
        _ = try await memories.add(caller, cube: "work", input: .items([MemoryContent(text: "tea at 5", key: "tea time")]))
        #expect(try await memories.get(caller, id: keyed.item.id).item.state == .activated)
    }

    @Test func fingerprintsIgnoreCaseOrderStopWordsAndInflection() {
        #expect(MemoryConsolidation.fingerprint("I adopted a cat") == MemoryConsolidation.fingerprint("Cat adopting!"))
        #expect(MemoryConsolidation.fingerprint("I adopted a cat") != MemoryConsolidation.fingerprint("I adopted a dog"))
        #expect(MemoryConsolidation.fingerprint("the and of") == nil)
    }
}
