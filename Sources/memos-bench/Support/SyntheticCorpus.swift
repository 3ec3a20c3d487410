import Foundation
import MemOSCore

/// A deterministic stand-in for a user's memories and the questions asked of them.
///
/// Nothing here comes from real people, so the benchmark can run anywhere and be published,
/// yet the text has the statistics that matter to keyword search: a Zipf-distributed vocabulary
/// (common English words on top, thousands of rarer pseudo-words for names, places and jargon
/// below), sentence-length memories, some tags, and provenance on every memory as a real
/// conversation extractor would record it.
struct SyntheticCorpus: Sendable {
    /// Zipf exponent; natural-language corpora measure close to 1.
    static let zipfExponent = 1.1
    /// How many pseudo-words follow the English words in the ranking.
    static let pseudoWordCount = 8_000
    static let wordsPerMemory = 8...30
    static let wordsPerQuery = 2...6

    /// Every word, most frequent first.
    let words: [String]
    private let anyWord: ZipfSampler
    /// Words eligible for queries (no function words), each with its corpus rank's weight,
    /// so queries mix frequent and rare terms as users do.
    private let queryWords: [String]
    private let queryWord: ZipfSampler

    private static let speakers = [
        "Caroline", "Melanie", "Jon", "Gina", "Andrew", "Audrey", "John", "Maria", "Joanna", "Nate",
        "Tim", "Evan", "Sam", "Deborah", "Jolene", "Calvin", "Dave", "James",
    ]
    private static let tags = [
        "work", "family", "travel", "health", "hobby", "finance", "friends", "food", "music",
        "education", "pets", "sports", "home", "career", "plans",
    ]
    /// 2023-01-01T00:00:00Z: conversations start here and move forward in time.
    private static let firstChatTime = Date(timeIntervalSince1970: 1_672_531_200)

    /// Builds the vocabulary; the same seed always yields the same words in the same order.
    init(seed: UInt64) {
        var generator = SplitMix64.stream(seed: seed, purpose: 0x766F_6361_6275_6C61)  // "vocabula"
        var seen = Set<String>()
        var words: [String] = []
        var isFunction: [Bool] = []
        for word in EnglishWords.function where seen.insert(word).inserted {
            words.append(word)
            isFunction.append(true)
        }
        for word in EnglishWords.content where seen.insert(word).inserted {
            words.append(word)
            isFunction.append(false)
        }
        var pseudoWords = 0
        while pseudoWords < Self.pseudoWordCount {
            let word = Self.pseudoWord(using: &generator)
            guard seen.insert(word).inserted else { continue }
            words.append(word)
            isFunction.append(false)
            pseudoWords += 1
        }
        let weights = words.indices.map { ZipfSampler.weight(rank: $0, exponent: Self.zipfExponent) }
        self.words = words
        anyWord = ZipfSampler(weights: weights)
        let queryIndices = words.indices.filter { !isFunction[$0] }
        queryWords = queryIndices.map { words[$0] }
        queryWord = ZipfSampler(weights: queryIndices.map { weights[$0] })
    }

    /// Pronounceable nonsense of two or three syllables ("brakest", "filmo"): the long tail of
    /// names and terms that makes rare-word queries selective.
    private static func pseudoWord(using generator: inout SplitMix64) -> String {
        let onsets = [
            "b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "kl", "l", "m", "n", "p", "pl",
            "pr", "r", "s", "sh", "sk", "st", "t", "th", "tr", "v", "w", "z",
        ]
        let nuclei = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ou", "y"]
        let codas = ["", "", "", "", "", "n", "r", "s", "l", "m", "k", "t", "nd", "st"]
        var word = ""
        for _ in 0..<(generator.chance(0.3) ? 3 : 2) {
            word += onsets[generator.nextInt(in: 0...(onsets.count - 1))]
            word += nuclei[generator.nextInt(in: 0...(nuclei.count - 1))]
            word += codas[generator.nextInt(in: 0...(codas.count - 1))]
        }
        return word
    }

    /// Memory number `index` of a conversation: one sentence of 8–30 words, sometimes with a
    /// number or tags, always with the message it was extracted from.
    func memory(index: Int, using generator: inout SplitMix64) -> MemoryContent {
        let length = generator.nextInt(in: Self.wordsPerMemory)
        var sentence: [String] = []
        sentence.reserveCapacity(length + 1)
        for _ in 0..<length {
            sentence.append(words[anyWord.sample(using: &generator)])
        }
        if generator.chance(0.1) {
            // Years and amounts are kept as terms by the tokenizer and are often what users ask for.
            let number = generator.chance(0.5) ? generator.nextInt(in: 1990...2025) : generator.nextInt(in: 1...999)
            sentence.insert(String(number), at: generator.nextInt(in: 0...sentence.count))
        }
        var text = sentence.joined(separator: " ")
        text = text.prefix(1).uppercased() + String(text.dropFirst()) + "."

        var tags: [String] = []
        if generator.chance(0.3) {
            for _ in 0..<generator.nextInt(in: 1...3) {
                let tag = Self.tags[generator.nextInt(in: 0...(Self.tags.count - 1))]
                if !tags.contains(tag) { tags.append(tag) }
            }
        }
        let typeDraw = generator.nextUnitDouble()
        let memoryType: MemoryType =
            typeDraw < 0.8 ? .longTermMemory : typeDraw < 0.95 ? .userMemory : .preferenceMemory
        // About one message every minute and a half, in sessions of 40 turns.
        let chatTime = Self.firstChatTime.addingTimeInterval(Double(index) * 90 + Double(generator.nextInt(in: 0...59)))
        let source = SourceMessage(
            messageID: "D\(index / 40 + 1):\(index % 40 + 1)", role: "user",
            speaker: Self.speakers[generator.nextInt(in: 0...(Self.speakers.count - 1))], chatTime: chatTime)
        return MemoryContent(text: text, tags: tags, memoryType: memoryType, sources: [source])
    }

    /// A keyword query of 2–6 content words drawn with the corpus's own frequencies, so some
    /// terms have posting lists covering a large share of the cube and others a handful.
    func query(using generator: inout SplitMix64) -> String {
        (0..<generator.nextInt(in: Self.wordsPerQuery))
            .map { _ in queryWords[queryWord.sample(using: &generator)] }
            .joined(separator: " ")
    }
}
