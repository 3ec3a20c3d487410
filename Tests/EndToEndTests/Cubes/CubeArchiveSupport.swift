import Foundation
import MemOSGovernance
import Testing

/// Helpers for the MemCube archive and sharing suites, over the public HTTP API.
enum CubeArchiveFixtures {
    static let passphrase = "correct horse battery staple"
}

extension TestGateway {
    /// `POST /v1/cubes/{cube}/export`.
    func exportCube(
        _ cube: String, token: String, role: String? = nil, passphrase: String = CubeArchiveFixtures.passphrase,
        embeddings: Bool = false, history: Bool = false
    ) async throws -> HTTPResult {
        try await send(
            .POST, "/v1/cubes/\(cube)/export", token: token, role: role,
            json: ["passphrase": passphrase, "include_embeddings": embeddings, "include_history": history])
    }

    /// `POST /v1/cubes/import` with the archive as given (a JSON object or a base64 string).
    func importCube(
        archive: Any, name: String, token: String, role: String? = nil, passphrase: String = CubeArchiveFixtures.passphrase,
        subspace: String? = nil
    ) async throws -> HTTPResult {
        var body: [String: Any] = ["archive": archive, "passphrase": passphrase, "name": name]
        if let subspace { body["subspace"] = subspace }
        return try await send(.POST, "/v1/cubes/import", token: token, role: role, json: body)
    }

    /// Names of the cubes `GET /v1/cubes` lists for the caller.
    func cubeNames(token: String, role: String? = nil) async throws -> Set<String> {
        let result = try await send(.GET, "/v1/cubes", token: token, role: role)
        guard result.status == 200 else { throw TestGatewayError.unexpected("list cubes", result) }
        return Set(((result.object["cubes"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
    }

    /// The cubes `GET /v1/cubes` lists for the caller, by id.
    func cubesByID(token: String, role: String? = nil) async throws -> [String: [String: Any]] {
        let result = try await send(.GET, "/v1/cubes", token: token, role: role)
        guard result.status == 200 else { throw TestGatewayError.unexpected("list cubes", result) }
        var cubes: [String: [String: Any]] = [:]
        for cube in (result.object["cubes"] as? [[String: Any]]) ?? [] {
            if let id = cube["id"] as? String { cubes[id] = cube }
        }
        return cubes
    }

    /// Every memory of the tenant the caller can list, counted (for "nothing was stored").
    func memoryCount(token: String, role: String? = nil) async throws -> Int {
        try await listAll(token: token, role: role).count
    }

    /// A gateway whose policy also gives `member` (clearance internal) `cubes.export` and
    /// `cubes.import`: the shipped policy grants them only to roles cleared for confidential,
    /// and the clearance checks of export and import need a lower-cleared archiver.
    static func withMemberArchivers<T>(_ body: (TestGateway) async throws -> T) async throws -> T {
        let directory = makeTemporaryDirectory()
        let adminKey = try await DataDirectory.initialize(at: directory).1
        let policies = URL(fileURLWithPath: directory.path + "-policies")
        try FileManager.default.copyItem(at: policyDirectory, to: policies)
        let rolesFile = policies.appendingPathComponent("roles.yaml")
        var roles = try String(contentsOf: rolesFile, encoding: .utf8)
        let member = try #require(roles.range(of: "- name: member"))
        let permissions = try #require(roles.range(of: "permissions: []", range: member.upperBound..<roles.endIndex))
        roles.replaceSubrange(permissions, with: "permissions: [cubes.export, cubes.import]")
        try roles.write(to: rolesFile, atomically: true, encoding: .utf8)
        let gateway = try await start(dataDirectory: directory, adminKey: adminKey)
        do {
            let result = try await body(gateway)
            await gateway.stop()
            return result
        } catch {
            await gateway.stop()
            throw error
        }
    }
}

extension HTTPResult {
    /// The manifest of an archive response.
    var manifest: [String: Any] { object["manifest"] as? [String: Any] ?? [:] }
}

/// An archive (as parsed JSON) with one change applied: for tampering tests.
func tampered(_ archive: [String: Any], _ change: (inout [String: Any]) -> Void) -> [String: Any] {
    var copy = archive
    change(&copy)
    return copy
}

/// Base64 text with one bit of its decoded bytes flipped at `offset` (from the end when negative).
func flippingBit(inBase64 text: String, at offset: Int) -> String {
    var bytes = [UInt8](Data(base64Encoded: text) ?? Data())
    let index = offset >= 0 ? offset : bytes.count + offset
    bytes[index] ^= 0x01
    return Data(bytes).base64EncodedString()
}
