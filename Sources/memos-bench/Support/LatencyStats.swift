/// Summary of a set of latency samples, in milliseconds.
///
/// Tail percentiles are what users feel (one slow search in a conversation is noticed, an
/// average is not), so the benchmark reports p95 and p99 next to the median and mean.
struct LatencyStats: Sendable, Encodable, Equatable {
    let count: Int
    let p50: Double
    let p95: Double
    let p99: Double
    let mean: Double
    let min: Double
    let max: Double

    /// Nearest-rank percentiles: every reported value is a latency that was actually observed.
    init(samples: [Duration]) {
        let milliseconds = samples.map(\.inMilliseconds).sorted()
        func percentile(_ p: Double) -> Double {
            guard !milliseconds.isEmpty else { return 0 }
            let rank = Int((p / 100 * Double(milliseconds.count)).rounded(.up))
            return milliseconds[Swift.min(Swift.max(rank, 1), milliseconds.count) - 1]
        }
        count = milliseconds.count
        p50 = percentile(50)
        p95 = percentile(95)
        p99 = percentile(99)
        mean = milliseconds.isEmpty ? 0 : milliseconds.reduce(0, +) / Double(milliseconds.count)
        min = milliseconds.first ?? 0
        max = milliseconds.last ?? 0
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var inMilliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1_000 + Double(parts.attoseconds) / 1e15
    }

    /// The duration in (fractional) seconds.
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
