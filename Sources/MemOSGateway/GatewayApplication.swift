import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import MemOSGovernance

/// Settings of one gateway process.
public struct GatewayConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); `onServerRunning` reports the one bound.
    public var port: Int
    /// Bodies above this get 413 before they are parsed.
    public var maxBodyBytes: Int
    /// Artifact content (adapters, KV snapshots) is streamed, not parsed, so it has its own,
    /// larger limit; above it `PUT /v1/artifacts/{id}/content` answers 413.
    public var maxArtifactBytes: Int
    public static let defaultMaxArtifactBytes = 512 * 1024 * 1024
    /// A cube archive is one JSON document holding the whole cube (≈ 0.6 MB per 1,000
    /// memories, 2.5 MB with embeddings), so `POST /v1/cubes/import` has its own limit: an
    /// export must always fit back in.
    public var maxArchiveBytes: Int
    public static let defaultMaxArchiveBytes = 256 * 1024 * 1024

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 8 * 1024 * 1024,
        maxArtifactBytes: Int = GatewayConfiguration.defaultMaxArtifactBytes,
        maxArchiveBytes: Int = GatewayConfiguration.defaultMaxArchiveBytes
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxArtifactBytes = maxArtifactBytes
        self.maxArchiveBytes = maxArchiveBytes
    }
}

/// Builds the HTTP application: routes, middleware, and nothing else, so tests and the
/// executable run exactly the same gateway.
public enum GatewayApplication {
    public static func build(
        configuration: GatewayConfiguration, governance: Governance, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = buildRouter(configuration: configuration, governance: governance)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "memos-gateway"),
            services: [GovernanceBackgroundService(governance: governance)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    static func buildRouter(configuration: GatewayConfiguration, governance: Governance) -> Router<GatewayRequestContext> {
        let body = JSONBody(maxBytes: configuration.maxBodyBytes)
        let router = Router(context: GatewayRequestContext.self)
        let metrics = HTTPMetrics()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        HealthRoutes(governance: governance).register(on: router)

        let identityRoutes = IdentityRoutes(governance: governance, body: body)
        identityRoutes.registerPublic(on: router.group("v1"))

        let authenticate = AuthMiddleware(identity: governance.identity, audit: governance.audit)
        OperationsRoutes(governance: governance, metrics: metrics).register(on: router, authenticate: authenticate)
        let audit = AuditMiddleware(audit: governance.audit)
        let v1 = router.group("v1").add(middleware: authenticate).add(middleware: audit)
        identityRoutes.register(on: v1)
        MemoryRoutes(governance: governance, body: body).register(on: v1)
        SubjectRoutes(governance: governance, body: body).register(on: v1)
        SchedulerRoutes(governance: governance, body: body).register(on: v1)
        ArtifactRoutes(governance: governance, body: body, maxContentBytes: configuration.maxArtifactBytes).register(on: v1)
        CubeArchiveRoutes(governance: governance, body: body, archiveBody: JSONBody(maxBytes: configuration.maxArchiveBytes))
            .register(on: v1)
        MemStoreRoutes(governance: governance, body: body).register(on: v1)
        ChatRoutes(governance: governance, body: body).register(on: v1)

        let product = router.group("product").add(middleware: authenticate).add(middleware: audit)
        ProductRoutes(governance: governance, body: body).register(on: product)

        let admin = router.group("admin/v1").add(middleware: authenticate).add(middleware: audit)
        AdminRoutes(governance: governance, body: body).register(on: admin)
        GovernanceAdminRoutes(governance: governance, body: body).register(on: admin)
        ManagementRoutes(governance: governance, body: body).register(on: admin)
        return router
    }
}

/// Audit checkpoints and retention sweeps, for as long as the server runs.
struct GovernanceBackgroundService: Service {
    let governance: Governance

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await governance.runBackgroundTasks()
        }
    }
}
