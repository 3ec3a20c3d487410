import MemOSCore
import Foundation

/// Draws ranks 0..<n with probability proportional to 1 / (rank + 1)^s.
///
/// Word frequencies in natural language follow Zipf's law (s close to 1): a few words are in
/// almost every text and most are rare. That shape is what makes keyword search cost what it
/// costs — long posting lists for common terms, short ones for rare terms — so a synthetic
/// corpus with uniform words would flatter the index.
struct ZipfSampler: Sendable {
    /// Running totals of the weights; sampling is a binary search in it.
    private let cumulative: [Double]

    /// `weights[i]` is the relative weight of outcome `i`; all must be finite and non-negative,
    /// and at least one positive.
    init(weights: [Double]) {
        var total = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(weights.count)
        for weight in weights {
            total += max(0, weight.isFinite ? weight : 0)
            cumulative.append(total)
        }
        precondition(total > 0, "ZipfSampler needs at least one positive weight")
        self.cumulative = cumulative
    }

    /// The Zipf weight of a 0-based rank with exponent `exponent`.
    static func weight(rank: Int, exponent: Double) -> Double {
        1 / pow(Double(rank + 1), exponent)
    }

    var count: Int { cumulative.count }

    /// One outcome index.
    func sample(using generator: inout SplitMix64) -> Int {
        let target = generator.nextUnitDouble() * (cumulative.last ?? 0)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }
}
