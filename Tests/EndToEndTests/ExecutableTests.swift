import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shipped executables, run as a user runs them: `memos-admin init`, then `memos-gateway`
/// as a separate process, stopped with SIGTERM.
@Suite(.serialized) struct ExecutableTests {
    static let binaries = TestGateway.packageRoot.appendingPathComponent(".build/debug")

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs a shipped binary to completion, waiting off the cooperative pool (other suites'
    /// in-process gateways and timers need its threads meanwhile).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        let result = try await ChildProcess.run(
            binaries.appendingPathComponent(executable), arguments: arguments,
            environment: ChildProcess.inheritedEnvironment(environment))
        return Output(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// A port the kernel just handed out as free (bound to port 0, then released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { return Int.random(in: 20_000..<60_000) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func initCreatesAnOwnerOnlyKeyAndPrintsTheAdminKeyOnce() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        let first = try await Self.run("memos-admin", ["init", "--data-dir", directory.path])
        #expect(first.status == 0, "\(first.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: String]
        let key = try #require(json?["admin_key"])
        #expect(key.hasPrefix("mgk_"))
        let keyFile = directory.appendingPathComponent("master.key").path
        let mode = try #require(FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        // The admin key is not written anywhere in the data directory.
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            #expect(bytes.range(of: Data(key.utf8)) == nil, "admin key found in \(name)")
        }
        // A second init refuses instead of replacing the key.
        let second = try await Self.run("memos-admin", ["init", "--data-dir", directory.path])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already initialised"))
    }

    @Test func gatewayRefusesToStartWithoutAUsableMasterKey() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        _ = try await Self.run("memos-admin", ["init", "--data-dir", directory.path])
        let policies = TestGateway.policyDirectory.path
        let keyFile = directory.appendingPathComponent("master.key")

        try FileManager.default.removeItem(at: keyFile)
        let missing = try await Self.run(
            "memos-gateway", ["--data-dir", directory.path, "--port", "\(Self.freePort())", "--policy-dir", policies])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("refusing to start"))
        #expect(missing.stderr.contains("master.key"))

        let empty = try await Self.run(
            "memos-gateway", ["--data-dir", directory.path, "--port", "\(Self.freePort())", "--policy-dir", policies],
            environment: ["MEMOS_MASTER_KEY": ""])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("refusing to start"))
    }

    @Test func gatewayRefusesAnInvalidPolicyNamingTheLine() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        _ = try await Self.run("memos-admin", ["init", "--data-dir", directory.path])
        let policies = TestGateway.makeTemporaryDirectory()
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let shipped = try String(contentsOf: TestGateway.policyDirectory.appendingPathComponent("roles.yaml"), encoding: .utf8)
        let broken = shipped.replacingOccurrences(of: "access: [read]", with: "access: [raed]")
        try broken.write(to: policies.appendingPathComponent("roles.yaml"), atomically: true, encoding: .utf8)
        let brokenLine = broken.components(separatedBy: "\n").firstIndex { $0.contains("raed") }! + 1

        let result = try await Self.run(
            "memos-gateway", ["--data-dir", directory.path, "--port", "\(Self.freePort())", "--policy-dir", policies.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("roles.yaml:\(brokenLine):"), "\(result.stderr)")
    }

    @Test func gatewayServesAndStopsGracefullyOnSIGTERM() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        let initOutput = try await Self.run("memos-admin", ["init", "--data-dir", directory.path])
        let adminKey = try #require(
            (try JSONSerialization.jsonObject(with: Data(initOutput.stdout.utf8)) as? [String: String])?["admin_key"])
        let port = Self.freePort()
        let process = try ChildProcess(
            executable: Self.binaries.appendingPathComponent("memos-gateway"),
            arguments: ["--policy-dir", TestGateway.policyDirectory.path],
            environment: ["MEMOS_DATA_DIR": directory.path, "MEMOS_PORT": "\(port)", "PATH": "/usr/bin:/bin"],
            stdout: .null)
        // The log reader runs from the start so that a chatty gateway never blocks on a full pipe.
        let logData = process.readErrorsInBackground()

        // The admin CLI drives the running gateway over HTTP.
        var created: Output?
        for _ in 0..<150 {  // up to ~15 s for a cold start on a loaded machine
            created = try await Self.run(
                "memos-admin", ["tenant", "create", "acme", "--json"],
                environment: ["MEMOS_SERVER": "http://127.0.0.1:\(port)", "MEMOS_TOKEN": adminKey])
            if created?.status == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(created?.status == 0, "\(created?.stderr ?? "")")
        #expect(created?.stdout.contains("\"name\" : \"acme\"") == true)
        let user = try await Self.run(
            "memos-admin", ["user", "create", "--tenant", "acme", "alice", "--role", "member", "--json"],
            environment: ["MEMOS_SERVER": "http://127.0.0.1:\(port)", "MEMOS_TOKEN": adminKey])
        #expect(user.status == 0, "\(user.stderr)")
        #expect(user.stdout.contains("mgk_"))
        // A refused request is exit code 1 with the server's reason.
        let duplicate = try await Self.run(
            "memos-admin", ["tenant", "create", "acme"],
            environment: ["MEMOS_SERVER": "http://127.0.0.1:\(port)", "MEMOS_TOKEN": adminKey])
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("409"))

        process.terminate()  // SIGTERM
        #expect(await process.exit() == 0)
        let logs = String(decoding: logData(), as: UTF8.self)
        // JSON logs, one object per line, with no secret in them.
        for line in logs.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        #expect(logs.contains("\"message\":\"stopped\""))
        #expect(!logs.contains(adminKey))
    }

    @Test func adminCLIRejectsUsageErrorsWith64() async throws {
        let missingRole = try await Self.run(
            "memos-admin", ["user", "create", "--tenant", "acme", "alice"],
            environment: ["MEMOS_TOKEN": "mgk_x", "MEMOS_SERVER": "http://127.0.0.1:1"])
        #expect(missingRole.status == 64)
        #expect(missingRole.stderr.contains("--role"))
        let noToken = try await Self.run("memos-admin", ["tenant", "list"])
        #expect(noToken.status == 64)
    }
}
