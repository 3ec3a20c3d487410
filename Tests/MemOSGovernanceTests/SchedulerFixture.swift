import Foundation
import MemOSCore
@testable import MemOSGovernance

extension GovernanceFixture {
    /// A fixture whose policy directory is the shipped one with `scheduler.yaml` replaced.
    static func withScheduler(_ schedulerYAML: String) async throws -> GovernanceFixture {
        let policies = FileManager.default.temporaryDirectory.appendingPathComponent("memos-sched-policy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: shippedPolicies, to: policies)
        try schedulerYAML.write(to: policies.appendingPathComponent("scheduler.yaml"), atomically: true, encoding: .utf8)
        return try await GovernanceFixture(policyDirectory: policies)
    }
}

extension MemoryService {
    /// Adds several text memories at once and returns their ids in order.
    func addTexts(_ caller: MemoryCaller, _ texts: [String], label: String? = nil, now: Date = Date()) async throws -> [UUID] {
        try await add(
            caller, cube: nil, input: .items(texts.map { MemoryContent(text: $0) }), governance: AddGovernance(label: label), now: now
        ).map(\.item.id)
    }
}

/// Texts of a small store: one topic the tests converse about, and unrelated ones.
enum SchedulerCorpus {
    static let kayak = [
        "The kayak rental at the fjord harbour opens at nine in the morning.",
        "We booked two sea kayaks for the fjord trip in June.",
        "The fjord kayak route passes the old lighthouse and the waterfall.",
        "Kayak paddles and spray skirts are included in the rental price.",
    ]
    static let distractors: [String] = {
        let topics = [
            "dentist appointment", "quarterly tax filing", "garden tomatoes", "piano lesson", "car insurance renewal",
            "birthday cake recipe", "office printer toner", "marathon training plan", "library book return",
            "electricity bill", "cat vaccination", "bicycle brake repair", "passport renewal form", "team offsite agenda",
            "wine tasting evening", "roof gutter cleaning", "chess club meeting", "yoga class schedule",
        ]
        return topics.enumerated().flatMap { index, topic in
            ["Reminder about the \(topic) number \(index).", "Notes from the \(topic) call, item \(index)."]
        }
    }()
}
