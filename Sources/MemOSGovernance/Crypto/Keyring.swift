import Crypto
import Foundation
import MemOSStore
import Synchronization

/// A data key in the clear, held in memory only, with the id sealed rows refer to it by.
public struct DataKey: Sendable {
    public let id: String
    let key: SymmetricKey
}

/// Envelope encryption: the master key (KEK) wraps per-tenant and per-subject data keys, and
/// the system's own secrets (token signing, API key hashing, audit signing), all stored in
/// `data_keys`. Memory is sealed under data keys, never under the master key itself, so
///
/// - erasing a subject is deleting one row (crypto-shredding: backups become unreadable too);
/// - rotating the master key rewraps a few hundred bytes per key, not every memory, and runs
///   while the gateway serves (unwrapped keys stay cached).
public final class Keyring: Sendable {
    public enum Kind: String, Sendable {
        case system, tenant, subject
    }

    private struct Scope: Hashable {
        let tenantID: UUID?
        let kind: Kind
        let scope: String
    }

    private struct State {
        var kek: MasterKey
        var byScope: [Scope: DataKey] = [:]
        var byID: [String: SymmetricKey] = [:]
    }

    private let store: any DataKeyStore
    private let state: Mutex<State>

    public init(store: any DataKeyStore, masterKey: MasterKey) {
        self.store = store
        self.state = Mutex(State(kek: masterKey))
    }

    // MARK: Keys by role

    /// A system secret. Created at first use as the master key's HKDF output for `purpose`,
    /// which is what earlier versions used directly, so existing API keys and tokens stay valid;
    /// from then on it lives wrapped and survives master key rotation.
    public func systemKey(_ purpose: String) async throws -> SymmetricKey {
        let kek = currentKEK()
        return try await key(Scope(tenantID: nil, kind: .system, scope: purpose), create: { kek.derive(purpose: purpose) })!.key
    }

    /// The tenant's data key (audit HMACs, subject hashing, leak fingerprints). Created, like system
    /// keys, from the master key's derivation used before wrapped keys existed, so rows sealed
    /// then (format 1) still open.
    public func tenantKey(_ tenantID: UUID) async throws -> DataKey {
        let kek = currentKEK()
        return try await key(
            Scope(tenantID: tenantID, kind: .tenant, scope: ""),
            create: { kek.derive(purpose: Self.legacyTenantPurpose(tenantID)) })!
    }

    /// One data subject's key: every memory about the subject is sealed under it. `create:
    /// false` answers nil for a subject with no key (never written, or erased).
    public func subjectKey(tenantID: UUID, subjectHash: String, create: Bool) async throws -> DataKey? {
        try await key(
            Scope(tenantID: tenantID, kind: .subject, scope: subjectHash),
            create: create ? { SymmetricKey(size: .bits256) } : nil)
    }

    /// The key a sealed row names; nil when it was destroyed (the row can never open again).
    public func key(id: String, tenantID: UUID) async throws -> SymmetricKey? {
        if let key = state.withLock({ $0.byID[id] }) { return key }
        guard let record = try await translating({ try await self.store.dataKey(id: id) }),
            record.tenantID == tenantID, let kind = Kind(rawValue: record.kind)
        else { return nil }
        let key = try unwrap(record, kind: kind)
        remember(DataKey(id: record.id, key: key), scope: Scope(tenantID: record.tenantID, kind: kind, scope: record.scope))
        return key
    }

    /// The subject's pseudonym: a keyed hash under the tenant key, stored beside memories so
    /// erasure and export find them without decrypting, and meaningless without the key.
    public func subjectHash(tenantID: UUID, subject: String) async throws -> String {
        let key = try await tenantKey(tenantID).key
        return ByteEncoding.hex(HMAC<SHA256>.authenticationCode(for: Data("subject:\(subject)".utf8), using: key))
    }

    /// The gateway's Ed25519 key: it signs audit checkpoints, audit exports and erasure
    /// receipts, so one published public key verifies all three.
    public func signingKey() async throws -> Curve25519.Signing.PrivateKey {
        let raw = try await systemKey("ed25519-signing").withUnsafeBytes { Data($0) }
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw GovernanceError.integrity("the signing key is not a valid Ed25519 key")
        }
    }

    // MARK: Destruction and rotation

    /// Crypto-shreds a subject: the wrapped key row is deleted (secure_delete zeroes its page)
    /// and the cached copy forgotten. Returns whether a key existed.
    @discardableResult
    public func destroySubjectKey(tenantID: UUID, subjectHash: String) async throws -> Bool {
        let scope = Scope(tenantID: tenantID, kind: .subject, scope: subjectHash)
        state.withLock { state in
            if let key = state.byScope.removeValue(forKey: scope) { state.byID[key.id] = nil }
        }
        let deleted = try await translating {
            try await self.store.deleteDataKeys(tenantID: tenantID, kind: Kind.subject.rawValue, scope: subjectHash)
        }
        return deleted > 0
    }

    /// Drops every cached key of a tenant (after its rows were deleted), so not even this
    /// process keeps a usable copy.
    public func forgetTenant(_ tenantID: UUID) {
        state.withLock { state in
            for (scope, key) in state.byScope where scope.tenantID == tenantID {
                state.byScope[scope] = nil
                state.byID[key.id] = nil
            }
        }
    }

    /// Rewraps every data key under `newKey` in one transaction, then switches to it. Sealed
    /// memories are untouched (their data keys do not change), and requests keep being served
    /// from cached keys meanwhile.
    public func rotate(to newKey: MasterKey) async throws -> Int {
        let records = try await translating { try await self.store.allDataKeys() }
        var updates: [(id: String, wrapped: Data, kekID: String)] = []
        for record in records {
            guard let kind = Kind(rawValue: record.kind) else { continue }
            let key = try unwrap(record, kind: kind)
            updates.append(
                (record.id, try Self.wrap(key, record: record, kek: newKey), Self.kekID(newKey)))
        }
        let rows = updates
        try await translating { try await self.store.rewrapDataKeys(rows) }
        state.withLock { $0.kek = newKey }
        return updates.count
    }

    /// Identifies a master key without revealing it: rows record which key wrapped them.
    public static func kekID(_ kek: MasterKey) -> String {
        String(ByteEncoding.hex(kek.derive(purpose: "kek-id").withUnsafeBytes { Data($0) }).prefix(16))
    }

    // MARK: Internals

    private func currentKEK() -> MasterKey {
        state.withLock { $0.kek }
    }

    private func remember(_ key: DataKey, scope: Scope) {
        state.withLock { state in
            state.byScope[scope] = key
            state.byID[key.id] = key.key
        }
    }

    private func key(_ scope: Scope, create: (() -> SymmetricKey)?) async throws -> DataKey? {
        if let key = state.withLock({ $0.byScope[scope] }) { return key }
        let existing = try await translating {
            try await self.store.dataKey(tenantID: scope.tenantID, kind: scope.kind.rawValue, scope: scope.scope)
        }
        let record: DataKeyRecord
        if let existing {
            record = existing
        } else {
            guard let create else { return nil }
            let kek = currentKEK()
            let fresh = create()
            var draft = DataKeyRecord(
                id: "dk_" + UUID.v7().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
                tenantID: scope.tenantID, kind: scope.kind.rawValue, scope: scope.scope, wrapped: Data(),
                kekID: Self.kekID(kek), createdAt: Date())
            draft.wrapped = try Self.wrap(fresh, record: draft, kek: kek)
            let inserted = draft
            // Another request may have created it first; theirs wins and is what we use.
            record = try await translating { try await self.store.insertDataKeyIfAbsent(inserted) }
        }
        let key = DataKey(id: record.id, key: try unwrap(record, kind: scope.kind))
        remember(key, scope: scope)
        return key
    }

    private func unwrap(_ record: DataKeyRecord, kind: Kind) throws -> SymmetricKey {
        let kek = currentKEK()
        guard record.kekID == Self.kekID(kek) else {
            throw GovernanceError.unavailable(
                "data key \(record.id) is wrapped by master key \(record.kekID), not by the loaded one (\(Self.kekID(kek)))")
        }
        guard let box = try? AES.GCM.SealedBox(combined: record.wrapped),
            let raw = try? AES.GCM.open(box, using: kek.derive(purpose: Self.wrappingPurpose), authenticating: Self.wrapAAD(record))
        else {
            throw GovernanceError.integrity("data key \(record.id) failed to unwrap (edited or moved in the database)")
        }
        return SymmetricKey(data: raw)
    }

    private static func wrap(_ key: SymmetricKey, record: DataKeyRecord, kek: MasterKey) throws -> Data {
        let raw = key.withUnsafeBytes { Data($0) }
        guard let combined = try AES.GCM.seal(raw, using: kek.derive(purpose: wrappingPurpose), authenticating: wrapAAD(record)).combined
        else { throw GovernanceError.unavailable("AES-GCM produced no combined representation") }
        return combined
    }

    /// Binds a wrapped key to its row: moving it to another tenant, kind or subject fails.
    private static func wrapAAD(_ record: DataKeyRecord) -> Data {
        Data(
            "memos/v1/data-key|id=\(record.id)|tenant=\(record.tenantID?.uuidString.lowercased() ?? "-")|kind=\(record.kind)|scope=\(record.scope)"
                .utf8)
    }

    private static let wrappingPurpose = "data-key-wrapping"

    static func legacyTenantPurpose(_ tenantID: UUID) -> String {
        "tenant-data-key/\(tenantID.uuidString.lowercased())"
    }

    private func translating<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw GovernanceError.unavailable("key store: \(error)")
        }
    }
}
