import Foundation
import GRDB

extension SQLiteStore: OfferingStore {
    public func createOffering(_ offering: OfferingRecord, audience: [UUID], selection: [UUID]) async throws {
        try await write { db in
            if let cubeID = offering.cubeID {
                guard
                    try CubeRecord.filter(Column("tenant_id") == offering.tenantID && Column("id") == cubeID).fetchCount(db)
                        == 1
                else { throw StoreError.notFound("no cube \(cubeID)") }
            }
            for chunk in stride(from: 0, to: selection.count, by: 400).map({
                Array(selection[$0..<min($0 + 400, selection.count)])
            }) {
                let owned = try MemoryRecord.filter(Column("tenant_id") == offering.tenantID && chunk.contains(Column("id")))
                    .fetchCount(db)
                guard owned == Set(chunk).count else { throw StoreError.notFound("a selected memory does not exist") }
            }
            try offering.insert(db)
            for tenantID in Set(audience) {
                try OfferingAudienceRecord(offeringID: offering.id, tenantID: tenantID).insert(db)
            }
            for memoryID in Set(selection) {
                try OfferingSelectionRecord(offeringID: offering.id, memoryID: memoryID).insert(db)
            }
        }
    }

    public func offering(tenantID: UUID, id: UUID) async throws -> OfferingRecord? {
        try await read { db in
            try OfferingRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).fetchOne(db)
        }
    }

    public func offerings(tenantID: UUID) async throws -> [OfferingRecord] {
        try await read { db in
            try OfferingRecord.filter(Column("tenant_id") == tenantID).order(Column("id")).fetchAll(db)
        }
    }

    public func offeringAudience(tenantID: UUID, offeringID: UUID) async throws -> [UUID] {
        try await read { db in
            try UUID.fetchAll(
                db,
                sql: """
                    SELECT a.tenant_id FROM memstore_audience a
                    JOIN memstore_offerings o ON o.id = a.offering_id
                    WHERE o.tenant_id = ? AND o.id = ? ORDER BY a.tenant_id
                    """, arguments: [tenantID, offeringID])
        }
    }

    public func offeringSelection(tenantID: UUID, offeringID: UUID) async throws -> [UUID] {
        try await read { db in
            try UUID.fetchAll(
                db,
                sql: """
                    SELECT s.memory_id FROM memstore_selections s
                    JOIN memstore_offerings o ON o.id = s.offering_id
                    JOIN memories m ON m.id = s.memory_id AND m.tenant_id = o.tenant_id
                    WHERE o.tenant_id = ? AND o.id = ? ORDER BY s.memory_id
                    """, arguments: [tenantID, offeringID])
        }
    }

    public func offeringSubscriptions(tenantID: UUID, offeringID: UUID) async throws -> [SubscriptionRecord] {
        try await read { db in
            try SubscriptionRecord.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM memstore_subscriptions s
                    JOIN memstore_offerings o ON o.id = s.offering_id
                    WHERE o.tenant_id = ? AND o.id = ? ORDER BY s.id
                    """, arguments: [tenantID, offeringID])
        }
    }

    public func deleteOffering(tenantID: UUID, id: UUID) async throws -> Bool {
        try await write { db in
            try OfferingRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).deleteAll(db) > 0
        }
    }

    public func revokeOffering(tenantID: UUID, offeringID: UUID, audienceTenantID: UUID) async throws -> Bool {
        try await write { db in
            guard try OfferingRecord.filter(Column("tenant_id") == tenantID && Column("id") == offeringID).fetchCount(db) == 1
            else { return false }
            try SubscriptionRecord.filter(Column("offering_id") == offeringID && Column("tenant_id") == audienceTenantID)
                .deleteAll(db)
            return try OfferingAudienceRecord.filter(
                Column("offering_id") == offeringID && Column("tenant_id") == audienceTenantID
            ).deleteAll(db) > 0
        }
    }

    public func offering(id: UUID, audienceTenantID: UUID) async throws -> OfferingRecord? {
        try await read { db in
            try OfferingRecord.fetchOne(
                db,
                sql: """
                    SELECT o.* FROM memstore_offerings o
                    JOIN memstore_audience a ON a.offering_id = o.id
                    WHERE o.id = ? AND a.tenant_id = ?
                    """, arguments: [id, audienceTenantID])
        }
    }

    public func offerings(audienceTenantID: UUID) async throws -> [OfferingRecord] {
        try await read { db in
            try OfferingRecord.fetchAll(
                db,
                sql: """
                    SELECT o.* FROM memstore_offerings o
                    JOIN memstore_audience a ON a.offering_id = o.id
                    WHERE a.tenant_id = ? ORDER BY o.id
                    """, arguments: [audienceTenantID])
        }
    }

    public func createSubscription(_ subscription: SubscriptionRecord) async throws {
        try await write { db in
            guard
                try OfferingAudienceRecord.filter(
                    Column("offering_id") == subscription.offeringID && Column("tenant_id") == subscription.tenantID
                ).fetchCount(db) == 1
            else { throw StoreError.notFound("no offering \(subscription.offeringID)") }
            try subscription.insert(db)
        }
    }

    public func subscription(tenantID: UUID, id: UUID) async throws -> SubscriptionRecord? {
        try await read { db in
            try SubscriptionRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).fetchOne(db)
        }
    }

    public func subscriptions(tenantID: UUID) async throws -> [SubscriptionRecord] {
        try await read { db in
            try SubscriptionRecord.filter(Column("tenant_id") == tenantID).order(Column("id")).fetchAll(db)
        }
    }

    public func deleteSubscription(tenantID: UUID, id: UUID) async throws -> Bool {
        try await write { db in
            try SubscriptionRecord.filter(Column("tenant_id") == tenantID && Column("id") == id).deleteAll(db) > 0
        }
    }
}
