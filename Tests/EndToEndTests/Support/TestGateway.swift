import AsyncHTTPClient
import Foundation
import Logging
import MemOSGateway
import MemOSGovernance
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
@_exported import NIOHTTP1

/// A real gateway (the same Hummingbird application the executable serves) listening on a
/// loopback port, over a fresh data directory made by the same code as `memos-admin init`.
final class TestGateway: Sendable {
    let baseURL: String
    let port: Int
    let adminKey: String
    let dataDirectory: URL
    private let serviceGroup: ServiceGroup
    private let task: Task<Void, any Error>

    private init(
        baseURL: String, port: Int, adminKey: String, dataDirectory: URL, serviceGroup: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        self.baseURL = baseURL
        self.port = port
        self.adminKey = adminKey
        self.dataDirectory = dataDirectory
        self.serviceGroup = serviceGroup
        self.task = task
    }

    /// Runs `body` against a fresh gateway and always shuts it down afterwards.
    static func with<T>(environment: [String: String] = [:], _ body: (TestGateway) async throws -> T) async throws -> T {
        let gateway = try await start(environment: environment)
        do {
            let result = try await body(gateway)
            await gateway.stop()
            return result
        } catch {
            await gateway.stop()
            throw error
        }
    }

    /// The repository root, for the shipped policies and built executables.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var policyDirectory: URL { packageRoot.appendingPathComponent("policies") }

    static func makeTemporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("memos-e2e-\(UUID().uuidString)")
    }

    /// Starts a gateway over a new data directory (or an existing one, to test restarts).
    static func start(
        dataDirectory: URL? = nil, adminKey existingKey: String? = nil, maxBodyBytes: Int = 8 * 1024 * 1024,
        maxArchiveBytes: Int = GatewayConfiguration.defaultMaxArchiveBytes, environment: [String: String] = [:]
    ) async throws -> TestGateway {
        let directoryURL = dataDirectory ?? makeTemporaryDirectory()
        var adminKey = existingKey ?? ""
        if dataDirectory == nil {
            adminKey = try await DataDirectory.initialize(at: directoryURL).1
        }
        // Each gateway runs on its own copy of the shipped policy, since `policy apply` rewrites
        // the directory it runs from; a restart on the same data directory reuses the copy.
        let policies = URL(fileURLWithPath: directoryURL.path + "-policies")
        if !FileManager.default.fileExists(atPath: policies.path) {
            try FileManager.default.copyItem(at: policyDirectory, to: policies)
        }
        // One reading connection: the suite runs dozens of gateways at once, and a test process
        // holding well over a thousand descriptors is needless load on the process limits.
        let governance = try await Governance.open(
            dataDirectory: DataDirectory(url: directoryURL), policyDirectory: policies,
            environment: ["MEMOS_SQLITE_READERS": "1"].merging(environment) { $1 })
        var logger = Logger(label: "test-gateway")
        logger.logLevel = .warning
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = GatewayApplication.build(
            configuration: GatewayConfiguration(
                host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes, maxArchiveBytes: maxArchiveBytes),
            governance: governance, logger: logger,
            onServerRunning: { port in
                portContinuation.yield(port)
                portContinuation.finish()
            })
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await serviceGroup.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw TestGatewayError.didNotStart
        }
        return TestGateway(
            baseURL: "http://127.0.0.1:\(port)", port: port, adminKey: adminKey, dataDirectory: directoryURL,
            serviceGroup: serviceGroup, task: task)
    }

    /// Shuts the server down gracefully (as SIGTERM would) and waits for it to finish.
    func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await task.value
    }

    // MARK: HTTP

    /// Sends a request with a raw body; returns status, headers and the parsed JSON (if any).
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, role: String? = nil, rawBody: Data? = nil,
        contentType: String? = "application/json", headers extraHeaders: [(String, String)] = []
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let role { request.headers.add(name: "X-MemOS-Role", value: role) }
        for (name, value) in extraHeaders { request.headers.add(name: name, value: value) }
        if let rawBody {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: rawBody))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(buffer: bytes)
        // Memory text comes back watermarked; suites about other things compare the visible
        // text, so `json` is parsed with the invisible marks stripped. `raw` keeps them.
        let visible = Data(WatermarkCodec.strip(String(decoding: data, as: UTF8.self)).utf8)
        let json = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: visible)
        return HTTPResult(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), json: json,
            raw: data, requestID: response.headers.first(name: "X-Request-ID"))
    }

    /// Sends a JSON-encodable body (a dictionary or array built in the test).
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, role: String? = nil, json body: Any
    ) async throws -> HTTPResult {
        try await send(method, path, token: token, role: role, rawBody: try JSONSerialization.data(withJSONObject: body))
    }

    // MARK: Setup helpers

    /// Creates a tenant as the operator.
    @discardableResult
    func createTenant(_ name: String) async throws -> HTTPResult {
        let result = try await send(.POST, "/admin/v1/tenants", token: adminKey, json: ["name": name])
        guard result.status == 201 else { throw TestGatewayError.unexpected("create tenant", result) }
        return result
    }

    /// Creates a user as the operator and returns their API key.
    func createUser(tenant: String, username: String, roles: [String], password: String? = nil) async throws -> String {
        var body: [String: Any] = ["username": username, "roles": roles]
        if let password { body["password"] = password }
        let result = try await send(.POST, "/admin/v1/tenants/\(tenant)/users", token: adminKey, json: body)
        guard result.status == 201, let key = result.object["api_key"] as? String else {
            throw TestGatewayError.unexpected("create user", result)
        }
        return key
    }
}

/// What a test needs from a response.
struct HTTPResult: Sendable, CustomStringConvertible {
    let status: Int
    let contentType: String?
    nonisolated(unsafe) let json: Any?
    let raw: Data
    var requestID: String? = nil

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// `detail` of a problem document.
    var detail: String { object["detail"] as? String ?? "" }
    var isProblem: Bool { contentType?.hasPrefix("application/problem+json") == true }

    /// Memories of a `{"memories": [...]}` or results of a `{"results": [...]}` response.
    var memories: [[String: Any]] { object["memories"] as? [[String: Any]] ?? [] }
    var results: [[String: Any]] { object["results"] as? [[String: Any]] ?? [] }
    /// Texts of search results, best first.
    var resultTexts: [String] { results.compactMap { ($0["memory"] as? [String: Any])?["text"] as? String } }

    var description: String { "HTTP \(status): \(String(decoding: raw.prefix(500), as: UTF8.self))" }
}

enum TestGatewayError: Error, CustomStringConvertible {
    case didNotStart
    case unexpected(String, HTTPResult)

    var description: String {
        switch self {
        case .didNotStart: "the gateway did not start"
        case .unexpected(let what, let result): "\(what) failed: \(result)"
        }
    }
}
