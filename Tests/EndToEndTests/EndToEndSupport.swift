import Foundation
import Testing

/// Helpers shared by the end-to-end suites, built only on the public HTTP API of `TestGateway`.

extension HTTPResult {
    /// `memory` of a `{"memory": {...}}` response.
    var memory: [String: Any] { object["memory"] as? [String: Any] ?? [:] }
    /// `cube` of a `{"cube": {...}}` response.
    var cube: [String: Any] { object["cube"] as? [String: Any] ?? [:] }
    /// Ids of the memories in a search response, best first.
    var resultIDs: [String] { results.compactMap { ($0["memory"] as? [String: Any])?["id"] as? String } }
    /// Ids of the memories in a `{"memories": [...]}` response.
    var memoryIDs: [String] { memories.compactMap { $0["id"] as? String } }
    var nextCursor: String? { object["next_cursor"] as? String }
    /// The body as text, to check that nothing secret leaked into it.
    var bodyText: String { String(decoding: raw, as: UTF8.self) }
}

/// A user made by the operator: their id and first API key.
struct E2EUser: Sendable {
    let id: String
    let key: String
    /// The public id part of `mgk_<id>_<secret><checksum>`.
    var keyID: String { ForgedKeys.keyID(of: key) }
}

extension TestGateway {
    /// Creates a tenant and returns its id.
    func createTenantID(_ name: String) async throws -> String {
        let result = try await createTenant(name)
        guard let id = (result.object["tenant"] as? [String: Any])?["id"] as? String else {
            throw TestGatewayError.unexpected("tenant id", result)
        }
        return id
    }

    /// Creates a user as the operator, returning their id as well as their key.
    func createUserWithID(tenant: String, username: String, roles: [String], password: String? = nil) async throws
        -> E2EUser
    {
        var body: [String: Any] = ["username": username, "roles": roles]
        if let password { body["password"] = password }
        let result = try await send(.POST, "/admin/v1/tenants/\(tenant)/users", token: adminKey, json: body)
        guard result.status == 201, let key = result.object["api_key"] as? String,
            let id = (result.object["user"] as? [String: Any])?["id"] as? String
        else { throw TestGatewayError.unexpected("create user", result) }
        return E2EUser(id: id, key: key)
    }

    /// Adds one memory by text (201 required) and returns the stored item.
    @discardableResult
    func addText(
        _ text: String, token: String, role: String? = nil, cube: String? = nil, extra: [String: Any] = [:]
    ) async throws -> [String: Any] {
        var body = extra
        body["text"] = text
        if let cube { body["cube"] = cube }
        let result = try await send(.POST, "/v1/memories", token: token, role: role, json: body)
        guard result.status == 201, result.memories.count == 1 else {
            throw TestGatewayError.unexpected("add memory", result)
        }
        return result.memories[0]
    }

    /// Adds one memory by text and returns its id.
    func addTextID(_ text: String, token: String, role: String? = nil, cube: String? = nil) async throws -> String {
        let item = try await addText(text, token: token, role: role, cube: cube)
        guard let id = item["id"] as? String else { throw TestGatewayError.unexpected("memory id", HTTPResult.empty) }
        return id
    }

    /// Creates a cube (201 required) and returns its id.
    func createCube(_ name: String, subspace: String? = nil, token: String, role: String? = nil) async throws -> String {
        var body: [String: Any] = ["name": name]
        if let subspace { body["subspace"] = subspace }
        let result = try await send(.POST, "/v1/cubes", token: token, role: role, json: body)
        guard result.status == 201, let id = result.cube["id"] as? String else {
            throw TestGatewayError.unexpected("create cube", result)
        }
        return id
    }

    /// Searches (200 required).
    func search(
        _ query: String, token: String, role: String? = nil, topK: Int = 1_000, cubes: [String]? = nil,
        filters: [String: Any]? = nil
    ) async throws -> HTTPResult {
        var body: [String: Any] = ["query": query, "top_k": topK]
        if let cubes { body["cubes"] = cubes }
        if let filters { body["filters"] = filters }
        let result = try await send(.POST, "/v1/memories/search", token: token, role: role, json: body)
        guard result.status == 200 else { throw TestGatewayError.unexpected("search", result) }
        return result
    }

    /// Every memory the caller may list, following `next_cursor` to the end.
    func listAll(token: String, role: String? = nil, cube: String? = nil, pageSize: Int = 200) async throws
        -> [[String: Any]]
    {
        var all: [[String: Any]] = []
        var cursor: String?
        var pages = 0
        repeat {
            var path = "/v1/memories?limit=\(pageSize)"
            if let cube { path += "&cube=\(cube)" }
            if let cursor { path += "&cursor=\(cursor)" }
            let page = try await send(.GET, path, token: token, role: role)
            guard page.status == 200 else { throw TestGatewayError.unexpected("list memories", page) }
            all += page.memories
            cursor = page.nextCursor
            pages += 1
            guard pages <= 10_000 else { throw TestGatewayError.unexpected("list never ends", page) }
        } while cursor != nil
        return all
    }

    /// What the caller can list, as id → "version:text": compares whole stores before and after.
    func snapshot(token: String, role: String? = nil) async throws -> [String: String] {
        var result: [String: String] = [:]
        for memory in try await listAll(token: token, role: role) {
            if let id = memory["id"] as? String {
                result[id] = "\(memory["version"] as? Int ?? -1):\(memory["text"] as? String ?? "")"
            }
        }
        return result
    }
}

extension HTTPResult {
    static let empty = HTTPResult(status: 0, contentType: nil, json: nil, raw: Data())
}

/// A 404 detail with the probed id blanked, so answers for different ids can be compared.
func normalizedNotFound(_ result: HTTPResult, id: String) -> String {
    "\(result.status)|\(result.contentType ?? "")|"
        + result.detail.replacingOccurrences(of: id, with: "<id>", options: .caseInsensitive)
        + "|\(result.object["type"] as? String ?? "")|\(result.object["title"] as? String ?? "")"
}

/// Builds API keys that are well formed (right shape, valid checksum) but were never issued,
/// so the gateway must reject them on the secret, not on the checksum.
enum ForgedKeys {
    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func keyID(of token: String) -> String { String(token.dropFirst(4).prefix(12)) }
    static func secret(of token: String) -> String { String(token.dropFirst(17).prefix(32)) }

    /// `mgk_<id>_<secret><checksum>` with a correct checksum.
    static func make(id: String, secret: String) -> String {
        let body = "mgk_\(id)_\(secret)"
        return body + checksum(Array(body.utf8))
    }

    static func randomSecret() -> String {
        String((0..<32).map { _ in base62.randomElement()! })
    }

    static func checksum(_ bytes: [UInt8]) -> String {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        var value = UInt64(crc ^ 0xFFFF_FFFF)
        var out = [Character](repeating: "0", count: 6)
        for index in stride(from: 5, through: 0, by: -1) {
            out[index] = base62[Int(value % 62)]
            value /= 62
        }
        return String(out)
    }
}

/// Runs `body` against an already started gateway and always stops it.
func using<T>(_ gateway: TestGateway, _ body: (TestGateway) async throws -> T) async throws -> T {
    do {
        let result = try await body(gateway)
        await gateway.stop()
        return result
    } catch {
        await gateway.stop()
        throw error
    }
}
