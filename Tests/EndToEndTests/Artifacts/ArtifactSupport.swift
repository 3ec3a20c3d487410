import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import MemOSGateway
import MemOSGovernance
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Testing

/// Helpers for the artifact suites, on the public HTTP API.
extension TestGateway {
    /// `POST /v1/artifacts` (201 required); returns the artifact object.
    func createArtifact(_ body: [String: Any], token: String, role: String? = nil) async throws -> [String: Any] {
        let result = try await send(.POST, "/v1/artifacts", token: token, role: role, json: body)
        guard result.status == 201, let artifact = result.object["artifact"] as? [String: Any] else {
            throw TestGatewayError.unexpected("create artifact", result)
        }
        return artifact
    }

    /// `PUT /v1/artifacts/{id}/content` with raw bytes.
    func uploadContent(_ id: String, _ bytes: Data, token: String, role: String? = nil) async throws -> HTTPResult {
        try await send(
            .PUT, "/v1/artifacts/\(id)/content", token: token, role: role, rawBody: bytes, contentType: "application/octet-stream")
    }

    /// Creates and uploads an artifact (both must succeed); returns its id.
    func uploadArtifact(_ body: [String: Any], bytes: Data, token: String, role: String? = nil) async throws -> String {
        let id = try #require(try await createArtifact(body, token: token, role: role)["id"] as? String)
        let uploaded = try await uploadContent(id, bytes, token: token, role: role)
        guard uploaded.status == 200 else { throw TestGatewayError.unexpected("upload content", uploaded) }
        return id
    }

    /// The operator's view of a tenant's id.
    func tenantID(named name: String) async throws -> String {
        let tenants = try await send(.GET, "/admin/v1/tenants", token: adminKey).object["tenants"] as? [[String: Any]] ?? []
        return try #require(tenants.first { $0["name"] as? String == name }?["id"] as? String)
    }
}

enum ArtifactFixtures {
    /// A parametric (LoRA) artifact's metadata.
    static func lora(
        _ name: String, memories: [String] = [], label: String? = nil, subspace: String? = nil, policy: String? = nil
    ) -> [String: Any] {
        var body: [String: Any] = [
            "kind": "parametric", "name": name, "description": "adapter for tests",
            "parametric": [
                "base_model": "meta-llama/Llama-3.1-8B", "rank": 16, "alpha": 32, "target_modules": ["q_proj", "v_proj"],
                "format": "peft-safetensors",
            ],
        ]
        if !memories.isEmpty { body["derived_from"] = ["memory_ids": memories] }
        if let label { body["label"] = label }
        if let subspace { body["subspace"] = subspace }
        if let policy { body["on_subject_erasure"] = policy }
        return body
    }

    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var words = (0..<(count / 8 + 1)).map { _ in generator.next() as UInt64 }
        return words.withUnsafeMutableBytes { Data($0.prefix(count)) }
    }

    /// A recognisable plaintext: `canary` repeated to `count` bytes, so any copy of the adapter's
    /// bytes on disk would be found by a scan.
    static func canaryBytes(_ canary: String, count: Int) -> Data {
        var data = Data()
        let unit = Data((canary + "|").utf8)
        while data.count < count { data.append(unit) }
        return data.prefix(count)
    }

    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// A gateway with a small artifact size limit, to show the 413 without sending hundreds of MiB.
/// (`TestGateway` fixes the default configuration; this starts the same application otherwise.)
final class LimitedArtifactGateway: Sendable {
    let baseURL: String
    let adminKey: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(baseURL: String, adminKey: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.adminKey = adminKey
        self.group = group
        self.task = task
    }

    static func with(maxArtifactBytes: Int, _ body: (LimitedArtifactGateway) async throws -> Void) async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        let adminKey = try await DataDirectory.initialize(at: directory).1
        let governance = try await Governance.open(
            dataDirectory: DataDirectory(url: directory), policyDirectory: TestGateway.policyDirectory, environment: [:])
        var logger = Logger(label: "artifact-limit-gateway")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = GatewayApplication.build(
            configuration: GatewayConfiguration(host: "127.0.0.1", port: 0, maxArtifactBytes: maxArtifactBytes),
            governance: governance, logger: logger,
            onServerRunning: { port in
                continuation.yield(port)
                continuation.finish()
            })
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw TestGatewayError.didNotStart
        }
        let gateway = LimitedArtifactGateway(baseURL: "http://127.0.0.1:\(port)", adminKey: adminKey, group: group, task: task)
        do {
            try await body(gateway)
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    private func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Sends a request; a body of `.stream` without a length goes out chunked.
    func send(
        _ method: HTTPMethod, _ path: String, token: String?, json: Any? = nil, body: HTTPClientRequest.Body? = nil
    ) async throws -> (status: Int, object: [String: Any]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = body
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }
}
