import Foundation
import GRDB

/// A data key as stored: only ever wrapped (AES-GCM under the master key), never in the clear.
public struct DataKeyRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "data_keys"

    public var id: String
    /// nil for system keys (token signing, audit signing), which belong to no tenant.
    public var tenantID: UUID?
    public var kind: String
    public var scope: String
    public var wrapped: Data
    public var kekID: String
    public var createdAt: Date

    public init(id: String, tenantID: UUID?, kind: String, scope: String, wrapped: Data, kekID: String, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.kind = kind
        self.scope = scope
        self.wrapped = wrapped
        self.kekID = kekID
        self.createdAt = createdAt
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let tenantID = Column(CodingKeys.tenantID)
        public static let kind = Column(CodingKeys.kind)
        public static let scope = Column(CodingKeys.scope)
    }

    public enum CodingKeys: String, CodingKey {
        case id
        case tenantID = "tenant_id"
        case kind
        case scope
        case wrapped
        case kekID = "kek_id"
        case createdAt = "created_at"
    }
}

/// Where wrapped data keys live. Deleting a key is crypto-shredding: whatever it sealed can
/// never be opened again, in this database or in any backup of it.
public protocol DataKeyStore: Sendable {
    func dataKey(tenantID: UUID?, kind: String, scope: String) async throws -> DataKeyRecord?
    func dataKey(id: String) async throws -> DataKeyRecord?
    /// Inserts a key unless one with the same tenant, kind and scope exists; returns the stored one.
    func insertDataKeyIfAbsent(_ record: DataKeyRecord) async throws -> DataKeyRecord
    func deleteDataKeys(tenantID: UUID, kind: String, scope: String) async throws -> Int
    func allDataKeys() async throws -> [DataKeyRecord]
    /// Replaces wrapped forms in one transaction (master key rotation).
    func rewrapDataKeys(_ updates: [(id: String, wrapped: Data, kekID: String)]) async throws
}
