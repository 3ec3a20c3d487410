import Crypto
import Foundation
import MemOSCore
import MemOSStore

/// What an activation prefix seals: its text and everything needed to trust it later.
struct SealedActivation: Codable, Sendable {
    let id: String
    let text: String
    /// The highest effective label of its memories (it decides the watermark).
    let label: String
    let memoryIDs: [UUID]
    let builtAt: Date
    /// The policy it was composed under: redaction follows policy, so another policy rebuilds it.
    let policyHash: String
}

/// A persona's prefix with its label, as the scheduler holds it.
struct CurrentActivation: Sendable {
    let prefix: ActivationPrefix
    let label: String
}

/// Activation memory as a caller reads it: the text watermarked like memory text.
public struct ActivationView: Sendable {
    /// SHA-256 hex of the unmarked text (what a backend's prefix cache is keyed by).
    public let id: String
    public let text: String
    public let label: String
    public let memoryIDs: [UUID]
    public let builtAt: Date
    public let approximateTokens: Int
}

/// Activation memory: composed from a persona's hottest readable memories, sealed under the
/// tenant key, stored per persona, rebuilt when its members change.
extension MemScheduler {
    /// The caller's activation prefix as an API response: watermarked where policy marks the
    /// prefix's label, and audited with its members and mark. nil when there is none.
    public func activationView(_ caller: MemoryCaller) async throws -> ActivationView? {
        try await memories.auditedRead(caller, "activation.read") {
            guard let current = try await currentActivation(caller) else { return (nil, MemoryService.AuditNote()) }
            let stamp = try await memories.stamp()
            let policy = memories.presenter.policy
            var text = current.prefix.text
            if policy.watermark.applies(label: current.label, role: caller.role.name, scale: policy.labels) {
                text = stamp.codec.embed(text, markID: stamp.markID)
                stamp.used()
            }
            let view = ActivationView(
                id: current.prefix.id, text: text, label: current.label, memoryIDs: current.prefix.memoryIDs,
                builtAt: current.prefix.builtAt, approximateTokens: current.prefix.approximateTokens)
            return (
                view,
                MemoryService.AuditNote(
                    resources: current.prefix.memoryIDs.map { $0.uuidString.lowercased() }, mark: stamp.recorded)
            )
        }
    }

    /// Queues a rebuild of the caller's prefix (one pending per persona).
    public func requestActivationRebuild(_ caller: MemoryCaller) async -> SchedulerTaskRecord {
        await queue.enqueue(
            .activationRebuild, owner: caller.tenantID.uuidString.lowercased(),
            dedupeKey: "activation:\(caller.tenantID.uuidString.lowercased())/\(caller.user.id.uuidString.lowercased())/\(caller.role.name)"
        ) { [self] _ in
            let rebuilt = try await rebuildActivation(caller)
            return ["memories": String(rebuilt?.prefix.memoryIDs.count ?? 0)]
        }
    }

    /// The stored prefix when it is still good for the caller (same policy, every member still
    /// readable and live), else a fresh one.
    func currentActivation(_ caller: MemoryCaller) async throws -> CurrentActivation? {
        if let stored = try await loadActivation(tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name),
            stored.policyHash == activePolicy.current.hash
        {
            var intact = true
            for id in stored.memoryIDs {
                guard let member = try? await memories.readableStored(caller, id: id),
                    MemoryState.searchableByDefault.contains(member.item.state)
                else {
                    intact = false
                    break
                }
            }
            if intact {
                return CurrentActivation(
                    prefix: ActivationPrefix(id: stored.id, text: stored.text, memoryIDs: stored.memoryIDs, builtAt: stored.builtAt),
                    label: stored.label)
            }
        }
        return try await rebuildActivation(caller)
    }

    /// Composes the persona's prefix from its hottest memories it may read now, and stores it
    /// (audited first) unless an identical one is stored. With no hot memory, any stored prefix
    /// is deleted and nil returned.
    @discardableResult
    func rebuildActivation(_ caller: MemoryCaller) async throws -> CurrentActivation? {
        let policy = self.policy
        let store = memories.store
        await memories.usageRecorder.flush()
        let hot = try await memories.translatingStoreErrors {
            try await store.hotMemories(
                tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name, minimumCount: policy.promoteAfter,
                limit: policy.activationMaxMemories * 2)
        }
        let presenter = memories.presenter
        let scale = presenter.policy.labels
        var entries: [ActivationComposer.Entry] = []
        var labels: [UUID: String] = [:]
        for usage in hot {
            guard let stored = try? await memories.readableStored(caller, id: usage.memoryID),
                MemoryState.searchableByDefault.contains(stored.item.state),
                let content = presenter.content(stored.item.content, governance: stored.governance, caller: caller, watermark: nil)
            else { continue }
            entries.append(ActivationComposer.Entry(id: usage.memoryID, heat: usage.count, text: content.text, key: content.key))
            labels[usage.memoryID] = stored.governance.label
        }
        let composer = ActivationComposer(tokenBudget: policy.activationTokenBudget, maxMemories: policy.activationMaxMemories)
        guard let composed = composer.compose(entries) else {
            try await memories.translatingStoreErrors {
                _ = try await store.deleteActivationPrefix(tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name)
            }
            return nil
        }
        let id = Self.prefixID(composed.text)
        let label =
            composed.memoryIDs.compactMap { labels[$0] }.max { (scale.rank($0) ?? 0) < (scale.rank($1) ?? 0) } ?? scale.lowest
        let existing = try await loadActivation(tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name)
        if let existing, existing.id == id, existing.label == label, existing.policyHash == activePolicy.current.hash {
            return CurrentActivation(
                prefix: ActivationPrefix(id: id, text: existing.text, memoryIDs: existing.memoryIDs, builtAt: existing.builtAt),
                label: label)
        }
        let sealed = SealedActivation(
            id: id, text: composed.text, label: label, memoryIDs: composed.memoryIDs, builtAt: now().roundedToMilliseconds,
            policyHash: activePolicy.current.hash)
        try await memories.audit.append(
            AuditEvent(
                tenantID: caller.tenantID, actor: caller.user.id.uuidString.lowercased(), actorKind: "system", role: caller.role.name,
                action: "activation.rebuild", resources: composed.memoryIDs.map { $0.uuidString.lowercased() }, outcome: .success,
                status: 200, requestID: caller.requestID, personal: [:], details: ["memories": String(composed.memoryIDs.count)],
                mark: nil))
        let record = ActivationPrefixRecord(
            tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name, memoryIDs: composed.memoryIDs,
            sealed: try await seal(sealed, tenantID: caller.tenantID, userID: caller.user.id, role: caller.role.name),
            builtAt: sealed.builtAt)
        try await memories.translatingStoreErrors { try await store.saveActivationPrefix(record) }
        return CurrentActivation(
            prefix: ActivationPrefix(id: id, text: composed.text, memoryIDs: composed.memoryIDs, builtAt: sealed.builtAt),
            label: label)
    }

    /// SHA-256 hex of the exact text.
    static func prefixID(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func loadActivation(tenantID: UUID, userID: UUID, role: String) async throws -> SealedActivation? {
        let store = memories.store
        guard let record = try await memories.translatingStoreErrors({
            try await store.activationPrefix(tenantID: tenantID, userID: userID, role: role)
        }) else { return nil }
        return try await open(record.sealed, tenantID: tenantID, userID: userID, role: role)
    }

    // MARK: Sealing

    private static func associatedData(tenantID: UUID, userID: UUID, role: String) -> Data {
        Data(
            "memos/activation/v1|tenant=\(tenantID.uuidString.lowercased())|user=\(userID.uuidString.lowercased())|role=\(role)"
                .utf8)
    }

    private func seal(_ activation: SealedActivation, tenantID: UUID, userID: UUID, role: String) async throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let key = try await memories.keyring.tenantKey(tenantID).key
        do {
            let box = try AES.GCM.seal(
                try encoder.encode(activation), using: key,
                authenticating: Self.associatedData(tenantID: tenantID, userID: userID, role: role))
            guard let combined = box.combined else { throw GovernanceError.unavailable("AES-GCM produced no combined representation") }
            return combined
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.unavailable("encryption failed: \(error)")
        }
    }

    private func open(_ sealed: Data, tenantID: UUID, userID: UUID, role: String) async throws -> SealedActivation {
        let key = try await memories.keyring.tenantKey(tenantID).key
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Self.associatedData(tenantID: tenantID, userID: userID, role: role)),
            let activation = try? decoder.decode(SealedActivation.self, from: plaintext)
        else {
            throw GovernanceError.integrity("the activation prefix of role '\(role)' failed to decrypt (tampered or moved)")
        }
        return activation
    }
}
