import Foundation

/// How the keyword (BM25) and the vector (cosine) rankings are combined into one.
public enum FusionMethod: Sendable, Hashable {
    /// Each signal is scaled to 0...1 over the candidates (BM25 divided by the best BM25, cosine
    /// min-max scaled), then summed with these weights. Uses how strongly each signal matched.
    case weighted(lexical: Double, dense: Double)
    /// Reciprocal rank fusion (Cormack et al. 2009): Σ 1/(k + rank) over the two rankings,
    /// rank from 1. Uses only the order within each signal; k = 60 is the customary value.
    case reciprocalRank(k: Double)
}

/// Knobs of one hybrid search. `RetrievalOptions()` is the configuration that did best on the
/// LoCoMo dev set (`memos-bench locomo`): R@10 0.70 against 0.65 for BM25, with fewer context
/// characters in the top 10.
public struct RetrievalOptions: Sendable, Hashable {
    public var fusion: FusionMethod
    /// How many candidates each signal contributes before fusion (at least the limit).
    public var candidateDepth: Int
    /// Results whose final score is below this are dropped. Weighted fusion scores lie around
    /// 0...(lexical + dense weight), reciprocal-rank scores are at most 2 / (k + 1); the time
    /// boost and the length prior scale both.
    public var scoreThreshold: Double?
    /// Keep only the best of results whose texts are near-identical (Jaccard similarity of their
    /// term sets ≥ `nearDuplicateSimilarity`), so repeats do not crowd out other memories.
    public var collapseNearDuplicates: Bool
    public var nearDuplicateSimilarity: Double
    /// For questions about time ("when", "what year", "how long ago" …), multiply the score of
    /// memories whose text mentions a date or a time expression ("yesterday", "last week",
    /// "May 2023", a weekday …) by 1 + `timeBoost`. A leading bracketed timestamp, which
    /// transcripts put on every turn, does not count, and neither does `sources[].chatTime`:
    /// every chat memory has one, so it cannot tell memories apart. On LoCoMo it lifts temporal
    /// questions' R@1 from 0.52 to 0.55 and their R@10 from 0.851 to 0.858.
    public var timeAware: Bool
    public var timeBoost: Double
    /// A memory found only by the vector search (no query term in it) is kept only when its
    /// cosine with the query vector (as typed, or as searched with centring and feedback)
    /// reaches this: nearest neighbours always exist, even for a query about nothing the cube
    /// holds. The built-in hashing embedder knows no meaning, only shared character runs, so a
    /// vector-only find must be a close surface match (0.5): on the LoCoMo dev set that costs
    /// R@10 0.680 → 0.676, and it stops "Thursday meeting" from finding "Offsite in Lisbon".
    /// -1 turns it off.
    public var minimumDenseSimilarity: Double
    /// Pseudo-relevance feedback; nil turns it off.
    public var feedback: RelevanceFeedback?
    /// Share (0...1) of the mean of all stored vectors subtracted from the query vector: the
    /// direction every memory shares (frequent words, names) then stops counting as similarity,
    /// an unsupervised stand-in for idf that hashed embeddings lack.
    public var vectorCentering: Double
    /// Scores are multiplied by (average length / length)^lengthPrior, in terms: a mild
    /// preference for short memories, which keeps the context a reader pays for small (on
    /// LoCoMo it cut ctx_chars@10 by 4% at no cost in R@10).
    ///
    /// The time boost and the length prior multiply the fused score; they are tuned for
    /// weighted fusion, whose scores spread over 0...1. Reciprocal-rank scores differ by far
    /// less between neighbours, so with `.reciprocalRank` both act much more strongly (set the
    /// prior to 0 there).
    public var lengthPrior: Double
    /// Speaker-aware matching: when the query names the speaker of a memory's first source
    /// ("What did Caroline …"), its score is multiplied by 1 + `speakerBoost`. 0 turns it off.
    /// On LoCoMo dev, 0.5 lifts R@10 0.676 → 0.696 (hashing vectors) and 0.704 → 0.718 (MiniLM),
    /// R@1 by 0.04, at the same context size.
    public var speakerBoost: Double
    /// Neighbouring memories as context: the memories written just before and after each of the
    /// best `neighbourSeeds` results inherit `neighbourWeight` times its score. 0 turns it off.
    public var neighbourWeight: Double = 0
    public var neighbourSeeds: Int = 10

    public init(
        fusion: FusionMethod = .weighted(lexical: 0.7, dense: 0.3), candidateDepth: Int = 100,
        scoreThreshold: Double? = nil, collapseNearDuplicates: Bool = true, nearDuplicateSimilarity: Double = 0.9,
        timeAware: Bool = true, timeBoost: Double = 0.2, minimumDenseSimilarity: Double = 0.5,
        feedback: RelevanceFeedback? = RelevanceFeedback(), vectorCentering: Double = 1, lengthPrior: Double = 0.1,
        speakerBoost: Double = 0.5
    ) {
        self.speakerBoost = speakerBoost
        self.fusion = fusion
        self.candidateDepth = max(1, candidateDepth)
        self.scoreThreshold = scoreThreshold
        self.collapseNearDuplicates = collapseNearDuplicates
        self.nearDuplicateSimilarity = nearDuplicateSimilarity
        self.timeAware = timeAware
        self.timeBoost = timeBoost
        self.minimumDenseSimilarity = minimumDenseSimilarity
        self.feedback = feedback
        self.vectorCentering = vectorCentering
        self.lengthPrior = lengthPrior
    }

    /// The tuning for a semantic embedder (the built-in all-MiniLM-L6-v2, or a model server's):
    /// dense similarity now means something, so it gets more weight (0.6/0.4) and feedback adds
    /// less to the query vector; the stronger length prior keeps the top 10 no longer than BM25's.
    /// On the LoCoMo dev set (`memos-bench locomo --embedder minilm`): R@10 0.718 at 1,727
    /// context characters, against 0.730 at 2,034 without the length prior and 0.647 at 1,935
    /// for BM25 alone.
    public static let semantic = RetrievalOptions(
        fusion: .weighted(lexical: 0.6, dense: 0.4), feedback: RelevanceFeedback(vectorWeight: 1), lengthPrior: 0.35)

    /// BM25 alone: ranks like `MemoryIndex.search(_:limit:filter:)` (scores are scaled by the best).
    public static let lexicalOnly = RetrievalOptions(
        fusion: .weighted(lexical: 1, dense: 0), collapseNearDuplicates: false, timeAware: false, feedback: nil,
        vectorCentering: 0, lengthPrior: 0, speakerBoost: 0)


    /// Plain fusion of the two signals: no feedback, time boost, centring, length prior,
    /// similarity floor or collapsing.
    public static func plain(_ fusion: FusionMethod) -> RetrievalOptions {
        RetrievalOptions(
            fusion: fusion, collapseNearDuplicates: false, timeAware: false, minimumDenseSimilarity: -1, feedback: nil,
            vectorCentering: 0, lengthPrior: 0, speakerBoost: 0)
    }
}

/// Pseudo-relevance feedback: the best keyword results are assumed relevant and the query is
/// widened with what they say.
///
/// - Keywords (RM3-style): the `expansionTerms` terms that best characterise the top
///   `documents` keyword results (share of each document, weighted by its score and by the
///   term's idf) join the query with weights up to `termWeight`, and every candidate is
///   re-scored with the widened query. Terms found in more than `maximumDocumentFraction` of
///   the memories are never added: they say little and would make scoring slow.
/// - Vectors (Rocchio): the normalised, score-weighted sum of the vectors of the top
///   `vectorDocuments` keyword results is added to the query vector with weight `vectorWeight`.
///
/// It is what makes the biggest difference on conversational memories (multi-hop questions
/// whose evidence shares words with the first hits rather than with the question).
public struct RelevanceFeedback: Sendable, Hashable {
    public var documents: Int
    public var expansionTerms: Int
    public var termWeight: Double
    public var maximumDocumentFraction: Double
    public var vectorDocuments: Int
    public var vectorWeight: Double

    public init(
        documents: Int = 5, expansionTerms: Int = 30, termWeight: Double = 0.5, maximumDocumentFraction: Double = 0.2,
        vectorDocuments: Int = 3, vectorWeight: Double = 2
    ) {
        self.documents = max(0, documents)
        self.expansionTerms = max(0, expansionTerms)
        self.termWeight = termWeight.isFinite ? max(0, termWeight) : 0
        self.maximumDocumentFraction = maximumDocumentFraction.isFinite ? min(max(0, maximumDocumentFraction), 1) : 1
        self.vectorDocuments = max(0, vectorDocuments)
        self.vectorWeight = vectorWeight.isFinite ? max(0, vectorWeight) : 0
    }
}

/// One hybrid search: the query text for BM25 and, when an embedder is configured, its vector.
public struct RetrievalQuery: Sendable {
    public var text: String
    /// The query embedded with the same embedder as the memories; nil searches by keywords only.
    public var vector: [Float]?
    public var options: RetrievalOptions

    public init(text: String, vector: [Float]? = nil, options: RetrievalOptions = RetrievalOptions()) {
        self.text = text
        self.vector = vector
        self.options = options
    }
}

/// Cheap, dictionary-free detection of time in questions and memories, for time-aware ranking.
enum TemporalCues {
    /// Whether a question asks about a time: "when …", "what year …", "how long ago …".
    static func isTemporalQuestion(_ text: String) -> Bool {
        let words = lowercaseWords(text)
        for (index, word) in words.enumerated() {
            if word == "when" { return true }
            guard index + 1 < words.count else { continue }
            let next = words[index + 1]
            switch word {
            case "what", "which":
                if ["year", "month", "date", "day", "time", "week", "season", "decade"].contains(next) { return true }
            case "how":
                if next == "long" || (next == "many" && index + 2 < words.count
                    && ["years", "months", "weeks", "days"].contains(words[index + 2]))
                {
                    return true
                }
            case "since":
                if next == "when" { return true }
            default:
                break
            }
        }
        return false
    }

    /// Whether a memory's text mentions a date or a time expression. A leading bracketed header
    /// ("[1:56 pm on 8 May, 2023] …", as transcripts stamp every turn) is skipped: every memory
    /// of such a store carries one, so it says nothing about this memory.
    static func mentionsTime(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("["), let close = body.prefix(80).firstIndex(of: "]") {
            body = body[body.index(after: close)...]
        }
        let words = lowercaseWords(body)
        for (index, word) in words.enumerated() {
            if timeWords.contains(word) { return true }
            if word.count == 4, let year = Int(word), (1900...2099).contains(year) { return true }
            if relativeMarkers.contains(word), index + 1 < words.count, relativeUnits.contains(words[index + 1]) {
                return true
            }
            // "may" and "march" are verbs as often as months: count them next to a number.
            if word == "may" || word == "march" {
                let before = index > 0 ? words[index - 1] : ""
                let after = index + 1 < words.count ? words[index + 1] : ""
                if before.first?.isNumber == true || after.first?.isNumber == true { return true }
            }
        }
        return false
    }

    private static let timeWords: Set<String> = [
        "yesterday", "today", "tonight", "tomorrow", "ago", "recently", "lately", "weekend",
        "january", "february", "april", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday",
    ]
    private static let relativeMarkers: Set<String> = ["last", "next", "this", "past", "few", "couple", "earlier"]
    private static let relativeUnits: Set<String> = [
        "week", "weeks", "month", "months", "year", "years", "day", "days", "night", "summer", "winter",
        "spring", "fall", "autumn", "morning", "evening", "weekend",
    ]

    private static func lowercaseWords(_ text: some StringProtocol) -> [String] {
        let utf8 = text.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        }
        // ASCII fast path: this runs on every indexed memory.
        var words: [String] = []
        var word: [UInt8] = []
        for byte in utf8 {
            switch byte {
            case 0x61...0x7A, 0x30...0x39: word.append(byte)
            case 0x41...0x5A: word.append(byte + 0x20)
            default:
                if !word.isEmpty {
                    words.append(String(decoding: word, as: UTF8.self))
                    word.removeAll(keepingCapacity: true)
                }
            }
        }
        if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }
}
