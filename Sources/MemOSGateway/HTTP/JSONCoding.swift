import Foundation
import Hummingbird

/// JSON in and out, with the gateway's conventions: snake_case keys spelled out in each DTO,
/// ISO 8601 dates (fractional seconds on output, optional on input).
enum JSONCoding {
    static let encoder: JSONEncoder = {
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
            if let date = parseDate(string) { return date }
            throw RequestError.invalidField(
                JSONPath.render(decoder.codingPath), "expected an ISO 8601 date-time such as 2024-05-08T13:56:00Z")
        }
        return decoder
    }()

    /// ISO 8601 in UTC with exactly three fractional digits, rounded (not truncated) to the
    /// millisecond, so a date reads the same whether it came from memory or from the database.
    static func formatDate(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = Date(timeIntervalSince1970: Double(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient))
        var fraction = milliseconds % 1000
        var whole = seconds
        if fraction < 0 {
            fraction += 1000
            whole = whole.addingTimeInterval(-1)
        }
        let base = whole.formatted(Date.ISO8601FormatStyle())  // 2024-05-08T13:56:00Z
        return base.dropLast() + "." + String(fraction + 1000).dropFirst() + "Z"
    }

    static func parseDate(_ string: String) -> Date? {
        if let date = try? Date(string, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(string, strategy: Date.ISO8601FormatStyle())
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ problem: Problem) -> Response {
        let data = (try? encoder.encode(problem)) ?? Data()
        return Response(
            status: .init(code: problem.status), headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Renders a coding path as a field path clients recognise: `memories[2].sources[0].chat_time`.
enum JSONPath {
    static func render(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "(body)" : result
    }
}
