import ArgumentParser
import Foundation

/// The renderings of an audit export (`audit/EXPORT-FORMATS.md`). JSONL is the gateway's signed,
/// verifiable export byte for byte; CSV and OCSF are derived from its records (header and
/// checkpoints are dropped) for spreadsheets and SIEMs, and cannot be verified.
enum AuditExportFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case jsonl, csv, ocsf
}

/// One line of an export, classified.
enum AuditLine {
    case header([String: Any])
    case record([String: Any])
    case checkpoint([String: Any])
    case other

    init(_ line: some StringProtocol) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            self = .other
            return
        }
        switch object["type"] as? String {
        case "header": self = .header(object)
        case "record": self = .record(object)
        case "checkpoint": self = .checkpoint(object)
        default: self = .other
        }
    }
}

/// CSV: one row per record, RFC 4180 quoting, and cells that a spreadsheet would run as a
/// formula (`= + - @`, tab, carriage return first) prefixed with `'`.
enum AuditCSV {
    static let columns = [
        "seq", "time", "tenant", "actor", "actor_kind", "role", "action", "resources", "outcome", "status",
        "request_id", "policy_hash", "hash",
    ]

    static var header: String { columns.joined(separator: ",") }

    static func row(_ record: [String: Any]) -> String {
        columns.map { column in
            let value = record[column]
            let text: String =
                switch value {
                case nil, is NSNull: ""
                case let list as [Any]: list.map { "\($0)" }.joined(separator: ";")
                case let string as String: string
                case let value?: "\(value)"
                }
            return escape(text)
        }.joined(separator: ",")
    }

    /// Neutralises formula injection, then quotes when needed.
    static func escape(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ")
            || text.hasSuffix(" ")
        {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}

/// OCSF 1.3.0: each record becomes one event of Authentication (3002), Datastore Activity
/// (6005) or API Activity (6003), by its action's prefix.
enum AuditOCSF {
    static let schemaVersion = "1.3.0"

    struct EventClass: Equatable {
        let uid: Int
        let name: String
        let categoryUID: Int
        let categoryName: String

        static let authentication = EventClass(
            uid: 3002, name: "Authentication", categoryUID: 3, categoryName: "Identity & Access Management")
        static let datastoreActivity = EventClass(
            uid: 6005, name: "Datastore Activity", categoryUID: 6, categoryName: "Application Activity")
        static let apiActivity = EventClass(
            uid: 6003, name: "API Activity", categoryUID: 6, categoryName: "Application Activity")
    }

    static func eventClass(action: String) -> EventClass {
        if action.hasPrefix("auth.") { return .authentication }
        if action.hasPrefix("memory.") || action.hasPrefix("subject.") || action.hasPrefix("cube.") {
            return .datastoreActivity
        }
        return .apiActivity
    }

    /// `(activity_id, activity_name)` of an action within its class.
    static func activity(action: String, in eventClass: EventClass) -> (Int, String) {
        let verb = action.split(separator: ".").last.map(String.init) ?? action
        switch eventClass.uid {
        case 3002:
            switch verb {
            case "success", "failure", "login", "token": return (1, "Logon")
            case "logout": return (2, "Logoff")
            default: return (99, "Other")
            }
        case 6005:
            switch verb {
            case "read", "get", "export": return (1, "Read")
            case "update", "rollback", "transition", "refine", "relabel", "lower": return (2, "Update")
            case "search", "query": return (4, "Query")
            case "link", "write": return (5, "Write")
            case "add", "create": return (6, "Create")
            case "delete", "erase", "purge": return (7, "Delete")
            case "list", "history", "related", "usage": return (8, "List")
            default: return (99, "Other")
            }
        default:
            switch verb {
            case "create", "add", "grant", "issue": return (1, "Create")
            case "read", "get", "show", "list", "export", "trace": return (2, "Read")
            case "update", "suspend", "resume", "disable", "enable", "rotate", "lower", "load", "reset", "revoke_role":
                return (3, "Update")
            case "delete", "revoke", "purge", "erase": return (4, "Delete")
            default: return (99, "Other")
            }
        }
    }

    /// Milliseconds since 1970 of a record time (`2026-11-23T08:00:00.123Z`).
    static func millis(_ time: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: time) else {
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.date(from: time).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The OCSF event for one audit record.
    static func event(_ record: [String: Any]) -> [String: Any] {
        let action = record["action"] as? String ?? ""
        let eventClass = eventClass(action: action)
        let (activityID, activityName) = activity(action: action, in: eventClass)
        let outcome = record["outcome"] as? String ?? ""
        let succeeded = outcome == "success"
        let status = record["status"] as? Int
        let tenant = record["tenant"] as? String ?? "platform"
        let requestID = record["request_id"] as? String

        var user: [String: Any] = [:]
        let kind = record["actor_kind"] as? String ?? "unknown"
        if let actor = record["actor"] as? String { user["uid"] = actor }
        let (typeID, typeName): (Int, String) =
            switch kind {
            case "user": (1, "User")
            case "operator": (2, "Admin")
            case "system": (3, "System")
            default: (0, "Unknown")
            }
        user["type_id"] = typeID
        user["type"] = typeName

        var metadata: [String: Any] = [
            "version": schemaVersion,
            "product": ["name": "MemOS Gateway", "vendor_name": "MemOS"],
            "log_name": "memos-audit",
        ]
        if let hash = record["hash"] { metadata["uid"] = hash }
        if let requestID { metadata["correlation_uid"] = requestID }
        if let time = record["time"] { metadata["original_time"] = time }
        if tenant != "platform" { metadata["tenant_uid"] = tenant }

        var unmapped: [String: Any] = ["chain": tenant, "action": action, "outcome": outcome]
        for key in ["seq", "prev_hash", "role", "policy_hash", "mark"] {
            if let value = record[key], !(value is NSNull) { unmapped[key] = value }
        }
        if let personal = record["personal"] as? [String: Any], !personal.isEmpty { unmapped["personal"] = personal }
        if let details = record["details"] as? [String: Any], !details.isEmpty { unmapped["details"] = details }

        var event: [String: Any] = [
            "class_uid": eventClass.uid, "class_name": eventClass.name,
            "category_uid": eventClass.categoryUID, "category_name": eventClass.categoryName,
            "activity_id": activityID, "activity_name": activityName,
            "type_uid": eventClass.uid * 100 + activityID, "type_name": "\(eventClass.name): \(activityName)",
            "severity_id": severity(action: action, succeeded: succeeded).0,
            "severity": severity(action: action, succeeded: succeeded).1,
            "status_id": succeeded ? 1 : 2, "status": succeeded ? "Success" : "Failure",
            "actor": ["user": user],
            "metadata": metadata,
        ]
        if let time = (record["time"] as? String).flatMap(millis) { event["time"] = time }
        if let status {
            event["status_code"] = "\(status)"
            event["http_response"] = ["code": status]
        }
        if !succeeded {
            var detail = outcome
            if let reason = (record["details"] as? [String: Any])?["reason"] as? String { detail += ": " + reason }
            event["status_detail"] = detail
        }
        let resources = (record["resources"] as? [Any] ?? []).map { "\($0)" }
        var api: [String: Any] = ["operation": action]
        if let requestID { api["request"] = ["uid": requestID] }

        switch eventClass.uid {
        case 3002:
            event["user"] = user
            event["is_remote"] = true
            if !resources.isEmpty { unmapped["resources"] = resources }
        case 6005:
            event["api"] = api
            event["type_id"] = 99
            event["type"] = "Memory store"
            if !resources.isEmpty { unmapped["resources"] = resources }
        default:
            event["api"] = api
            event["cloud"] = ["provider": "MemOS Gateway", "account": ["uid": tenant]]
            event["resources"] = resources.map { ["uid": $0] }
        }
        event["unmapped"] = unmapped
        return event
    }

    static func severity(action: String, succeeded: Bool) -> (Int, String) {
        if action == "integrity.failure" { return (4, "High") }
        return succeeded ? (1, "Informational") : (2, "Low")
    }

    /// The event as one JSON line (sorted keys).
    static func line(_ record: [String: Any]) throws -> String {
        try jsonLine(event(record))
    }
}

/// Converts export lines into the chosen format, one at a time, counting what it saw.
struct AuditConverter {
    let format: AuditExportFormat
    private(set) var records = 0
    private(set) var checkpoints = 0
    private(set) var header: [String: Any]?
    private var wroteCSVHeader = false

    init(format: AuditExportFormat) {
        self.format = format
    }

    /// The output for one input line (without newline): zero or more lines, each without newline.
    mutating func convert(_ line: some StringProtocol) throws -> [String] {
        let parsed = AuditLine(line)
        switch parsed {
        case .record: records += 1
        case .checkpoint: checkpoints += 1
        case .header(let object): header = object
        case .other: break
        }
        switch format {
        case .jsonl:
            return [String(line)]
        case .csv:
            var out: [String] = []
            if !wroteCSVHeader {
                wroteCSVHeader = true
                out.append(AuditCSV.header)
            }
            if case .record(let record) = parsed { out.append(AuditCSV.row(record)) }
            return out
        case .ocsf:
            if case .record(let record) = parsed { return [try AuditOCSF.line(record)] }
            return []
        }
    }
}
