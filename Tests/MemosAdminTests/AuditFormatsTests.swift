import Foundation
import Testing

@testable import memos_admin

/// CSV and OCSF renderings of audit records (audit/EXPORT-FORMATS.md).
@Suite struct AuditFormatsTests {
    static let header =
        #"{"exported_at":"2026-11-23T08:00:00.000Z","first_seq":1,"format":"memos-audit/1","from":null,"key_id":"0123456789abcdef","last_hash":"bb","last_seq":2,"public_key":"AA==","signature":"sig","tenant":"0b5c3e8e-1d7e-4f7e-9a41-2f0e6b4c8d11","to":null,"type":"header","version":1}"#

    static func record(
        seq: Int = 7, action: String = "memory.read", outcome: String = "success", status: Int = 200,
        actor: String? = "5f0b1c2d-0000-4000-8000-000000000001", kind: String = "user", role: String? = "member",
        resources: [String] = ["m-1", "m-2"], details: [String: String] = [:]
    ) -> [String: Any] {
        [
            "type": "record", "version": 1, "tenant": "0b5c3e8e-1d7e-4f7e-9a41-2f0e6b4c8d11", "seq": seq,
            "time": "2026-11-23T08:00:01.250Z", "actor": actor ?? NSNull(), "actor_kind": kind, "role": role ?? NSNull(),
            "action": action, "resources": resources, "outcome": outcome, "status": status, "request_id": "req-1",
            "policy_hash": "ph", "personal": ["query": "hmac-sha256:" + String(repeating: "a", count: 64)],
            "details": details, "mark": NSNull(), "prev_hash": String(repeating: "0", count: 64),
            "hash": String(repeating: "f", count: 64),
        ]
    }

    // MARK: CSV

    @Test func csvCellsThatCouldRunAsFormulasAreNeutralised() {
        #expect(AuditCSV.escape("=HYPERLINK(\"http://evil\")") == "\"'=HYPERLINK(\"\"http://evil\"\")\"")
        #expect(AuditCSV.escape("+1") == "'+1")
        #expect(AuditCSV.escape("-2+3") == "'-2+3")
        #expect(AuditCSV.escape("@SUM(A1)") == "'@SUM(A1)")
        #expect(AuditCSV.escape("\tcmd") == "'\tcmd")
        #expect(AuditCSV.escape("\rcmd") == "\"'\rcmd\"")
        #expect(AuditCSV.escape("a=b") == "a=b")
        #expect(AuditCSV.escape("plain") == "plain")
        #expect(AuditCSV.escape("") == "")
        #expect(AuditCSV.escape("a,b") == "\"a,b\"")
        #expect(AuditCSV.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AuditCSV.escape("two\nlines") == "\"two\nlines\"")
    }

    @Test func csvRowsFollowTheDocumentedColumns() {
        #expect(
            AuditCSV.header
                == "seq,time,tenant,actor,actor_kind,role,action,resources,outcome,status,request_id,policy_hash,hash")
        let row = AuditCSV.row(Self.record(actor: nil, kind: "anonymous", role: nil, resources: ["-x", "y"]))
        let cells = row.split(separator: ",", omittingEmptySubsequences: false)
        #expect(cells.count == AuditCSV.columns.count)
        #expect(cells[0] == "7")
        #expect(cells[3] == "")  // no actor
        #expect(cells[5] == "")  // no role
        #expect(cells[7] == "'-x;y")  // resources joined, then escaped
        #expect(cells[9] == "200")
    }

    @Test func theConverterWritesOneCSVRowPerRecord() throws {
        var converter = AuditConverter(format: .csv)
        var out: [String] = []
        out += try converter.convert(Self.header)
        out += try converter.convert(try jsonLine(Self.record(seq: 1)))
        out += try converter.convert(#"{"type":"checkpoint","seq":1}"#)
        out += try converter.convert(try jsonLine(Self.record(seq: 2)))
        #expect(out.count == 3)
        #expect(out[0] == AuditCSV.header)
        #expect(out[1].hasPrefix("1,") && out[2].hasPrefix("2,"))
        #expect(converter.records == 2 && converter.checkpoints == 1 && converter.header != nil)
    }

    @Test func jsonlPassesLinesThroughUnchanged() throws {
        var converter = AuditConverter(format: .jsonl)
        #expect(try converter.convert(Self.header) == [Self.header])
        let line = try jsonLine(Self.record())
        #expect(try converter.convert(line) == [line])
    }

    // MARK: OCSF

    @Test func actionsMapToTheThreeOCSFClasses() {
        #expect(AuditOCSF.eventClass(action: "auth.failure").uid == 3002)
        #expect(AuditOCSF.eventClass(action: "auth.success").categoryUID == 3)
        for action in ["memory.add", "memory.search", "subject.erase", "cube.create"] {
            #expect(AuditOCSF.eventClass(action: action).uid == 6005, "\(action)")
        }
        for action in ["tenant.create", "keys.rotate", "policy.load", "watermark.trace", "integrity.failure"] {
            #expect(AuditOCSF.eventClass(action: action).uid == 6003, "\(action)")
        }
        func activity(_ action: String) -> Int {
            AuditOCSF.activity(action: action, in: AuditOCSF.eventClass(action: action)).0
        }
        #expect(activity("memory.read") == 1)
        #expect(activity("memory.update") == 2)
        #expect(activity("memory.search") == 4)
        #expect(activity("memory.add") == 6)
        #expect(activity("memory.delete") == 7)
        #expect(activity("subject.erase") == 7)
        #expect(activity("memory.list") == 8)
        #expect(activity("auth.success") == 1)
        #expect(activity("tenant.create") == 1)
        #expect(activity("tenant.delete") == 4)
        #expect(activity("keys.rotate") == 3)
        #expect(activity("integrity.failure") == 99)
    }

    @Test func aDatastoreRecordBecomesAnOCSFEvent() throws {
        let event = AuditOCSF.event(Self.record())
        #expect(event["class_uid"] as? Int == 6005)
        #expect(event["category_uid"] as? Int == 6)
        #expect(event["activity_id"] as? Int == 1)
        #expect(event["type_uid"] as? Int == 600_501)
        #expect(event["status_id"] as? Int == 1)
        #expect(event["severity_id"] as? Int == 1)
        #expect(event["time"] as? Int64 == 1_795_420_801_250)
        let actor = try #require(event["actor"] as? [String: Any])
        let user = try #require(actor["user"] as? [String: Any])
        #expect(user["uid"] as? String == "5f0b1c2d-0000-4000-8000-000000000001")
        #expect(user["type_id"] as? Int == 1)
        let metadata = try #require(event["metadata"] as? [String: Any])
        #expect(metadata["version"] as? String == "1.3.0")
        #expect(metadata["uid"] as? String == String(repeating: "f", count: 64))
        #expect(metadata["correlation_uid"] as? String == "req-1")
        #expect((metadata["product"] as? [String: Any])?["name"] as? String == "MemOS Gateway")
        let unmapped = try #require(event["unmapped"] as? [String: Any])
        #expect(unmapped["seq"] as? Int == 7)
        #expect(unmapped["prev_hash"] as? String == String(repeating: "0", count: 64))
        #expect(unmapped["resources"] as? [String] == ["m-1", "m-2"])
        #expect((event["api"] as? [String: Any])?["operation"] as? String == "memory.read")
        #expect((event["http_response"] as? [String: Any])?["code"] as? Int == 200)
    }

    @Test func failuresAndAuthenticationEvents() throws {
        let denied = AuditOCSF.event(
            Self.record(action: "auth.failure", outcome: "denied", status: 401, actor: nil, kind: "anonymous", role: nil,
                        resources: [], details: ["reason": "unknown key"]))
        #expect(denied["class_uid"] as? Int == 3002)
        #expect(denied["type_uid"] as? Int == 300_201)
        #expect(denied["status_id"] as? Int == 2)
        #expect(denied["status"] as? String == "Failure")
        #expect(denied["status_detail"] as? String == "denied: unknown key")
        #expect(denied["status_code"] as? String == "401")
        let user = try #require(denied["user"] as? [String: Any])
        #expect(user["uid"] == nil && user["type_id"] as? Int == 0)

        let api = AuditOCSF.event(Self.record(action: "tenant.create", kind: "operator", role: nil, resources: ["t-1"]))
        #expect(api["class_uid"] as? Int == 6003)
        #expect((api["resources"] as? [[String: Any]])?.first?["uid"] as? String == "t-1")
        #expect(((api["cloud"] as? [String: Any])?["account"] as? [String: Any])?["uid"] as? String
            == "0b5c3e8e-1d7e-4f7e-9a41-2f0e6b4c8d11")
        #expect(((api["actor"] as? [String: Any])?["user"] as? [String: Any])?["type"] as? String == "Admin")

        let integrity = AuditOCSF.event(Self.record(action: "integrity.failure", outcome: "failure", status: 500))
        #expect(integrity["severity_id"] as? Int == 4)
    }

    @Test func ocsfLinesAreJSONWithSortedKeys() throws {
        var converter = AuditConverter(format: .ocsf)
        #expect(try converter.convert(Self.header).isEmpty)
        let lines = try converter.convert(try jsonLine(Self.record()))
        #expect(lines.count == 1)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(parsed["class_name"] as? String == "Datastore Activity")
        #expect(lines[0].hasPrefix("{\"activity_id\":1,"))
    }
}
