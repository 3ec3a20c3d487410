import Foundation

/// BERT's uncased WordPiece tokenizer, matching the Hugging Face tokenizer of all-MiniLM-L6-v2
/// id for id: special tokens written in the text are kept, the rest is cleaned (control
/// characters dropped, whitespace unified), CJK ideographs split, accents stripped (NFD without
/// nonspacing marks), lowercased, split on whitespace and punctuation, and each word split
/// greedily into the longest vocabulary pieces ("##" marks a continuation); a word with a piece
/// outside the vocabulary, or longer than 100 characters, becomes `[UNK]`.
struct WordPieceTokenizer: Sendable {
    let vocabulary: Vocabulary
    /// Longest sequence produced, `[CLS]` and `[SEP]` included.
    let maxTokens: Int

    static let maxCharactersPerWord = 100

    init(vocabulary: Vocabulary, maxTokens: Int = MiniLM.maxTokens) {
        self.vocabulary = vocabulary
        self.maxTokens = maxTokens
    }

    /// `[CLS] tokens… [SEP]`, truncated to `maxTokens`.
    func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [vocabulary.classifier]
        let limit = maxTokens - 1
        forEachSegment(of: text) { segment in
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let scalars):
                for word in words(of: normalize(scalars)) {
                    appendPieces(of: word, to: &ids)
                    if ids.count >= limit { return false }
                }
            }
            return ids.count < limit
        }
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        ids.append(vocabulary.separator)
        return ids
    }

    /// The word pieces of `text` as strings, without `[CLS]`/`[SEP]` or truncation (for tests
    /// and diagnostics).
    func tokens(_ text: String) -> [String] {
        var ids: [Int32] = []
        forEachSegment(of: text) { segment in
            switch segment {
            case .special(let id): ids.append(id)
            case .text(let scalars): for word in words(of: normalize(scalars)) { appendPieces(of: word, to: &ids) }
            }
            return true
        }
        return ids.map { vocabulary.tokens[Int($0)] }
    }

    // MARK: Special tokens

    private enum Segment {
        case special(Int32)
        case text(ArraySlice<Unicode.Scalar>)
    }

    /// Splits the raw text at special tokens written verbatim (`[SEP]`, …, case-sensitive,
    /// leftmost first), calling `body` in order until it returns false.
    private func forEachSegment(of text: String, _ body: (Segment) -> Bool) {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var index = 0
        while index < scalars.count {
            if scalars[index] == "[", let (length, id) = specialToken(in: scalars, at: index) {
                if index > start, !body(.text(scalars[start..<index])) { return }
                if !body(.special(id)) { return }
                index += length
                start = index
            } else {
                index += 1
            }
        }
        if start < scalars.count { _ = body(.text(scalars[start...])) }
    }

    private func specialToken(in scalars: [Unicode.Scalar], at index: Int) -> (Int, Int32)? {
        var best: (Int, Int32)?
        for special in vocabulary.special where special.text.count > (best?.0 ?? 0) {
            let end = index + special.text.count
            if end <= scalars.count, scalars[index..<end].elementsEqual(special.text) {
                best = (special.text.count, special.id)
            }
        }
        return best
    }

    // MARK: Normalisation

    /// Cleaning, CJK spacing, accent stripping and lowercasing, in the reference's order.
    private func normalize(_ scalars: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(scalars.count + 8)
        var ascii = true
        for scalar in scalars {
            if BertCharacters.isRemoved(scalar) { continue }
            if BertCharacters.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if BertCharacters.isCJK(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                if !scalar.isASCII { ascii = false }
                cleaned.append(scalar)
            }
        }
        if ascii {
            for index in cleaned.indices where cleaned[index].value >= 0x41 && cleaned[index].value <= 0x5A {
                cleaned[index] = Unicode.Scalar(cleaned[index].value + 0x20)!
            }
            return cleaned
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: cleaned)
        let decomposed = String(view).decomposedStringWithCanonicalMapping
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(cleaned.count)
        for scalar in decomposed.unicodeScalars where !BertCharacters.isNonspacingMark(scalar) {
            if scalar.isASCII || !scalar.properties.changesWhenLowercased {
                result.append(scalar.isASCII && scalar.value >= 0x41 && scalar.value <= 0x5A
                    ? Unicode.Scalar(scalar.value + 0x20)! : scalar)
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Splits at whitespace (dropped) and punctuation (kept as one-character words).
    private func words(of scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (index, scalar) in scalars.enumerated() {
            if BertCharacters.isWhitespace(scalar) {
                if index > start { words.append(scalars[start..<index]) }
                start = index + 1
            } else if BertCharacters.isPunctuation(scalar) {
                if index > start { words.append(scalars[start..<index]) }
                words.append(scalars[index...index])
                start = index + 1
            }
        }
        if start < scalars.count { words.append(scalars[start...]) }
        return words
    }

    // MARK: WordPiece

    /// Greedy longest-match-first pieces of one word, or `[UNK]` for the whole word.
    private func appendPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        guard word.count <= Self.maxCharactersPerWord else {
            ids.append(vocabulary.unknown)
            return
        }
        let mark = ids.count
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var found: Int32?
            while end > start {
                var piece = start == word.startIndex ? "" : "##"
                piece.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary.ids[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.removeLast(ids.count - mark)
                ids.append(vocabulary.unknown)
                return
            }
            ids.append(found)
            start = end
        }
    }
}
