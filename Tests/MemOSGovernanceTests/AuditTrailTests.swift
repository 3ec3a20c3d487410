import Crypto
import Foundation
import GRDB
import MemOSStore
import Synchronization
import Testing

@testable import MemOSGovernance

/// The audit trail must be complete, tamper-evident and fail-closed: these tests try to break it.
@Suite struct AuditTrailTests {
    // MARK: Fixture

    /// A wall clock the test moves by hand.
    final class ManualClock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = Mutex(start) }
        func now() -> Date { current.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
    }

    struct Fixture {
        let directory: URL
        let store: SQLiteStore
        let signingKey = Curve25519.Signing.PrivateKey()
        static let hmacKey = SymmetricKey(data: Data(repeating: 7, count: 32))

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-audit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: directory.appendingPathComponent("memos.sqlite").path)
        }

        var databasePath: String { directory.appendingPathComponent("memos.sqlite").path }

        func log(
            store: (any AuditStore)? = nil, every: Int = 5, interval: Duration = .seconds(60),
            clock: ManualClock? = nil
        ) -> AuditLog {
            let now: @Sendable () -> Date = { clock?.now() ?? Date() }
            return AuditLog(
                store: store ?? self.store, signingKey: signingKey, hmacKey: { _ in Fixture.hmacKey },
                policyHash: { "policy-0123" }, checkpointEvery: every, checkpointInterval: interval, now: now)
        }
    }

    static func event(_ tenant: UUID?, _ index: Int, resources: [String] = [], mark: String? = nil) -> AuditEvent {
        AuditEvent(
            tenantID: tenant, actor: UUID().uuidString.lowercased(), actorKind: "user", role: "member",
            action: index % 2 == 0 ? "memory.search" : "memory.read", resources: resources,
            outcome: .success, status: 200, requestID: "req-\(index)", personal: ["query": "query \(index)"],
            details: ["n": "\(index)", "quote\"and\\slash": "line\nbreak \u{1}é🎉"], mark: mark)
    }

    static func export(_ log: AuditLog, _ tenant: UUID?, from: Date? = nil, to: Date? = nil, pageSize: Int = 500)
        async throws -> [String]
    {
        var lines: [String] = []
        for try await line in log.export(tenantID: tenant, from: from, to: to, pageSize: pageSize) {
            lines.append(line)
        }
        return lines
    }

    static func verify(_ lines: [String], _ key: Curve25519.Signing.PublicKey?, gap: TimeInterval? = nil)
        -> AuditVerification
    {
        AuditVerifier.verify(lines: lines, publicKey: key, maximumCheckpointGap: gap)
    }

    /// Line number (1-based) of the record with `seq`.
    static func line(ofSeq seq: Int64, in lines: [String]) -> Int {
        lines.firstIndex { $0.contains("\"type\":\"record\"") && $0.contains("\"seq\":\(seq),") }! + 1
    }

    /// A record line edited as an attacker without the key would: change a field, recompute the hash.
    static func rehashed(_ line: String, edit: (AuditJSON) -> AuditJSON) throws -> String {
        let edited = edit(try AuditJSON.parse(Array(line.utf8))).removing("hash")
        return edited.setting("hash", .string(AuditFormat.sha256Hex(edited.canonical))).canonical
    }

    /// An export of one tenant: `count` records, a checkpoint after every `every`-th.
    static func sampleExport(count: Int = 10, every: Int = 3) async throws -> (Fixture, AuditLog, [String]) {
        let fixture = try Fixture()
        let log = fixture.log(every: every)
        let tenant = UUID()
        for index in 0..<count {
            try await log.append(event(tenant, index))
        }
        return (fixture, log, try await export(log, tenant))
    }

    // MARK: Chain and concurrency

    @Test func concurrentAppendsFromFiftyTasksFormIntactChains() async throws {
        let fixture = try Fixture()
        let log = fixture.log(every: 7)
        let tenants = [UUID(), UUID()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<50 {
                group.addTask {
                    for index in 0..<6 {
                        try await log.append(Self.event(tenants[(task + index) % 2], task * 100 + index))
                    }
                }
            }
            try await group.waitForAll()
        }
        try await log.append(Self.event(nil, 0))
        for tenant in tenants {
            let result = Self.verify(try await Self.export(log, tenant, pageSize: 16), log.publicKey)
            #expect(result.isValid, "\(result)")
            #expect(result.records == 150)
            #expect(result.checkpoints == 150 / 7)
            #expect(result.firstSeq == 1 && result.lastSeq == 150)
            #expect(result.authenticated)
        }
        let platform = Self.verify(try await Self.export(log, nil), log.publicKey)
        #expect(platform.isValid && platform.records == 1 && platform.tenant == "platform", "\(platform)")
        #expect(try await fixture.store.auditTenantKeys().count == 3)
    }

    @Test func recordsHoldTheEventAndThePolicyHash() async throws {
        let fixture = try Fixture()
        let log = fixture.log()
        let tenant = UUID()
        let first = try await log.appendRecord(Self.event(tenant, 1, resources: ["m-1"], mark: "abc123"))
        let second = try await log.appendRecord(Self.event(tenant, 2))
        #expect(first.seq == 1 && first.prevHash == AuditFormat.genesisHash)
        #expect(second.seq == 2 && second.prevHash == first.hash)
        #expect(first.tenantID == tenant && first.role == "member" && first.action == "memory.read")
        #expect(first.policyHash == "policy-0123" && first.requestID == "req-1" && first.status == 200)
        #expect(first.resources == ["m-1"] && first.mark == "abc123" && first.outcome == .success)
        #expect(first.details["quote\"and\\slash"] == "line\nbreak \u{1}é🎉")
        let expected = "hmac-sha256:" + ByteEncoding.hex(
            HMAC<SHA256>.authenticationCode(for: Data("query 1".utf8), using: Fixture.hmacKey))
        #expect(first.personal == ["query": expected])
    }

    @Test func pagedExportInterleavesCheckpointsAfterTheirRecords() async throws {
        let fixture = try Fixture()
        let log = fixture.log(every: 2)
        let tenant = UUID()
        for index in 0..<9 {
            try await log.append(Self.event(tenant, index))
        }
        try await log.checkpointNow()
        try await log.checkpointNow()
        let lines = try await Self.export(log, tenant, pageSize: 2)
        let types = try lines.map { line -> String in
            guard case .string(let type)? = try AuditJSON.parse(Array(line.utf8))["type"] else { return "?" }
            return type == "record" ? "r" : String(type.prefix(1))
        }
        #expect(types.joined() == "h" + "rrcrrcrrcrrc" + "rcc")
        let result = Self.verify(lines, log.publicKey)
        #expect(result.isValid && result.records == 9 && result.checkpoints == 6, "\(result)")
        #expect(result.warnings.isEmpty)
    }

    // MARK: Tampering

    @Test func everyFlippedByteIsCaughtOnItsOwnLine() async throws {
        // Every byte of every line (newlines included), of records, checkpoints and the header.
        let (_, log, lines) = try await Self.sampleExport(count: 4, every: 2)
        let file = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(AuditVerifier.verify(jsonl: Data(file), publicKey: log.publicKey).isValid)
        var lineOfOffset: [Int] = []
        var line = 1
        for byte in file {
            lineOfOffset.append(line)
            if byte == 0x0A { line += 1 }
        }
        for offset in file.indices {
            var tampered = file
            tampered[offset] ^= 0x01
            let result = AuditVerifier.verify(jsonl: Data(tampered), publicKey: log.publicKey)
            let failure = try #require(result.failure, "flip at byte \(offset) went unnoticed")
            #expect(failure.line == lineOfOffset[offset], "flip at byte \(offset): \(failure)")
        }
    }

    @Test func alteredRecordIsNamedByLineAndSeq() async throws {
        let (_, log, lines) = try await Self.sampleExport()
        var tampered = lines
        let line = Self.line(ofSeq: 5, in: lines)
        tampered[line - 1] = tampered[line - 1].replacingOccurrences(of: "\"status\":200", with: "\"status\":201")
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        #expect(failure.line == line && failure.seq == 5 && failure.kind == .hashMismatch, "\(failure)")
        #expect(failure.description.hasPrefix("line \(line) (seq 5): hash mismatch"))
    }

    @Test func droppedRecordShowsAsAGap() async throws {
        let (_, log, lines) = try await Self.sampleExport()
        var tampered = lines
        tampered.remove(at: Self.line(ofSeq: 5, in: lines) - 1)
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        #expect(failure.kind == .seqGap && failure.seq == 6, "\(failure)")
        #expect(failure.line == Self.line(ofSeq: 6, in: tampered))
        #expect(failure.message.contains("expected seq 5, found 6"))

        // The first and the last record too: the signed header names both ends.
        var headless = lines
        headless.remove(at: Self.line(ofSeq: 1, in: lines) - 1)
        let first = try #require(Self.verify(headless, log.publicKey).failure)
        #expect(first.kind == .seqGap && first.line == 2 && first.seq == 2, "\(first)")
        var tailless = lines
        tailless.remove(at: Self.line(ofSeq: 10, in: lines) - 1)
        let last = try #require(Self.verify(tailless, log.publicKey).failure)
        #expect(last.kind == .truncated && last.seq == 10, "\(last)")
    }

    @Test func swappedRecordsAreReportedAsReordered() async throws {
        let (_, log, lines) = try await Self.sampleExport()
        var tampered = lines
        let (a, b) = (Self.line(ofSeq: 4, in: lines) - 1, Self.line(ofSeq: 5, in: lines) - 1)
        tampered.swapAt(a, b)
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        #expect(failure.kind == .outOfOrder && failure.line == a + 1 && failure.seq == 5, "\(failure)")
        #expect(failure.message.contains("seq 4 appears later, at line \(b + 1)"))

        // Swapping non-adjacent records across a checkpoint fails as well.
        var far = lines
        far.swapAt(Self.line(ofSeq: 2, in: lines) - 1, Self.line(ofSeq: 8, in: lines) - 1)
        let farFailure = try #require(Self.verify(far, log.publicKey).failure)
        #expect(farFailure.line == Self.line(ofSeq: 2, in: lines) && farFailure.seq == 8, "\(farFailure)")
    }

    @Test func rehashedRecordBreaksTheChainAtTheNextRecord() async throws {
        let (_, log, lines) = try await Self.sampleExport()
        var tampered = lines
        let line = Self.line(ofSeq: 4, in: lines)
        tampered[line - 1] = try Self.rehashed(lines[line - 1]) { $0.setting("status", .int(403)) }
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        #expect(failure.kind == .prevHashMismatch && failure.seq == 5, "\(failure)")
        #expect(failure.line == Self.line(ofSeq: 5, in: lines))
    }

    @Test func rewrittenTailIsCaughtByTheSignedCheckpoint() async throws {
        let (_, log, lines) = try await Self.sampleExport()
        // Edit seq 4 and re-chain every later record: only a signature can tell.
        var tampered = lines
        var previousHash: String?
        for index in Self.line(ofSeq: 4, in: lines) - 1..<lines.count where lines[index].contains("\"type\":\"record\"") {
            tampered[index] = try Self.rehashed(lines[index]) { json in
                var json = json
                if json["seq"] == .int(4) { json = json.setting("action", .string("memory.list")) }
                if let previousHash { json = json.setting("prev_hash", .string(previousHash)) }
                return json
            }
            previousHash = try AuditJSON.parse(Array(tampered[index].utf8))["hash"].flatMap {
                if case .string(let hash) = $0 { hash } else { nil }
            }
        }
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        let checkpointLine = Self.line(ofSeq: 6, in: lines) + 1
        #expect(lines[checkpointLine - 1].contains("\"type\":\"checkpoint\""))
        #expect(failure.kind == .checkpointMismatch && failure.line == checkpointLine && failure.seq == 6, "\(failure)")

        // The last record alone, rehashed after the last checkpoint: the signed header catches it.
        var last = lines
        let lastLine = Self.line(ofSeq: 10, in: lines)
        last[lastLine - 1] = try Self.rehashed(lines[lastLine - 1]) { $0.setting("status", .int(500)) }
        let lastFailure = try #require(Self.verify(last, log.publicKey).failure)
        #expect(lastFailure.kind == .hashMismatch && lastFailure.line == lastLine && lastFailure.seq == 10, "\(lastFailure)")
    }

    @Test func forgedSignaturesAreRejected() async throws {
        let (_, log, lines) = try await Self.sampleExport()
        let forger = Curve25519.Signing.PrivateKey()
        let checkpointLine = Self.line(ofSeq: 3, in: lines) + 1
        let checkpoint = try AuditJSON.parse(Array(lines[checkpointLine - 1].utf8))
        let forged = try forger.signature(for: Data(checkpoint.removing("signature").canonical.utf8))
        var tampered = lines
        tampered[checkpointLine - 1] = checkpoint.setting("signature", .string(Data(forged).base64EncodedString())).canonical
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        #expect(failure.kind == .badSignature && failure.line == checkpointLine && failure.seq == 3, "\(failure)")

        // A whole export re-signed with another key verifies only against that key.
        let other = try Fixture().log()
        let tenant = UUID()
        try await other.append(Self.event(tenant, 1))
        let foreign = try await Self.export(other, tenant)
        let wrongKey = try #require(Self.verify(foreign, log.publicKey).failure)
        #expect(wrongKey.kind == .wrongKey && wrongKey.line == 1, "\(wrongKey)")
        let unanchored = Self.verify(foreign, nil)
        #expect(unanchored.isValid && !unanchored.authenticated)
        #expect(unanchored.warnings.contains { $0.contains("integrity, not authenticity") })
    }

    @Test func stoppingEarlyReportsUncoveredRecordsAsAWarning() async throws {
        let (_, log, lines) = try await Self.sampleExport(count: 8)
        let result = Self.verify(lines, log.publicKey)
        #expect(result.isValid, "\(result)")
        #expect(result.warnings == ["seq 7...8 are not yet covered by a signed checkpoint (only by the signed export header)"])
    }

    @Test func storedRecordsTamperedInTheDatabaseFailVerification() async throws {
        let fixture = try Fixture()
        let log = fixture.log(every: 3)
        let tenant = UUID()
        for index in 0..<6 {
            try await log.append(Self.event(tenant, index, resources: ["m-\(index)"]))
        }
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try await queue.write { db in
            try db.execute(
                sql: "UPDATE audit_records SET body = replace(body, '\"status\":200', '\"status\":201') WHERE seq = 2")
        }
        let failure = try #require(Self.verify(try await Self.export(log, tenant), log.publicKey).failure)
        #expect(failure.kind == .hashMismatch && failure.seq == 2 && failure.line == 3, "\(failure)")
        await #expect(throws: GovernanceError.self) {
            _ = try await log.recipients(ofResource: "m-1", tenantID: tenant)
        }
    }

    // MARK: Time, gaps and checkpoints

    @Test func idleCheckpointTimerKeepsWritingCheckpoints() async throws {
        let fixture = try Fixture()
        let log = fixture.log(every: 1000, interval: .milliseconds(50))
        let tenant = UUID()
        try await log.append(Self.event(tenant, 1))
        let timer = Task { await log.runCheckpointTimer() }
        var checkpoints = 0
        for _ in 0..<100 where checkpoints < 3 {
            try await Task.sleep(for: .milliseconds(100))
            checkpoints = Self.verify(try await Self.export(log, tenant), log.publicKey).checkpoints
        }
        timer.cancel()
        await timer.value
        #expect(checkpoints >= 3)
        let result = Self.verify(try await Self.export(log, tenant), log.publicKey, gap: 60)
        #expect(result.isValid && result.records == 1 && result.warnings.isEmpty, "\(result)")
    }

    @Test func aSilentPeriodShowsAsACheckpointGap() async throws {
        let clock = ManualClock()
        let fixture = try Fixture()
        let log = fixture.log(every: 100, clock: clock)
        let tenant = UUID()
        for index in 0..<3 {
            try await log.append(Self.event(tenant, index))
            clock.advance(30)
            try await log.checkpointNow()
        }
        clock.advance(3600)  // the gateway was down (or someone removed an hour of history)
        try await log.checkpointNow()
        let lines = try await Self.export(log, tenant)
        #expect(Self.verify(lines, log.publicKey).isValid)
        let failure = try #require(Self.verify(lines, log.publicKey, gap: 120).failure)
        #expect(failure.kind == .checkpointGap && failure.line == lines.count && failure.seq == 3, "\(failure)")
        #expect(failure.message.contains("no checkpoint for 3600.0 s"))
    }

    @Test func timeNeverGoesBackwardsEvenIfTheClockDoes() async throws {
        let clock = ManualClock()
        let fixture = try Fixture()
        let log = fixture.log(every: 2, clock: clock)
        let tenant = UUID()
        let first = try await log.appendRecord(Self.event(tenant, 1))
        clock.advance(-10)
        let second = try await log.appendRecord(Self.event(tenant, 2))
        #expect(second.timeMillis == first.timeMillis)
        let lines = try await Self.export(log, tenant)
        #expect(Self.verify(lines, log.publicKey).isValid)

        // A line moved back in time (and re-signed would need the key): caught even if rehashed.
        var tampered = lines
        let line = Self.line(ofSeq: 1, in: lines)
        tampered[line - 1] = try Self.rehashed(lines[line - 1]) { $0.setting("time", .string("2030-01-01T00:00:00.000Z")) }
        #expect(Self.verify(tampered, log.publicKey).failure?.line == line + 1)
    }

    @Test func windowedExportIsAnchoredByACheckpoint() async throws {
        let clock = ManualClock()
        let fixture = try Fixture()
        let log = fixture.log(every: 1000, clock: clock)
        let tenant = UUID()
        for index in 0..<10 {
            try await log.append(Self.event(tenant, index))
            clock.advance(10)
            try await log.checkpointNow()
        }
        // Record seq n is stamped at 10(n-1) s, the checkpoint of seq n at 10n s: the window
        // [50 s, 75 s] holds seq 6...8, anchored by the checkpoint of seq 5 written at 50 s.
        let start = clock.now().addingTimeInterval(-50)
        let lines = try await Self.export(log, tenant, from: start, to: clock.now().addingTimeInterval(-25))
        let result = Self.verify(lines, log.publicKey, gap: 20)
        #expect(result.isValid && result.firstSeq == 6 && result.lastSeq == 8 && result.checkpoints == 3, "\(result)")
        #expect(result.warnings.count == 1 && result.warnings[0].hasPrefix("seq 8 is not yet covered"))
        #expect(lines[1].contains("\"type\":\"checkpoint\"") && lines[1].contains("\"seq\":5,"))

        // The anchor binds the first record: replace it with a rehashed one and the chain breaks.
        var tampered = lines
        let line = Self.line(ofSeq: 6, in: lines)
        tampered[line - 1] = try Self.rehashed(lines[line - 1]) {
            $0.setting("prev_hash", .string(String(repeating: "1", count: 64)))
        }
        let failure = try #require(Self.verify(tampered, log.publicKey).failure)
        #expect(failure.kind == .prevHashMismatch && failure.line == line, "\(failure)")
    }

    // MARK: Privacy and fail-closed

    @Test func personalValuesNeverReachTheDiskInTheClear() async throws {
        let fixture = try Fixture()
        let log = fixture.log()
        let canary = "CANARY-\(UUID().uuidString)-query"
        try await log.append(
            AuditEvent(
                tenantID: UUID(), actor: "u1", role: "member", action: "memory.search",
                personal: ["query": canary, "subject": canary + "-subject"]))
        try await log.checkpointNow()
        var scanned = 0
        for suffix in ["", "-wal"] {
            let path = fixture.databasePath + suffix
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            scanned += bytes.count
            #expect(bytes.range(of: Data(canary.utf8)) == nil, "canary found in memos.sqlite\(suffix)")
            #expect(bytes.range(of: Data("CANARY-".utf8)) == nil, "canary prefix found in memos.sqlite\(suffix)")
        }
        #expect(scanned > 0)
    }

    struct BrokenStore: AuditStore {
        struct Down: Error {}
        func appendAuditRecord(
            tenantKey: String, syncToDisk: Bool, build: @escaping @Sendable (AuditChainHead?) throws -> AuditAppend
        ) async throws -> AuditRow { throw Down() }
        func appendAuditCheckpoint(
            tenantKey: String, build: @escaping @Sendable (AuditChainHead) throws -> AuditCheckpointRow
        ) async throws -> AuditCheckpointRow? { throw Down() }
        func auditHead(tenantKey: String) async throws -> AuditChainHead? { throw Down() }
        func auditTenantKeys() async throws -> [String] { throw Down() }
        func auditSeqBounds(tenantKey: String, fromMillis: Int64?, toMillis: Int64?) async throws -> AuditSeqBounds {
            throw Down()
        }
        func auditRecords(tenantKey: String, afterSeq: Int64, throughSeq: Int64, limit: Int) async throws -> [AuditRow] {
            throw Down()
        }
        func auditCheckpoints(
            tenantKey: String, afterID: Int64, throughSeq: Int64, fromMillis: Int64?, toMillis: Int64?, limit: Int
        ) async throws -> [AuditCheckpointRow] { throw Down() }
        func lastAuditCheckpoint(tenantKey: String) async throws -> AuditCheckpointRow? { throw Down() }
        func auditRecord(mark: String) async throws -> AuditRow? { throw Down() }
        func auditRecords(tenantKey: String, mentioning resource: String, limit: Int) async throws -> [AuditRow] {
            throw Down()
        }
    }

    static func expectUnavailable(
        _ body: @Sendable () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let error = await #expect(throws: GovernanceError.self, sourceLocation: sourceLocation) { try await body() }
        guard case .unavailable(let message)? = error else { return }
        #expect(message.hasPrefix("audit trail unavailable"), sourceLocation: sourceLocation)
    }

    @Test func appendFailsClosedWhenTheStoreIsDown() async throws {
        let fixture = try Fixture()
        let log = fixture.log(store: BrokenStore())
        await Self.expectUnavailable { try await log.append(Self.event(UUID(), 1)) }
        await Self.expectUnavailable { try await log.checkpointNow() }
        // And when the key for personal values cannot be had, nothing is written either.
        let keyless = AuditLog(
            store: fixture.store, signingKey: fixture.signingKey, hmacKey: { _ in throw BrokenStore.Down() },
            policyHash: { "p" })
        await Self.expectUnavailable { try await keyless.append(Self.event(UUID(), 1)) }
        #expect(try await fixture.store.auditTenantKeys().isEmpty)
    }

    @Test func appendFailsClosedWhenTheDatabaseRefusesTheInsert() async throws {
        let fixture = try Fixture()
        let log = fixture.log(every: 2)
        let tenant = UUID()
        try await log.append(Self.event(tenant, 1))
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try await queue.write { db in
            try db.execute(
                sql: "CREATE TRIGGER audit_block BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'blocked'); END")
        }
        await Self.expectUnavailable { try await log.append(Self.event(tenant, 2)) }
        try await queue.write { db in try db.execute(sql: "DROP TRIGGER audit_block") }
        // Nothing half-written: the chain continues where it was, and verifies.
        let record = try await log.appendRecord(Self.event(tenant, 3))
        #expect(record.seq == 2)
        #expect(Self.verify(try await Self.export(log, tenant), log.publicKey).isValid)
    }

    // MARK: Lookups

    @Test func marksAndResourcesLeadBackToTheirRecipients() async throws {
        let fixture = try Fixture()
        let log = fixture.log()
        let tenant = UUID()
        let other = UUID()
        try await log.append(Self.event(tenant, 1, resources: ["mem-a", "mem-b"], mark: "00ff"))
        try await log.append(Self.event(tenant, 2, resources: ["mem-b"], mark: "01ff"))
        try await log.append(Self.event(other, 3, resources: ["mem-a"]))
        try await log.append(Self.event(tenant, 4, resources: ["mem-ab"]))

        let found = try #require(try await log.record(mark: "01ff"))
        #expect(found.tenantID == tenant && found.record.requestID == "req-2" && found.record.seq == 2)
        #expect(try await log.record(mark: "ffff") == nil)

        let recipients = try await log.recipients(ofResource: "mem-a", tenantID: tenant)
        #expect(recipients.map(\.requestID) == ["req-1"])
        #expect(try await log.recipients(ofResource: "mem-b", tenantID: tenant).map(\.seq) == [1, 2])
    }

    // MARK: Format primitives

    @Test func canonicalJSONAndTimesHaveExactlyOneSpelling() throws {
        let value = AuditJSON.object([
            "b": .int(-3), "a": .array([.null, .bool(true), .string("x\"\\/\u{7f}\u{1f}\n")]), "\u{e9}": .object([:]),
            "\u{10000}": .string("🎉"), "\u{ff61}": .null,
        ])
        // Keys sort by UTF-16 code units (RFC 8785): U+10000 (D800 DC00) before U+FF61.
        #expect(value.canonical == "{\"a\":[null,true,\"x\\\"\\\\/\u{7f}\\u001f\\n\"],\"b\":-3,\"é\":{},\"𐀀\":\"🎉\",\"｡\":null}")
        #expect(try AuditJSON.parse(Array(value.canonical.utf8)) == value)
        #expect(throws: AuditJSONError.self) { try AuditJSON.parse(Array("{\"a\":1,\"a\":2}".utf8)) }
        #expect(throws: AuditJSONError.self) { try AuditJSON.parse(Array("{\"a\":1.5}".utf8)) }
        #expect(throws: AuditJSONError.self) { try AuditJSON.parse(Array("{\"a\":01}".utf8)) }
        #expect(throws: AuditJSONError.self) { try AuditJSON.parse([0x22, 0xFF, 0x22]) }

        #expect(AuditTime.format(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(AuditTime.format(millis: 951_782_400_123) == "2000-02-29T00:00:00.123Z")
        #expect(AuditTime.parse("2000-02-29T00:00:00.123Z") == 951_782_400_123)
        #expect(AuditTime.parse("2001-02-29T00:00:00.000Z") == nil)
        #expect(AuditTime.parse("2000-02-29T00:00:00.12Z") == nil)
        #expect(AuditTime.parse("2000-02-29 00:00:00.123Z") == nil)
        for millis: Int64 in [-1, 1, 1_750_000_000_999, 253_402_300_799_999] {
            #expect(AuditTime.parse(AuditTime.format(millis: millis)) == millis)
        }
    }
}
