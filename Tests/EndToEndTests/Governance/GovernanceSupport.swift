import Crypto
import Foundation
import GRDB
import MemOSGovernance
import Testing

/// Tools the governance attack tests share: direct database access (an attacker with the
/// file), file scans, the audit export and the signing key.
extension TestGateway {
    var databasePath: String { dataDirectory.appendingPathComponent("memos.sqlite").path }

    /// A second connection to the live database, as an attacker (or a broken disk) would have.
    func openDatabase() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: databasePath, configuration: configuration)
    }

    /// Every file under the data directory (database, WAL, SHM, key file, anything else).
    func dataFiles() throws -> [(name: String, bytes: Data)] {
        let enumerator = FileManager.default.enumerator(at: dataDirectory, includingPropertiesForKeys: [.isRegularFileKey])
        var files: [(String, Data)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            files.append((url.lastPathComponent, try Data(contentsOf: url)))
        }
        return files
    }

    /// Names of the files under the data directory that contain `needle` (UTF-8 or UTF-16).
    func filesContaining(_ needle: String) throws -> [String] {
        let utf8 = Data(needle.utf8)
        let utf16 = needle.data(using: .utf16LittleEndian) ?? Data()
        return try dataFiles().filter { $0.bytes.range(of: utf8) != nil || $0.bytes.range(of: utf16) != nil }.map(\.name)
    }

    /// The operator's export of one tenant's audit chain, as JSON lines.
    func auditExport(tenantID: String) async throws -> [String] {
        let result = try await send(.GET, "/admin/v1/audit/export?tenant=\(tenantID)", token: adminKey)
        guard result.status == 200 else { throw TestGatewayError.unexpected("audit export", result) }
        return String(decoding: result.raw, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The gateway's Ed25519 public key, as published.
    func signingKey() async throws -> Curve25519.Signing.PublicKey {
        let result = try await send(.GET, "/admin/v1/audit/public-key", token: adminKey)
        guard let base64 = result.object["public_key"] as? String, let raw = Data(base64Encoded: base64) else {
            throw TestGatewayError.unexpected("public key", result)
        }
        return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}

extension HTTPResult {
    /// The body parsed with watermarks kept (`json` has them stripped).
    var markedObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: raw)) as? [String: Any] ?? [:]
    }

    /// The `type` slug of a problem document.
    var problemType: String { object["type"] as? String ?? "" }
}
