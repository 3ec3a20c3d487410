import Foundation

/// A detected PII span as kept (sealed) with a memory.
///
/// Offsets count UTF-8 bytes of the memory text: unlike `String.Index` they survive JSON round
/// trips, and unlike UTF-16 offsets they match how the text is stored.
public struct PIISpan: Sendable, Hashable, Codable {
    public let kind: PIIKind
    /// Byte offset of the first byte of the value.
    public let start: Int
    /// Length of the value in bytes.
    public let length: Int

    public init(kind: PIIKind, start: Int, length: Int) {
        self.kind = kind
        self.start = start
        self.length = length
    }

    /// The spans of detector matches found in `text` (the matches must come from this text).
    public static func spans(of matches: [PIIMatch], in text: String) -> [PIISpan] {
        matches.map { match in
            let bytes = text.utf8.byteRange(of: match.range)
            return PIISpan(kind: match.kind, start: bytes.lowerBound, length: bytes.count)
        }
    }

    /// Where the span lies in `text`, or `nil` if it does not fit: empty, out of bounds, or not
    /// on Unicode scalar boundaries. A span that does not fit is stale (the text changed after
    /// detection), and must not be trusted to locate the value.
    public func range(in text: String) -> Range<String.Index>? {
        let utf8 = text.utf8
        guard start >= 0, length > 0, start <= utf8.count, length <= utf8.count - start else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        let upper = utf8.index(lower, offsetBy: length)
        guard let from = String.Index(lower, within: text.unicodeScalars),
            let to = String.Index(upper, within: text.unicodeScalars)
        else { return nil }
        return from..<to
    }
}

extension String.UTF8View {
    /// Byte offsets of a range of indices of this string.
    func byteRange(of range: Range<String.Index>) -> Range<Int> {
        let lower = distance(from: startIndex, to: range.lowerBound)
        return lower..<(lower + distance(from: range.lowerBound, to: range.upperBound))
    }
}
