import Foundation
import MemOSCore
import Testing

/// A language model that answers every request with the same canned text and remembers what it was asked.
private struct CannedModel: LanguageModel {
    let reply: String
    let calls = CallLog()
    var identifier: String { "fake:canned" }

    func complete(_ messages: [ChatTurn], temperature: Double, jsonOutput: Bool) async throws -> String {
        await calls.record(messages, temperature: temperature, jsonOutput: jsonOutput)
        return reply
    }
}

private actor CallLog {
    private(set) var prompts: [[ChatTurn]] = []
    private(set) var temperatures: [Double] = []
    private(set) var jsonOutputs: [Bool] = []

    func record(_ messages: [ChatTurn], temperature: Double, jsonOutput: Bool) {
        prompts.append(messages)
        temperatures.append(temperature)
        jsonOutputs.append(jsonOutput)
    }
}

private struct FailingModel: LanguageModel {
    struct Failure: Error, Equatable {}
    var identifier: String { "fake:failing" }
    func complete(_ messages: [ChatTurn], temperature: Double, jsonOutput: Bool) async throws -> String {
        throw Failure()
    }
}

@Suite("FineModeReader")
struct FineModeReaderTests {
    static let may1 = Date(timeIntervalSince1970: 1_714_555_800)  // 2024-05-01T09:30:00Z

    static let conversation = [
        ChatMessage(role: "user", content: "I'm moving to Lisbon in June.", speaker: "alice", chatTime: may1, messageID: "m1"),
        ChatMessage(
            role: "assistant", content: "Exciting! Do you need help finding a flat?", speaker: "memos",
            chatTime: may1.addingTimeInterval(30), messageID: "m2"),
        ChatMessage(
            role: "user", content: "Yes, and I only drink oat milk, by the way.", speaker: "alice",
            chatTime: may1.addingTimeInterval(60), messageID: "m3"),
    ]

    static let goodOutput = """
        {"memories": [
          {"key": "Move to Lisbon", "text": "Alice is moving to Lisbon in June 2024.", "tags": ["relocation", "Lisbon", " "],
           "memory_type": "UserMemory", "background": "Plans around housing depend on it.", "confidence": 0.9,
           "source_message_ids": ["m1"]},
          {"key": "Oat milk", "text": "Alice only drinks oat milk.", "memory_type": "PreferenceMemory", "confidence": 1,
           "source_message_ids": ["m3", "m3"]},
          {"text": "Alice wants help finding a flat in Lisbon."}
        ]}
        """

    /// The message of the `ReaderError` parsing `output` throws (a failed expectation when it succeeds).
    static func failure(_ output: String, maxFacts: Int = 32) async -> String? {
        let reader = FineModeReader(model: CannedModel(reply: output), maxFacts: maxFacts)
        do {
            let drafts = try await reader.read(conversation)
            Issue.record("expected a ReaderError, got \(drafts.count) drafts")
            return nil
        } catch let error as ReaderError {
            guard case .malformedModelOutput(let message) = error else { return nil }
            #expect(error.description == "malformed model output: \(message)")
            return message
        } catch {
            Issue.record("expected a ReaderError, got \(error)")
            return nil
        }
    }

    @Test("Good output gives drafts with their fields and provenance")
    func goodOutput() async throws {
        let reader = FineModeReader(model: CannedModel(reply: Self.goodOutput))
        let drafts = try await reader.read(Self.conversation)
        try #require(drafts.count == 3)

        let move = drafts[0]
        #expect(move.text == "Alice is moving to Lisbon in June 2024.")
        #expect(move.key == "Move to Lisbon")
        #expect(move.tags == ["relocation", "Lisbon"])
        #expect(move.memoryType == .userMemory)
        #expect(move.background == "Plans around housing depend on it.")
        #expect(move.confidence == 0.9)
        #expect(
            move.sources == [
                SourceMessage(
                    messageID: "m1", role: "user", speaker: "alice", chatTime: Self.may1,
                    content: "I'm moving to Lisbon in June.")
            ])
        #expect(move.info["extracted_by"] == .string("fake:canned"))

        let milk = drafts[1]
        #expect(milk.memoryType == .preferenceMemory)
        #expect(milk.confidence == 1)
        #expect(milk.tags.isEmpty)
        #expect(milk.sources.map(\.messageID) == ["m3"], "a repeated id cites its message once")
        #expect(milk.sources.first?.chatTime == Self.may1.addingTimeInterval(60))

        // Without source_message_ids a memory cites the whole conversation; defaults apply.
        let flat = drafts[2]
        #expect(flat.sources.map(\.messageID) == ["m1", "m2", "m3"])
        #expect(flat.memoryType == .longTermMemory)
        #expect(flat.key == nil)
        #expect(flat.confidence == nil)
        #expect(flat.background == nil)
    }

    @Test("One surrounding ```json (or bare ```) fence is accepted")
    func fencedJSON() async throws {
        for fence in ["```json", "```JSON", "```"] {
            let output = "\n\(fence)\n\(Self.goodOutput)\n```\n"
            let drafts = try await FineModeReader(model: CannedModel(reply: output)).read(Self.conversation)
            #expect(drafts.count == 3, "fence \(fence)")
        }
    }

    @Test("An empty memories array means nothing worth remembering")
    func emptyMemories() async throws {
        let drafts = try await FineModeReader(model: CannedModel(reply: "{\"memories\": []}")).read(Self.conversation)
        #expect(drafts.isEmpty)
    }

    @Test(
        "Malformed output is rejected with a message naming the problem",
        arguments: [
            ("Sure! Here are the memories.", "not JSON (the answer starts with \"Sure! Here are the memories.\")"),
            ("", "not JSON (the answer is empty)"),
            ("Here you go:\n```json\n{\"memories\": []}\n```", "not JSON (the answer starts with \"Here you go: ```json {\"memories\": []} ```\")"),
            ("```json\n{\"memories\": []}\n```\n```json\n{\"memories\": []}\n```", "not JSON (the answer starts with \"```json {\"memories\": []} ``` ```json {\"memories\": []} ```\")"),
            ("```python\n{\"memories\": []}\n```", "not JSON (the answer starts with \"```python {\"memories\": []} ```\")"),
            ("[{\"text\": \"a fact\"}]", "the top level is an array, not an object"),
            ("{\"facts\": []}", "missing `memories` array"),
            ("{\"memories\": null}", "missing `memories` array"),
            ("{\"memories\": {\"text\": \"a fact\"}}", "`memories` is an object, not an array"),
            ("{\"memories\": [\"a fact\"]}", "item 1: is a string, not an object"),
            ("{\"memories\": [{\"text\": \"ok\"}, {\"key\": \"no text\"}]}", "item 2: missing or empty `text`"),
            ("{\"memories\": [{\"text\": \"   \"}]}", "item 1: missing or empty `text`"),
            ("{\"memories\": [{\"text\": 42}]}", "item 1: `text` is a number, not a string"),
            (
                "{\"memories\": [{\"text\": \"ok\", \"memory_type\": \"WorkingMemory\"}]}",
                "item 1: `memory_type` \"WorkingMemory\" is not one of UserMemory, LongTermMemory, PreferenceMemory"
            ),
            ("{\"memories\": [{\"text\": \"ok\", \"confidence\": 1.5}]}", "item 1: `confidence` 1.5 is out of range 0...1"),
            ("{\"memories\": [{\"text\": \"ok\", \"confidence\": -0.1}]}", "item 1: `confidence` -0.1 is out of range 0...1"),
            ("{\"memories\": [{\"text\": \"ok\", \"confidence\": \"high\"}]}", "item 1: `confidence` is a string, not a number"),
            (
                "{\"memories\": [{\"text\": \"ok\", \"source_message_ids\": [\"m1\", \"m9\"]}]}",
                "item 1: `source_message_ids` names an unknown message \"m9\" (known: m1, m2, m3)"
            ),
            (
                "{\"memories\": [{\"text\": \"ok\", \"source_message_ids\": \"m1\"}]}",
                "item 1: `source_message_ids` is a string, not an array of strings"
            ),
            ("{\"memories\": [{\"text\": \"ok\", \"tags\": [\"a\", 1]}]}", "item 1: `tags` contains a number, not only strings"),
            ("{\"memories\": [{\"text\": \"ok\", \"key\": true}]}", "item 1: `key` is a boolean, not a string"),
        ])
    func malformed(output: String, message: String) async {
        #expect(await Self.failure(output) == message)
    }

    @Test("More memories than maxFacts is an error")
    func tooManyFacts() async {
        let items = (1...4).map { "{\"text\": \"fact \($0)\"}" }.joined(separator: ",")
        #expect(await Self.failure("{\"memories\": [\(items)]}", maxFacts: 3) == "4 memories, more than the limit of 3")
        let reader = FineModeReader(model: CannedModel(reply: "{\"memories\": [\(items)]}"), maxFacts: 4)
        #expect((try? await reader.read(Self.conversation))?.count == 4)
    }

    @Test("The prompt shows every message with its id, time and speaker, and asks for JSON")
    func prompt() async throws {
        let model = CannedModel(reply: "{\"memories\": []}")
        _ = try await FineModeReader(model: model, maxFacts: 7).read(Self.conversation)
        let prompts = await model.calls.prompts
        try #require(prompts.count == 1)
        let turns = prompts[0]
        #expect(turns.map(\.role) == ["system", "user"])
        let system = turns[0].content
        #expect(system.contains("\"memories\""))
        #expect(system.contains("source_message_ids"))
        #expect(system.contains("at most 7 memories"))
        let user = turns[1].content
        #expect(user.contains("[m1] 2024-05-01T09:30:00Z alice (user): I'm moving to Lisbon in June."))
        #expect(user.contains("[m2] 2024-05-01T09:30:30Z memos (assistant): Exciting!"))
        #expect(user.contains("[m3] 2024-05-01T09:31:00Z alice (user): Yes, and I only drink oat milk"))
        #expect(await model.calls.jsonOutputs == [true])
        #expect(await model.calls.temperatures == [0])
    }

    @Test("Messages without usable or unique ids are numbered m1, m2, … by position")
    func generatedIDs() async throws {
        let unnamed = [
            ChatMessage(role: "user", content: "first"),
            ChatMessage(role: "assistant", content: "   "),  // empty: not shown, not citable
            ChatMessage(role: "user", content: "third\nwith a second line", speaker: "bob"),
        ]
        let reader = FineModeReader(model: CannedModel(reply: "{\"memories\": []}"))
        let user = reader.prompt(for: unnamed)[1].content
        #expect(user.contains("[m1] user: first"))
        #expect(!user.contains("[m2]"))
        #expect(user.contains("[m3] bob (user): third\n    with a second line"))

        let drafts = try reader.parse(
            "{\"memories\": [{\"text\": \"Bob said third.\", \"source_message_ids\": [\"m3\"]}, {\"text\": \"all\"}]}",
            messages: unnamed)
        #expect(drafts[0].sources.map(\.content) == ["third\nwith a second line"])
        #expect(drafts[0].sources.map(\.messageID) == [nil], "provenance keeps the message's real (absent) id")
        #expect(drafts[1].sources.map(\.content) == ["first", "third\nwith a second line"])

        // Duplicate ids would make references ambiguous: all messages get positional ids.
        let duplicated = [
            ChatMessage(role: "user", content: "a", messageID: "x"),
            ChatMessage(role: "user", content: "b", messageID: "x"),
        ]
        let prompt = reader.prompt(for: duplicated)[1].content
        #expect(prompt.contains("[m1] user: a") && prompt.contains("[m2] user: b"))
        let cited = try reader.parse("{\"memories\": [{\"text\": \"b\", \"source_message_ids\": [\"m2\"]}]}", messages: duplicated)
        #expect(cited[0].sources.map(\.content) == ["b"])
        #expect(cited[0].sources.map(\.messageID) == ["x"])
    }

    @Test("An empty conversation asks nothing; model errors propagate")
    func emptyConversationAndModelErrors() async throws {
        let model = CannedModel(reply: "not even JSON")
        let drafts = try await FineModeReader(model: model).read([ChatMessage(role: "user", content: "  \n")])
        #expect(drafts.isEmpty)
        #expect(await model.calls.prompts.isEmpty)

        await #expect(throws: FailingModel.Failure()) {
            _ = try await FineModeReader(model: FailingModel()).read(Self.conversation)
        }
    }
}
