import Foundation
import MemOSGovernance
import Testing

/// Shared steps of the MemStore suites: publish, subscribe and read over HTTP, and a check that
/// a secret never appears in any body a subscriber received.
extension TestGateway {
    /// Publishes an offering (201 required) and returns its id.
    func publish(
        token: String, name: String, cube: String? = nil, memoryIDs: [String]? = nil, ceiling: String? = nil,
        tenants: [String], roles: [String]? = nil
    ) async throws -> String {
        var audience: [String: Any] = ["tenants": tenants]
        if let roles { audience["roles"] = roles }
        var body: [String: Any] = ["name": name, "description": "test offering", "audience": audience]
        if let cube { body["cube"] = cube }
        if let memoryIDs { body["memory_ids"] = memoryIDs }
        if let ceiling { body["label_ceiling"] = ceiling }
        let result = try await send(.POST, "/v1/memstore/offerings", token: token, json: body)
        guard result.status == 201, let id = (result.object["offering"] as? [String: Any])?["id"] as? String else {
            throw TestGatewayError.unexpected("publish", result)
        }
        return id
    }

    /// Subscribes the caller's tenant (201 required) and returns the subscription id.
    func subscribe(token: String, offering: String) async throws -> String {
        let result = try await send(.POST, "/v1/memstore/subscriptions", token: token, json: ["offering_id": offering])
        guard result.status == 201, let id = (result.object["subscription"] as? [String: Any])?["id"] as? String else {
            throw TestGatewayError.unexpected("subscribe", result)
        }
        return id
    }

    /// Searches through a subscription (any status).
    func searchSubscription(_ subscription: String, _ query: String, token: String, role: String? = nil) async throws
        -> HTTPResult
    {
        try await send(
            .POST, "/v1/memstore/subscriptions/\(subscription)/search", token: token, role: role,
            json: ["query": query, "top_k": 50])
    }

    /// Lists a subscription's memories (any status).
    func listSubscription(_ subscription: String, token: String, role: String? = nil, limit: Int = 100) async throws
        -> HTTPResult
    {
        try await send(.GET, "/v1/memstore/subscriptions/\(subscription)/memories?limit=\(limit)", token: token, role: role)
    }
}

/// Every body a subscriber received, to prove a secret never reached it.
final class ReceivedBodies: @unchecked Sendable {
    private var bodies: [String] = []

    @discardableResult
    func record(_ result: HTTPResult) -> HTTPResult {
        bodies.append(result.bodyText)
        return result
    }

    /// Whether `secret` appears in any body, watermark characters stripped first (a mark inside a
    /// word must not hide it).
    func contain(_ secret: String) -> Bool {
        bodies.contains { WatermarkCodec.strip($0).contains(secret) }
    }

    var count: Int { bodies.count }
}
