import Foundation

/// An RFC 9457 problem document: what every error response of the gateway carries.
struct Problem: Encodable, Sendable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let instance: String?
    let requestID: String?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance
        case requestID = "request_id"
    }
}
