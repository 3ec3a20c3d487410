import Foundation

/// The "fast mode" MemReader: turns a conversation into memory drafts without calling an LLM.
///
/// Consecutive messages are grouped into overlapping windows, because a single message rarely
/// makes sense alone ("yes, the blue one") while a whole conversation is too coarse to retrieve.
/// The overlap keeps a question and its answer together even when a window boundary falls
/// between them. Every draft keeps the exact messages it came from as `sources`, so whatever is
/// later recalled can be traced back to who said it and when.
///
/// It is deterministic and cheap, which makes it the default when no extraction model is
/// configured and the fallback when one fails.
public struct MessageWindowReader: Sendable {
    /// Messages per window (at least 1).
    public let windowSize: Int
    /// Messages shared by consecutive windows (0 ... windowSize - 1).
    public let overlap: Int
    /// Upper bound on a draft's text length, in characters, so drafts stay within what an
    /// embedding model accepts.
    public let maxCharacters: Int

    /// Out-of-range values are clamped rather than trapped on, since they typically come from
    /// configuration files.
    public init(windowSize: Int = 4, overlap: Int = 1, maxCharacters: Int = 4000) {
        self.windowSize = max(1, windowSize)
        self.overlap = min(max(0, overlap), self.windowSize - 1)
        self.maxCharacters = max(1, maxCharacters)
    }

    /// One message as it will appear in a draft.
    private struct Line {
        let message: ChatMessage
        let content: String
        let prefix: String
        let length: Int

        var text: String { prefix + content }

        var source: SourceMessage {
            SourceMessage(
                messageID: message.messageID, role: message.role, speaker: message.speaker,
                chatTime: message.chatTime, content: message.content)
        }
    }

    /// Memory drafts for a conversation: one per window, in conversation order.
    ///
    /// Messages with no content are skipped (they carry nothing to remember). A window also ends
    /// early when adding the next line would make its text longer than `maxCharacters`; a single
    /// message longer than that is split into several drafts that all cite it, so no text is lost.
    /// A conversation shorter than a window gives one draft, and no trailing window is produced
    /// that would contain only messages already covered.
    public func read(_ messages: [ChatMessage], memoryType: MemoryType = .longTermMemory, tags: [String] = [])
        -> [MemoryDraft]
    {
        let lines: [Line] = messages.compactMap { message in
            let content = message.content.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !content.isEmpty else { return nil }
            let prefix = Self.prefix(for: message)
            return Line(message: message, content: content, prefix: prefix, length: prefix.count + content.count)
        }
        guard !lines.isEmpty else { return [] }

        var drafts: [MemoryDraft] = []
        var start = 0
        var covered = 0  // lines[..<covered] are already in some draft
        while covered < lines.count {
            var end = windowEnd(lines, from: start)
            if end <= covered {
                // The overlap alone filled the window; drop it rather than repeat old messages.
                start = covered
                end = windowEnd(lines, from: start)
            }
            let window = lines[start..<end]
            if window.count == 1, let line = window.first, line.length > maxCharacters {
                drafts += splitOversized(line, memoryType: memoryType, tags: tags)
            } else {
                drafts.append(
                    MemoryDraft(
                        text: window.map(\.text).joined(separator: "\n"),
                        key: Self.key(from: lines[start].content),
                        tags: tags,
                        memoryType: memoryType,
                        sources: window.map(\.source)))
            }
            covered = end
            start = max(end - overlap, start + 1)
        }
        return drafts
    }

    /// Splits a document into chunks of at most `maxCharacters` characters for `.documentChunk`
    /// memories, cutting where the text itself has boundaries so each chunk reads coherently:
    /// between paragraphs if possible, else between sentences, else (for a single enormous
    /// sentence) at a space or, failing that, anywhere.
    ///
    /// Each chunk after the first starts with up to `overlapCharacters` of the previous chunk's
    /// end (from a word boundary) when that still fits, so a fact spanning a cut is findable from
    /// either side. All text is kept; only whitespace between paragraphs and sentences is
    /// normalised.
    public func chunk(document: String, maxCharacters: Int = 1200, overlapCharacters: Int = 200) -> [String] {
        let limit = max(1, maxCharacters)
        let overlap = min(max(0, overlapCharacters), limit - 1)

        var pieces: [ChunkPiece] = []
        for paragraph in Self.paragraphs(of: document) {
            let length = paragraph.count
            if length <= limit {
                pieces.append(ChunkPiece(text: paragraph, length: length, separator: "\n\n"))
                continue
            }
            for (index, sentence) in Self.sentences(of: paragraph).enumerated() {
                let separator = index == 0 ? "\n\n" : " "
                let sentenceLength = sentence.count
                if sentenceLength <= limit {
                    pieces.append(ChunkPiece(text: sentence, length: sentenceLength, separator: separator))
                } else {
                    for (partIndex, part) in Self.hardSplit(sentence, limit: limit).enumerated() {
                        pieces.append(
                            partIndex == 0
                                ? ChunkPiece(text: part.text, length: part.length, separator: separator) : part)
                    }
                }
            }
        }

        var chunks: [String] = []
        var current = ""
        var currentLength = 0
        for piece in pieces {
            if currentLength == 0 {
                current = piece.text
                currentLength = piece.length
                continue
            }
            let joinedLength = currentLength + piece.separator.count + piece.length
            if joinedLength <= limit {
                current += piece.separator + piece.text
                currentLength = joinedLength
                continue
            }
            chunks.append(current)
            let tail = Self.tail(of: current, characters: overlap)
            let tailLength = tail.count
            if tailLength > 0, tailLength + piece.separator.count + piece.length <= limit {
                current = tail + piece.separator + piece.text
                currentLength = tailLength + piece.separator.count + piece.length
            } else {
                current = piece.text
                currentLength = piece.length
            }
        }
        if currentLength > 0 { chunks.append(current) }
        return chunks
    }

    // MARK: - Windows

    /// End (exclusive) of the window starting at `start`: up to `windowSize` lines, stopping
    /// before a line that would push the text over `maxCharacters`. The first line always fits.
    private func windowEnd(_ lines: [Line], from start: Int) -> Int {
        var end = start
        var length = 0
        while end < lines.count, end - start < windowSize {
            let added = lines[end].length + (end > start ? 1 : 0)  // +1 for the newline
            if end > start, length + added > maxCharacters { break }
            length += added
            end += 1
        }
        return end
    }

    /// Drafts for one message too long for a single draft, each repeating its prefix and source.
    private func splitOversized(_ line: Line, memoryType: MemoryType, tags: [String]) -> [MemoryDraft] {
        let room = max(1, maxCharacters - line.prefix.count)
        return chunk(document: line.content, maxCharacters: room, overlapCharacters: 0).map { part in
            MemoryDraft(
                text: line.prefix + part, key: Self.key(from: line.content), tags: tags,
                memoryType: memoryType, sources: [line.source])
        }
    }

    /// "[2024-05-01T09:30:00Z] alice: " — the time tells a later reader when something was true,
    /// the speaker who said it.
    private static func prefix(for message: ChatMessage) -> String {
        var prefix = ""
        if let chatTime = message.chatTime {
            prefix = "[\(chatTime.formatted(Date.ISO8601FormatStyle()))] "
        }
        let speaker = message.speaker?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let label = speaker.isEmpty ? message.role.trimmingCharacters(in: .whitespacesAndNewlines) : speaker
        if !label.isEmpty { prefix += "\(label): " }
        return prefix
    }

    private static func key(from content: String) -> String {
        String(content.prefix(60)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - Chunking

    /// A unit the packer never cuts, and what joins it to the unit before it.
    private struct ChunkPiece {
        let text: String
        let length: Int
        let separator: String
    }

    /// Paragraphs are separated by blank lines; lines inside a paragraph stay together.
    private static func paragraphs(of document: String) -> [String] {
        var paragraphs: [String] = []
        var lines: [Substring] = []
        func flush() {
            let paragraph = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !paragraph.isEmpty { paragraphs.append(paragraph) }
            lines.removeAll()
        }
        for line in document.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy(\.isWhitespace) {
                flush()
            } else {
                lines.append(line)
            }
        }
        flush()
        return paragraphs
    }

    private static let sentenceTerminators: Set<Character> = [".", "!", "?", "…", "。", "！", "？"]
    /// Terminators that end a sentence without needing a following space (CJK punctuation).
    private static let closedTerminators: Set<Character> = ["。", "！", "？"]
    private static let closingMarks: Set<Character> = ["\"", "'", "”", "’", ")", "]", "」", "』", "）"]

    /// Sentences of a paragraph, each keeping its terminator; whitespace between them is dropped.
    private static func sentences(of paragraph: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        func flush() {
            let sentence = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !sentence.isEmpty { sentences.append(sentence) }
            current = ""
        }
        let characters = Array(paragraph)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            current.append(character)
            index += 1
            guard sentenceTerminators.contains(character) else { continue }
            var closesWithCJK = closedTerminators.contains(character)
            while index < characters.count,
                sentenceTerminators.contains(characters[index]) || closingMarks.contains(characters[index])
            {
                closesWithCJK = closesWithCJK || closedTerminators.contains(characters[index])
                current.append(characters[index])
                index += 1
            }
            if index == characters.count || characters[index].isWhitespace || closesWithCJK {
                flush()
            }
        }
        flush()
        return sentences
    }

    /// Cuts an over-long sentence into pieces of at most `limit` characters, at a space in the
    /// second half of the allowed range when there is one.
    private static func hardSplit(_ text: String, limit: Int) -> [ChunkPiece] {
        let characters = Array(text)
        var pieces: [ChunkPiece] = []
        var start = 0
        var separator = ""
        while start < characters.count {
            var end = min(start + limit, characters.count)
            if end < characters.count {
                var cut = end
                while cut > start + limit / 2, !characters[cut].isWhitespace { cut -= 1 }
                if cut > start + limit / 2 { end = cut }
            }
            var pieceEnd = end
            while pieceEnd > start, characters[pieceEnd - 1].isWhitespace { pieceEnd -= 1 }
            if pieceEnd > start {
                let text = String(characters[start..<pieceEnd])
                pieces.append(ChunkPiece(text: text, length: pieceEnd - start, separator: separator))
            }
            start = end
            separator = ""
            while start < characters.count, characters[start].isWhitespace {
                start += 1
                separator = " "
            }
        }
        return pieces
    }

    /// The last `characters` characters of `text`, starting at a word boundary when the cut
    /// would otherwise fall inside a word.
    private static func tail(of text: String, characters: Int) -> String {
        guard characters > 0 else { return "" }
        var tail = Substring(text.suffix(characters))
        if tail.startIndex > text.startIndex, !text[text.index(before: tail.startIndex)].isWhitespace,
            let space = tail.firstIndex(where: \.isWhitespace)
        {
            tail = tail[space...]
        }
        return tail.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
