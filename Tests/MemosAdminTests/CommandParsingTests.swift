import ArgumentParser
import Foundation
import Testing

@testable import memos_admin

/// The command tree parses what its help promises and refuses what it does not, with exit code 64.
@Suite struct CommandParsingTests {
    /// Parses a command line as the binary would, returning the leaf command.
    func parse(_ arguments: [String]) throws -> any ParsableCommand {
        try AdminCommand.parseAsRoot(AdminCommand.hoistingGlobalOptions(arguments))
    }

    /// Expects a usage error (exit code 64) whose message mentions `fragment`.
    func expectUsageError(_ arguments: [String], mentioning fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let command = try parse(arguments)
            Issue.record("parsed \(arguments) as \(type(of: command))", sourceLocation: sourceLocation)
        } catch {
            #expect(AdminCommand.exitCode(for: error) == .validationFailure, "\(arguments): \(error)", sourceLocation: sourceLocation)
            if let fragment {
                let message = AdminCommand.message(for: error)
                #expect(message.contains(fragment), "\(arguments): \(message)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func tenantCreateParsesItsName() throws {
        let command = try AdminCommand.parseAsRoot(["tenant", "create", "acme", "--token", "t"])
        let create = try #require(command as? TenantCommand.Create)
        #expect(create.name == "acme")
    }

    @Test func unknownSubcommandsAreUsageErrors() {
        #expect(throws: (any Error).self) { _ = try AdminCommand.parseAsRoot(["tenant", "explode"]) }
        expectUsageError(["tenant", "explode"])
        expectUsageError(["frobnicate"])
    }

    // MARK: Global options

    @Test func globalOptionsMayComeBeforeTheSubcommand() throws {
        let command = try parse(["--server", "http://gw:8080", "--token", "mgk_t", "--json", "--quiet", "tenant", "list"])
        let list = try #require(command as? TenantCommand.List)
        #expect(list.global.server == "http://gw:8080")
        #expect(list.global.token == "mgk_t")
        #expect(list.global.json && list.global.quiet)
        let after = try #require(try parse(["tenant", "list", "--json", "--token=k"]) as? TenantCommand.List)
        #expect(after.global.json && after.global.token == "k")
        // Offline commands accept them too (and ignore the connection).
        let verify = try #require(try parse(["--token", "x", "--json", "audit", "verify", "f.jsonl"]) as? AuditCommand.Verify)
        #expect(verify.options.json)
    }

    @Test func hoistingKeepsEverythingElseInPlace() {
        #expect(AdminCommand.hoistingGlobalOptions(["tenant", "list"]) == ["tenant", "list"])
        #expect(AdminCommand.hoistingGlobalOptions(["--json", "tenant", "list"]) == ["tenant", "list", "--json"])
        #expect(
            AdminCommand.hoistingGlobalOptions(["--quiet", "audit", "verify", "--", "-file"])
                == ["audit", "verify", "--quiet", "--", "-file"])
        #expect(AdminCommand.hoistingGlobalOptions(["--help"]) == ["--help"])
    }

    @Test func aBadServerURLIsAUsageError() throws {
        let list = try #require(try parse(["tenant", "list", "--server", "ftp://x", "--token", "t"]) as? TenantCommand.List)
        #expect(throws: ValidationError.self) { _ = try list.global.client() }
        let good = try #require(try parse(["tenant", "list", "--server", "http://h:1/", "--token", "t"]) as? TenantCommand.List)
        #expect(try good.global.client().baseURL == "http://h:1")
    }

    // MARK: init, status

    @Test func initAndStatus() throws {
        let initialise = try #require(try parse(["init", "--data-dir", "/tmp/x", "--operator", "ops"]) as? InitCommand)
        #expect(initialise.dataDirectory == "/tmp/x" && initialise.operatorName == "ops")
        _ = try #require(try parse(["status", "--json"]) as? StatusCommand)
        expectUsageError(["status", "extra"])
    }

    // MARK: tenant

    @Test func tenantCommands() throws {
        _ = try #require(try parse(["tenant", "list"]) as? TenantCommand.List)
        #expect((try parse(["tenant", "show", "acme"]) as? TenantCommand.Show)?.name == "acme")
        #expect((try parse(["tenant", "suspend", "acme"]) as? TenantCommand.Suspend)?.name == "acme")
        #expect((try parse(["tenant", "resume", "acme"]) as? TenantCommand.Resume)?.name == "acme")
        let delete = try #require(try parse(["tenant", "delete", "acme", "--yes", "--receipt", "r.json"]) as? TenantCommand.Delete)
        #expect(delete.yes && delete.receipt == "r.json")
        expectUsageError(["tenant", "create"], mentioning: "<name>")
        expectUsageError(["tenant", "show"])
        expectUsageError(["tenant", "suspend"])
        expectUsageError(["tenant", "delete"])
    }

    @Test func destructiveCommandsNeedYesWithoutATerminal() throws {
        // Pure rule: no --yes and no terminal is a usage error; --yes or a terminal is fine.
        #expect(throws: ValidationError.self) { try Confirmation.check(yes: false, interactive: false, action: "x") }
        try Confirmation.check(yes: true, interactive: false, action: "x")
        try Confirmation.check(yes: false, interactive: true, action: "x")
        guard !Confirmation.isInteractive else { return }  // a person could answer the prompt
        expectUsageError(["tenant", "delete", "acme"], mentioning: "--yes")
        expectUsageError(["subject", "erase", "--tenant", "acme", "--subject", "alice"], mentioning: "--yes")
        expectUsageError(["keys", "rotate"], mentioning: "--yes")
        expectUsageError(["backup", "restore", "b.mbak", "--data-dir", "/tmp/d"], mentioning: "--yes")
    }

    // MARK: user

    @Test func userCommands() throws {
        let create = try #require(
            try parse(["user", "create", "--tenant", "acme", "alice", "--role", "member", "--role", "manager", "--default-role", "manager"])
                as? UserCommand.Create)
        #expect(create.roles == ["member", "manager"] && create.defaultRole == "manager")
        expectUsageError(["user", "create", "--tenant", "acme", "alice"], mentioning: "--role")
        expectUsageError(["user", "create", "alice", "--role", "member"], mentioning: "--tenant")
        expectUsageError(
            ["user", "create", "--tenant", "acme", "alice", "--role", "member", "--default-role", "dpo"], mentioning: "--default-role")

        _ = try #require(try parse(["user", "list", "--tenant", "acme"]) as? UserCommand.List)
        expectUsageError(["user", "list"], mentioning: "--tenant")
        let show = try #require(try parse(["user", "show", "--tenant", "acme", "alice"]) as? UserCommand.Show)
        #expect(show.target.path == "/admin/v1/tenants/acme/users/alice")
        _ = try #require(try parse(["user", "disable", "--tenant", "acme", "alice"]) as? UserCommand.Disable)
        _ = try #require(try parse(["user", "enable", "--tenant", "acme", "alice"]) as? UserCommand.Enable)
        #expect((try parse(["user", "grant", "--tenant", "acme", "alice", "manager"]) as? UserCommand.Grant)?.role == "manager")
        #expect((try parse(["user", "revoke", "--tenant", "acme", "alice", "manager"]) as? UserCommand.Revoke)?.role == "manager")
        expectUsageError(["user", "grant", "--tenant", "acme", "alice"], mentioning: "<role>")
        expectUsageError(["user", "disable", "alice"], mentioning: "--tenant")
        let reset = try #require(
            try parse(["user", "reset-password", "--tenant", "acme", "alice", "--password-stdin"]) as? UserCommand.ResetPassword)
        #expect(reset.passwordFromStdin)
        if !Confirmation.isInteractive {
            expectUsageError(["user", "reset-password", "--tenant", "acme", "alice"], mentioning: "--password-stdin")
        }
    }

    @Test func pathSegmentsAreEncoded() throws {
        let show = try #require(try parse(["user", "show", "--tenant", "acme", "a/b c"]) as? UserCommand.Show)
        #expect(show.target.path == "/admin/v1/tenants/acme/users/a%2Fb%20c")
    }

    // MARK: key

    @Test func keyCommands() throws {
        let create = try #require(
            try parse(["key", "create", "--tenant", "acme", "alice", "--name", "laptop", "--expires-in", "90d", "--scope", "member"])
                as? KeyCommand.Create)
        #expect(create.name == "laptop" && create.scopes == ["member"] && create.expiresIn == "90d")
        expectUsageError(["key", "create", "--tenant", "acme", "alice", "--expires-in", "soon"], mentioning: "--expires-in")
        expectUsageError(["key", "create", "--tenant", "acme", "alice", "--expires-in", "0"], mentioning: "--expires-in")
        expectUsageError(["key", "create", "--tenant", "acme"], mentioning: "<username>")
        _ = try #require(try parse(["key", "list", "--tenant", "acme", "alice"]) as? KeyCommand.List)
        let revoke = try #require(try parse(["key", "revoke", "key_1"]) as? KeyCommand.Revoke)
        #expect(revoke.path == "/admin/v1/keys/key_1")
        let scoped = try #require(try parse(["key", "revoke", "key_1", "--tenant", "acme", "--user", "alice"]) as? KeyCommand.Revoke)
        #expect(scoped.path == "/admin/v1/tenants/acme/users/alice/keys/key_1")
        expectUsageError(["key", "revoke", "key_1", "--tenant", "acme"], mentioning: "--user")
        expectUsageError(["key", "revoke"])
    }

    @Test func durations() throws {
        #expect(try Arguments.duration("3600", option: "x") == 3600)
        #expect(try Arguments.duration("90m", option: "x") == 5400)
        #expect(try Arguments.duration("12h", option: "x") == 43_200)
        #expect(try Arguments.duration("90d", option: "x") == 7_776_000)
        #expect(try Arguments.duration("2w", option: "x") == 1_209_600)
        for bad in ["", "d", "-5m", "1.5h", "10y", "0", "99999999999d"] {
            #expect(throws: ValidationError.self, "\(bad)") { _ = try Arguments.duration(bad, option: "x") }
        }
    }

    // MARK: role, policy

    @Test func roleAndPolicyCommands() throws {
        _ = try #require(try parse(["role", "list"]) as? RoleCommand.List)
        #expect((try parse(["role", "list", "--policy-dir", "p"]) as? RoleCommand.List)?.policyDirectory == "p")
        #expect((try parse(["policy", "validate", "./policies"]) as? PolicyCommand.Validate)?.path == "./policies")
        _ = try #require(try parse(["policy", "show", "--file", "roles.yaml"]) as? PolicyCommand.Show)
        #expect((try parse(["policy", "apply", "./policies"]) as? PolicyCommand.Apply)?.path == "./policies")
        expectUsageError(["policy", "validate"], mentioning: "<path>")
        expectUsageError(["policy", "apply"], mentioning: "<path>")
    }

    // MARK: audit

    @Test func auditExportValidatesFormatsAndDates() throws {
        let export = try #require(
            try parse([
                "audit", "export", "--tenant", "acme", "--from", "2026-11-01", "--to", "2026-11-23T08:00:00Z",
                "--format", "csv", "--out", "a.csv",
            ]) as? AuditCommand.Export)
        #expect(export.format == .csv && export.out == "a.csv")
        #expect((try parse(["audit", "export"]) as? AuditCommand.Export)?.format == .jsonl)
        _ = try #require(try parse(["audit", "export", "--format", "ocsf"]) as? AuditCommand.Export)
        expectUsageError(["audit", "export", "--format", "xml"], mentioning: "xml")
        expectUsageError(["audit", "export", "--from", "yesterday"], mentioning: "--from")
        expectUsageError(["audit", "export", "--to", "2026-13-45"], mentioning: "--to")
        expectUsageError(["audit", "export", "--from", "2026-11-02", "--to", "2026-11-01"], mentioning: "after")
    }

    @Test func times() throws {
        let date = try Arguments.time("2026-11-23", option: "x")
        #expect(Arguments.format(date) == "2026-11-23T00:00:00.000Z")
        #expect(Arguments.format(try Arguments.time("2026-11-23T08:30:00+01:00", option: "x")) == "2026-11-23T07:30:00.000Z")
        #expect(Arguments.format(try Arguments.time("2026-11-23T08:30:00.250Z", option: "x")) == "2026-11-23T08:30:00.250Z")
        #expect(
            AuditCommand.exportPath(tenantID: "t1", from: date, to: nil)
                == "/admin/v1/audit/export?tenant=t1&from=2026-11-23T00:00:00.000Z")
        #expect(AuditCommand.exportPath(tenantID: nil, from: nil, to: nil) == "/admin/v1/audit/export")
    }

    @Test func auditVerifyTailAndPublicKey() throws {
        let verify = try #require(
            try parse(["audit", "verify", "x.jsonl", "--public-key", "k.json", "--max-checkpoint-gap", "5m"]) as? AuditCommand.Verify)
        #expect(verify.file == "x.jsonl" && verify.publicKey == "k.json" && verify.maximumGap == "5m")
        expectUsageError(["audit", "verify"], mentioning: "<file>")
        expectUsageError(["audit", "verify", "x", "--max-checkpoint-gap", "often"], mentioning: "--max-checkpoint-gap")

        let tail = try #require(try parse(["audit", "tail", "--tenant", "acme", "-f", "-n", "5", "--since", "15m"]) as? AuditCommand.Tail)
        #expect(tail.follow && tail.lines == 5)
        let now = Date()
        #expect(abs(try tail.startDate(now: now).timeIntervalSince(now) + 900) < 0.001)
        _ = try #require(try parse(["audit", "tail", "--since", "2026-11-23T00:00:00Z"]) as? AuditCommand.Tail)
        expectUsageError(["audit", "tail", "--since", "a while"], mentioning: "--since")
        expectUsageError(["audit", "tail", "--interval", "0"], mentioning: "--interval")
        expectUsageError(["audit", "tail", "-n", "-1"])
        _ = try #require(try parse(["audit", "public-key", "--out", "k.json"]) as? AuditCommand.PublicKey)
    }

    // MARK: watermark, subject, receipt, keys, backup

    @Test func watermarkSubjectReceiptKeys() throws {
        #expect((try parse(["watermark", "trace", "-"]) as? WatermarkCommand.Trace)?.file == "-")
        expectUsageError(["watermark", "trace"], mentioning: "<file>")

        let export = try #require(
            try parse(["subject", "export", "--tenant", "acme", "--subject", "alice", "--out", "a.json"]) as? SubjectCommand.Export)
        #expect(export.target.path == "/v1/subjects/alice")
        expectUsageError(["subject", "export", "--tenant", "acme"], mentioning: "--subject")
        expectUsageError(["subject", "export", "--subject", "alice"], mentioning: "--tenant")
        expectUsageError(["subject", "export", "--tenant", "acme", "--subject", " "], mentioning: "--subject")
        let erase = try #require(
            try parse(["subject", "erase", "--tenant", "acme", "--subject", "bob@example.com", "--reason", "Art. 17", "--yes"])
                as? SubjectCommand.Erase)
        #expect(erase.reason == "Art. 17" && erase.target.path == "/v1/subjects/bob%40example.com")

        #expect((try parse(["receipt", "verify", "r.json", "--public-key", "k"]) as? ReceiptCommand.Verify)?.publicKey == "k")
        expectUsageError(["receipt", "verify"], mentioning: "<file>")
        #expect((try parse(["keys", "rotate", "--yes"]) as? KeysCommand.Rotate)?.yes == true)
    }

    @Test func backupCommands() throws {
        let create = try #require(try parse(["backup", "create", "--data-dir", "d", "--out", "b.mbak"]) as? BackupCommand.Create)
        #expect(create.out == "b.mbak")
        expectUsageError(["backup", "create", "--data-dir", "d"], mentioning: "--out")
        let restore = try #require(try parse(["backup", "restore", "b.mbak", "--data-dir", "d", "--yes"]) as? BackupCommand.Restore)
        #expect(restore.file == "b.mbak" && restore.yes)
        expectUsageError(["backup", "restore", "--data-dir", "d", "--yes"], mentioning: "<file>")
        _ = try #require(try parse(["backup", "verify", "b.mbak"]) as? BackupCommand.Verify)
    }

    @Test func receiptFileNames() {
        let date = Date(timeIntervalSince1970: 1_795_392_000)  // 2026-11-23
        #expect(ReceiptFile.defaultName(prefix: "erasure", name: "alice", date: date) == "erasure-alice-2026-11-23.json")
        #expect(ReceiptFile.defaultName(prefix: "erasure", name: "../x y", date: date) == "erasure-_._x_y-2026-11-23.json")
    }

    @Test func tables() {
        let text = formatTable(["name", "id"], [["acme", "1"], ["globex-long", "2"]])
        #expect(text == "NAME         ID\nacme         1\nglobex-long  2\n")
        #expect(cell(nil) == "-" && cell(NSNull()) == "-" && cell(["a", "b"]) == "a,b" && cell("") == "-")
    }
}
