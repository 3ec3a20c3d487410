import Foundation

/// Composes activation memory: a persona's hottest memories as one stable prompt prefix that
/// an inference backend keeps in its KV cache.
///
/// Stability is the point: members are chosen by heat (retrievals) but written in id order under
/// a fixed header, with no timestamps or counts, so the same memories always give byte-identical
/// text and the backend's cached prefix keeps matching while only the counts move. The token budget is approximate (4 characters per token), which is what
/// a cache needs: a bound, not an exact count.
public struct ActivationComposer: Sendable {
    public static let header = "# Activation memory\nWhat this assistant already knows and uses most often:\n"

    public struct Entry: Sendable {
        public let id: UUID
        public let heat: Int
        public let text: String
        public let key: String?

        public init(id: UUID, heat: Int, text: String, key: String?) {
            self.id = id
            self.heat = heat
            self.text = text
            self.key = key
        }
    }

    public let tokenBudget: Int
    public let maxMemories: Int

    public init(tokenBudget: Int = 1_024, maxMemories: Int = 32) {
        self.tokenBudget = max(16, tokenBudget)
        self.maxMemories = max(1, maxMemories)
    }

    /// Characters per token assumed by `approximateTokens`.
    public static let charactersPerToken = 4

    public static func approximateTokens(_ text: String) -> Int {
        (text.count + charactersPerToken - 1) / charactersPerToken
    }

    /// The prefix text and the memories it holds, or nil when there is nothing to compose.
    /// Entries that would overflow the budget are skipped (a shorter one later may still fit).
    public func compose(_ entries: [Entry]) -> (text: String, memoryIDs: [UUID])? {
        let ordered = entries.sorted { $0.heat != $1.heat ? $0.heat > $1.heat : $0.id < $1.id }
        var characters = Self.header.count
        var chosen: [(id: UUID, line: String)] = []
        for entry in ordered where chosen.count < maxMemories {
            let line = Self.line(entry)
            guard (characters + line.count + Self.charactersPerToken - 1) / Self.charactersPerToken <= tokenBudget else { continue }
            characters += line.count
            chosen.append((entry.id, line))
        }
        guard !chosen.isEmpty else { return nil }
        chosen.sort { $0.id < $1.id }
        return (Self.header + chosen.map(\.line).joined(), chosen.map(\.id))
    }

    /// One memory as a single line: its key (when it has one) and its text.
    static func line(_ entry: Entry) -> String {
        let body = entry.text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let key = entry.key.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }
        return "- " + (key.map { "\($0): " } ?? "") + body + "\n"
    }
}
