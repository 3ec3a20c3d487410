/// BERT's character classes, as the Hugging Face `BertNormalizer` and `BertPreTokenizer`
/// define them (the tokenizer the reference vectors were made with).
enum BertCharacters {
    /// Whitespace: tab, newline, carriage return and every `White_Space` character.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20: true
        case 0...0x7F: false
        default: scalar.properties.isWhitespace
        }
    }

    /// Dropped while cleaning: NUL, U+FFFD and control, format and private-use characters
    /// (not unassigned ones), except tab, newline and carriage return, which count as whitespace.
    static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0, 0xFFFD: return true
        case 0x20...0x7E: return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    /// CJK ideographs, which BERT surrounds with spaces so each becomes its own word.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default: false
        }
    }

    /// Punctuation splits words: all ASCII punctuation and symbols (`$`, `+`, `^`, `` ` ``, …)
    /// and every Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        case 0...0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default: return false
            }
        }
    }

    /// Nonspacing marks (Mn), removed after canonical decomposition to strip accents.
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && scalar.properties.generalCategory == .nonspacingMark
    }
}
