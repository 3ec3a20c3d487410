import Foundation
import MemOSCore
import MemOSGovernance
import MemOSStore

/// A governance stack over a fresh data directory, with helpers to make tenants and callers.
struct GovernanceFixture {
    let directory: URL
    let governance: Governance
    let operatorIdentity: AuthenticatedIdentity

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shippedPolicies = packageRoot.appendingPathComponent("policies")

    init(policyDirectory: URL = GovernanceFixture.shippedPolicies) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-gov-\(UUID().uuidString)")
        let (dataDirectory, adminKey) = try await DataDirectory.initialize(at: directory)
        governance = try await Governance.open(
            dataDirectory: dataDirectory, policyDirectory: policyDirectory, environment: [:],
            passwordHasher: PasswordHasher(parameters: .testing))
        operatorIdentity = try await governance.identity.authenticate(bearer: adminKey)
    }

    /// Reopens the same data directory, as a restarted process would.
    func reopened(policyDirectory: URL = GovernanceFixture.shippedPolicies) async throws -> Governance {
        try await Governance.open(
            dataDirectory: DataDirectory(url: directory), policyDirectory: policyDirectory, environment: [:],
            passwordHasher: PasswordHasher(parameters: .testing))
    }

    /// Creates a user and returns a caller acting as `role` (default: the first role).
    func caller(tenant: String, username: String, roles: [String], acting role: String? = nil) async throws -> MemoryCaller {
        if try await governance.identity.tenants(by: operatorIdentity).contains(where: { $0.name == tenant }) == false {
            _ = try await governance.identity.createTenant(by: operatorIdentity, name: tenant)
        }
        let created = try await governance.identity.createUser(
            by: operatorIdentity, actingRole: nil, tenantName: tenant, username: username, roles: roles,
            defaultRole: nil, password: nil, requestID: "test")
        return try await callerFor(key: created.apiKey.token, acting: role)
    }

    func callerFor(key: String, acting role: String?, governance: Governance? = nil) async throws -> MemoryCaller {
        let governance = governance ?? self.governance
        guard case .user(let identity) = try await governance.identity.authenticate(bearer: key) else {
            throw GovernanceError.forbidden("not a user key")
        }
        return try governance.identity.caller(for: identity, requestedRole: role, requestID: "test")
    }

    /// Every byte of every file under the data directory (database, WAL, SHM, key file).
    func allFileBytes() throws -> [(String, Data)] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var files: [(String, Data)] = []
        while let url = enumerator?.nextObject() as? URL {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append((url.lastPathComponent, try Data(contentsOf: url)))
            }
        }
        return files
    }
}

extension MemoryService {
    /// Adds one text memory and returns its view.
    func addText(_ caller: MemoryCaller, _ text: String, cube: String? = nil) async throws -> MemoryView {
        let views = try await add(caller, cube: cube, input: .items([MemoryContent(text: text)]))
        return views[0]
    }
}
