import Crypto
import Foundation

/// Keyed fingerprints of memory text, so a leaked excerpt whose watermark was stripped can still
/// be traced to the memory it came from (and, through the audit trail, to who received it).
///
/// Text is normalised (marks removed, NFKC, lowercase, punctuation and spacing folded), cut into
/// overlapping shingles of `shingleWords` words (8 characters in scripts written without spaces),
/// each hashed with HMAC-SHA256 under a server key (so stored hashes reveal nothing about the
/// text and cannot be matched by anyone without the key), then winnowed: the minimum of every
/// `window` consecutive hashes is kept. Any stretch of text shared with the source, long enough
/// to hold `window` shingles, therefore shares at least one selected hash with it.
///
/// The HMAC yields two independent 63-bit hashes per shingle, winnowed separately: twice the
/// samples, so one edited word in a short excerpt swings the overlap score far less.
public struct TextFingerprinter: Sendable {
    /// Weights making a shingle `shingleWords` words, or 8 characters of an unspaced script.
    private static let wordWeight = 8
    private static let characterWeight = 5
    /// Independent hashes per shingle (at most 4: 8 bytes each of the 32-byte HMAC).
    private static let families = 2
    private static let domain = Data("memos-fingerprint-v1\u{0}".utf8)

    private let key: SymmetricKey
    private let threshold: Int
    private let window: Int

    /// Takes a dedicated key; the defaults suit excerpts of ~100 characters (about 17 words).
    public init(key: SymmetricKey, shingleWords: Int = 5, window: Int = 4) {
        self.key = key
        self.threshold = max(1, shingleWords) * Self.wordWeight
        self.window = max(1, window)
    }

    /// The winnowed shingle hashes of `text`: sorted, unique, each in 0...Int64.max (a positive
    /// SQLite INTEGER). Text too short for one shingle yields the hash of all of it; text with
    /// no letters or digits yields nothing.
    public func fingerprint(_ text: String) -> [Int64] {
        let units = Self.units(of: text)
        guard !units.isEmpty else { return [] }
        // A word at either edge may be the cut-off fragment of an excerpt; leaving edge words out
        // on both sides keeps the excerpt's shingles identical to the source's.
        var trimmed = units[...]
        if trimmed.first?.isWord == true { trimmed = trimmed.dropFirst() }
        if trimmed.last?.isWord == true { trimmed = trimmed.dropLast() }
        let body = weight(of: trimmed) >= threshold ? trimmed : units[...]
        guard weight(of: body) >= threshold else {
            return [hashes(units.map(\.text).joined(separator: " "))[0]]
        }
        return Array(Set(shingleHashes(body).flatMap(winnow))).sorted()
    }

    /// The fraction of an excerpt's hashes found in a memory's fingerprint: 1 for a verbatim
    /// excerpt, typically about half for one with a word changed, near 0 for unrelated text.
    public static func overlap(excerpt: [Int64], memory: Set<Int64>) -> Double {
        let hashes = Set(excerpt)
        guard !hashes.isEmpty else { return 0 }
        return Double(hashes.filter(memory.contains).count) / Double(hashes.count)
    }

    // MARK: Internals

    struct Unit {
        var text: String
        var isWord: Bool
        var weight: Int { isWord ? TextFingerprinter.wordWeight : TextFingerprinter.characterWeight }
    }

    /// Words, and single characters of unspaced scripts, of the normalised text.
    static func units(of text: String) -> [Unit] {
        let folded = WatermarkCodec.strip(text).precomposedStringWithCompatibilityMapping.lowercased()
            .precomposedStringWithCompatibilityMapping
        var units: [Unit] = []
        var word = ""
        func flush() {
            if !word.isEmpty {
                units.append(Unit(text: word, isWord: true))
                word = ""
            }
        }
        for character in folded {
            guard character.isLetter || character.isNumber else {
                flush()
                continue
            }
            if UnspacedScript.contains(character) {
                flush()
                units.append(Unit(text: String(character), isWord: false))
            } else {
                word.append(character)
            }
        }
        flush()
        return units
    }

    private func weight(of units: ArraySlice<Unit>) -> Int {
        units.reduce(0) { $0 + $1.weight }
    }

    /// Per hash family, one hash per position: of the shortest run of units starting there that
    /// reaches the threshold.
    private func shingleHashes(_ units: ArraySlice<Unit>) -> [[Int64]] {
        var families: [[Int64]] = Array(repeating: [], count: Self.families)
        var start = units.startIndex
        var end = start
        var weight = 0
        while start < units.endIndex {
            while weight < threshold, end < units.endIndex {
                weight += units[end].weight
                end += 1
            }
            guard weight >= threshold else { break }
            for (family, value) in hashes(units[start..<end].map(\.text).joined(separator: " ")).enumerated() {
                families[family].append(value)
            }
            weight -= units[start].weight
            start += 1
        }
        return families
    }

    /// Robust winnowing: the minimum of each window (the single minimum if fewer than a window).
    private func winnow(_ hashes: [Int64]) -> [Int64] {
        guard hashes.count > window else { return hashes.min().map { [$0] } ?? [] }
        return (0...(hashes.count - window)).compactMap { hashes[$0..<($0 + window)].min() }
    }

    /// `families` 63-bit values (non-negative Int64s) cut from one HMAC-SHA256 of the shingle.
    private func hashes(_ shingle: String) -> [Int64] {
        var message = Self.domain
        message.append(contentsOf: shingle.utf8)
        let code = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        return (0..<Self.families).map { family in
            let value = code[(family * 8)..<(family * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Int64(bitPattern: value & UInt64(Int64.max))
        }
    }
}
