import Foundation
import Hummingbird
import MemOSCore
import NIOCore

/// Fields no request may carry: who owns data is decided by the credential alone.
let ownerFields: Set<String> = ["tenant", "tenant_id", "user_id", "owner"]

struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Strict input: a field the DTO does not define is an error naming it, so a typo never
    /// silently drops data, and an owner field is refused rather than ignored.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type, allowingOwnerFields: Bool = false) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let allowed = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            let path = JSONPath.render(codingPath + [key])
            if ownerFields.contains(key.stringValue) && !allowingOwnerFields {
                throw RequestError.ownerField(path)
            }
            throw RequestError.unknownField(path)
        }
    }
}

extension KeyedDecodingContainer {
    /// A non-empty string (after trimming), with an error naming the field otherwise.
    func decodeNonEmptyString(forKey key: Key) throws -> String {
        guard contains(key) else { throw RequestError.missingField(JSONPath.render(codingPath + [key])) }
        let value = try decode(String.self, forKey: key)
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RequestError.invalidField(JSONPath.render(codingPath + [key]), "must not be empty")
        }
        return value
    }

    func decodeMemoryTypeIfPresent(forKey key: Key) throws -> MemoryType? {
        guard let name = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let type = MemoryType(rawValue: name) else {
            throw RequestError.invalidField(
                JSONPath.render(codingPath + [key]),
                "unknown memory type '\(name)' (expected one of: \(MemoryType.allNames.joined(separator: ", ")))")
        }
        return type
    }

    func decodeTagsIfPresent(forKey key: Key) throws -> [String]? {
        guard let tags = try decodeIfPresent([String].self, forKey: key) else { return nil }
        let path = JSONPath.render(codingPath + [key])
        guard tags.count <= 64 else { throw RequestError.invalidField(path, "at most 64 tags") }
        for (index, tag) in tags.enumerated() {
            guard !tag.isEmpty, tag.count <= 128 else {
                throw RequestError.invalidField("\(path)[\(index)]", "a tag must be 1-128 characters")
            }
        }
        return tags
    }

    /// `nil` when absent, `.some(nil)` when explicitly null: PATCH distinguishes "keep" from "clear".
    func decodeClearable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .some(nil) }
        return .some(try decode(type, forKey: key))
    }
}

/// Reads and decodes a JSON request body within the configured size limit.
struct JSONBody {
    let maxBytes: Int

    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if let contentType = request.headers[.contentType] {
            let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard mediaType == "application/json" else { throw RequestError.unsupportedMediaType(contentType) }
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw RequestError.bodyTooLarge(limit: maxBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw RequestError.bodyTooLarge(limit: maxBytes)
        } catch is NIOTooManyBytesError {
            // A chunked body has no Content-Length to check up front.
            throw RequestError.bodyTooLarge(limit: maxBytes)
        }
        guard buffer.readableBytes > 0 else {
            throw RequestError.malformedJSON("the body is empty; expected a JSON object")
        }
        let data = Data(buffer: buffer)
        // Foundation's parser tolerates some non-JSON (trailing commas); RFC 8259 is the contract.
        try StrictJSONSyntax.validate(data)
        do {
            return try JSONCoding.decoder.decode(T.self, from: data)
        } catch let error as RequestError {
            throw error
        } catch let error as DecodingError {
            throw Self.translate(error)
        }
    }

    static func translate(_ error: DecodingError) -> RequestError {
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return .malformedJSON("expected a JSON object")
            }
            return .invalidField(JSONPath.render(context.codingPath), "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalidField(JSONPath.render(context.codingPath), "must not be null (expected \(describe(type)))")
        case .keyNotFound(let key, let context):
            return .missingField(JSONPath.render(context.codingPath + [key]))
        case .dataCorrupted(let context):
            // The syntax was already validated, so this is a value that does not fit its field
            // (2.5 for an integer, say); name the field when the decoder knows it.
            return .invalidField(JSONPath.render(context.codingPath), context.debugDescription)
        @unknown default:
            return .malformedJSON("\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "an array"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
