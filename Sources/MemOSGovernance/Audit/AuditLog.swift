import Crypto
import Foundation
import Logging
import MemOSStore

/// The tamper-evident audit trail: one hash-chained record per operation, per tenant, with
/// Ed25519-signed checkpoints every `checkpointEvery` records and every `checkpointInterval`.
///
/// Fail-closed: `append` returns only after the record is committed; any failure (store down,
/// disk full, key unavailable) throws `GovernanceError.unavailable`, and the caller must then
/// change nothing. Records never hold memory text; personal values are keyed HMACs.
public final class AuditLog: AuditSink {
    let store: any AuditStore
    let signingKey: Curve25519.Signing.PrivateKey
    private let hmacKey: @Sendable (UUID?) async throws -> SymmetricKey
    private let policyHash: @Sendable () -> String
    private let checkpointEvery: Int64
    private let checkpointInterval: Duration
    let now: @Sendable () -> Date
    private let logger: Logger

    /// The key that verifies this trail's checkpoints and export headers; publish it.
    public let publicKey: Curve25519.Signing.PublicKey
    /// First 16 hex digits of SHA-256 of the raw public key, written into every signed object.
    public let keyID: String

    /// - Parameters:
    ///   - hmacKey: the key for personal-value HMACs of a tenant (nil: platform events). Called
    ///     only for events that carry personal values; callers should cache keys behind it.
    ///   - policyHash: the hash of the policy set in force, read at every append.
    ///   - checkpointEvery: a signed checkpoint is written with every N-th record of a chain.
    ///   - checkpointInterval: `runCheckpointTimer` checkpoints every chain this often, even idle
    ///     ones, so that a verifier can tell "nothing happened" from "records were removed".
    ///   - now: the wall clock (injectable for tests). Times never go backwards within a chain,
    ///     even if this clock does.
    public init(
        store: any AuditStore, signingKey: Curve25519.Signing.PrivateKey,
        hmacKey: @escaping @Sendable (UUID?) async throws -> SymmetricKey,
        policyHash: @escaping @Sendable () -> String, checkpointEvery: Int = 256,
        checkpointInterval: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "memos.audit")
    ) {
        precondition(checkpointEvery >= 1, "checkpointEvery must be at least 1")
        self.store = store
        self.signingKey = signingKey
        self.hmacKey = hmacKey
        self.policyHash = policyHash
        self.checkpointEvery = Int64(checkpointEvery)
        self.checkpointInterval = checkpointInterval
        self.now = now
        self.logger = logger
        publicKey = signingKey.publicKey
        keyID = AuditFormat.keyID(of: signingKey.publicKey)
    }

    public func append(_ event: AuditEvent) async throws {
        _ = try await write(event)
        RequestAuditMarker.current?.markRecorded()
    }

    /// Appends `event` and returns the record as written (for callers and tests that need its
    /// seq or hash). Throws `GovernanceError.unavailable` if it could not be made durable.
    @discardableResult
    public func appendRecord(_ event: AuditEvent) async throws -> AuditRecord {
        let row = try await write(event)
        RequestAuditMarker.current?.markRecorded()
        do {
            return try AuditRecord(row: row.body, hash: row.hash)
        } catch {
            throw GovernanceError.integrity("audit record \(row.tenantKey)#\(row.seq): \(error)")
        }
    }

    private func write(_ event: AuditEvent) async throws -> AuditRow {
        let tenantKey = AuditFormat.tenantKey(event.tenantID)
        do {
            let personal = try await hashedPersonal(event)
            let policy = policyHash()
            let nowMillis = AuditTime.millis(now())
            return try await store.appendAuditRecord(tenantKey: tenantKey, syncToDisk: event.syncToDisk) { [self] head in
                let seq = (head?.seq ?? 0) + 1
                let timeMillis = max(nowMillis, head?.timeMillis ?? nowMillis)
                let body = Self.recordBody(
                    event: event, tenantKey: tenantKey, seq: seq, timeMillis: timeMillis, policyHash: policy,
                    personal: personal, prevHash: head?.hash ?? AuditFormat.genesisHash
                ).canonical
                let hash = AuditFormat.sha256Hex(body)
                let record = AuditRow(
                    tenantKey: tenantKey, seq: seq, timeMillis: timeMillis, action: event.action,
                    requestID: event.requestID, mark: event.mark, body: body, hash: hash)
                let checkpoint =
                    seq % checkpointEvery == 0
                    ? try signedCheckpoint(
                        tenantKey: tenantKey, head: AuditChainHead(seq: seq, hash: hash, timeMillis: timeMillis),
                        timeMillis: timeMillis) : nil
                return AuditAppend(record: record, checkpoint: checkpoint)
            }
        } catch {
            logger.error(
                "audit append failed", metadata: ["tenant": "\(tenantKey)", "action": "\(event.action)", "error": "\(error)"])
            throw GovernanceError.unavailable("audit trail unavailable: \(error)")
        }
    }

    /// Writes a signed checkpoint of every chain's current head now (tests, shutdown, startup).
    public func checkpointNow() async throws {
        do {
            for tenantKey in try await store.auditTenantKeys() {
                try await checkpoint(tenantKey: tenantKey)
            }
        } catch {
            throw GovernanceError.unavailable("audit trail unavailable: \(error)")
        }
    }

    /// Checkpoints every chain at once and then every `checkpointInterval` until the task is
    /// cancelled. Failures are logged and retried at the next tick (appends still fail closed).
    public func runCheckpointTimer() async {
        while !Task.isCancelled {
            do {
                try await checkpointNow()
            } catch {
                logger.error("audit checkpoint failed", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: checkpointInterval)
            } catch {
                return
            }
        }
    }

    private func checkpoint(tenantKey: String) async throws {
        let nowMillis = AuditTime.millis(now())
        _ = try await store.appendAuditCheckpoint(tenantKey: tenantKey) { [self] head in
            try signedCheckpoint(tenantKey: tenantKey, head: head, timeMillis: max(nowMillis, head.timeMillis))
        }
    }

    private func hashedPersonal(_ event: AuditEvent) async throws -> [String: String] {
        guard !event.personal.isEmpty else { return [:] }
        let key = try await hmacKey(event.tenantID)
        return event.personal.mapValues { value in
            AuditFormat.personalPrefix
                + ByteEncoding.hex(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key))
        }
    }

    func signedCheckpoint(tenantKey: String, head: AuditChainHead, timeMillis: Int64) throws -> AuditCheckpointRow {
        let body = AuditJSON.object([
            "type": .string("checkpoint"),
            "version": .int(AuditFormat.version),
            "tenant": .string(tenantKey),
            "seq": .int(head.seq),
            "head_hash": .string(head.hash),
            "time": .string(AuditTime.format(millis: timeMillis)),
            "key_id": .string(keyID),
        ]).canonical
        let signature = try signingKey.signature(for: Data(body.utf8))
        return AuditCheckpointRow(
            tenantKey: tenantKey, seq: head.seq, timeMillis: timeMillis, body: body,
            signature: Data(signature).base64EncodedString())
    }

    static func recordBody(
        event: AuditEvent, tenantKey: String, seq: Int64, timeMillis: Int64, policyHash: String,
        personal: [String: String], prevHash: String
    ) -> AuditJSON {
        func optional(_ value: String?) -> AuditJSON { value.map(AuditJSON.string) ?? .null }
        return .object([
            "type": .string("record"),
            "version": .int(AuditFormat.version),
            "tenant": .string(tenantKey),
            "seq": .int(seq),
            "time": .string(AuditTime.format(millis: timeMillis)),
            "actor": optional(event.actor),
            "actor_kind": .string(event.actorKind),
            "role": optional(event.role),
            "action": .string(event.action),
            "resources": .array(event.resources.map(AuditJSON.string)),
            "outcome": .string(event.outcome.rawValue),
            "status": .int(Int64(event.status)),
            "request_id": optional(event.requestID),
            "policy_hash": .string(policyHash),
            "personal": .object(personal.mapValues(AuditJSON.string)),
            "details": .object(event.details.mapValues(AuditJSON.string)),
            "mark": optional(event.mark),
            "prev_hash": .string(prevHash),
        ])
    }
}
