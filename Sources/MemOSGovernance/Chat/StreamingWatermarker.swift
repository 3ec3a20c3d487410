import Foundation

/// Watermarks text that arrives in pieces (a streamed answer), so that the concatenated stream
/// carries marks the way `WatermarkCodec.embed` places them in whole text: one after the first
/// word, then one at a word boundary at least every `WatermarkCodec.maxGap` visible characters
/// where the words allow it. Pieces are held back only up to the next word boundary, so words
/// (and URLs) are never split by a mark and the caller sees text with little delay.
///
/// Invisible mark characters the model itself produced are dropped, so an answer can neither
/// carry a forged mark nor confuse the trace.
struct StreamingWatermarker {
    private let mark: String
    /// Text received but not yet released: it has no word boundary yet.
    private var pending: [Character] = []
    /// Visible characters released since the last mark (or since the start).
    private var sinceMark = 0
    private var marked = false
    /// The last released character, to decide whether the next one starts a new word.
    private var previous: Character?
    /// A mark is placed at the first boundary after this many visible characters; words are
    /// rarely longer than the rest of the gap, so gaps stay within `maxGap`.
    static let markAfter = WatermarkCodec.maxGap - 24

    init(codec: WatermarkCodec, markID: UInt64) {
        self.mark = codec.markString(markID)
    }

    /// The part of `piece` (with what was held back) that can be released now, marks included.
    mutating func feed(_ piece: String) -> String {
        pending.append(contentsOf: WatermarkCodec.strip(piece))
        // Release up to the last boundary: a mark may be needed there, and what follows may
        // still be the middle of a word.
        var lastBoundary: Int?
        var before = previous
        for (index, character) in pending.enumerated() {
            if let before, WatermarkCodec.isBoundary(before, character) { lastBoundary = index }
            before = character
        }
        if lastBoundary == nil, !marked, pending.count > WatermarkCodec.firstMarkLimit {
            // A long first word: like `embed`, mark before it rather than wait for its end.
            return release(count: 0, markFirst: true)
        }
        guard let lastBoundary else { return "" }
        return release(count: lastBoundary, markFirst: false)
    }

    /// Everything still held back; a text that never got a mark gets one at its end.
    mutating func finish() -> String {
        var output = release(count: pending.count, markFirst: false)
        if !marked || sinceMark > WatermarkCodec.maxGap {
            output += mark
            marked = true
            sinceMark = 0
        }
        return output
    }

    /// Releases the first `count` pending characters, marking at boundaries as due.
    private mutating func release(count: Int, markFirst: Bool) -> String {
        var output = ""
        if markFirst {
            output += mark
            marked = true
            sinceMark = 0
        }
        for character in pending.prefix(count) {
            if let previous, WatermarkCodec.isBoundary(previous, character), !marked || sinceMark >= Self.markAfter {
                output += mark
                marked = true
                sinceMark = 0
            }
            output.append(character)
            sinceMark += 1
            previous = character
        }
        pending.removeFirst(count)
        return output
    }
}
