import Foundation
import MemOSCore
import MemOSGovernance

/// The MemOS response envelope: `{"code": 200, "message", "data"}`. Errors are not wrapped:
/// they are RFC 9457 problems with the real status, like everywhere in this gateway.
struct ProductEnvelope<Payload: Encodable>: Encodable {
    let code = 200
    let message: String
    let data: Payload

    enum CodingKeys: String, CodingKey {
        case code, message, data
    }
}

/// A memory in MemOS's `TextualMemoryItem` shape (as `format_memory_item` sends it): the text
/// as `memory`, everything else in `metadata`, plus this gateway's `label` and `cube_id`.
struct ProductMemoryOutput: Encodable {
    let view: MemoryView
    let score: Double?

    enum CodingKeys: String, CodingKey {
        case id, memory, refID = "ref_id", metadata
    }

    enum MetadataKeys: String, CodingKey {
        case id, memory, refID = "ref_id", userID = "user_id", sessionID = "session_id", status, type, key, tags
        case confidence, background, memoryType = "memory_type", sources, embedding, usage, createdAt = "created_at"
        case updatedAt = "updated_at", relativity, label, cubeID = "cube_id", info
    }

    var id: String { view.item.id.uuidString.lowercased() }
    var refID: String { "[\(id.prefix(8))]" }

    func encode(to encoder: any Encoder) throws {
        let item = view.item
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(item.content.text, forKey: .memory)
        try c.encode(refID, forKey: .refID)
        var m = c.nestedContainer(keyedBy: MetadataKeys.self, forKey: .metadata)
        try m.encode(id, forKey: .id)
        try m.encode(item.content.text, forKey: .memory)
        try m.encode(refID, forKey: .refID)
        try m.encode(view.subject, forKey: .userID)
        if case .string(let session)? = item.content.info["session_id"] {
            try m.encode(session, forKey: .sessionID)
        } else {
            try m.encodeNil(forKey: .sessionID)
        }
        try m.encode(item.state.rawValue, forKey: .status)
        try m.encode("fact", forKey: .type)
        try m.encode(item.content.key, forKey: .key)
        try m.encode(item.content.tags, forKey: .tags)
        try m.encode(item.content.confidence, forKey: .confidence)
        try m.encode(item.content.background, forKey: .background)
        try m.encode(item.content.memoryType.rawValue, forKey: .memoryType)
        try m.encode([String](), forKey: .sources)
        try m.encode([Double](), forKey: .embedding)
        try m.encode([String](), forKey: .usage)
        try m.encode(item.createdAt, forKey: .createdAt)
        try m.encode(item.updatedAt, forKey: .updatedAt)
        if let score { try m.encode(score, forKey: .relativity) }
        try m.encode(view.label, forKey: .label)
        try m.encode(view.cube.id.uuidString.lowercased(), forKey: .cubeID)
        try m.encode(item.content.info, forKey: .info)
    }
}

/// One cube's memories in a search or listing: `{"cube_id", "memories", "total_nodes"}`.
struct ProductCubeMemories: Encodable {
    let cubeID: String
    let memories: [ProductMemoryOutput]

    enum CodingKeys: String, CodingKey {
        case cubeID = "cube_id", memories, totalNodes = "total_nodes"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cubeID, forKey: .cubeID)
        try c.encode(memories, forKey: .memories)
        try c.encode(memories.count, forKey: .totalNodes)
    }

    /// Memories grouped by cube, cubes in order of their first memory.
    static func grouped(_ outputs: [ProductMemoryOutput]) -> [ProductCubeMemories] {
        var order: [String] = []
        var byCube: [String: [ProductMemoryOutput]] = [:]
        for output in outputs {
            let cube = output.view.cube.id.uuidString.lowercased()
            if byCube[cube] == nil { order.append(cube) }
            byCube[cube, default: []].append(output)
        }
        return order.map { ProductCubeMemories(cubeID: $0, memories: byCube[$0] ?? []) }
    }
}

/// `/product/search` data: text memories by cube; the other memory kinds MemOS reports are empty.
struct ProductSearchData: Encodable {
    let textMemories: [ProductCubeMemories]

    enum CodingKeys: String, CodingKey {
        case textMem = "text_mem", actMem = "act_mem", paraMem = "para_mem", prefMem = "pref_mem", toolMem = "tool_mem"
        case skillMem = "skill_mem", prefNote = "pref_note", prefString = "pref_string"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(textMemories, forKey: .textMem)
        for key in [CodingKeys.actMem, .paraMem, .prefMem, .toolMem, .skillMem] {
            try c.encode([ProductCubeMemories](), forKey: key)
        }
        try c.encode("", forKey: .prefNote)
        try c.encode("", forKey: .prefString)
    }
}

/// `/product/add` data: one entry per stored memory.
struct ProductAddedMemory: Encodable {
    let memory: String
    let memoryID: String
    let memoryType: String
    let cubeID: String
    let label: String

    init(_ view: MemoryView) {
        memory = view.item.content.text
        memoryID = view.item.id.uuidString.lowercased()
        memoryType = view.item.content.memoryType.rawValue
        cubeID = view.cube.id.uuidString.lowercased()
        label = view.label
    }

    enum CodingKeys: String, CodingKey {
        case memory, memoryID = "memory_id", memoryType = "memory_type", cubeID = "cube_id", label
    }
}

/// `/product/get_memory` data: MemOS's graph shape (`nodes`, `edges`) for one cube.
struct ProductGetMemoryData: Encodable {
    let cubeID: String
    let nodes: [ProductMemoryOutput]

    enum CodingKeys: String, CodingKey {
        case textMem = "text_mem", prefMem = "pref_mem"
    }

    enum CubeKeys: String, CodingKey {
        case cubeID = "cube_id", memories, totalNodes = "total_nodes", totalEdges = "total_edges"
    }

    enum GraphKeys: String, CodingKey {
        case nodes, edges
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var text = c.nestedUnkeyedContainer(forKey: .textMem)
        var cube = text.nestedContainer(keyedBy: CubeKeys.self)
        try cube.encode(cubeID, forKey: .cubeID)
        var graph = cube.nestedContainer(keyedBy: GraphKeys.self, forKey: .memories)
        try graph.encode(nodes, forKey: .nodes)
        try graph.encode([String](), forKey: .edges)
        try cube.encode(nodes.count, forKey: .totalNodes)
        try cube.encode(0, forKey: .totalEdges)
        try c.encode([ProductCubeMemories(cubeID: cubeID, memories: [])], forKey: .prefMem)
    }
}

/// A memory a chat answer drew on, as `references`.
struct ProductReference: Encodable {
    let use: ChatMemoryUse

    enum CodingKeys: String, CodingKey {
        case id, refID = "ref_id", label, cubeID = "cube_id", source
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let id = use.id.uuidString.lowercased()
        try c.encode(id, forKey: .id)
        try c.encode("[\(id.prefix(8))]", forKey: .refID)
        try c.encode(use.label, forKey: .label)
        try c.encode(use.cubeID.uuidString.lowercased(), forKey: .cubeID)
        try c.encode(use.source.rawValue, forKey: .source)
    }
}

/// `/product/chat/complete` data.
struct ProductChatData: Encodable {
    let result: ChatResult

    enum CodingKeys: String, CodingKey {
        case response, reasoning, references, sessionID = "session_id", written, label
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.answer, forKey: .response)
        try c.encodeNil(forKey: .reasoning)
        try c.encode(result.preparation.memoriesUsed.map(ProductReference.init), forKey: .references)
        try c.encode(result.preparation.sessionID, forKey: .sessionID)
        try c.encode(result.written.map { $0.uuidString.lowercased() }, forKey: .written)
        try c.encode(result.preparation.label, forKey: .label)
    }
}

/// One `data:` event of the MemOS chat stream: `{"type", "data"}` (or `"content"` for errors).
struct ProductStreamEvent<Payload: Encodable>: Encodable {
    let type: String
    let data: Payload
}

struct ProductStreamError: Encodable {
    let type = "error"
    let content: String
    let status: Int

    enum CodingKeys: String, CodingKey {
        case type, content, status
    }
}

/// The stream's final `end` event.
struct ProductStreamEnd: Encodable {
    let result: ChatResult

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", written, label
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.preparation.sessionID, forKey: .sessionID)
        try c.encode(result.written.map { $0.uuidString.lowercased() }, forKey: .written)
        try c.encode(result.preparation.label, forKey: .label)
    }
}

/// `/product/delete_memory` data.
struct ProductDeleteData: Encodable {
    let status = "success"
    let deleted: [String]

    enum CodingKeys: String, CodingKey {
        case status, deleted
    }
}
