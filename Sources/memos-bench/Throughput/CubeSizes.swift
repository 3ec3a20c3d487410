import ArgumentParser

/// The `--sizes` option: a comma-separated list of cube sizes, such as `1000,10000,100000`.
///
/// Parsed into its own type so a typo ("10k0", "-5", "") is rejected with a usage error before
/// any data directory is created, instead of surfacing halfway through a long run.
struct CubeSizes: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    /// Largest cube the benchmark will fill; far beyond what one cube is designed for, but a
    /// bound keeps a stray extra zero from running for hours.
    static let maximum = 10_000_000

    let values: [Int]

    init(_ values: [Int]) {
        self.values = values
    }

    /// Accepts digits with optional `_` separators, e.g. `1000,10_000,100000`.
    init?(argument: String) {
        var values: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }), let value = Int(digits),
                (1...Self.maximum).contains(value)
            else { return nil }
            values.append(value)
        }
        guard !values.isEmpty else { return nil }
        self.values = values
    }

    var description: String {
        values.map(String.init).joined(separator: ",")
    }

    var defaultValueDescription: String { description }
}
