import Foundation

/// Turns text into the terms that keyword search compares, so that a stored memory and a query
/// worded differently ("ran", "running", "Café", "cafe") still meet on the same terms.
///
/// The same tokenizer must be used for indexing and for querying: a term only matches if both
/// sides normalised it identically. The rules are deliberately simple and deterministic (no
/// dictionaries, no locale), so results do not depend on the machine or on the OS version:
///
/// - Text is lowercased and split on anything that is neither a letter nor a digit; digits are
///   kept ("2023") because dates, versions and amounts are often exactly what a user looks for.
/// - Latin diacritics are folded (é → e, ß → ss), since users type names with and without them.
/// - Common English stop words are dropped; they would otherwise match almost every memory.
/// - Purely alphabetic ASCII words longer than two letters go through the Porter stemmer, so
///   inflections share a term.
/// - Han, Kana and Hangul are written without spaces between words, so each run of such
///   characters becomes overlapping character bigrams, the usual dictionary-free way to make
///   CJK text searchable ("我喜欢猫" → "我喜", "喜欢", "欢猫").
public struct TextTokenizer: Sendable {
    /// Stateless: every instance tokenizes identically, so creating one per index is free.
    public init() {}

    /// The search terms of `text`, in the order they occur; repeated words repeat, because term
    /// frequency is part of how BM25 weighs a document.
    public func tokens(_ text: String) -> [String] {
        var output: [String] = []
        output.reserveCapacity(text.utf8.count / 6 + 1)
        forEachTerm(in: text) { term, _ in output.append(term) }
        return output
    }

    /// How often each term occurs in `text`: what an inverted index stores per document, computed
    /// without materialising the intermediate token array.
    public func termFrequencies(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        forEachTerm(in: text) { term, _ in counts[term, default: 0] += 1 }
        return counts
    }

    /// The Porter (1980) stem of a lowercase ASCII word; exposed so callers and tests can check
    /// which surface forms will be treated as the same term. Words of one or two letters and
    /// anything that is not lowercase ASCII letters are returned unchanged.
    public static func porterStem(_ word: String) -> String {
        PorterStemmer.stem(word)
    }

    /// English words too common to say anything about which memory is relevant.
    static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
        "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
        "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
        "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
        "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
        "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
        "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
        "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
        "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
        "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
        "yourselves",
        // Fragments left when contractions ("don't", "she'll", "it's") are split at the apostrophe.
        "s", "t", "d", "ll", "m", "re", "ve", "don", "didn", "doesn", "isn", "wasn", "aren", "weren",
        "won", "wouldn", "shouldn", "couldn", "hasn", "haven", "hadn",
    ]

    // MARK: - Scanning

    /// Walks the text once, handing each finished term to `emit` together with its surface form
    /// (the lowercased, folded word before stemming; for CJK the bigram itself). Every entry point
    /// shares it so `tokens`, `termFrequencies` and the hashing embedder can never disagree.
    func forEachTerm(in text: String, _ emit: (_ term: String, _ surface: String) -> Void) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            forEachASCIIToken(in: text, emit)
            return
        }
        // NFC first so "e" + combining acute and the precomposed "é" are folded the same way.
        let normalized = text.precomposedStringWithCanonicalMapping

        var word = String.UnicodeScalarView()
        var wordIsASCIILetters = true
        var cjkRun: [Unicode.Scalar] = []

        func flushWord() {
            guard !word.isEmpty else { return }
            let token = String(word)
            let stemmable = wordIsASCIILetters
            word = String.UnicodeScalarView()
            wordIsASCIILetters = true
            if Self.stopWords.contains(token) { return }
            emit(stemmable ? PorterStemmer.stem(token) : token, token)
        }

        func flushCJK() {
            guard !cjkRun.isEmpty else { return }
            if cjkRun.count == 1 {
                let single = String(Character(cjkRun[0]))
                emit(single, single)
            } else {
                for index in 0..<(cjkRun.count - 1) {
                    var pair = String.UnicodeScalarView()
                    pair.append(cjkRun[index])
                    pair.append(cjkRun[index + 1])
                    let bigram = String(pair)
                    emit(bigram, bigram)
                }
            }
            cjkRun.removeAll(keepingCapacity: true)
        }

        func appendToWord(_ scalar: Unicode.Scalar) {
            let value = scalar.value
            if !((0x61...0x7A).contains(value)) { wordIsASCIILetters = false }
            word.append(scalar)
        }

        for original in normalized.unicodeScalars {
            var scalar = original
            // Fullwidth forms of ASCII (common in CJK input) mean the same as their ASCII letters.
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalar = ascii
            }
            let value = scalar.value

            if value < 0x80 {
                flushCJK()
                switch value {
                case 0x61...0x7A, 0x30...0x39:
                    appendToWord(scalar)
                case 0x41...0x5A:
                    appendToWord(Unicode.Scalar(UInt8(value + 0x20)))
                default:
                    flushWord()
                }
                continue
            }

            if Self.isCJK(value) {
                flushWord()
                cjkRun.append(scalar)
                continue
            }

            let properties = scalar.properties
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                flushCJK()
                appendFolded(scalar, properties: properties, to: appendToWord)
            case .decimalNumber:
                flushCJK()
                // Arabic-Indic, Devanagari, … digits mean the same numbers as ASCII digits.
                if let digit = properties.numericValue, digit >= 0, digit <= 9 {
                    appendToWord(Unicode.Scalar(UInt8(0x30 + Int(digit))))
                } else {
                    appendToWord(scalar)
                }
            case .letterNumber, .otherNumber:
                flushCJK()
                appendToWord(scalar)
            case .nonspacingMark, .spacingMark, .enclosingMark:
                // Latin accents left over after NFC are folded away; marks of other scripts
                // (Devanagari vowel signs, …) are part of the word and must stay in it.
                if !Self.isFoldableMark(value), !word.isEmpty {
                    appendToWord(scalar)
                }
            default:
                flushWord()
                flushCJK()
            }
        }
        flushWord()
        flushCJK()
    }

    /// The same rules as the general path, specialised to ASCII bytes: most memories are plain
    /// English, and indexing a large cube at startup tokenizes every one of them.
    private func forEachASCIIToken(in text: String, _ emit: (_ term: String, _ surface: String) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var lettersOnly = true
        func flush() {
            guard !word.isEmpty else { return }
            defer {
                word.removeAll(keepingCapacity: true)
                lettersOnly = true
            }
            let token = String(decoding: word, as: UTF8.self)
            if Self.stopWords.contains(token) { return }
            emit(lettersOnly && word.count > 2 ? PorterStemmer.stem(lowercaseASCII: word) : token, token)
        }
        for byte in text.utf8 {
            switch byte {
            case 0x61...0x7A:
                word.append(byte)
            case 0x41...0x5A:
                word.append(byte + 0x20)
            case 0x30...0x39:
                word.append(byte)
                lettersOnly = false
            default:
                flush()
            }
        }
        flush()
    }

    /// Lowercases a non-ASCII letter and strips its diacritics, so "Ångström" indexes as
    /// "angstrom".
    private func appendFolded(
        _ scalar: Unicode.Scalar, properties: Unicode.Scalar.Properties, to append: (Unicode.Scalar) -> Void
    ) {
        for lower in properties.lowercaseMapping.unicodeScalars {
            if lower.value < 0x80 {
                append(lower)
            } else if let replacement = Self.specialFolds[lower.value] {
                replacement.unicodeScalars.forEach(append)
            } else {
                let decomposed = String(lower).decomposedStringWithCanonicalMapping.unicodeScalars
                for part in decomposed where !Self.isFoldableMark(part.value) {
                    append(part)
                }
            }
        }
    }

    /// Latin letters that carry a "diacritic" without a canonical decomposition.
    private static let specialFolds: [UInt32: String] = [
        0x00DF: "ss",  // ß
        0x00E6: "ae",  // æ
        0x0153: "oe",  // œ
        0x00F8: "o",  // ø
        0x0111: "d",  // đ
        0x00F0: "d",  // ð
        0x00FE: "th",  // þ
        0x0142: "l",  // ł
        0x0131: "i",  // dotless ı
    ]

    /// Combining marks that are accents on Latin, Greek or Cyrillic letters.
    private static func isFoldableMark(_ value: UInt32) -> Bool {
        (0x0300...0x036F).contains(value) || (0x1AB0...0x1AFF).contains(value)
            || (0x1DC0...0x1DFF).contains(value) || (0x20D0...0x20FF).contains(value)
            || (0xFE20...0xFE2F).contains(value)
    }

    /// Scripts written without spaces between words, which get bigram treatment.
    static func isCJK(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x11FF,  // Hangul Jamo
            0x2E80...0x2FDF,  // CJK radicals, Kangxi radicals
            0x3005...0x3007,  // 々 〆 〇
            0x3041...0x309F,  // Hiragana (with voicing marks)
            0x30A1...0x30FA, 0x30FC...0x30FF,  // Katakana, without ・ (a punctuation mark)
            0x3131...0x318F,  // Hangul compatibility Jamo
            0x31F0...0x31FF,  // Katakana phonetic extensions
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xA960...0xA97F,  // Hangul Jamo extended A
            0xAC00...0xD7AF,  // Hangul syllables
            0xD7B0...0xD7FF,  // Hangul Jamo extended B
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFF66...0xFF9F,  // Halfwidth Katakana
            0xFFA0...0xFFDC,  // Halfwidth Hangul
            0x20000...0x323AF:  // CJK extensions B–H and compatibility supplement
            return true
        default:
            return false
        }
    }
}

// MARK: - Porter stemmer

/// M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980 — the published rules,
/// steps 1a to 5b, operating on lowercase ASCII bytes.
///
/// Follows the structure of Porter's reference implementation but with the rules as published
/// (step 2 uses "abli" → "able" and has no "logi" rule), so its output matches the paper.
enum PorterStemmer {
    static func stem(_ word: String) -> String {
        let bytes = Array(word.utf8)
        guard bytes.count > 2, bytes.allSatisfy({ (0x61...0x7A).contains($0) }) else { return word }
        return stem(lowercaseASCII: bytes)
    }

    /// Stems a word the caller already knows is more than two lowercase ASCII letters.
    static func stem(lowercaseASCII bytes: [UInt8]) -> String {
        var stemmer = Stemmer(b: bytes)
        stemmer.run()
        return String(decoding: stemmer.b[0...stemmer.k], as: UTF8.self)
    }

    private struct Stemmer {
        /// The word being stemmed; only `b[0...k]` is live.
        var b: [UInt8]
        /// Index of the last live byte.
        var k: Int
        /// End of the stem once a suffix matched (set by `ends`).
        var j = 0

        init(b: [UInt8]) {
            self.b = b
            self.k = b.count - 1
        }

        mutating func run() {
            step1ab()
            if k > 0 {
                step1c()
                step2()
                step3()
                step4()
                step5()
            }
        }

        private static func bytes(_ string: StaticString) -> [UInt8] {
            Array(UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
        }

        /// Whether `b[i]` is a consonant in Porter's sense ("y" after a consonant is a vowel).
        private func isConsonant(_ i: Int) -> Bool {
            switch b[i] {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"):
                return false
            case UInt8(ascii: "y"):
                return i == 0 ? true : !isConsonant(i - 1)
            default:
                return true
            }
        }

        /// The measure m of `b[0...j]`: the number of VC sequences in [C](VC){m}[V].
        private func measure() -> Int {
            var n = 0
            var i = 0
            while true {
                if i > j { return n }
                if !isConsonant(i) { break }
                i += 1
            }
            i += 1
            while true {
                while true {
                    if i > j { return n }
                    if isConsonant(i) { break }
                    i += 1
                }
                i += 1
                n += 1
                while true {
                    if i > j { return n }
                    if !isConsonant(i) { break }
                    i += 1
                }
                i += 1
            }
        }

        /// *v*: the stem `b[0...j]` contains a vowel.
        private func vowelInStem() -> Bool {
            guard j >= 0 else { return false }
            for i in 0...j where !isConsonant(i) { return true }
            return false
        }

        /// *d: `b[i-1...i]` is a double consonant.
        private func doubleConsonant(_ i: Int) -> Bool {
            guard i >= 1, b[i] == b[i - 1] else { return false }
            return isConsonant(i)
        }

        /// *o: `b[i-2...i]` is consonant-vowel-consonant and the last is not w, x or y.
        private func cvc(_ i: Int) -> Bool {
            guard i >= 2, isConsonant(i), !isConsonant(i - 1), isConsonant(i - 2) else { return false }
            let last = b[i]
            return last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != UInt8(ascii: "y")
        }

        /// Whether `b[0...k]` ends with `suffix`; if so, `j` marks the end of the stem before it.
        private mutating func ends(_ suffix: StaticString) -> Bool {
            let length = suffix.utf8CodeUnitCount
            guard length <= k + 1 else { return false }
            let start = k - length + 1
            let matches = suffix.withUTF8Buffer { buffer in
                for offset in 0..<length where b[start + offset] != buffer[offset] { return false }
                return true
            }
            guard matches else { return false }
            j = k - length
            return true
        }

        /// Replaces `b[j+1...k]` with `replacement`.
        private mutating func setTo(_ replacement: StaticString) {
            let bytes = Self.bytes(replacement)
            b.replaceSubrange((j + 1)..<(k + 1), with: bytes)
            k = j + bytes.count
        }

        /// Replaces the suffix only when the remaining stem has m > 0.
        private mutating func replace(_ replacement: StaticString) {
            if measure() > 0 { setTo(replacement) }
        }

        private func last(_ offset: Int = 0) -> UInt8 { b[k - offset] }

        /// Step 1a (plurals) and 1b (-ed, -ing).
        private mutating func step1ab() {
            if last() == UInt8(ascii: "s") {
                if ends("sses") {
                    k -= 2
                } else if ends("ies") {
                    setTo("i")
                } else if last(1) != UInt8(ascii: "s") {
                    k -= 1
                }
            }
            if ends("eed") {
                if measure() > 0 { k -= 1 }
            } else if (ends("ed") || ends("ing")) && vowelInStem() {
                k = j
                if ends("at") {
                    setTo("ate")
                } else if ends("bl") {
                    setTo("ble")
                } else if ends("iz") {
                    setTo("ize")
                } else if doubleConsonant(k) {
                    let ch = b[k]
                    if ch != UInt8(ascii: "l"), ch != UInt8(ascii: "s"), ch != UInt8(ascii: "z") { k -= 1 }
                } else {
                    j = k
                    if measure() == 1 && cvc(k) { setTo("e") }
                }
            }
        }

        /// Step 1c: y → i when the stem has a vowel.
        private mutating func step1c() {
            if ends("y") && vowelInStem() { b[k] = UInt8(ascii: "i") }
        }

        /// Step 2: double suffixes to single ones, for m > 0.
        private mutating func step2() {
            guard k >= 1 else { return }
            switch last(1) {
            case UInt8(ascii: "a"):
                if ends("ational") { replace("ate") } else if ends("tional") { replace("tion") }
            case UInt8(ascii: "c"):
                if ends("enci") { replace("ence") } else if ends("anci") { replace("ance") }
            case UInt8(ascii: "e"):
                if ends("izer") { replace("ize") }
            case UInt8(ascii: "l"):
                if ends("abli") {
                    replace("able")
                } else if ends("alli") {
                    replace("al")
                } else if ends("entli") {
                    replace("ent")
                } else if ends("eli") {
                    replace("e")
                } else if ends("ousli") {
                    replace("ous")
                }
            case UInt8(ascii: "o"):
                if ends("ization") {
                    replace("ize")
                } else if ends("ation") {
                    replace("ate")
                } else if ends("ator") {
                    replace("ate")
                }
            case UInt8(ascii: "s"):
                if ends("alism") {
                    replace("al")
                } else if ends("iveness") {
                    replace("ive")
                } else if ends("fulness") {
                    replace("ful")
                } else if ends("ousness") {
                    replace("ous")
                }
            case UInt8(ascii: "t"):
                if ends("aliti") {
                    replace("al")
                } else if ends("iviti") {
                    replace("ive")
                } else if ends("biliti") {
                    replace("ble")
                }
            default:
                break
            }
        }

        /// Step 3: -ic-, -full, -ness etc., for m > 0.
        private mutating func step3() {
            switch last() {
            case UInt8(ascii: "e"):
                if ends("icate") {
                    replace("ic")
                } else if ends("ative") {
                    replace("")
                } else if ends("alize") {
                    replace("al")
                }
            case UInt8(ascii: "i"):
                if ends("iciti") { replace("ic") }
            case UInt8(ascii: "l"):
                if ends("ical") { replace("ic") } else if ends("ful") { replace("") }
            case UInt8(ascii: "s"):
                if ends("ness") { replace("") }
            default:
                break
            }
        }

        /// Step 4: strips -ant, -ence etc. when m > 1.
        private mutating func step4() {
            guard k >= 1 else { return }
            let matched: Bool
            switch last(1) {
            case UInt8(ascii: "a"): matched = ends("al")
            case UInt8(ascii: "c"): matched = ends("ance") || ends("ence")
            case UInt8(ascii: "e"): matched = ends("er")
            case UInt8(ascii: "i"): matched = ends("ic")
            case UInt8(ascii: "l"): matched = ends("able") || ends("ible")
            case UInt8(ascii: "n"): matched = ends("ant") || ends("ement") || ends("ment") || ends("ent")
            case UInt8(ascii: "o"):
                matched =
                    (ends("ion") && j >= 0 && (b[j] == UInt8(ascii: "s") || b[j] == UInt8(ascii: "t")))
                    || ends("ou")
            case UInt8(ascii: "s"): matched = ends("ism")
            case UInt8(ascii: "t"): matched = ends("ate") || ends("iti")
            case UInt8(ascii: "u"): matched = ends("ous")
            case UInt8(ascii: "v"): matched = ends("ive")
            case UInt8(ascii: "z"): matched = ends("ize")
            default: matched = false
            }
            if matched && measure() > 1 { k = j }
        }

        /// Step 5a (final -e) and 5b (-ll → -l), both conditioned on m.
        private mutating func step5() {
            j = k
            if last() == UInt8(ascii: "e") {
                let m = measure()
                if m > 1 || (m == 1 && !cvc(k - 1)) { k -= 1 }
            }
            j = k
            if last() == UInt8(ascii: "l") && doubleConsonant(k) && measure() > 1 { k -= 1 }
        }
    }
}
