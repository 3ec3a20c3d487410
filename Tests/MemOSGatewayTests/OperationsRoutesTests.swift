import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MemOSGovernance
import Testing
import Yams

@testable import MemOSGateway

/// Every route the router serves, probed: deny by default, the OpenAPI document kept equal to
/// the routes, and the operators' metrics.
@Suite struct OperationsRoutesTests {
    /// Routes that answer without a credential.
    static let publicRoutes: Set<String> = ["GET /healthz", "GET /readyz", "GET /openapi.yaml", "POST /v1/auth/token"]

    static func routeNames() async throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-routes-\(UUID().uuidString)")
        let (dataDirectory, _) = try await DataDirectory.initialize(at: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let governance = try await Governance.open(
            dataDirectory: dataDirectory, policyDirectory: GatewayRouterTests.policies, environment: [:])
        let router = GatewayApplication.buildRouter(configuration: GatewayConfiguration(), governance: governance)
        return router.routes.map { "\($0.method.rawValue) \($0.path)" }
    }

    /// A concrete path for a route pattern: every `{parameter}` becomes a fresh id.
    static func concrete(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") ? UUID().uuidString.lowercased() : String(segment)
        }.joined(separator: "/")
    }

    @Test func everyRouteButTheFewPublicOnesIsDeniedWithoutACredential() async throws {
        let routes = try await Self.routeNames()
        #expect(routes.count > 80)
        try await GatewayRouterTests.withRouter { client, _ in
            for route in routes {
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]))!
                let path = Self.concrete(String(parts[1]))
                try await client.execute(
                    uri: path, method: method, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")
                ) { response in
                    if Self.publicRoutes.contains(route) {
                        #expect(response.status != .unauthorized, "\(route)")
                    } else {
                        #expect(response.status == .unauthorized, "\(route) answered \(response.status) without a credential")
                    }
                }
                // A forged credential is no better than none.
                try await client.execute(
                    uri: path, method: method,
                    headers: [.contentType: "application/json", .authorization: "Bearer mgk_forged_0000000000000000"],
                    body: ByteBuffer(string: "{}")
                ) { response in
                    if !Self.publicRoutes.contains(route) {
                        #expect(response.status == .unauthorized, "\(route) with a forged key answered \(response.status)")
                    }
                }
            }
        }
    }

    @Test func theOpenAPIDocumentDescribesExactlyTheServedRoutes() async throws {
        let document = try #require(try Yams.load(yaml: OpenAPIDocument.yaml) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch"]
        var documented: Set<String> = []
        var operationIDs: [String] = []
        for (path, item) in paths {
            for (method, operation) in (item as? [String: Any]) ?? [:] where methods.contains(method) {
                let name = "\(method.uppercased()) \(path)"
                documented.insert(name)
                let operation = operation as? [String: Any] ?? [:]
                operationIDs.append(operation["operationId"] as? String ?? "")
                #expect((operation["responses"] as? [String: Any])?.isEmpty == false, "\(name) has no responses")
                // Public operations opt out of the global bearer requirement; no other may.
                let security = operation["security"] as? [Any]
                #expect((security?.isEmpty == true) == Self.publicRoutes.contains(name), "\(name): security \(String(describing: security))")
            }
        }
        let served = Set(try await Self.routeNames())
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(!operationIDs.contains("") && Set(operationIDs).count == operationIDs.count, "operationIds must be unique")
    }

    @Test func theDocumentIsServedWithoutACredential() async throws {
        try await GatewayRouterTests.withRouter { client, _ in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                #expect(String(buffer: response.body) == OpenAPIDocument.yaml)
            }
        }
    }

    @Test func metricsAreForOperatorsAndNameRoutePatternsNeverIDs() async throws {
        try await GatewayRouterTests.withRouter(maxBodyBytes: 4096) { client, adminKey in
            let operatorAuth: HTTPFields = [.authorization: "Bearer \(adminKey)", .contentType: "application/json"]
            try await client.execute(
                uri: "/admin/v1/tenants", method: .post, headers: operatorAuth, body: ByteBuffer(string: #"{"name":"acme"}"#)
            ) { #expect($0.status == .created) }
            var memberKey = ""
            try await client.execute(
                uri: "/admin/v1/tenants/acme/users", method: .post, headers: operatorAuth,
                body: ByteBuffer(string: #"{"username":"mia","roles":["member"]}"#)
            ) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                memberKey = object?["api_key"] as? String ?? ""
            }
            let missing = UUID().uuidString.lowercased()
            try await client.execute(uri: "/v1/memories/\(missing)", method: .get, headers: [.authorization: "Bearer \(memberKey)"]) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/no/such/route", method: .get) { #expect($0.status == .notFound) }

            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(memberKey)"]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(adminKey)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"memos_http_requests_total{method="GET",route="/healthz",status="200"} 1"#), "\(text)")
                #expect(text.contains(#"memos_http_requests_total{method="GET",route="/v1/memories/{id}",status="404"} 1"#))
                #expect(text.contains(#"memos_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
                #expect(text.contains(#"memos_http_requests_total{method="GET",route="/metrics",status="403"} 1"#))
                #expect(text.contains(#"memos_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1"#))
                #expect(text.contains("memos_tenants 1") && text.contains("memos_ready 1"))
                #expect(text.contains("# TYPE memos_http_request_duration_seconds histogram"))
                #expect(text.contains("memos_scheduler_sessions_active 0") && text.contains("process_open_fds "))
                // Patterns, never the concrete path: no id, tenant or user name in a label.
                #expect(!text.contains(missing) && !text.contains("acme") && !text.contains("mia"))
                // Every sample line is `name{labels} value` with a number.
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    #expect(Double(line.split(separator: " ").last ?? "") != nil || line.hasSuffix("+Inf"), "\(line)")
                }
            }
        }
    }
}
