import Foundation

/// Strict, canonical JSON for MemCube archives: one encoding of every value (sorted keys,
/// millisecond dates), unknown fields refused, and decoding failures as 400s naming the field.
enum ArchiveDecoding {
    static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let string = try container.decode(String.self)
            guard let date = parseDate(string) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO 8601 date-time, got '\(string)'")
            }
            return date
        }
        return decoder
    }()

    /// ISO 8601 in UTC with three fractional digits, rounded to the millisecond (the store's
    /// precision), so a date survives export and import unchanged.
    static func formatDate(_ date: Date) -> String {
        AuditTime.format(millis: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    static func parseDate(_ string: String) -> Date? {
        if let date = try? Date(string, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
        }
        return try? Date(string, strategy: Date.ISO8601FormatStyle())
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int? = nil
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Refuses fields the format does not define: in the authenticated header they would
    /// escape authentication, elsewhere they would be silently dropped.
    static func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(
        _ decoder: any Decoder, _: Keys.Type, root: String = "archive"
    ) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let allowed = Set(Keys.allCases.map(\.stringValue))
        if let unknown = container.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            // Inside a request the path already starts at its `archive` field.
            var path = decoder.codingPath
            if path.first?.stringValue == "archive" { path.removeFirst() }
            throw GovernanceError.invalidInput(
                field: render(path, under: root) + "." + unknown,
                message: "unknown field in a \(CubeArchiveEnvelope.formatV1) archive")
        }
    }

    /// A decoding failure as a 400 naming the field, under `root` (`archive` or `archive.content`).
    static func translate(_ error: DecodingError, in root: String) -> GovernanceError {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return .invalidInput(field: render(context.codingPath, under: root), message: context.debugDescription)
        case .keyNotFound(let key, let context):
            return .invalidInput(field: render(context.codingPath + [key], under: root), message: "missing required field")
        @unknown default:
            return .invalidInput(field: root, message: "\(error)")
        }
    }

    static func render(_ path: [any CodingKey], under root: String) -> String {
        path.reduce(root) { result, key in
            key.intValue.map { "\(result)[\($0)]" } ?? "\(result).\(key.stringValue)"
        }
    }
}
