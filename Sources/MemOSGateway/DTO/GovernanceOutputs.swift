import Foundation
import MemOSGovernance
import MemOSStore

/// `GET /v1/subjects/{subject}/export`: everything held about a subject, machine-readable.
struct SubjectExportOutput: Encodable {
    struct Edge: Encodable {
        let id: String
        let from: String
        let to: String
        let relation: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, from, to, relation, createdAt = "created_at"
        }
    }

    struct Entry: Encodable {
        let memory: MemoryOutput
        let versions: [MemoryVersionOutput]
        let edges: [Edge]
        let usage: UsageOutput
    }

    let format = "memos-subject-export/1"
    let subject: String
    let tenant: String
    let exportedAt: Date
    let memories: [Entry]
    let derived: [Derived]
    let withheld: Int

    /// An item derived from the subject (an adapter, a KV snapshot): described, never its content.
    struct Derived: Encodable {
        let store: String
        let id: String
        let kind: String
        let name: String?
        let version: Int
        let label: String
        let createdAt: Date
        let derivedFromMemories: [String]
        let namesSubject: Bool
        let flags: [String]

        enum CodingKeys: String, CodingKey {
            case store, id, kind, name, version, label, createdAt = "created_at",
                derivedFromMemories = "derived_from_memories", namesSubject = "names_subject", flags
        }

        init(_ record: DerivedRecord) {
            store = record.store
            id = record.id.uuidString.lowercased()
            kind = record.kind
            name = record.name
            version = record.version
            label = record.label
            createdAt = record.createdAt
            derivedFromMemories = record.derivedFromMemories.map { $0.uuidString.lowercased() }
            namesSubject = record.namesSubject
            flags = record.flags
        }
    }

    init(_ export: SubjectExport) {
        subject = export.subject
        tenant = export.tenantID.uuidString.lowercased()
        exportedAt = export.exportedAt
        withheld = export.withheld
        derived = export.derived.map(Derived.init)
        memories = export.memories.map { entry in
            Entry(
                memory: MemoryOutput(entry.memory), versions: entry.versions.map(MemoryVersionOutput.init),
                edges: entry.edges.map {
                    Edge(
                        id: $0.id.uuidString.lowercased(), from: $0.fromID.uuidString.lowercased(),
                        to: $0.toID.uuidString.lowercased(), relation: $0.relation, createdAt: $0.createdAt)
                },
                usage: UsageOutput(id: entry.memory.item.id, records: entry.usage))
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, subject, tenant, exportedAt = "exported_at", memories, derived, withheld
    }
}

struct ReceiptEnvelope: Encodable {
    let receipt: ErasureReceipt
}

/// `POST /admin/v1/watermark/trace`.
struct TraceOutput: Encodable {
    struct Recipient: Encodable {
        let tenant: String
        let user: String?
        let userID: String?
        let role: String?
        let requestID: String?
        let time: Date
        let action: String
        let memoryID: String?

        enum CodingKeys: String, CodingKey {
            case tenant, user, userID = "user_id", role, requestID = "request_id", time, action, memoryID = "memory_id"
        }
    }

    let tenant: String?
    let user: String?
    let requestID: String?
    let time: Date?
    let method: String
    let confidence: Double
    let recipients: [Recipient]

    init(_ trace: WatermarkTracer.Trace) {
        recipients = trace.recipients.map {
            Recipient(
                tenant: $0.tenantName, user: $0.username, userID: $0.userID, role: $0.role, requestID: $0.requestID,
                time: $0.time, action: $0.action, memoryID: $0.memoryID?.uuidString.lowercased())
        }
        let first = recipients.first
        tenant = first?.tenant
        user = first?.user
        requestID = first?.requestID
        time = first?.time
        method = trace.method.rawValue
        confidence = trace.confidence
    }

    enum CodingKeys: String, CodingKey {
        case tenant, user, requestID = "request_id", time, method, confidence, recipients
    }
}

struct PublicKeyOutput: Encodable {
    let algorithm = "Ed25519"
    let publicKey: String
    let keyID: String

    enum CodingKeys: String, CodingKey {
        case algorithm, publicKey = "public_key", keyID = "key_id"
    }
}

struct RotationOutput: Encodable {
    let rewrappedKeys: Int
    let kekID: String

    enum CodingKeys: String, CodingKey {
        case rewrappedKeys = "rewrapped_keys", kekID = "kek_id"
    }
}
