import Foundation

/// The WordPiece vocabulary: one token per line of `vocab.txt`, its id being the line number.
struct Vocabulary: Sendable {
    let tokens: [String]
    let ids: [String: Int32]
    let unknown: Int32
    let classifier: Int32
    let separator: Int32
    /// Special tokens matched verbatim in the raw text, as the reference tokenizer does.
    let special: [(text: [Unicode.Scalar], id: Int32)]

    static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// Parses `text`; `path` only names the file in errors.
    init(text: String, path: String, expectedCount: Int) throws(MiniLMError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count == expectedCount else {
            throw .malformedVocabulary(path: path, reason: "\(lines.count) tokens, the model needs \(expectedCount)")
        }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(lines.count)
        for (index, token) in lines.enumerated() { ids[token] = Int32(index) }
        var special: [(text: [Unicode.Scalar], id: Int32)] = []
        for token in Self.specialTokens {
            guard let id = ids[token] else {
                throw .malformedVocabulary(path: path, reason: "the special token \(token) is missing")
            }
            special.append((Array(token.unicodeScalars), id))
        }
        self.tokens = lines
        self.ids = ids
        self.special = special
        unknown = ids["[UNK]"]!
        classifier = ids["[CLS]"]!
        separator = ids["[SEP]"]!
    }
}
