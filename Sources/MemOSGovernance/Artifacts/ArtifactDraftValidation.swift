import Foundation

/// The rules an artifact draft must meet before anything is looked up or stored; each failure
/// names its field.
enum ArtifactDraftValidation {
    static let maxMemorySources = 10_000
    static let maxSubjectSources = 1_000

    static func validate(_ draft: ArtifactDraft) throws {
        try text(draft.name, field: "name", limit: 128)
        if let description = draft.description {
            guard description.count <= 4_000 else {
                throw GovernanceError.invalidInput(field: "description", message: "at most 4000 characters")
            }
        }
        switch draft.kind {
        case .parametric:
            guard let details = draft.parametric else {
                throw GovernanceError.invalidInput(field: "parametric", message: "required for kind 'parametric'")
            }
            guard draft.kvSnapshot == nil else {
                throw GovernanceError.invalidInput(field: "kv_snapshot", message: "applies only to kind 'kv_snapshot'")
            }
            try parametric(details)
        case .kvSnapshot:
            guard let details = draft.kvSnapshot else {
                throw GovernanceError.invalidInput(field: "kv_snapshot", message: "required for kind 'kv_snapshot'")
            }
            guard draft.parametric == nil else {
                throw GovernanceError.invalidInput(field: "parametric", message: "applies only to kind 'parametric'")
            }
            try kvSnapshot(details)
        }
        guard draft.derivedFromMemories.count <= maxMemorySources else {
            throw GovernanceError.invalidInput(
                field: "derived_from.memory_ids", message: "at most \(maxMemorySources) memories")
        }
        guard draft.derivedFromSubjects.count <= maxSubjectSources else {
            throw GovernanceError.invalidInput(field: "derived_from.subjects", message: "at most \(maxSubjectSources) subjects")
        }
        for (index, subject) in draft.derivedFromSubjects.enumerated() {
            guard (1...256).contains(subject.count), !subject.contains(where: \.isNewline) else {
                throw GovernanceError.invalidInput(
                    field: "derived_from.subjects[\(index)]", message: "must be 1-256 characters on one line")
            }
        }
    }

    private static func parametric(_ details: ParametricDetails) throws {
        try text(details.baseModel, field: "parametric.base_model", limit: 256)
        try text(details.format, field: "parametric.format", limit: 64)
        guard (1...65_536).contains(details.rank) else {
            throw GovernanceError.invalidInput(field: "parametric.rank", message: "must be between 1 and 65536 (got \(details.rank))")
        }
        if let alpha = details.alpha {
            guard alpha.isFinite, alpha > 0 else {
                throw GovernanceError.invalidInput(field: "parametric.alpha", message: "must be a positive number")
            }
        }
        guard (1...256).contains(details.targetModules.count) else {
            throw GovernanceError.invalidInput(field: "parametric.target_modules", message: "must list 1-256 modules")
        }
        for (index, module) in details.targetModules.enumerated() {
            try text(module, field: "parametric.target_modules[\(index)]", limit: 128)
        }
    }

    private static func kvSnapshot(_ details: KVSnapshotDetails) throws {
        let id = details.activationPrefixID
        guard id.count == 64, id.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw GovernanceError.invalidInput(
                field: "kv_snapshot.activation_prefix_id", message: "must be the prefix's SHA-256 as 64 lowercase hex digits")
        }
        try text(details.backend, field: "kv_snapshot.backend", limit: 64)
        try text(details.model, field: "kv_snapshot.model", limit: 256)
        try text(details.slotFormat, field: "kv_snapshot.slot_format", limit: 64)
    }

    /// One line of printable text, 1...limit characters.
    private static func text(_ value: String, field: String, limit: Int) throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= limit,
            !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            throw GovernanceError.invalidInput(field: field, message: "must be 1-\(limit) characters of text on one line")
        }
    }
}
