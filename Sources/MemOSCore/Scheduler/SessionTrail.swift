import Foundation

/// The recent turns (messages and queries) of one conversation, kept to notice when its
/// intent shifts and to predict what comes next.
///
/// A shift is a new turn whose embedding is far (cosine below `shiftThreshold`) from the
/// centroid of the recent turns: the working memory built for the old topic no longer fits.
public struct SessionTrail: Sendable {
    /// What a new turn did to the conversation's direction.
    public enum Change: Sendable, Equatable {
        /// The first turn of the session.
        case started
        /// Same topic: similarity to the recent centroid at or above the threshold.
        case continued(similarity: Double)
        /// A new topic.
        case shifted(similarity: Double)
        /// No vector to compare (no embedder answer).
        case unknown
    }

    public struct Turn: Sendable {
        public let text: String
        public let vector: [Float]?
    }

    public let window: Int
    public let shiftThreshold: Double
    public private(set) var turns: [Turn] = []
    /// Counts every turn ever recorded (the working-memory set ages entries by it).
    public private(set) var turnCount = 0

    public init(window: Int = 4, shiftThreshold: Double = 0.2) {
        self.window = max(1, window)
        self.shiftThreshold = shiftThreshold
    }

    /// Adds a turn and says whether it continues or shifts the conversation.
    @discardableResult
    public mutating func record(_ text: String, vector: [Float]?) -> Change {
        let change: Change
        if turns.isEmpty {
            change = .started
        } else if let vector, let centroid = Self.centroid(of: turns.compactMap(\.vector)) {
            let similarity = Self.cosine(vector, centroid)
            change = similarity < shiftThreshold ? .shifted(similarity: similarity) : .continued(similarity: similarity)
        } else {
            change = .unknown
        }
        if case .shifted = change {
            // The old topic's turns no longer describe where the conversation is going.
            turns.removeAll()
        }
        turns.append(Turn(text: text, vector: vector))
        if turns.count > window { turns.removeFirst(turns.count - window) }
        turnCount += 1
        return change
    }

    /// The recent turns as one query text (newest last), at most `maxCharacters` long, keeping
    /// the newest turns whole when it must cut.
    public func contextText(maxCharacters: Int = 2_000) -> String {
        var parts: [String] = []
        var length = 0
        for turn in turns.reversed() {
            let room = maxCharacters - length
            guard room > 0 else { break }
            let text = turn.text.count > room ? String(turn.text.prefix(room)) : turn.text
            parts.append(text)
            length += text.count + 1
        }
        return parts.reversed().joined(separator: "\n")
    }

    /// The normalised mean of the recent turns' vectors.
    public var centroid: [Float]? { Self.centroid(of: turns.compactMap(\.vector)) }

    static func centroid(of vectors: [[Float]]) -> [Float]? {
        guard let first = vectors.first, !first.isEmpty else { return nil }
        var sum = [Float](repeating: 0, count: first.count)
        for vector in vectors where vector.count == first.count {
            for index in vector.indices { sum[index] += vector[index] }
        }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        return sum.map { $0 / norm }
    }

    /// Cosine similarity; 0 when either vector is zero or the lengths differ.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot: Float = 0
        var na: Float = 0
        var nb: Float = 0
        for index in a.indices {
            dot += a[index] * b[index]
            na += a[index] * a[index]
            nb += b[index] * b[index]
        }
        guard na > 0, nb > 0 else { return 0 }
        return Double(dot / (na.squareRoot() * nb.squareRoot()))
    }
}
