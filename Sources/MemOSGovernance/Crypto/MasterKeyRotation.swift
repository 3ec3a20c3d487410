import Foundation
import MemOSStore

extension Governance {
    /// The outcome of a master key rotation.
    public struct Rotation: Sendable {
        public let rewrapped: Int
        public let kekID: String
    }

    /// Replaces the master key without downtime: a new key is written beside the old one
    /// (`master.key.next`, 0600), every data key is rewrapped under it in one transaction, and
    /// the new file is renamed over the old. Memories are not re-encrypted (their data keys do
    /// not change) and requests keep being served meanwhile. A crash between the transaction and
    /// the rename is repaired at the next start (`resolveInterruptedRotation`).
    public func rotateMasterKey() async throws -> Rotation {
        guard let keyFile = masterKeyFile else {
            throw GovernanceError.conflict(
                "the master key comes from MEMOS_MASTER_KEY; rotate it where that variable is managed, not through the gateway")
        }
        let next = Self.pendingKeyURL(for: keyFile)
        try? FileManager.default.removeItem(at: next)
        let newKey: MasterKey
        do {
            newKey = try MasterKey.generate(at: next)
        } catch {
            throw GovernanceError.unavailable("cannot write the new master key: \(error)")
        }
        let count = try await keyring.rotate(to: newKey)
        guard rename(next.path, keyFile.path) == 0 else {
            throw GovernanceError.unavailable(
                "data keys are rewrapped but \(next.path) could not replace \(keyFile.path) (errno \(errno)); the next start completes it")
        }
        try await audit.append(
            AuditEvent(
                tenantID: nil, actorKind: "system", action: "keys.rotate",
                details: ["kek_id": Keyring.kekID(newKey), "rewrapped": String(count)]))
        return Rotation(rewrapped: count, kekID: Keyring.kekID(newKey))
    }

    static func pendingKeyURL(for keyFile: URL) -> URL {
        keyFile.deletingLastPathComponent().appendingPathComponent(keyFile.lastPathComponent + ".next")
    }

    /// After a crash mid-rotation, whichever of the two key files wraps the stored data keys
    /// is the master key; the other is removed.
    static func resolveInterruptedRotation(
        keyFile: URL, loaded: MasterKey, store: any GovernanceStore
    ) async throws -> MasterKey {
        let next = pendingKeyURL(for: keyFile)
        guard FileManager.default.fileExists(atPath: next.path) else { return loaded }
        guard let pending = try? MasterKey.load(from: next) else {
            try? FileManager.default.removeItem(at: next)
            return loaded
        }
        let wrappedBy = Set(try await store.allDataKeys().map(\.kekID))
        if wrappedBy.contains(Keyring.kekID(pending)) && !wrappedBy.contains(Keyring.kekID(loaded)) {
            guard rename(next.path, keyFile.path) == 0 else {
                throw GovernanceError.unavailable("cannot complete the interrupted key rotation (errno \(errno))")
            }
            return pending
        }
        try? FileManager.default.removeItem(at: next)
        return loaded
    }
}
