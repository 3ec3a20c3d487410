import Foundation

/// LoCoMo conversations loaded exactly as `../shared/bench/locomo_retrieval.py` loads them
/// (`load_conversations`, `clean_evidence`, `Turn.render`, `parse_locomo_date`), so recall
/// measured here is comparable with the Python reference numbers.
struct LocomoTurn {
    let diaID: String
    let session: Int
    /// Session date as written in the data, e.g. "1:56 pm on 8 May, 2023".
    let date: String
    let speaker: String
    let text: String
    let caption: String?

    /// `[<session date>] <speaker>: <text> [shares <caption>]`.
    func render(captions: Bool = true) -> String {
        var rendered = "[\(date)] \(speaker): \(text)"
        if captions, let caption { rendered += " [shares \(caption)]" }
        return rendered
    }
}

struct LocomoQuestion {
    let index: Int
    let question: String
    let category: Int
    /// Cleaned, valid, deduplicated dia ids in order.
    let evidence: [String]
}

struct LocomoConversation {
    let sampleID: String
    let turns: [LocomoTurn]
    let questions: [LocomoQuestion]
}

enum LocomoData {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static func load(path: String) throws -> [LocomoConversation] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try JSONSerialization.jsonObject(with: data)
        let samples: [[String: Any]]
        if let list = root as? [[String: Any]] {
            samples = list
        } else if var single = root as? [String: Any] {
            if single["sample_id"] == nil {
                single["sample_id"] = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            }
            samples = [single]
        } else {
            throw FormatError(description: "\(path): expected a list of LoCoMo samples")
        }

        return samples.enumerated().map { sampleIndex, sample in
            let conversation = (sample["conversation"] as? [String: Any]) ?? sample
            var turns: [LocomoTurn] = []
            for session in sessionNumbers(conversation) {
                let date = conversation["session_\(session)_date_time"] as? String ?? ""
                for case let turn as [String: Any] in conversation["session_\(session)"] as? [Any] ?? [] {
                    let text = (turn["text"] ?? turn["clean_text"]).map(pythonString) ?? ""
                    let caption = (turn["blip_caption"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                    turns.append(
                        LocomoTurn(
                            diaID: turn["dia_id"].map(pythonString) ?? "", session: session, date: date,
                            speaker: turn["speaker"] as? String ?? "", text: text, caption: caption))
                }
            }
            let valid = Set(turns.map(\.diaID))
            let questions = (sample["qa"] as? [[String: Any]] ?? []).enumerated().map { index, qa in
                LocomoQuestion(
                    index: index, question: qa["question"].map(pythonString) ?? "",
                    category: (qa["category"] as? NSNumber)?.intValue ?? Int(qa["category"].map(pythonString) ?? "") ?? 0,
                    evidence: cleanEvidence(qa["evidence"] as? [Any] ?? [], valid: valid))
            }
            let sampleID = sample["sample_id"].map(pythonString) ?? "conv-\(sampleIndex)"
            return LocomoConversation(sampleID: sampleID, turns: turns, questions: questions)
        }
    }

    /// Numbers n of the `session_<n>` keys whose value is a list, ascending.
    static func sessionNumbers(_ conversation: [String: Any]) -> [Int] {
        conversation.compactMap { key, value -> Int? in
            guard key.hasPrefix("session_"), value is [Any] else { return nil }
            let digits = key.dropFirst("session_".count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(digits)
        }.sorted()
    }

    /// `clean_evidence`: split entries on `[;,\s]+`, keep tokens matching `D:?(\d+):0*(\d+)` as
    /// `D<int>:<int>` when that turn exists, deduplicated in order.
    static func cleanEvidence(_ raw: [Any], valid: Set<String>) -> [String] {
        var output: [String] = []
        for item in raw {
            let text = pythonString(item).trimmingCharacters(in: .whitespacesAndNewlines)
            let tokens = text.split { $0 == ";" || $0 == "," || $0.isWhitespace }
            for token in tokens {
                guard let id = parseEvidenceToken(Substring(token)), valid.contains(id), !output.contains(id) else {
                    continue
                }
                output.append(id)
            }
        }
        return output
    }

    static func parseEvidenceToken(_ token: Substring) -> String? {
        guard token.first == "D" else { return nil }
        var rest = token.dropFirst()
        if rest.first == ":" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let session = Int(parts[0]), let turn = Int(parts[1])
        else { return nil }
        return "D\(session):\(turn)"
    }

    /// `parse_locomo_date`: "1:56 pm on 8 May, 2023" as a UTC date (nil when unparseable).
    static func parseDate(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for format in ["h:mm a 'on' d MMMM, yyyy", "h:mm a 'on' d MMM, yyyy", "dd.MM.yyyy, HH:mm:ss"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    /// `str(value)` for the JSON scalars LoCoMo contains.
    private static func pythonString(_ value: Any) -> String {
        switch value {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        default: return "\(value)"
        }
    }
}
