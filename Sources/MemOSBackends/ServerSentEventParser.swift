/// Splits a `text/event-stream` body into the `data` of its events, as the WHATWG
/// server-sent-events rules define them: lines end in LF, CRLF or CR; `data:` lines of one event
/// are joined with a line feed; a blank line ends the event; comment (`:`) and other field lines
/// are ignored. Bytes may arrive split anywhere, even inside a UTF-8 character.
struct ServerSentEventParser {
    /// A line longer than this is refused rather than buffered without bound.
    static let maxLineBytes = 4 * 1024 * 1024

    private var line: [UInt8] = []
    private var data: [String] = []
    private var hasData = false
    private var lastWasCR = false

    enum ParseError: Error {
        case lineTooLong
    }

    /// The events completed by `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [String] {
        var events: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
                if line.count > Self.maxLineBytes { throw ParseError.lineTooLong }
            }
        }
        return events
    }

    /// The last event, when the body ended without the blank line that should close it.
    mutating func finish() -> String? {
        if !line.isEmpty { _ = endLine() }
        return dispatch()
    }

    private mutating func endLine() -> String? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("data") else { return nil }
        var value = text.dropFirst(4)
        if value.isEmpty {
            data.append("")
            hasData = true
            return nil
        }
        guard value.first == ":" else { return nil }  // `datafoo: …` is another field
        value = value.dropFirst()
        if value.first == " " { value = value.dropFirst() }
        data.append(String(value))
        hasData = true
        return nil
    }

    private mutating func dispatch() -> String? {
        guard hasData else { return nil }
        defer {
            data.removeAll()
            hasData = false
        }
        return data.joined(separator: "\n")
    }
}
