import Foundation

extension Governance {
    /// One policy file as sent by `policy apply`.
    public struct PolicyFile: Sendable {
        public let name: String
        public let content: String

        public init(name: String, content: String) {
            self.name = name
            self.content = content
        }
    }

    /// Validates a complete new policy directory, records the change in the audit trail (fail
    /// closed), writes the files over the active policy directory and switches every service
    /// to it: the next operation runs under the new policy, without a restart.
    ///
    /// Files of the old policy that the new one does not contain are removed, so the directory
    /// (and its hash) is exactly what was applied.
    public func applyPolicy(_ files: [PolicyFile], actor: String, requestID: String) async throws -> (
        previous: PolicySet, applied: PolicySet
    ) {
        let previous = policy
        guard files.contains(where: { $0.name == PolicySet.rolesFileName }) else {
            throw GovernanceError.invalidInput(field: "files", message: "a policy must contain \(PolicySet.rolesFileName)")
        }
        for file in files {
            guard file.name.hasSuffix(".yaml"), !file.name.hasPrefix("."), !file.name.contains("/"), file.name.count <= 100 else {
                throw GovernanceError.invalidInput(
                    field: "files", message: "'\(file.name)' is not a policy file name (<name>.yaml, no directories)")
            }
        }
        guard Set(files.map(\.name)).count == files.count else {
            throw GovernanceError.invalidInput(field: "files", message: "a file name appears twice")
        }
        let fileManager = FileManager.default
        let staging = fileManager.temporaryDirectory.appendingPathComponent("memos-policy-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: staging) }
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in files {
                try Data(file.content.utf8).write(to: staging.appendingPathComponent(file.name))
            }
        } catch {
            throw GovernanceError.unavailable("cannot stage the policy: \(error)")
        }
        let candidate: PolicySet
        do {
            candidate = try PolicySet.load(directory: staging)
        } catch {
            throw GovernanceError.invalidInput(field: "files", message: "\(error)")
        }
        try await audit.append(
            AuditEvent(
                tenantID: nil, actor: actor, actorKind: "operator", action: "policy.apply", requestID: requestID,
                details: ["previous_hash": previous.hash, "policy_hash": candidate.hash]))
        let directory = previous.directory
        do {
            for file in files {
                let target = directory.appendingPathComponent(file.name)
                let temporary = directory.appendingPathComponent(".\(file.name).\(UUID().uuidString).tmp")
                try Data(file.content.utf8).write(to: temporary)
                guard rename(temporary.path, target.path) == 0 else {
                    throw GovernanceError.unavailable("cannot replace \(target.path) (errno \(errno))")
                }
            }
            let names = Set(files.map(\.name))
            for name in try fileManager.contentsOfDirectory(atPath: directory.path)
            where name.hasSuffix(".yaml") && !name.hasPrefix(".") && !names.contains(name) {
                try fileManager.removeItem(at: directory.appendingPathComponent(name))
            }
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GovernanceError.unavailable("cannot write the policy directory: \(error)")
        }
        let applied: PolicySet
        do {
            applied = try PolicySet.load(directory: directory)
        } catch {
            throw GovernanceError.unavailable("the written policy no longer loads: \(error)")
        }
        activePolicy.replace(with: applied)
        return (previous, applied)
    }
}
