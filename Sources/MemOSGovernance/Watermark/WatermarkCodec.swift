import Crypto
import Foundation

/// Invisible, keyed marks in memory text handed to callers, so a leaked excerpt names its source.
///
/// A mark is a 40-bit random id (the audit record maps it to tenant, recipient, request and
/// time) followed by a 24-bit truncated HMAC of the id, written as 22 zero-width characters of
/// 3 bits each. The MAC makes marks unforgeable without the key and lets decoding reject stray
/// invisible characters. Marks are repeated through the text so any ~100-character excerpt
/// carries a complete one.
public struct WatermarkCodec: Sendable {
    /// Characters per mark: 64 bits at 3 bits each (the leading digit carries a single bit).
    static let markLength = 22
    /// Largest run of visible characters left between marks where the text allows it: a window
    /// of 120 characters, counting the marks' own, then always holds a whole one (77 + 2 × 22 − 1).
    static let maxGap = 72
    /// The first mark goes after the first word if that ends within this many characters.
    static let firstMarkLimit = 40
    static let idMask: UInt64 = (1 << 40) - 1
    /// Domain separation, so these MACs can never be confused with another use of the key.
    private static let macDomain = Data("memos-watermark-v1".utf8)

    /// The eight digits, in value order. All are invisible, default-ignorable format characters
    /// that ordinary prose never contains (invisible math operators, deprecated shaping
    /// controls); ZWJ/ZWNJ are avoided because emoji and Persian use them, and ZWSP / word joiner
    /// because real text does. Each is its own grapheme cluster, so inserting one never merges
    /// with, or splits, the characters around it.
    static let digits: [Unicode.Scalar] = [
        "\u{2061}", "\u{2062}", "\u{2063}", "\u{2064}", "\u{206A}", "\u{206B}", "\u{206C}", "\u{206D}",
    ]
    private static let digitValues: [Unicode.Scalar: UInt64] = Dictionary(
        uniqueKeysWithValues: digits.enumerated().map { ($0.element, UInt64($0.offset)) })

    /// Every scalar a mark may use; anything else in the text is left alone.
    public static let invisibleScalars: Set<Unicode.Scalar> = Set(digits)

    private let key: SymmetricKey

    /// Takes a dedicated key (e.g. `MasterKey.derive(purpose:)`): whoever holds it can mint marks.
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// A fresh random mark id, to be recorded in the audit trail with who received which response.
    public static func newMarkID() -> UInt64 {
        UInt64.random(in: 0...idMask)
    }

    /// The 22 invisible characters encoding `id` (only its low 40 bits are kept) and its MAC.
    public func markString(_ id: UInt64) -> String {
        let id = id & Self.idMask
        var value = id << 24 | UInt64(mac(id))
        var scalars = [Unicode.Scalar](repeating: Self.digits[0], count: Self.markLength)
        for index in stride(from: Self.markLength - 1, through: 0, by: -1) {
            scalars[index] = Self.digits[Int(value & 7)]
            value >>= 3
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    /// `text` with a mark inserted after its first word and then at most every ~72 visible
    /// characters, only at word boundaries (after whitespace, or between two characters of a
    /// script written without spaces, such as Chinese or Japanese), so words and URLs stay whole.
    ///
    /// Old marks are stripped first, so re-marking text never piles marks up. A text with no
    /// boundary at all gets its mark at the end (or the start, if its first word is long).
    public func embed(_ text: String, markID: UInt64) -> String {
        let characters = Array(Self.strip(text))
        let mark = markString(markID)
        let positions = Self.markPositions(in: characters)
        var output = ""
        output.reserveCapacity(text.utf8.count + positions.count * mark.utf8.count)
        var next = positions.makeIterator()
        var position = next.next()
        for index in 0...characters.count {
            if index == position {
                output += mark
                position = next.next()
            }
            if index < characters.count {
                output.append(characters[index])
            }
        }
        return output
    }

    /// The distinct valid mark ids in `text`, in order of first appearance.
    ///
    /// Only runs of exactly one mark's length count, and only if their MAC verifies, so
    /// truncated marks at an excerpt's edges, random invisible runs and forgeries are ignored.
    public func decode(_ text: String) -> [UInt64] {
        var found: [UInt64] = []
        var run: [UInt64] = []
        func finishRun() {
            if run.count == Self.markLength, let id = verify(run), !found.contains(id) {
                found.append(id)
            }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if let digit = Self.digitValues[scalar] {
                run.append(digit)
            } else if !run.isEmpty {
                finishRun()
            }
        }
        finishRun()
        return found
    }

    /// `text` without any mark character: what the caller would see, and what fingerprints use.
    public static func strip(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { !invisibleScalars.contains($0) })
        return String(scalars)
    }

    // MARK: Internals

    private func mac(_ id: UInt64) -> UInt32 {
        var message = Self.macDomain
        for shift in stride(from: 32, through: 0, by: -8) {
            message.append(UInt8(truncatingIfNeeded: id >> UInt64(shift)))
        }
        let code = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        return UInt32(code[0]) << 16 | UInt32(code[1]) << 8 | UInt32(code[2])
    }

    private func verify(_ digits: [UInt64]) -> UInt64? {
        // 22 digits hold 66 bits; a mark uses 64, so the leading digit must be 0 or 1.
        guard digits[0] <= 1 else { return nil }
        let value = digits.reduce(UInt64(0)) { $0 << 3 | $1 }
        let id = value >> 24
        let expected = mac(id)
        let given = UInt32(truncatingIfNeeded: value & 0xFF_FFFF)
        // Constant time, so timing says nothing about how close a forgery came.
        return (expected ^ given) == 0 ? id : nil
    }

    /// Offsets (in characters of the unmarked text) before which a mark is inserted.
    static func markPositions(in characters: [Character]) -> [Int] {
        let count = characters.count
        guard count > 0 else { return [0] }
        // The end is always a safe place; offset 0 only serves when the first word is long.
        let candidates = (1...count).filter { $0 == count || isBoundary(characters[$0 - 1], characters[$0]) }
        let first = candidates[0] <= firstMarkLimit ? candidates[0] : 0
        var positions = [first]
        var last = first
        var cursor = candidates.firstIndex { $0 > last } ?? candidates.count
        while count - last > maxGap, cursor < candidates.count {
            // The furthest boundary within reach; failing that (a very long word), the next one.
            var chosen = cursor
            while chosen + 1 < candidates.count, candidates[chosen + 1] - last <= maxGap {
                chosen += 1
            }
            last = candidates[chosen]
            positions.append(last)
            cursor = chosen + 1
        }
        return positions
    }

    /// Whether a mark may sit between `before` and `after` without splitting a word.
    static func isBoundary(_ before: Character, _ after: Character) -> Bool {
        before.isWhitespace || (UnspacedScript.contains(before) && UnspacedScript.contains(after))
    }
}

/// Scripts written without spaces between words (Han, kana, Thai, Lao) and their punctuation:
/// there, any two characters are a word boundary, and text is shingled by characters.
enum UnspacedScript {
    static func contains(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x0E00...0x0EFF,  // Thai, Lao
            0x2E80...0x2FDF,  // CJK and Kangxi radicals
            0x3000...0x30FF,  // CJK symbols and punctuation, Hiragana, Katakana
            0x3100...0x9FFF,  // Bopomofo, CJK strokes, enclosed and compatibility CJK, ideographs
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFE30...0xFE4F,  // CJK compatibility forms
            0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF9F,  // full-width punctuation, half-width kana
            0x20000...0x3FFFF:  // ideograph extensions
            return true
        default:
            return false
        }
    }
}
