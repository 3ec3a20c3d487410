import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore

/// Provenance as returned.
struct SourceOutput: Encodable {
    let messageID: String?
    let role: String?
    let speaker: String?
    let chatTime: Date?
    let content: String?
    let documentID: String?

    init(_ source: SourceMessage) {
        messageID = source.messageID
        role = source.role
        speaker = source.speaker
        chatTime = source.chatTime
        content = source.content
        documentID = source.documentID
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", role, speaker, chatTime = "chat_time", content, documentID = "document_id"
    }
}

/// The MemoryItem shape of the API.
struct MemoryOutput: Encodable {
    let id: String
    let cube: String
    let cubeName: String
    let subspace: String
    let text: String
    let key: String?
    let tags: [String]
    let memoryType: String
    let state: String
    let version: Int
    let sources: [SourceOutput]
    let background: String?
    let confidence: Double?
    let info: [String: JSONValue]
    let createdAt: Date
    let updatedAt: Date
    let label: String
    let subject: String

    init(_ view: MemoryView) {
        let item = view.item
        label = view.label
        subject = view.subject
        id = item.id.uuidString.lowercased()
        cube = view.cube.id.uuidString.lowercased()
        cubeName = view.cube.name
        subspace = view.cube.subspace
        text = item.content.text
        key = item.content.key
        tags = item.content.tags
        memoryType = item.content.memoryType.rawValue
        state = item.state.rawValue
        version = item.version
        sources = item.content.sources.map(SourceOutput.init)
        background = item.content.background
        confidence = item.content.confidence
        info = item.content.info
        createdAt = item.createdAt
        updatedAt = item.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, cube, cubeName = "cube_name", subspace, text, key, tags, memoryType = "memory_type", state, version,
            sources, background, confidence, info, createdAt = "created_at", updatedAt = "updated_at", label, subject
    }
}

struct MemoriesEnvelope: Encodable {
    let memories: [MemoryOutput]
    let nextCursor: String?
    var refinement: TaskOutput? = nil

    enum CodingKeys: String, CodingKey {
        case memories, nextCursor = "next_cursor", refinement
    }
}

/// A background task (`GET /v1/tasks/{id}`).
struct TaskOutput: Encodable {
    let id: String
    let kind = "refine"
    let status: String
    let attempts: Int
    let createdMemories: [String]
    let error: String?
    let createdAt: Date
    let finishedAt: Date?

    init(_ task: RefinementTask) {
        id = task.id.uuidString.lowercased()
        status = task.status.rawValue
        attempts = task.attempts
        createdMemories = task.createdMemoryIDs.map { $0.uuidString.lowercased() }
        error = task.error
        createdAt = task.createdAt
        finishedAt = task.finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, status, attempts, createdMemories = "created_memories", error, createdAt = "created_at",
            finishedAt = "finished_at"
    }
}

struct TaskEnvelope: Encodable {
    let task: TaskOutput
}

struct MemoryEnvelope: Encodable {
    let memory: MemoryOutput
}

struct SearchResultOutput: Encodable {
    let memory: MemoryOutput
    let score: Double
}

struct SearchEnvelope: Encodable {
    let results: [SearchResultOutput]
}

struct CubeOutput: Encodable {
    let id: String
    let name: String
    let subspace: String
    let createdAt: Date
    /// Cube sharing: true when the caller reaches the cube through a share.
    let shared: Bool

    init(_ view: CubeView) {
        id = view.id.uuidString.lowercased()
        name = view.name
        subspace = view.subspace
        createdAt = view.createdAt
        shared = view.shared
    }

    enum CodingKeys: String, CodingKey {
        case id, name, subspace, createdAt = "created_at", shared
    }
}

struct CubeEnvelope: Encodable {
    let cube: CubeOutput
}

struct CubesEnvelope: Encodable {
    let cubes: [CubeOutput]
}

struct TenantOutput: Encodable {
    let id: String
    let name: String
    let status: String
    let createdAt: Date

    init(_ record: TenantRecord) {
        id = record.id.uuidString.lowercased()
        name = record.name
        status = record.status.rawValue
        createdAt = record.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, createdAt = "created_at"
    }
}

struct TenantEnvelope: Encodable {
    let tenant: TenantOutput
}

struct TenantsEnvelope: Encodable {
    let tenants: [TenantOutput]
}

struct UserOutput: Encodable {
    let id: String
    let tenant: String
    let username: String
    let roles: [String]
    let defaultRole: String
    let status: String
    let hasPassword: Bool
    let createdAt: Date

    init(_ record: UserRecord, tenantName: String, roles: [String]) {
        id = record.id.uuidString.lowercased()
        tenant = tenantName
        username = record.username
        self.roles = roles
        defaultRole = record.defaultRole
        status = record.status.rawValue
        hasPassword = record.passwordHash != nil
        createdAt = record.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, tenant, username, roles, defaultRole = "default_role", status, hasPassword = "has_password",
            createdAt = "created_at"
    }
}

struct CreatedUserEnvelope: Encodable {
    let user: UserOutput
    let apiKey: String

    enum CodingKeys: String, CodingKey {
        case user, apiKey = "api_key"
    }
}

struct UsersEnvelope: Encodable {
    let users: [UserOutput]
}

struct APIKeyOutput: Encodable {
    let id: String
    let name: String?
    let expiresAt: Date?
    let revokedAt: Date?
    let createdAt: Date

    init(_ record: APIKeyRecord) {
        id = record.id
        name = record.name
        expiresAt = record.expiresAt
        revokedAt = record.revokedAt
        createdAt = record.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, expiresAt = "expires_at", revokedAt = "revoked_at", createdAt = "created_at"
    }
}

struct CreatedKeyEnvelope: Encodable {
    let key: APIKeyOutput
    let apiKey: String

    enum CodingKeys: String, CodingKey {
        case key, apiKey = "api_key"
    }
}

struct KeysEnvelope: Encodable {
    let keys: [APIKeyOutput]
}

struct TokenOutput: Encodable {
    let accessToken: String
    let tokenType = "Bearer"
    let expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresAt = "expires_at"
    }
}

/// `GET /v1/me`: who the credential says you are, and which role this request acts as.
struct MeOutput: Encodable {
    struct Named: Encodable {
        let id: String
        let name: String
    }

    let kind: String
    let tenant: Named?
    let user: Named?
    let operatorInfo: Named?
    let role: String?
    let roles: [String]
    let defaultRole: String?
    let clearance: String?
    let credential: String

    enum CodingKeys: String, CodingKey {
        case kind, tenant, user, operatorInfo = "operator", role, roles, defaultRole = "default_role", clearance,
            credential
    }
}

struct StatusOutput: Encodable {
    let status: String
    let policyHash: String?

    enum CodingKeys: String, CodingKey {
        case status, policyHash = "policy_hash"
    }
}

/// One version in `GET /v1/memories/{id}/history`.
struct MemoryVersionOutput: Encodable {
    let version: Int
    let state: String
    let text: String
    let key: String?
    let tags: [String]
    let memoryType: String
    let sources: [SourceOutput]
    let background: String?
    let confidence: Double?
    let info: [String: JSONValue]
    let recordedAt: Date
    let label: String
    let subject: String

    init(_ view: MemoryVersionView) {
        label = view.label
        subject = view.subject
        version = view.version
        state = view.state.rawValue
        text = view.content.text
        key = view.content.key
        tags = view.content.tags
        memoryType = view.content.memoryType.rawValue
        sources = view.content.sources.map(SourceOutput.init)
        background = view.content.background
        confidence = view.content.confidence
        info = view.content.info
        recordedAt = view.recordedAt
    }

    enum CodingKeys: String, CodingKey {
        case version, state, text, key, tags, memoryType = "memory_type", sources, background, confidence, info,
            recordedAt = "recorded_at", label, subject
    }
}

struct HistoryEnvelope: Encodable {
    let id: String
    let versions: [MemoryVersionOutput]
}

struct RelatedOutput: Encodable {
    let relation: String
    let direction: String
    let memory: MemoryOutput
    let createdAt: Date

    init(_ related: RelatedMemory) {
        relation = related.relation.rawValue
        direction = related.direction.rawValue
        memory = MemoryOutput(related.memory)
        createdAt = related.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case relation, direction, memory, createdAt = "created_at"
    }
}

struct RelatedEnvelope: Encodable {
    let related: [RelatedOutput]
}

struct UsageOutput: Encodable {
    struct Entry: Encodable {
        let userID: String
        let role: String
        let count: Int
        let lastRetrievedAt: Date

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", role, count, lastRetrievedAt = "last_retrieved_at"
        }
    }

    let id: String
    let retrievals: Int
    let lastRetrievedAt: Date?
    let by: [Entry]

    init(id: UUID, records: [MemoryUsageRecord]) {
        self.id = id.uuidString.lowercased()
        retrievals = records.reduce(0) { $0 + $1.count }
        lastRetrievedAt = records.map(\.lastRetrievedAt).max()
        by = records.map {
            Entry(userID: $0.userID.uuidString.lowercased(), role: $0.role, count: $0.count, lastRetrievedAt: $0.lastRetrievedAt)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, retrievals, lastRetrievedAt = "last_retrieved_at", by
    }
}
