import Foundation

/// The built-in embedder: feature hashing, so dense retrieval works without a model server,
/// without training data and without anything to download.
///
/// A text becomes a bag of features — stemmed words (through `TextTokenizer`, so it normalises
/// exactly like keyword search), pairs of adjacent words, and character 3- to 5-grams of each
/// word with boundary marks (`<puppy>` → `<pu`, `pup`, …, `py>`) — and each feature is hashed
/// with a fixed function (FNV-1a 64 plus a final mix, never Swift's per-process seeded `Hasher`)
/// into one of `dimensions` buckets with a hash-derived sign, so collisions cancel out on
/// average instead of piling up. Repeated features count sublinearly (1 + ln tf) and the vector
/// is L2-normalised, so the cosine of two vectors is their dot product.
///
/// What it captures is surface overlap that keyword search misses: inflections the stemmer does
/// not join, misspellings, compounds and shared word pairs ("adopting a puppy" is close to
/// "adopted a dog puppy", far from "quarterly tax report"). It knows nothing of synonyms; a
/// learned model configured in its place does.
///
/// Deterministic across processes, machines and versions of Swift: the same text always gives
/// the same vector, so vectors can be recomputed at any time instead of stored.
public struct HashingEmbedder: Embedder {
    /// How much each kind of feature contributes before normalisation.
    public struct Weights: Sendable, Hashable {
        /// Stemmed words.
        public var word: Float
        /// Adjacent pairs of stemmed words (stop words removed first).
        public var wordPair: Float
        /// Each character n-gram of a word.
        public var characterGram: Float
        /// Shortest and longest character n-gram.
        public var gramLengths: ClosedRange<Int>

        public init(word: Float = 1, wordPair: Float = 0.1, characterGram: Float = 0.25, gramLengths: ClosedRange<Int> = 3...5) {
            self.word = word
            self.wordPair = wordPair
            self.characterGram = characterGram
            self.gramLengths = max(1, gramLengths.lowerBound)...max(1, gramLengths.upperBound)
        }

        /// The built-in defaults, chosen on the LoCoMo dev set (see `memos-bench locomo`).
        public static let standard = Weights()
    }

    public let dimensions: Int
    public let weights: Weights
    public let identifier: String
    private let tokenizer = TextTokenizer()

    /// `dimensions` is clamped to at least 16. The identifier names the dimensions (and the
    /// weights when they are not the defaults), so vectors made with other settings are never mixed.
    public init(dimensions: Int = 256, weights: Weights = .standard) {
        let dimensions = max(16, dimensions)
        self.dimensions = dimensions
        self.weights = weights
        if weights == .standard {
            identifier = "builtin-hashing-v1-\(dimensions)"
        } else {
            var hash = FeatureHash()
            hash.add("\(weights.word)|\(weights.wordPair)|\(weights.characterGram)|\(weights.gramLengths)")
            identifier = "builtin-hashing-v1-\(dimensions)-" + String(hash.finish() & 0xFFFF_FFFF, radix: 16)
        }
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { embed($0) }
    }

    /// The vector of one text, synchronously: cheap enough to call on the indexing path.
    /// A text without any feature gives the zero vector.
    public func embed(_ text: String) -> [Float] {
        var words: [UInt64] = []
        var pairs: [UInt64] = []
        var grams: [UInt64] = []
        var previousTerm: UInt64?
        let gramLengths = weights.gramLengths
        let wantGrams = weights.characterGram != 0
        let wantPairs = weights.wordPair != 0

        tokenizer.forEachTerm(in: text) { term, surface in
            var termHash = FeatureHash(namespace: 1)
            termHash.add(term)
            let termValue = termHash.value
            words.append(termHash.finish())
            if wantPairs, let previous = previousTerm {
                var pair = FeatureHash(namespace: 2)
                pair.add(previous)
                pair.add(termValue)
                pairs.append(pair.finish())
            }
            previousTerm = termValue

            guard wantGrams else { return }
            if let first = surface.unicodeScalars.first, TextTokenizer.isCJK(first.value) { return }
            var bytes = Array(surface.utf8)
            bytes.insert(UInt8(ascii: "<"), at: 0)
            bytes.append(UInt8(ascii: ">"))
            for length in gramLengths where length <= bytes.count {
                for start in 0...(bytes.count - length) {
                    var gram = FeatureHash(namespace: 3)
                    for offset in start..<(start + length) { gram.add(byte: bytes[offset]) }
                    grams.append(gram.finish())
                }
            }
        }

        var vector = [Float](repeating: 0, count: dimensions)
        let modulus = UInt64(dimensions)
        func accumulate(_ features: inout [UInt64], weight: Float) {
            guard !features.isEmpty, weight != 0 else { return }
            features.sort()
            var start = 0
            while start < features.count {
                let feature = features[start]
                var end = start + 1
                while end < features.count, features[end] == feature { end += 1 }
                let value = weight * (1 + logf(Float(end - start)))
                let bucket = Int((feature >> 1) % modulus)
                vector[bucket] += feature & 1 == 0 ? value : -value
                start = end
            }
        }
        accumulate(&words, weight: weights.word)
        accumulate(&pairs, weight: weights.wordPair)
        accumulate(&grams, weight: weights.characterGram)

        var norm: Float = 0
        for value in vector { norm += value * value }
        guard norm > 0 else { return vector }
        let scale = 1 / norm.squareRoot()
        for index in vector.indices { vector[index] *= scale }
        return vector
    }
}

/// FNV-1a 64 with a SplitMix64 finaliser: stable across runs and platforms (unlike `Hasher`),
/// and the finaliser spreads short keys over all 64 bits so bucket and sign are independent.
struct FeatureHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    init() {}

    /// A namespace byte keeps a word and a character n-gram with the same bytes apart.
    init(namespace: UInt8) {
        add(byte: namespace)
    }

    mutating func add(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01b3
    }

    mutating func add(_ string: String) {
        for byte in string.utf8 { add(byte: byte) }
        add(byte: 0xFF)  // terminator: ("ab", "c") and ("a", "bc") differ
    }

    mutating func add(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { add(byte: UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }

    func finish() -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
