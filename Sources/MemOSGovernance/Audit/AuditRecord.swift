import Foundation

/// One audit record as read back from the trail (its stored body, decoded and checked).
public struct AuditRecord: Sendable, Equatable {
    public var tenantID: UUID?
    public var seq: Int64
    public var time: Date
    public var timeMillis: Int64
    public var actor: String?
    public var actorKind: String
    public var role: String?
    public var action: String
    public var resources: [String]
    public var outcome: AuditOutcome
    public var status: Int
    public var requestID: String?
    /// Hash of the policy set that decided the operation.
    public var policyHash: String
    /// Field name → `hmac-sha256:<hex>` of the personal value.
    public var personal: [String: String]
    public var details: [String: String]
    public var mark: String?
    public var prevHash: String
    /// SHA-256 of the canonical body (everything above, plus `type` and `version`).
    public var hash: String
}

/// Who received a resource, when and under which request: what a leak trace reports.
public struct AuditRecordSummary: Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var action: String
    public var actor: String?
    public var actorKind: String
    public var role: String?
    public var requestID: String?
    public var outcome: AuditOutcome
    public var status: Int
    public var mark: String?
    /// For a MemStore subscriber's read recorded in the publisher's chain: the reader's tenant.
    public var subscriberTenant: String?

    public init(_ record: AuditRecord) {
        seq = record.seq
        time = record.time
        action = record.action
        actor = record.actor
        actorKind = record.actorKind
        role = record.role
        requestID = record.requestID
        outcome = record.outcome
        status = record.status
        mark = record.mark
        subscriberTenant = record.details["subscriber_tenant"]
    }
}

/// A field of an audit object that is missing, mistyped or out of place.
struct AuditFieldError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Typed access to the members of a parsed audit object, rejecting anything unexpected.
struct AuditFields {
    let members: [String: AuditJSON]

    init(_ value: AuditJSON, allowed: Set<String>) throws(AuditFieldError) {
        guard case .object(let members) = value else { throw AuditFieldError(message: "not a JSON object") }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw AuditFieldError(message: "unexpected field `\(unknown)`")
        }
        if let missing = allowed.sorted().first(where: { members[$0] == nil }) {
            throw AuditFieldError(message: "missing field `\(missing)`")
        }
        self.members = members
    }

    func string(_ key: String) throws(AuditFieldError) -> String {
        guard case .string(let value)? = members[key] else { throw mistyped(key, "a string") }
        return value
    }

    func optionalString(_ key: String) throws(AuditFieldError) -> String? {
        switch members[key] {
        case .string(let value)?: return value
        case .null?: return nil
        default: throw mistyped(key, "a string or null")
        }
    }

    func int(_ key: String) throws(AuditFieldError) -> Int64 {
        guard case .int(let value)? = members[key] else { throw mistyped(key, "an integer") }
        return value
    }

    func optionalInt(_ key: String) throws(AuditFieldError) -> Int64? {
        switch members[key] {
        case .int(let value)?: return value
        case .null?: return nil
        default: throw mistyped(key, "an integer or null")
        }
    }

    func hash(_ key: String) throws(AuditFieldError) -> String {
        let value = try string(key)
        guard AuditFormat.isHash(value) else { throw mistyped(key, "64 lowercase hex digits") }
        return value
    }

    func time(_ key: String) throws(AuditFieldError) -> Int64 {
        guard let value = AuditTime.parse(try string(key)) else {
            throw mistyped(key, "a time like 2025-01-31T23:59:59.123Z")
        }
        return value
    }

    func optionalTime(_ key: String) throws(AuditFieldError) -> Int64? {
        if case .null? = members[key] { return nil }
        return try time(key)
    }

    func strings(_ key: String) throws(AuditFieldError) -> [String] {
        guard case .array(let items)? = members[key] else { throw mistyped(key, "an array of strings") }
        var out: [String] = []
        for item in items {
            guard case .string(let value) = item else { throw mistyped(key, "an array of strings") }
            out.append(value)
        }
        return out
    }

    func stringMap(_ key: String) throws(AuditFieldError) -> [String: String] {
        guard case .object(let items)? = members[key] else { throw mistyped(key, "an object of strings") }
        var out: [String: String] = [:]
        for (name, item) in items {
            guard case .string(let value) = item else { throw mistyped(key, "an object of strings") }
            out[name] = value
        }
        return out
    }

    func constant(_ key: String, _ expected: AuditJSON) throws(AuditFieldError) {
        guard members[key] == expected else {
            throw AuditFieldError(message: "field `\(key)` must be \(expected.canonical)")
        }
    }

    /// "platform" → nil, a lowercase UUID → that UUID.
    func tenant(_ key: String) throws(AuditFieldError) -> (key: String, id: UUID?) {
        let value = try string(key)
        if value == AuditFormat.platformTenant { return (value, nil) }
        guard let id = UUID(uuidString: value), id.uuidString.lowercased() == value else {
            throw mistyped(key, "a lowercase UUID or \"platform\"")
        }
        return (value, id)
    }

    private func mistyped(_ key: String, _ expected: String) -> AuditFieldError {
        AuditFieldError(message: "field `\(key)` must be \(expected)")
    }
}

extension AuditRecord {
    static let bodyFields: Set<String> = [
        "type", "version", "tenant", "seq", "time", "actor", "actor_kind", "role", "action", "resources", "outcome",
        "status", "request_id", "policy_hash", "personal", "details", "mark", "prev_hash",
    ]

    /// Decodes and checks a record object (`body` fields plus `hash`); does not check the hash.
    init(json: AuditJSON) throws(AuditFieldError) {
        let fields = try AuditFields(json, allowed: Self.bodyFields.union(["hash"]))
        try fields.constant("type", .string("record"))
        try fields.constant("version", .int(AuditFormat.version))
        tenantID = try fields.tenant("tenant").id
        seq = try fields.int("seq")
        guard seq >= 1 else { throw AuditFieldError(message: "field `seq` must be at least 1") }
        timeMillis = try fields.time("time")
        time = AuditTime.date(millis: timeMillis)
        actor = try fields.optionalString("actor")
        actorKind = try fields.string("actor_kind")
        role = try fields.optionalString("role")
        action = try fields.string("action")
        resources = try fields.strings("resources")
        guard let outcome = AuditOutcome(rawValue: try fields.string("outcome")) else {
            throw AuditFieldError(message: "field `outcome` must be success, failure or denied")
        }
        self.outcome = outcome
        guard let status = Int(exactly: try fields.int("status")) else {
            throw AuditFieldError(message: "field `status` is out of range")
        }
        self.status = status
        requestID = try fields.optionalString("request_id")
        policyHash = try fields.string("policy_hash")
        personal = try fields.stringMap("personal")
        for (name, value) in personal {
            let digest = value.hasPrefix(AuditFormat.personalPrefix)
                ? String(value.dropFirst(AuditFormat.personalPrefix.count)) : ""
            guard AuditFormat.isHash(digest) else {
                throw AuditFieldError(message: "personal field `\(name)` must be hmac-sha256:<64 hex digits>")
            }
        }
        details = try fields.stringMap("details")
        mark = try fields.optionalString("mark")
        prevHash = try fields.hash("prev_hash")
        hash = try fields.hash("hash")
    }

    /// Decodes a stored row, checking that its body still hashes to its hash.
    init(row body: String, hash: String) throws(AuditFieldError) {
        let json: AuditJSON
        do {
            json = try AuditJSON.parse(Array(body.utf8))
        } catch {
            throw AuditFieldError(message: "stored record is not JSON: \(error)")
        }
        guard AuditFormat.sha256Hex(body) == hash, json.canonical == body else {
            throw AuditFieldError(message: "stored record does not match its hash")
        }
        try self.init(json: json.setting("hash", .string(hash)))
    }
}
