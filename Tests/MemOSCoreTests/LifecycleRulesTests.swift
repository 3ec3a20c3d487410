import Foundation
import MemOSCore
import Testing

@Suite struct LifecycleRulesTests {
    static let legal: Set<[MemoryState]> = [
        [.generated, .activated], [.generated, .merged], [.generated, .archived], [.generated, .deleted],
        [.activated, .merged], [.activated, .archived], [.activated, .frozen], [.activated, .deleted],
        [.merged, .activated], [.merged, .archived], [.merged, .deleted],
        [.archived, .activated], [.archived, .frozen], [.archived, .deleted],
    ]

    static func item(_ state: MemoryState) -> MemoryItem {
        MemoryItem(
            id: UUID(), cubeID: UUID(), content: MemoryContent(text: "t"), state: state, version: 3,
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
    }

    /// Every ordered pair of states: legal ones move and bump the version, the rest are refused
    /// with the allowed moves listed.
    @Test(arguments: MemoryState.allCases, MemoryState.allCases)
    func transition(from: MemoryState, to: MemoryState) throws {
        let item = Self.item(from)
        let now = Date(timeIntervalSince1970: 100)
        if Self.legal.contains([from, to]) {
            let next = try MemoryLifecycle.transition(item, to: to, at: now)
            #expect(next.state == to)
            #expect(next.version == 4)
            #expect(next.updatedAt == now)
            #expect(next.content == item.content)
        } else {
            #expect(throws: LifecycleError.illegalTransition(from: from, to: to, allowed: MemoryLifecycle.allowedTransitions(from: from))) {
                try MemoryLifecycle.transition(item, to: to, at: now)
            }
        }
    }

    @Test func frozenAndDeletedAreFinal() {
        #expect(MemoryLifecycle.allowedTransitions(from: .frozen).isEmpty)
        #expect(MemoryLifecycle.allowedTransitions(from: .deleted).isEmpty)
        #expect(!MemoryLifecycle.isMutable(.frozen))
        let message = LifecycleError.illegalTransition(from: .frozen, to: .activated, allowed: []).description
        #expect(message.contains("frozen is final"))
    }

    @Test func rollbackRestoresContentAsANewVersion() throws {
        let item = Self.item(.activated)
        let old = MemoryContent(text: "older words", tags: ["a"])
        let next = try MemoryLifecycle.rollback(item, to: old, at: Date(timeIntervalSince1970: 5))
        #expect(next.content == old)
        #expect(next.version == 4)
        #expect(next.state == .activated)
        #expect(throws: LifecycleError.immutable(.frozen)) {
            try MemoryLifecycle.rollback(Self.item(.frozen), to: old, at: Date())
        }
    }
}
