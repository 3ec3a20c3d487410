import Foundation
import MemOSCore
import Testing

@Suite("MessageWindowReader")
struct MessageWindowReaderTests {
    static func conversation(_ count: Int) -> [ChatMessage] {
        (0..<count).map { n in
            ChatMessage(role: n % 2 == 0 ? "user" : "assistant", content: "message \(n)", messageID: "m\(n)")
        }
    }

    /// The message ids of each draft, window by window.
    static func windows(_ drafts: [MemoryDraft]) -> [[String]] {
        drafts.map { $0.sources.compactMap(\.messageID) }
    }

    @Test("Windows advance by size minus overlap, with no trailing window of old messages")
    func windowCounts() {
        let reader = MessageWindowReader(windowSize: 4, overlap: 1)
        #expect(Self.windows(reader.read(Self.conversation(3))) == [["m0", "m1", "m2"]])
        #expect(Self.windows(reader.read(Self.conversation(4))) == [["m0", "m1", "m2", "m3"]])
        #expect(Self.windows(reader.read(Self.conversation(5))) == [["m0", "m1", "m2", "m3"], ["m3", "m4"]])
        #expect(Self.windows(reader.read(Self.conversation(7))) == [["m0", "m1", "m2", "m3"], ["m3", "m4", "m5", "m6"]])
        #expect(
            Self.windows(reader.read(Self.conversation(8)))
                == [["m0", "m1", "m2", "m3"], ["m3", "m4", "m5", "m6"], ["m6", "m7"]])
        #expect(reader.read([]).isEmpty)
    }

    @Test("Other sizes and overlaps, including clamped ones")
    func otherShapes() {
        let noOverlap = MessageWindowReader(windowSize: 2, overlap: 0)
        #expect(Self.windows(noOverlap.read(Self.conversation(5))) == [["m0", "m1"], ["m2", "m3"], ["m4"]])

        // An overlap of 10 is clamped to windowSize - 1 = 2: the window slides by one message.
        let sliding = MessageWindowReader(windowSize: 3, overlap: 10)
        #expect(sliding.overlap == 2)
        #expect(
            Self.windows(sliding.read(Self.conversation(5)))
                == [["m0", "m1", "m2"], ["m1", "m2", "m3"], ["m2", "m3", "m4"]])

        let single = MessageWindowReader(windowSize: 0, overlap: -3)
        #expect(single.windowSize == 1 && single.overlap == 0)
        #expect(single.read(Self.conversation(6)).count == 6)

        let counts = (1...20).map { MessageWindowReader(windowSize: 5, overlap: 2).read(Self.conversation($0)).count }
        // Step 3: one window up to 5 messages, then one more per 3 new messages.
        #expect(counts == (1...20).map { $0 <= 5 ? 1 : 1 + ($0 - 5 + 2) / 3 })
    }

    @Test("Drafts keep provenance: speaker, time, ids, content, key, type and tags")
    func provenance() throws {
        let time = Date(timeIntervalSince1970: 1_714_555_800)  // 2024-05-01T09:30:00Z
        let messages = [
            ChatMessage(
                role: "user", content: "  I adopted a cat named Miso last week, she is three years old and very shy.  ",
                speaker: "Alice", chatTime: time, messageID: "a1"),
            ChatMessage(role: "assistant", content: "Congratulations on Miso!", messageID: "b2"),
        ]
        let drafts = MessageWindowReader().read(messages, memoryType: .userMemory, tags: ["pets", "family"])
        let draft = try #require(drafts.first)
        #expect(drafts.count == 1)
        #expect(
            draft.text == """
                [2024-05-01T09:30:00Z] Alice: I adopted a cat named Miso last week, she is three years old and very shy.
                assistant: Congratulations on Miso!
                """)
        #expect(draft.key == "I adopted a cat named Miso last week, she is three years old")
        #expect(draft.memoryType == .userMemory)
        #expect(draft.tags == ["pets", "family"])
        #expect(draft.sources.count == 2)
        let first = draft.sources[0]
        #expect(first.messageID == "a1")
        #expect(first.role == "user")
        #expect(first.speaker == "Alice")
        #expect(first.chatTime == time)
        #expect(first.content == messages[0].content)
        #expect(draft.sources[1].messageID == "b2")
        #expect(draft.sources[1].speaker == nil)
    }

    @Test("Messages without content are skipped")
    func emptyMessagesSkipped() {
        var messages = Self.conversation(3)
        messages.insert(ChatMessage(role: "user", content: "   \n\t ", messageID: "blank"), at: 1)
        messages.append(ChatMessage(role: "assistant", content: "", messageID: "empty"))
        let drafts = MessageWindowReader(windowSize: 4, overlap: 1).read(messages)
        #expect(Self.windows(drafts) == [["m0", "m1", "m2"]])
        #expect(!drafts[0].text.contains("\n\n"))
        #expect(MessageWindowReader().read([ChatMessage(role: "user", content: " ")]).isEmpty)
    }

    @Test("Windows close early to respect maxCharacters, without losing messages")
    func maxCharacters() {
        // Each line is "user: " or "assistant: " plus 30 characters: 36 or 41 characters.
        let messages = (0..<9).map { n in
            ChatMessage(
                role: n % 2 == 0 ? "user" : "assistant", content: String(repeating: "\(n)", count: 30),
                messageID: "m\(n)")
        }
        let reader = MessageWindowReader(windowSize: 4, overlap: 1, maxCharacters: 90)
        let drafts = reader.read(messages)
        #expect(drafts.allSatisfy { $0.text.count <= 90 })
        #expect(drafts.allSatisfy { $0.sources.count == 2 })  // three lines never fit in 90
        let covered = Set(drafts.flatMap { $0.sources.compactMap(\.messageID) })
        #expect(covered == Set(messages.compactMap(\.messageID)))
        // Consecutive windows still share their boundary message.
        for (a, b) in zip(drafts, drafts.dropFirst()) {
            #expect(a.sources.last?.messageID == b.sources.first?.messageID)
        }
    }

    @Test("A message longer than maxCharacters is split across drafts that all cite it")
    func oversizedMessage() {
        let sentences = (1...12).map { "Fact number \($0) is worth remembering." }
        let long = ChatMessage(
            role: "user", content: sentences.joined(separator: " "), speaker: "Bob", messageID: "long")
        let messages = [
            ChatMessage(role: "user", content: "hi", messageID: "m0"), long,
            ChatMessage(role: "assistant", content: "ok", messageID: "m2"),
        ]
        let drafts = MessageWindowReader(windowSize: 4, overlap: 1, maxCharacters: 120).read(messages)
        #expect(drafts.allSatisfy { $0.text.count <= 120 })
        let longDrafts = drafts.filter { $0.sources.contains { $0.messageID == "long" } }
        #expect(longDrafts.count > 1)
        #expect(longDrafts.allSatisfy { $0.sources.map(\.messageID) == ["long"] && $0.text.hasPrefix("Bob: ") })
        for sentence in sentences {
            #expect(longDrafts.contains { $0.text.contains(sentence) })
        }
        #expect(drafts.first?.sources.first?.messageID == "m0")
        #expect(drafts.last?.sources.last?.messageID == "m2")
    }

    @Test("Chunking keeps every sentence and respects the size")
    func chunkLongDocument() {
        let sentences = (1...120).map { "Sentence \($0) describes item \($0 * 7) in some detail." }
        let paragraphs = stride(from: 0, to: sentences.count, by: 6).map {
            sentences[$0..<min($0 + 6, sentences.count)].joined(separator: " ")
        }
        let document = paragraphs.joined(separator: "\n\n")
        let reader = MessageWindowReader()
        let chunks = reader.chunk(document: document, maxCharacters: 500, overlapCharacters: 100)
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.count <= 500 && !$0.isEmpty })
        for sentence in sentences {
            #expect(chunks.contains { $0.contains(sentence) }, "missing: \(sentence)")
        }
        // With overlap, each chunk starts with text the previous one ended with.
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            let opening = String(b.prefix(20))
            #expect(a.contains(opening))
        }
        // Without overlap, the chunks are the document's paragraphs packed in order.
        let plain = reader.chunk(document: document, maxCharacters: 500, overlapCharacters: 0)
        #expect(plain.joined(separator: "\n\n") == document)
    }

    @Test("Paragraph boundaries are preferred over sentence cuts")
    func chunkPrefersParagraphs() {
        let document = "First paragraph, short.\n\nSecond paragraph is also short.\r\n\r\nThird one."
        let chunks = MessageWindowReader().chunk(document: document, maxCharacters: 60, overlapCharacters: 0)
        #expect(chunks == ["First paragraph, short.\n\nSecond paragraph is also short.", "Third one."])
        #expect(MessageWindowReader().chunk(document: "  \n\n ").isEmpty)
        #expect(MessageWindowReader().chunk(document: " Short text. ") == ["Short text."])
    }

    @Test("Text without any boundary is hard-split without loss")
    func chunkHardSplit() {
        let document = String(repeating: "abcdefghij", count: 53)  // 530 characters, no spaces
        let chunks = MessageWindowReader().chunk(document: document, maxCharacters: 100, overlapCharacters: 0)
        #expect(chunks.count == 6)
        #expect(chunks.allSatisfy { $0.count <= 100 })
        #expect(chunks.joined() == document)

        let cjk = String(repeating: "我喜欢猫也喜欢狗", count: 40)
        let cjkChunks = MessageWindowReader().chunk(document: cjk, maxCharacters: 50, overlapCharacters: 10)
        #expect(cjkChunks.allSatisfy { $0.count <= 50 })
        #expect(cjkChunks.count > cjk.count / 50)
    }

    @Test("CJK sentences end at full-width punctuation")
    func chunkCJKSentences() {
        let sentence = String(repeating: "今天天气很好", count: 5) + "。"  // 31 characters
        let document = String(repeating: sentence, count: 6)
        let chunks = MessageWindowReader().chunk(document: document, maxCharacters: 70, overlapCharacters: 0)
        #expect(chunks.allSatisfy { $0.count <= 70 })
        #expect(chunks.allSatisfy { $0.hasSuffix("。") })
        #expect(chunks.joined().replacingOccurrences(of: " ", with: "") == document)
    }
}
