import Foundation
import MemOSCore
import MemOSGovernance

/// `filters` of a search: every field optional, every field narrowing.
struct SearchFiltersInput: Decodable {
    let filter: MemoryFilter

    enum CodingKeys: String, CodingKey, CaseIterable {
        case memoryTypes = "memory_types", tags, states, createdAfter = "created_after",
            createdBefore = "created_before", info
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var filter = MemoryFilter()
        if let names = try c.decodeIfPresent([String].self, forKey: .memoryTypes) {
            filter.memoryTypes = Set(
                try names.map { name in
                    guard let type = MemoryType(rawValue: name) else {
                        throw RequestError.invalidField(
                            "filters.memory_types",
                            "unknown memory type '\(name)' (expected one of: \(MemoryType.allNames.joined(separator: ", ")))")
                    }
                    return type
                })
        }
        if let tags = try c.decodeIfPresent([String].self, forKey: .tags) { filter.tags = Set(tags) }
        if let names = try c.decodeIfPresent([String].self, forKey: .states) {
            filter.states = Set(
                try names.map { name in
                    guard let state = MemoryState(rawValue: name) else {
                        throw RequestError.invalidField(
                            "filters.states",
                            "unknown state '\(name)' (expected one of: \(MemoryState.allNames.joined(separator: ", ")))")
                    }
                    return state
                })
        }
        filter.createdAfter = try c.decodeIfPresent(Date.self, forKey: .createdAfter)
        filter.createdBefore = try c.decodeIfPresent(Date.self, forKey: .createdBefore)
        filter.info = try c.decodeIfPresent([String: String].self, forKey: .info) ?? [:]
        self.filter = filter
    }
}

/// `POST /v1/memories/search`.
struct SearchRequest: Decodable {
    let query: String
    let topK: Int
    let cubes: [String]?
    let filter: MemoryFilter
    /// Whether a configured reranker re-scores the results (default true).
    let rerank: Bool
    /// The conversation this search belongs to: the scheduler observes it and may answer it
    /// from the session's preloaded memories.
    let sessionID: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case query, topK = "top_k", cubes, filters, rerank, sessionID = "session_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        query = try c.decodeNonEmptyString(forKey: .query)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? 10
        guard (1...1_000).contains(topK) else {
            throw RequestError.invalidField("top_k", "must be between 1 and 1000 (got \(topK))")
        }
        cubes = try c.decodeIfPresent([String].self, forKey: .cubes)
        filter = try c.decodeIfPresent(SearchFiltersInput.self, forKey: .filters)?.filter ?? MemoryFilter()
        rerank = try c.decodeIfPresent(Bool.self, forKey: .rerank) ?? true
        sessionID = try c.decodeIfPresent(String.self, forKey: .sessionID)
    }
}

/// `PATCH /v1/memories/{id}`: absent fields stay, `null` clears an optional field.
struct PatchMemoryRequest: Decodable {
    let patch: MemoryPatch

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, key, tags, memoryType = "memory_type", background, confidence, info, label, justification
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = c.contains(.text) ? try c.decodeNonEmptyString(forKey: .text) : nil
        if c.contains(.justification) && !c.contains(.label) {
            throw RequestError.invalidField("justification", "applies only together with 'label'")
        }
        let confidence = try c.decodeClearable(Double.self, forKey: .confidence)
        if case .some(.some(let value)) = confidence, !(0...1).contains(value) {
            throw RequestError.invalidField("confidence", "must be between 0 and 1")
        }
        patch = MemoryPatch(
            text: text,
            key: try c.decodeClearable(String.self, forKey: .key),
            tags: try c.decodeTagsIfPresent(forKey: .tags),
            memoryType: try c.decodeMemoryTypeIfPresent(forKey: .memoryType),
            background: try c.decodeClearable(String.self, forKey: .background),
            confidence: confidence,
            info: try c.decodeIfPresent([String: JSONValue].self, forKey: .info),
            label: try c.decodeIfPresent(String.self, forKey: .label),
            justification: try c.decodeIfPresent(String.self, forKey: .justification))
    }
}

/// `POST /v1/cubes`.
struct CreateCubeRequest: Decodable {
    let name: String
    let subspace: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, subspace
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeNonEmptyString(forKey: .name)
        subspace = try c.decodeIfPresent(String.self, forKey: .subspace)
    }
}

/// `POST /v1/memories/{id}/rollback`.
struct RollbackRequest: Decodable {
    let version: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        version = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .version)
    }
}

/// `POST /v1/memories/{id}/transition`.
struct TransitionRequest: Decodable {
    let state: MemoryState

    enum CodingKeys: String, CodingKey, CaseIterable {
        case to
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let name = try decoder.container(keyedBy: CodingKeys.self).decodeNonEmptyString(forKey: .to)
        guard let state = MemoryState(rawValue: name) else {
            throw RequestError.invalidField(
                "to", "unknown state '\(name)' (expected one of: \(MemoryState.allNames.joined(separator: ", ")))")
        }
        self.state = state
    }
}

/// `POST /v1/memories/{id}/related`: link this memory to another.
struct LinkRequest: Decodable {
    let to: UUID
    let relation: MemoryRelation

    enum CodingKeys: String, CodingKey, CaseIterable {
        case to, relation
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let target = try c.decodeNonEmptyString(forKey: .to)
        guard let id = UUID(uuidString: target) else { throw RequestError.invalidField("to", "must be a memory id") }
        to = id
        let name = try c.decodeNonEmptyString(forKey: .relation)
        guard let relation = MemoryRelation(rawValue: name) else {
            throw RequestError.invalidField(
                "relation", "unknown relation '\(name)' (expected one of: \(MemoryRelation.allNames.joined(separator: ", ")))")
        }
        self.relation = relation
    }
}
