/// `POST /v1/subjects/{subject}/erase` (body optional).
struct EraseSubjectRequest: Decodable {
    let reason: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reason
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        if let reason, reason.count > 500 {
            throw RequestError.invalidField("reason", "at most 500 characters")
        }
    }
}

/// `POST /admin/v1/watermark/trace`.
struct TraceRequest: Decodable {
    let text: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decodeNonEmptyString(forKey: .text)
    }
}
