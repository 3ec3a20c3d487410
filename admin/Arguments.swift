import ArgumentParser
import Foundation

/// Parsing of the values people type: times, durations, files.
enum Arguments {
    /// An RFC 3339 time (`2026-11-23T08:00:00Z`, fractional seconds and offsets allowed) or a
    /// date (`2026-11-23`, midnight UTC).
    static func time(_ text: String, option: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        if text.count == 10, let date = formatter.date(from: text) { return date }
        throw ValidationError(
            "\(option) '\(text)' is not a time: use RFC 3339 (2026-11-23T08:00:00Z) or a date (2026-11-23)")
    }

    /// A time as the gateway reads it: RFC 3339 in UTC with milliseconds.
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// A duration: seconds (`3600`) or a number with a unit: `s`, `m`, `h`, `d`, `w` (`90d`, `12h`).
    static func duration(_ text: String, option: String) throws -> Int {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        var digits = Substring(text)
        var multiplier = 1
        if let last = text.last, let unit = units[last] {
            digits = text.dropLast()
            multiplier = unit
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits),
            value > 0, value <= Int(Int32.max) / multiplier
        else {
            throw ValidationError("\(option) '\(text)' is not a duration: use seconds or a number with s, m, h, d or w (90d)")
        }
        return value * multiplier
    }

    /// The contents of a file, or of standard input for `-`.
    static func read(_ path: String) throws -> Data {
        if path == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIFailure("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Writes a file readable by its owner only (receipts, exports, backups hold sensitive metadata).
    static func writePrivate(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            let temporary = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial")
            guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
            else { throw CLIFailure("cannot write \(path)") }
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
            } else {
                try FileManager.default.moveItem(at: temporary, to: url)
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
