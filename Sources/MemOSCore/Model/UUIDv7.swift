import Foundation

extension UUID {
    /// A time-ordered RFC 9562 version 7 UUID.
    ///
    /// Memory ids are v7 so that sorting by id is sorting by creation time: B-tree inserts stay
    /// append-mostly, pagination by id is chronological, and an id alone says roughly when a
    /// memory was written. Ids made in this process are strictly increasing even when many are
    /// made within one millisecond (a 12-bit counter in `rand_a`, seeded randomly each
    /// millisecond; when it runs out the timestamp borrows from the next millisecond). The
    /// remaining 62 bits come from `SystemRandomNumberGenerator`, so ids are not guessable.
    ///
    /// A small step backwards of the clock is absorbed so ordering is preserved. An explicit
    /// `date` well in the past (more than 10 s before the last id made here) back-fills an id for
    /// that time on a separate timeline, so it does not disturb live ids; ids made repeatedly for
    /// the same earlier moment (a fixed clock in tests) are still strictly increasing among
    /// themselves.
    public static func v7(at date: Date = Date()) -> UUID {
        let requested = UUIDv7Clock.milliseconds(since1970: date)
        let (milliseconds, counter) = UUIDv7Clock.shared.next(requestedMilliseconds: requested)
        var generator = SystemRandomNumberGenerator()
        let random: UInt64 = generator.next()

        let randA = UInt64(counter & 0x0FFF)
        let high = (milliseconds << 16) | (0x7 << 12) | randA
        let low = (0b10 << 62) | (random & 0x3FFF_FFFF_FFFF_FFFF)
        return UUID(uuid: UUIDv7Clock.bytes(high: high, low: low))
    }

    /// When this id was created, if it is a v7 UUID; nil for any other version or variant, so
    /// callers never mistake random bits for a time.
    public var uuidV7Timestamp: Date? {
        let bytes = uuid
        guard bytes.6 >> 4 == 7, bytes.8 & 0xC0 == 0x80 else { return nil }
        let milliseconds =
            UInt64(bytes.0) << 40 | UInt64(bytes.1) << 32 | UInt64(bytes.2) << 24 | UInt64(bytes.3) << 16
            | UInt64(bytes.4) << 8 | UInt64(bytes.5)
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// Process-wide state that makes v7 ids monotonic; a lock is enough since taking it costs far
/// less than the random number generation around it.
private final class UUIDv7Clock: @unchecked Sendable {
    static let shared = UUIDv7Clock()

    private static let maxMilliseconds: UInt64 = (1 << 48) - 1

    /// The last timestamp and counter handed out along one timeline.
    private struct Timeline {
        /// How far back a request may lie and still be treated as "now" on this timeline (a
        /// clock stepping back, or a caller's clock read a moment earlier) rather than as a jump
        /// to another point in time.
        static let regressionTolerance: UInt64 = 10_000

        var milliseconds: UInt64 = 0
        var counter: UInt16 = 0
        /// When it was last used, in calls to `next` (history eviction keeps the recent ones).
        var lastUsed: UInt64 = 0

        /// The next (timestamp, counter) after the last one, or nil when `requested` lies too
        /// far in the past for this timeline.
        mutating func advance(to requested: UInt64) -> (UInt64, UInt16)? {
            if requested > milliseconds {
                milliseconds = requested
                counter = UUIDv7Clock.freshCounter()
            } else if milliseconds - requested <= Self.regressionTolerance {
                if counter < 0x0FFF {
                    counter += 1
                } else {
                    // Counter exhausted: borrow the next millisecond (saturating in year 10889,
                    // where uniqueness still rests on the 62 random bits).
                    milliseconds = min(milliseconds + 1, UUIDv7Clock.maxMilliseconds)
                    counter = UUIDv7Clock.freshCounter()
                }
            } else {
                return nil
            }
            return (milliseconds, counter)
        }
    }

    private let lock = NSLock()
    /// Ids made for the current time. Guarded by `lock`.
    private var live = Timeline()
    /// Ids back-filled for explicit earlier times, one timeline per requested millisecond, kept
    /// apart from `live` so they neither disturb nor are disturbed by live ids, yet stay ordered
    /// when made repeatedly for one moment (a fixed clock in tests, an import of old
    /// conversations). Bounded: when full, the least recently used half is forgotten, so a
    /// moment still being filled keeps its order however many other moments come and go
    /// meanwhile (forgetting one only costs ordering among ids of that moment made before and
    /// after). Guarded by `lock`.
    private var history: [UInt64: Timeline] = [:]
    private static let historyLimit = 16_384
    /// Calls to `next`, the clock `lastUsed` is read from. Guarded by `lock`.
    private var calls: UInt64 = 0

    static func milliseconds(since1970 date: Date) -> UInt64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard value.isFinite, value > 0 else { return 0 }
        return value >= Double(maxMilliseconds) ? maxMilliseconds : UInt64(value)
    }

    /// A random counter start with the top bit clear, leaving at least 2048 increments per
    /// millisecond before the timestamp has to borrow.
    static func freshCounter() -> UInt16 {
        var generator = SystemRandomNumberGenerator()
        return UInt16.random(in: 0..<0x800, using: &generator)
    }

    func next(requestedMilliseconds requested: UInt64) -> (milliseconds: UInt64, counter: UInt16) {
        lock.lock()
        defer { lock.unlock() }
        if let next = live.advance(to: requested) { return next }
        calls += 1
        if var timeline = history[requested], let next = timeline.advance(to: requested) {
            timeline.lastUsed = calls
            history[requested] = timeline
            return next
        }
        if history.count >= Self.historyLimit {
            let cutoff = history.values.map(\.lastUsed).sorted()[Self.historyLimit / 2]
            history = history.filter { $0.value.lastUsed >= cutoff }
        }
        let timeline = Timeline(milliseconds: requested, counter: Self.freshCounter(), lastUsed: calls)
        history[requested] = timeline
        return (timeline.milliseconds, timeline.counter)
    }

    static func bytes(high: UInt64, low: UInt64) -> uuid_t {
        func byte(_ value: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: value >> (56 - 8 * index)) }
        return (
            byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3),
            byte(high, 4), byte(high, 5), byte(high, 6), byte(high, 7),
            byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3),
            byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)
        )
    }
}
