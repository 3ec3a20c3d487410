import Foundation
import MemOSCore
import Testing

/// Serialized: the tests share the process-wide v7 clock, and the back-filling ones would
/// otherwise disturb each other's history on purpose.
@Suite("UUIDv7", .serialized)
struct UUIDv7Tests {
    @Test("Version and variant bits are those of RFC 9562 v7")
    func versionAndVariant() {
        for _ in 0..<100 {
            let id = UUID.v7()
            let bytes = id.uuid
            #expect(bytes.6 >> 4 == 0x7)
            #expect(bytes.8 >> 6 == 0b10)
            let text = Array(id.uuidString)
            #expect(text[14] == "7")
            #expect("89AB".contains(text[19]))
        }
    }

    @Test("The timestamp round-trips at millisecond precision")
    func timestampRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123_4)
        let id = UUID.v7(at: date)
        let decoded = try #require(id.uuidV7Timestamp)
        #expect(Int64((decoded.timeIntervalSince1970 * 1000).rounded()) == 1_700_000_000_123)
        // The first 48 bits are the Unix time in milliseconds, big-endian.
        #expect(id.uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            == String(1_700_000_000_123, radix: 16).leftPadded(to: 12))
    }

    @Test("A fresh id carries the current time")
    func currentTime() throws {
        let before = Date()
        let id = UUID.v7()
        let after = Date()
        let decoded = try #require(id.uuidV7Timestamp)
        #expect(decoded.timeIntervalSince1970 >= (before.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        // Allows for the counter borrowing a few milliseconds under heavy generation.
        #expect(decoded.timeIntervalSince1970 <= after.timeIntervalSince1970 + 0.05)
    }

    @Test("Other UUID versions have no v7 timestamp")
    func notV7() throws {
        #expect(UUID().uuidV7Timestamp == nil)  // random v4
        let v1 = try #require(UUID(uuidString: "C232AB00-9414-11EC-B3C8-9F6BDECED846"))
        #expect(v1.uuidV7Timestamp == nil)
        // Version 7 nibble but the wrong (Microsoft) variant.
        let wrongVariant = try #require(UUID(uuidString: "017F22E2-79B0-7CC3-C8C4-DC0C0C07398F"))
        #expect(wrongVariant.uuidV7Timestamp == nil)
    }

    @Test("10,000 ids in a tight loop are unique and strictly increasing")
    func monotonic() {
        let ids = (0..<10_000).map { _ in UUID.v7() }
        #expect(Set(ids).count == ids.count)
        var increasing = true
        for (previous, next) in zip(ids, ids.dropFirst()) where !(previous.uuidString < next.uuidString) {
            increasing = false
        }
        #expect(increasing)
    }

    @Test("Ids made with the same explicit millisecond still increase")
    func sameMillisecond() {
        let now = Date()
        let ids = (0..<5_000).map { _ in UUID.v7(at: now) }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.uuidString < $1.uuidString })
    }

    @Test("A fixed clock in the past still gives increasing ids carrying that time")
    func fixedPastClock() throws {
        let date = Date(timeIntervalSince1970: 1_600_000_000.5)
        let ids = (0..<3_000).map { _ in UUID.v7(at: date) }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.uuidString < $1.uuidString })
        // The counter is seeded below 2048, so the first 2048 ids cannot have borrowed a millisecond.
        let first = try #require(ids[2047].uuidV7Timestamp)
        #expect(first.timeIntervalSince1970 == 1_600_000_000.5)
        let last = try #require(ids.last?.uuidV7Timestamp)
        #expect(last.timeIntervalSince1970 >= 1_600_000_000.5 && last.timeIntervalSince1970 <= 1_600_000_000.502)
        // Live ids made meanwhile are unaffected by the back-filled ones.
        let live = try #require(UUID.v7().uuidV7Timestamp)
        #expect(live.timeIntervalSinceNow > -60)
    }

    @Test("A moment being filled keeps its order while tens of thousands of other past moments come and go")
    func busyMomentSurvivesHistoryEviction() {
        let base = Date(timeIntervalSince1970: 1_500_000_000.25)
        var ids: [UUID] = []
        for step in 0..<40_000 {
            ids.append(UUID.v7(at: base))
            // A new earlier moment between every two ids (40,000 in all, past the history bound of 16,384).
            _ = UUID.v7(at: base.addingTimeInterval(Double(step + 1) * 10))
        }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.uuidString < $1.uuidString })
    }

    @Test("Ids made concurrently are unique")
    func concurrent() async {
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_000).map { _ in UUID.v7() } } }
            var all: [UUID] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(ids.count == 8_000)
        #expect(Set(ids).count == 8_000)
    }

    @Test("Random bits differ between ids of the same millisecond")
    func randomBits() {
        let date = Date(timeIntervalSince1970: 1_000_000)
        let tails = Set((0..<100).map { _ in UUID.v7(at: date).uuidString.suffix(12) })
        #expect(tails.count == 100)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
