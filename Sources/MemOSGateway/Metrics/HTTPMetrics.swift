import Foundation
import Synchronization

/// Request counts and latencies by route pattern, method and status, for `GET /metrics`.
///
/// Labelled by the matched route's pattern (`/v1/memories/{id}`), never the concrete path, so
/// no memory id, tenant or subject name reaches a label and the series stay bounded.
final class HTTPMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram's buckets.
    static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct RequestKey: Hashable, Comparable {
        let method: String
        let route: String
        let status: Int

        static func < (a: Self, b: Self) -> Bool {
            (a.route, a.method, a.status) < (b.route, b.method, b.status)
        }
    }

    struct LatencyKey: Hashable, Comparable {
        let method: String
        let route: String

        static func < (a: Self, b: Self) -> Bool {
            (a.route, a.method) < (b.route, b.method)
        }
    }

    struct Histogram {
        /// Cumulative counts per bound of `bucketBounds` (the `+Inf` bucket is `count`).
        var buckets = [Int](repeating: 0, count: HTTPMetrics.bucketBounds.count)
        var sum: Double = 0
        var count = 0

        mutating func observe(_ seconds: Double) {
            for (index, bound) in HTTPMetrics.bucketBounds.enumerated() where seconds <= bound {
                buckets[index] += 1
            }
            sum += seconds
            count += 1
        }
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var latencies: [LatencyKey: Histogram] = [:]
        var inFlight = 0
    }

    private let state = Mutex(State())
    let startedAt = Date()

    func started() {
        state.withLock { $0.inFlight += 1 }
    }

    func finished(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.inFlight -= 1
            state.requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
            state.latencies[LatencyKey(method: method, route: route), default: Histogram()].observe(seconds)
        }
    }

    /// A consistent copy of every series.
    func snapshot() -> (requests: [(RequestKey, Int)], latencies: [(LatencyKey, Histogram)], inFlight: Int) {
        state.withLock { state in
            (
                state.requests.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                state.latencies.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, state.inFlight
            )
        }
    }
}
