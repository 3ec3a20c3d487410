import Foundation
import MemOSCore
import Testing

@Suite struct GraphExpansionTests {
    static func item(_ n: Int, _ text: String, state: MemoryState = .activated) -> MemoryItem {
        MemoryItem(
            id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", n))!, cubeID: UUID(),
            content: MemoryContent(text: text), state: state, version: 1, createdAt: Date(timeIntervalSince1970: 0),
            updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func neighboursOfTopHitsJoinAtADecayedScore() {
        let a = Self.item(1, "Project Falcon kickoff")
        let b = Self.item(2, "the budget owner is Dana")
        let c = Self.item(3, "archived neighbour", state: .archived)
        let d = Self.item(4, "unrelated hit")
        let items = [a, b, c, d].reduce(into: [UUID: MemoryItem]()) { $0[$1.id] = $1 }
        let graph: [UUID: [UUID]] = [a.id: [b.id, c.id], d.id: [a.id]]
        let hits = [ScoredMemory(item: a, score: 1.0), ScoredMemory(item: d, score: 0.8)]

        let expanded = GraphExpansion.expand(
            hits, decay: 0.5, limit: 10, neighbours: { graph[$0] ?? [] }, item: { items[$0] }, filter: MemoryFilter())
        #expect(expanded.map(\.item.id) == [a.id, d.id, b.id])  // c filtered out (archived)
        #expect(expanded.last?.score == 0.5)
        // A memory already found keeps its own (higher) score rather than its neighbour's share.
        #expect(expanded.first?.score == 1.0)
        // The limit still holds.
        let cut = GraphExpansion.expand(
            hits, limit: 2, neighbours: { graph[$0] ?? [] }, item: { items[$0] }, filter: MemoryFilter())
        #expect(cut.map(\.item.id) == [a.id, d.id])
    }
}
