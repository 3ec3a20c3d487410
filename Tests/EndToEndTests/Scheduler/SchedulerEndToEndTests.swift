import Crypto
import Foundation
import MemOSGovernance
import Testing

extension TestGateway {
    /// Polls the scheduler status until nothing of the caller's tenant is queued or running.
    func waitForSchedulerIdle(token: String) async throws {
        for _ in 0..<200 {
            let status = try await send(.GET, "/v1/scheduler/status", token: token)
            guard status.status == 200, let counts = status.object["counts"] as? [String: [String: Int]] else {
                throw TestGatewayError.unexpected("scheduler status", status)
            }
            if counts.values.allSatisfy({ ($0["queued"] ?? 0) + ($0["running"] ?? 0) == 0 }) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestGatewayError.didNotStart
    }

    func sessionSearch(_ query: String, session: Any, token: String, topK: Int = 3) async throws -> HTTPResult {
        try await send(.POST, "/v1/memories/search", token: token, json: ["query": query, "top_k": topK, "session_id": session])
    }
}

@Suite struct SchedulerEndToEndTests {
    static let kayak = [
        "The kayak rental at the fjord harbour opens at nine in the morning.",
        "We booked two sea kayaks for the fjord trip in June.",
        "The fjord kayak route passes the old lighthouse and the waterfall.",
    ]
    static let others = (0..<12).map { "Unrelated note \($0) about the office printer and invoices." }

    @Test func sessionsPreloadingWorkingMemoryAndActivationOverHTTP() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let mallory = try await gateway.createUser(tenant: "globex", username: "mallory", roles: ["tenant-admin"])
            var kayakIDs: [String] = []
            for text in Self.kayak { kayakIDs.append(try await gateway.addTextID(text, token: alice)) }
            for text in Self.others { try await gateway.addText(text, token: alice) }
            #expect(try await gateway.send(.GET, "/v1/activation", token: alice).status == 404, "nothing retrieved yet")

            // The first turn of a session: answered by a full search, then the scene is preloaded.
            let first = try await gateway.sessionSearch("kayak trip to the fjord", session: "trip", token: alice)
            #expect(first.status == 200, "\(first)")
            #expect(first.object["preload_hit"] as? Bool == false)
            #expect(first.object["session_id"] as? String == "trip")
            try await gateway.waitForSchedulerIdle(token: alice)
            let followUp = try await gateway.sessionSearch("when does the kayak rental at the fjord open", session: "trip", token: alice)
            #expect(followUp.object["preload_hit"] as? Bool == true, "\(followUp)")
            let full = try await gateway.search("when does the kayak rental at the fjord open", token: alice, topK: 3)
            #expect(followUp.resultIDs.first == full.resultIDs.first)
            #expect(followUp.resultIDs.first == kayakIDs[0])
            try await gateway.waitForSchedulerIdle(token: alice)

            // Working memory, presented and watermarked like any memory text.
            let working = try await gateway.send(.GET, "/v1/scheduler/working-memory?session=trip", token: alice)
            #expect(working.status == 200, "\(working)")
            #expect(working.memoryIDs.contains(kayakIDs[0]))
            #expect(working.bodyText != WatermarkCodec.strip(working.bodyText), "member reads of internal memories are marked")

            // Activation memory: hot after enough retrievals, id = SHA-256 of the unmarked text.
            for _ in 0..<3 { _ = try await gateway.search("kayak rental harbour opens", token: alice, topK: 1) }
            let activation = try await gateway.send(.GET, "/v1/activation", token: alice)
            #expect(activation.status == 200, "\(activation)")
            let prefix = activation.object["activation"] as? [String: Any] ?? [:]
            let text = try #require(prefix["text"] as? String)
            let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(prefix["id"] as? String == digest)
            #expect((prefix["memory_ids"] as? [String])?.contains(kayakIDs[0]) == true)
            #expect((prefix["approx_tokens"] as? Int ?? 0) > 0)
            #expect(text.contains("kayak rental"))
            let marked = (activation.markedObject["activation"] as? [String: Any])?["text"] as? String
            #expect(marked != text, "the prefix text returned to a caller carries the watermark")
            let rebuild = try await gateway.send(.POST, "/v1/activation/rebuild", token: alice)
            #expect(rebuild.status == 202)
            let taskID = try #require((rebuild.object["task"] as? [String: Any])?["id"] as? String)
            try await gateway.waitForSchedulerIdle(token: alice)
            let task = try await gateway.send(.GET, "/v1/scheduler/tasks/\(taskID)", token: alice)
            #expect((task.object["task"] as? [String: Any])?["state"] as? String == "succeeded", "\(task)")
            #expect(try await gateway.send(.GET, "/v1/activation", token: alice).object["activation"].map { ($0 as? [String: Any])?["id"] as? String } == digest)

            // The tenant's status: counts and tasks, never memory text.
            let status = try await gateway.send(.GET, "/v1/scheduler/status", token: alice)
            #expect(status.object["scope"] as? String == "tenant")
            let sessions = status.object["sessions"] as? [String: Any] ?? [:]
            #expect(sessions["searches"] as? Int == 2 && sessions["preload_hits"] as? Int == 1)
            let counts = status.object["counts"] as? [String: [String: Int]] ?? [:]
            #expect((counts["preload"]?["succeeded"] ?? 0) >= 2)
            #expect((counts["activation_rebuild"]?["succeeded"] ?? 0) == 1)
            #expect(!status.bodyText.contains("kayak") && !status.bodyText.contains("fjord"))

            // Another tenant: nothing of alice's, whatever it names.
            let foreignActivation = try await gateway.send(.GET, "/v1/activation", token: mallory)
            #expect(foreignActivation.status == 404 && foreignActivation.isProblem)
            let foreignWorking = try await gateway.send(.GET, "/v1/scheduler/working-memory?session=trip", token: mallory)
            #expect(foreignWorking.status == 200 && foreignWorking.memories.isEmpty)
            #expect(try await gateway.send(.GET, "/v1/scheduler/tasks/\(taskID)", token: mallory).status == 404)
            let foreignStatus = try await gateway.send(.GET, "/v1/scheduler/status", token: mallory)
            #expect(!foreignStatus.bodyText.contains(taskID))
            #expect((foreignStatus.object["sessions"] as? [String: Any])?["searches"] as? Int == 0)
            #expect(((foreignStatus.object["counts"] as? [String: [String: Int]])?["preload"]?["succeeded"] ?? -1) == 0)
            let foreignSearch = try await gateway.sessionSearch("kayak rental fjord", session: "trip", token: mallory)
            #expect(foreignSearch.status == 200 && foreignSearch.results.isEmpty)

            // Operators get the platform view.
            let platform = try await gateway.send(.GET, "/v1/scheduler/status", token: gateway.adminKey)
            #expect(platform.status == 200 && platform.object["scope"] as? String == "platform")
        }
    }

    @Test func badSchedulerInputIsAProblem() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let empty = try await gateway.sessionSearch("kayak", session: "", token: alice)
            #expect(empty.status == 400 && empty.isProblem && empty.detail.contains("session_id"), "\(empty)")
            let wrongType = try await gateway.sessionSearch("kayak", session: 7, token: alice)
            #expect(wrongType.status == 400 && wrongType.isProblem, "\(wrongType)")
            let missing = try await gateway.send(.GET, "/v1/scheduler/working-memory", token: alice)
            #expect(missing.status == 400 && missing.isProblem && missing.detail.contains("session"), "\(missing)")
            let unknownField = try await gateway.send(
                .POST, "/v1/scheduler/sessions/s1/turns", token: alice, json: ["text": "hello", "tenant": "globex"])
            #expect(unknownField.status == 400 && unknownField.isProblem, "\(unknownField)")
            let turn = try await gateway.send(.POST, "/v1/scheduler/sessions/s1/turns", token: alice, json: ["text": "planning a kayak trip"])
            #expect(turn.status == 202)
            let anonymous = try await gateway.send(.GET, "/v1/scheduler/status")
            #expect(anonymous.status == 401)
        }
    }

    @Test func deletingATenantForgetsItsSessionsAtOnce() async throws {
        try await TestGateway.with { gateway in
            try await gateway.createTenant("acme")
            try await gateway.createTenant("globex")
            let alice = try await gateway.createUser(tenant: "acme", username: "alice", roles: ["member"])
            let gus = try await gateway.createUser(tenant: "globex", username: "gus", roles: ["member"])
            for text in Self.kayak { try await gateway.addText(text, token: alice) }
            try await gateway.addText("The globex roadmap review is on Friday.", token: gus)
            #expect(try await gateway.sessionSearch("kayak rental", session: "trip", token: alice).status == 200)
            #expect(try await gateway.sessionSearch("kayak booking", session: "trip-2", token: alice).status == 200)
            #expect(try await gateway.sessionSearch("roadmap review", session: "plans", token: gus).status == 200)
            func activeSessions() async throws -> Int? {
                let status = try await gateway.send(.GET, "/v1/scheduler/status", token: gateway.adminKey)
                return (status.object["sessions"] as? [String: Any])?["active"] as? Int
            }
            #expect(try await activeSessions() == 3)

            let deleted = try await gateway.send(.DELETE, "/admin/v1/tenants/acme", token: gateway.adminKey)
            #expect(deleted.status == 200, "\(deleted)")
            #expect(deleted.bodyText.contains("memory:scheduler-sessions"))
            // acme's two sessions are gone now, not after the idle timeout; globex's stays.
            #expect(try await activeSessions() == 1)
            let stillThere = try await gateway.send(.GET, "/v1/scheduler/working-memory?session=plans", token: gus)
            #expect(stillThere.status == 200)
        }
    }
}
