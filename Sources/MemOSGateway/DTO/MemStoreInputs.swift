import Foundation
import MemOSGovernance

/// `POST /v1/memstore/offerings`: exactly one of `cube` and `memory_ids`.
struct PublishOfferingRequest: Decodable {
    let draft: OfferingDraft

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, cube, memoryIDs = "memory_ids", labelCeiling = "label_ceiling", audience
    }

    /// Who may see the offering: tenants by name and, in them, roles (empty: any role).
    struct Audience: Decodable {
        let tenants: [String]
        let roles: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case tenants, roles
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard c.contains(.tenants) else { throw RequestError.missingField("audience.tenants") }
            tenants = try c.decode([String].self, forKey: .tenants)
            guard !tenants.isEmpty else {
                throw RequestError.invalidField("audience.tenants", "must name at least one tenant (default deny)")
            }
            roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
        }
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeNonEmptyString(forKey: .name)
        let cube = try c.decodeIfPresent(String.self, forKey: .cube)
        let memoryIDs = try c.decodeIfPresent([UUID].self, forKey: .memoryIDs)
        guard (cube == nil) != (memoryIDs == nil) else {
            throw RequestError.invalidField("(body)", "provide exactly one of 'cube' or 'memory_ids'")
        }
        if let memoryIDs, memoryIDs.isEmpty {
            throw RequestError.invalidField("memory_ids", "must name at least one memory")
        }
        guard c.contains(.audience) else { throw RequestError.missingField("audience") }
        let audience = try c.decode(Audience.self, forKey: .audience)
        draft = OfferingDraft(
            name: name, description: try c.decodeIfPresent(String.self, forKey: .description) ?? "", cube: cube,
            memoryIDs: memoryIDs, labelCeiling: try c.decodeIfPresent(String.self, forKey: .labelCeiling),
            audienceTenants: audience.tenants, audienceRoles: audience.roles)
    }
}

/// `POST /v1/memstore/offerings/{id}/revoke`: the audience tenant to remove. `tenant` names the
/// target of the revocation, never the caller's own tenant (that comes from the credential).
struct RevokeOfferingRequest: Decodable {
    let tenant: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenant
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowingOwnerFields: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tenant = try c.decodeNonEmptyString(forKey: .tenant)
    }
}

/// `POST /v1/memstore/subscriptions`.
struct SubscribeRequest: Decodable {
    let offeringID: UUID

    enum CodingKeys: String, CodingKey, CaseIterable {
        case offeringID = "offering_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.offeringID) else { throw RequestError.missingField("offering_id") }
        guard let id = UUID(uuidString: try c.decode(String.self, forKey: .offeringID)) else {
            throw RequestError.invalidField("offering_id", "expected an offering id (UUID)")
        }
        offeringID = id
    }
}

/// `POST /v1/memstore/subscriptions/{id}/search`.
struct SubscriptionSearchRequest: Decodable {
    let query: String
    let topK: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case query, topK = "top_k"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        query = try c.decodeNonEmptyString(forKey: .query)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? 10
        guard (1...1_000).contains(topK) else {
            throw RequestError.invalidField("top_k", "must be between 1 and 1000 (got \(topK))")
        }
    }
}
