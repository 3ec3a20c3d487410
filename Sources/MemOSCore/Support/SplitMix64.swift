/// A small seedable pseudo-random generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// Benchmarks, tests and index training must see the same corpus and the same queries on every run and every
/// machine, or two runs cannot be compared; the system generator can be neither seeded nor
/// replayed. SplitMix64 passes BigCrush, needs one word of state and is a value type, so each
/// user owns its stream and it is trivially `Sendable`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent stream for one purpose (a cube, the queries), so that changing how much
    /// one consumer draws never shifts what another one sees.
    public static func stream(seed: UInt64, purpose: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (purpose &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// A uniform double in [0, 1) from the top 53 bits, independent of the standard library's
    /// algorithm for `Double.random(in:using:)`, so the corpus cannot change with the toolchain.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `range` (Lemire's multiply-shift with rejection: unbiased, and again
    /// independent of the standard library's choice of algorithm).
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        guard span != 0 else { return Int(truncatingIfNeeded: next()) }
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold {
                product = next().multipliedFullWidth(by: span)
            }
        }
        return range.lowerBound + Int(product.high)
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        nextUnitDouble() < probability
    }
}
