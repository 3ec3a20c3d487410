import Crypto
import Foundation
import MemOSStore

extension AuditLog {
    /// The chain of `tenantID` (nil: the platform chain) as JSON Lines, for offline verification
    /// with `AuditVerifier` (format: `audit/export.schema.json`).
    ///
    /// Line one is a signed header naming the export's window and its last record; then records
    /// in seq order, each checkpoint right after the record it covers. A window starting after the
    /// chain's beginning opens with the checkpoints that anchor its first record. Lines carry no
    /// newline. Pages of `pageSize` rows are read as the consumer pulls, so any size streams in
    /// bounded memory; records appended while exporting are not included.
    public func export(
        tenantID: UUID?, from: Date? = nil, to: Date? = nil, pageSize: Int = 500
    ) -> AsyncThrowingStream<String, any Error> {
        let cursor = AuditExportCursor(
            log: self, tenantKey: AuditFormat.tenantKey(tenantID), fromMillis: from.map(AuditTime.millis),
            toMillis: to.map(AuditTime.millis), pageSize: max(1, pageSize))
        return AsyncThrowingStream { try await cursor.next() }
    }

    func signedHeader(
        tenantKey: String, exportedAt: Int64, fromMillis: Int64?, toMillis: Int64?, firstSeq: Int64?, lastSeq: Int64?,
        lastHash: String?
    ) throws -> String {
        func time(_ millis: Int64?) -> AuditJSON { millis.map { .string(AuditTime.format(millis: $0)) } ?? .null }
        let header = AuditJSON.object([
            "type": .string("header"),
            "format": .string(AuditFormat.name),
            "version": .int(AuditFormat.version),
            "tenant": .string(tenantKey),
            "exported_at": time(exportedAt),
            "from": time(fromMillis),
            "to": time(toMillis),
            "first_seq": firstSeq.map(AuditJSON.int) ?? .null,
            "last_seq": lastSeq.map(AuditJSON.int) ?? .null,
            "last_hash": lastHash.map(AuditJSON.string) ?? .null,
            "public_key": .string(publicKey.rawRepresentation.base64EncodedString()),
            "key_id": .string(keyID),
        ])
        let signature = try signingKey.signature(for: Data(header.canonical.utf8))
        return header.setting("signature", .string(Data(signature).base64EncodedString())).canonical
    }
}

/// The state of one export: which window, how far it got, and the current page of each kind.
private actor AuditExportCursor {
    private let log: AuditLog
    private let tenantKey: String
    private let fromMillis: Int64?
    private let toMillis: Int64?
    private let pageSize: Int

    private var started = false
    /// Records `afterSeq < seq <= lastSeq` remain; checkpoints with `id > afterID` too.
    private var afterSeq: Int64 = 0
    private var lastSeq: Int64 = 0
    private var afterID: Int64 = 0
    private var records: ArraySlice<AuditRow> = []
    private var checkpoints: ArraySlice<AuditCheckpointRow> = []
    private var recordsDone = false
    private var checkpointsDone = false

    init(log: AuditLog, tenantKey: String, fromMillis: Int64?, toMillis: Int64?, pageSize: Int) {
        self.log = log
        self.tenantKey = tenantKey
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.pageSize = pageSize
    }

    func next() async throws -> String? {
        do {
            guard started else { return try await header() }
            if records.isEmpty, !recordsDone { try await loadRecords() }
            if checkpoints.isEmpty, !checkpointsDone { try await loadCheckpoints() }
            switch (records.first, checkpoints.first) {
            case (nil, nil):
                return nil
            case (let record?, let checkpoint?) where checkpoint.seq < record.seq:
                return try emit(checkpoints.removeFirst())
            case (let record?, _):
                records.removeFirst()
                return try AuditJSON.parse(Array(record.body.utf8)).setting("hash", .string(record.hash)).canonical
            case (nil, _?):
                return try emit(checkpoints.removeFirst())
            }
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.unavailable("audit trail unavailable: \(error)")
        }
    }

    private func emit(_ checkpoint: AuditCheckpointRow) throws -> String {
        try AuditJSON.parse(Array(checkpoint.body.utf8)).setting("signature", .string(checkpoint.signature)).canonical
    }

    private func header() async throws -> String {
        started = true
        // Without `to`, the export ends at the chain's head now: later records have higher seqs.
        let bounds = try await log.store.auditSeqBounds(tenantKey: tenantKey, fromMillis: fromMillis, toMillis: toMillis)
        // Chain times never go backwards even if the wall clock does; neither does the export's.
        let head = try await log.store.auditHead(tenantKey: tenantKey)
        let exportedAt = max(AuditTime.millis(log.now()), head?.timeMillis ?? Int64.min)
        var firstSeq: Int64?
        var lastHash: String?
        if let first = bounds.first, let last = bounds.last, first <= last {
            firstSeq = first
            lastSeq = last
            afterSeq = first - 1
            lastHash = bounds.lastHash
        } else {
            recordsDone = true
            // No record in the window: the checkpoints in it still show the chain was alive.
            lastSeq = bounds.last ?? 0
        }
        checkpointsDone = bounds.last == nil
        return try log.signedHeader(
            tenantKey: tenantKey, exportedAt: exportedAt, fromMillis: fromMillis, toMillis: toMillis,
            firstSeq: firstSeq, lastSeq: firstSeq == nil ? nil : lastSeq, lastHash: lastHash)
    }

    private func loadRecords() async throws {
        let page = try await log.store.auditRecords(
            tenantKey: tenantKey, afterSeq: afterSeq, throughSeq: lastSeq, limit: pageSize)
        records = page[...]
        afterSeq = page.last?.seq ?? afterSeq
        recordsDone = page.count < pageSize
    }

    private func loadCheckpoints() async throws {
        let page = try await log.store.auditCheckpoints(
            tenantKey: tenantKey, afterID: afterID, throughSeq: lastSeq, fromMillis: fromMillis,
            toMillis: toMillis, limit: pageSize)
        checkpoints = page[...]
        afterID = page.last?.id ?? afterID
        checkpointsDone = page.count < pageSize
    }
}
