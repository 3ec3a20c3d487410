import Hummingbird
import MemOSGovernance

/// `GET /metrics` (Prometheus text, platform operators only: deny by default, scrapers send
/// an operator key as a bearer token) and `GET /openapi.yaml` (the API description, public).
/// Neither is audited: a scrape every few seconds would drown the trail.
struct OperationsRoutes {
    let governance: Governance
    let metrics: HTTPMetrics

    func register(on router: Router<GatewayRequestContext>, authenticate: AuthMiddleware) {
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.group("metrics").add(middleware: authenticate).get { _, context in
            let identity = try context.requireIdentity()
            guard case .operator = identity else {
                throw GovernanceError.forbidden("only platform operators may read the gateway's metrics")
            }
            let text = try await GatewayMetricsReport(http: metrics, governance: governance).render(operator: identity)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
