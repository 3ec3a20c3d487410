import Foundation

/// Kinds of personally identifiable information (and secrets) the detector recognises.
public enum PIIKind: String, Sendable, CaseIterable, Codable {
    case email
    case phone
    case paymentCard = "payment_card"
    case iban
    case usSSN = "us_ssn"
    case chineseResidentID = "cn_resident_id"
    case ipAddress = "ip_address"
    case secret

    /// Higher wins when two candidate matches overlap (more specific kinds first).
    var specificity: Int {
        switch self {
        case .secret: 8
        case .chineseResidentID: 7
        case .iban: 6
        case .paymentCard: 5
        case .usSSN: 4
        case .email: 3
        case .ipAddress: 2
        case .phone: 1
        }
    }
}

/// One detected occurrence. `text` is the matched substring: it is sensitive, never log it.
public struct PIIMatch: Sendable, Hashable {
    public let kind: PIIKind
    public let range: Range<String.Index>
    public let text: String

    public init(kind: PIIKind, range: Range<String.Index>, text: String) {
        self.kind = kind
        self.range = range
        self.text = text
    }
}

/// Finds PII in free text: regex candidates, then structural / checksum validation, then
/// overlap resolution preferring the more specific kind. Results are in text order and
/// never overlap.
public struct PIIDetector: Sendable {
    public init() {}

    public func detect(in text: String) -> [PIIMatch] {
        let ns = text as NSString
        let full = NSRange(location: 0, length: ns.length)
        var candidates: [(kind: PIIKind, range: NSRange)] = []
        let patterns = PIIPatterns.shared

        func each(_ regex: NSRegularExpression, _ body: (NSTextCheckingResult) -> Void) {
            for result in regex.matches(in: text, options: [], range: full) { body(result) }
        }
        func add(_ kind: PIIKind, _ range: NSRange) { candidates.append((kind, range)) }

        for regex in patterns.secrets {
            each(regex) { add(.secret, $0.range) }
        }
        each(patterns.chineseID) { match in
            if PIIChecksums.isValidChineseResidentID(ns.substring(with: match.range)) { add(.chineseResidentID, match.range) }
        }
        // IBAN-shaped spans (valid or not) suppress weaker numeric kinds inside them.
        var ibanShapes: [NSRange] = []
        each(patterns.iban) { match in
            let (range, valid) = PIIChecksums.resolveIBAN(ns.substring(with: match.range), location: match.range.location)
            ibanShapes.append(range)
            if valid { add(.iban, range) }
        }
        each(patterns.card) { match in
            if PIIChecksums.isValidPaymentCard(ns.substring(with: match.range)) { add(.paymentCard, match.range) }
        }
        each(patterns.ssn) { match in
            if PIIChecksums.isValidSSN(ns.substring(with: match.range)) { add(.usSSN, match.range) }
        }
        each(patterns.email) { add(.email, $0.range) }
        each(patterns.ipv4) { match in
            if PIIChecksums.isValidIPv4(ns.substring(with: match.range)) { add(.ipAddress, match.range) }
        }
        each(patterns.ipv6) { match in
            if PIIChecksums.isValidIPv6(ns.substring(with: match.range)) { add(.ipAddress, match.range) }
        }
        each(patterns.e164) { match in
            if PIIChecksums.isPlausibleE164(ns.substring(with: match.range)) { add(.phone, match.range) }
        }
        each(patterns.nationalPhone) { match in
            if PIIChecksums.isPlausibleNationalPhone(ns.substring(with: match.range)) { add(.phone, match.range) }
        }

        candidates.removeAll { candidate in
            candidate.kind.specificity < PIIKind.iban.specificity
                && ibanShapes.contains { NSIntersectionRange($0, candidate.range).length > 0 }
        }
        candidates.sort { lhs, rhs in
            if lhs.kind.specificity != rhs.kind.specificity { return lhs.kind.specificity > rhs.kind.specificity }
            if lhs.range.length != rhs.range.length { return lhs.range.length > rhs.range.length }
            return lhs.range.location < rhs.range.location
        }
        var accepted: [(kind: PIIKind, range: NSRange)] = []
        for candidate in candidates where candidate.range.length > 0 {
            if !accepted.contains(where: { NSIntersectionRange($0.range, candidate.range).length > 0 }) {
                accepted.append(candidate)
            }
        }
        accepted.sort { $0.range.location < $1.range.location }
        return accepted.compactMap { candidate in
            guard let range = Range(candidate.range, in: text) else { return nil }
            return PIIMatch(kind: candidate.kind, range: range, text: String(text[range]))
        }
    }
}

/// Compiled patterns, shared. NSRegularExpression is immutable and thread-safe once built.
private final class PIIPatterns: @unchecked Sendable {
    static let shared = PIIPatterns()

    let secrets: [NSRegularExpression]
    let chineseID: NSRegularExpression
    let iban: NSRegularExpression
    let card: NSRegularExpression
    let ssn: NSRegularExpression
    let email: NSRegularExpression
    let ipv4: NSRegularExpression
    let ipv6: NSRegularExpression
    let e164: NSRegularExpression
    let nationalPhone: NSRegularExpression

    private init() {
        func make(_ pattern: String) -> NSRegularExpression {
            // Patterns are compile-time constants; a failure is a programming error.
            // swiftlint:disable:next force_try
            try! NSRegularExpression(pattern: pattern, options: [])
        }
        secrets = [
            make(#"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----"#),
            make(#"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"#),
            make(#"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{7,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?![A-Za-z0-9_-])"#),
            make(#"(?<![A-Za-z0-9_])mgk_[a-z2-7]{12}_[A-Za-z0-9]{38}(?![A-Za-z0-9_])"#),
            make(#"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}+"#),
            make(#"(?<![A-Za-z0-9_])gh[pos]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])"#),
        ]
        chineseID = make(#"(?<![A-Za-z0-9])\d{17}[\dXx](?![A-Za-z0-9])"#)
        iban = make(#"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}+(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"#)
        card = make(#"(?<![\w.+-])\d(?:[ -]?\d)++(?![\w]|[.-]\d)"#)
        ssn = make(#"(?<![\w.+-])\d{3}-\d{2}-\d{4}(?![\w]|[.-]\d)"#)
        email = make(
            #"(?<![A-Za-z0-9._%+-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])"#)
        ipv4 = make(#"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"#)
        ipv6 = make(
            #"(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}+(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![0-9A-Za-z:])"#)
        e164 = make(#"(?<![\w+])\+\d(?:[ .()-]{0,2}\d)++(?!\w)"#)
        nationalPhone = make(#"(?<![\w+.\-/:#$€£])(?:\(\d{1,5}\)|\d)(?:[ .()-]{0,2}\d)++(?![\w]|[.-]\d)"#)
    }
}

/// Structural and checksum validators (internal so tests can exercise them directly).
enum PIIChecksums {
    static func digits(of text: some StringProtocol) -> [Int] {
        text.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
    }

    /// Luhn mod-10 over a digit string (non-digits ignored).
    static func luhnValid(_ text: String) -> Bool {
        let ds = digits(of: text)
        guard ds.count >= 2 else { return false }
        var sum = 0
        for (offset, digit) in ds.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func hasKnownIIN(_ number: String) -> Bool {
        func prefix(_ n: Int) -> Int { Int(number.prefix(n)) ?? -1 }
        if number.hasPrefix("4") { return true }
        if (51...55).contains(prefix(2)) || (2221...2720).contains(prefix(4)) { return true }
        if prefix(2) == 34 || prefix(2) == 37 { return true }
        if prefix(4) == 6011 || prefix(2) == 65 { return true }
        if prefix(2) == 62 { return true }
        if (3528...3589).contains(prefix(4)) { return true }
        return false
    }

    static func isValidPaymentCard(_ text: String) -> Bool {
        let number = String(text.filter(\.isNumber))
        guard (13...19).contains(number.count), text.allSatisfy({ $0.isNumber || $0 == " " || $0 == "-" }) else { return false }
        // Mixed separators ("4111 1111-1111") are not a card layout.
        if text.contains(" ") && text.contains("-") { return false }
        return hasKnownIIN(number) && luhnValid(number)
    }

    static func isValidSSN(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let area = Int(parts[0]), let group = Int(parts[1]), let serial = Int(parts[2]) else { return false }
        if area == 0 || area == 666 || area >= 900 { return false }
        return group != 0 && serial != 0
    }

    static let ibanLengths: [String: Int] = [
        "DE": 22, "FR": 27, "GB": 22, "ES": 24, "IT": 27, "NL": 18, "CH": 21, "BE": 16, "AT": 20, "PL": 28,
    ]

    /// ISO 13616 mod-97 check over a compact IBAN (letters A=10 … Z=35).
    static func ibanMod97(_ compact: String) -> Int? {
        guard compact.count >= 5 else { return nil }
        let rearranged = compact.dropFirst(4) + compact.prefix(4)
        var remainder = 0
        for char in rearranged {
            if let digit = char.wholeNumberValue, char.isASCII {
                remainder = (remainder * 10 + digit) % 97
            } else if let ascii = char.asciiValue, (65...90).contains(ascii) {
                remainder = (remainder * 100 + Int(ascii) - 55) % 97
            } else {
                return nil
            }
        }
        return remainder
    }

    static func isValidIBAN(_ text: String) -> Bool {
        let compact = text.replacingOccurrences(of: " ", with: "").uppercased()
        let country = String(compact.prefix(2))
        if let expected = ibanLengths[country] {
            guard compact.count == expected else { return false }
        } else {
            guard (15...34).contains(compact.count) else { return false }
        }
        return ibanMod97(compact) == 1
    }

    /// Trims an IBAN-shaped candidate to its country length (the regex may run into a
    /// following token) and reports the UTF-16 range it occupies plus whether it validates.
    static func resolveIBAN(_ candidate: String, location: Int) -> (NSRange, Bool) {
        let compactCount = candidate.filter { $0 != " " }.count
        let country = String(candidate.prefix(2))
        // Shorter than any IBAN (an unknown country's candidate may be, e.g. a hex token like
        // "BF20BC39CF3F"): not one, and no range of lengths to try.
        guard compactCount >= 15 else { return (NSRange(location: location, length: candidate.utf16.count), false) }
        let lengths: [Int] =
            if let expected = ibanLengths[country] { [expected] } else { Array((15...min(34, compactCount)).reversed()) }
        for length in lengths where length <= compactCount {
            var seen = 0
            var end = candidate.startIndex
            for index in candidate.indices where candidate[index] != " " {
                seen += 1
                if seen == length {
                    end = candidate.index(after: index)
                    break
                }
            }
            let prefix = String(candidate[..<end])
            if isValidIBAN(prefix) {
                return (NSRange(location: location, length: prefix.utf16.count), true)
            }
        }
        return (NSRange(location: location, length: candidate.utf16.count), false)
    }

    static let chineseIDWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let chineseIDCheckChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// ISO 7064 MOD 11-2 check character for the first 17 digits.
    static func chineseIDCheckCharacter(_ first17: String) -> Character? {
        let ds = digits(of: first17)
        guard ds.count == 17, first17.count == 17 else { return nil }
        let sum = zip(ds, chineseIDWeights).reduce(0) { $0 + $1.0 * $1.1 }
        return chineseIDCheckChars[sum % 11]
    }

    static func isValidChineseResidentID(_ text: String) -> Bool {
        let chars = Array(text.uppercased())
        guard chars.count == 18, let check = chineseIDCheckCharacter(String(chars[0..<17])) else { return false }
        guard let year = Int(String(chars[6..<10])), let month = Int(String(chars[10..<12])),
            let day = Int(String(chars[12..<14]))
        else { return false }
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthDays[month - 1] else { return false }
        return chars[17] == check
    }

    static func isValidIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            guard let value = Int(octet), (1...3).contains(octet.count) else { return false }
            return value <= 255
        }
    }

    static func isValidIPv6(_ text: String) -> Bool {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String, allowIPv4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail && index == pieces.count - 1 && piece.contains(".") {
                    guard isValidIPv4(String(piece)) else { return nil }
                    count += 2
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit) else { return nil }
                    count += 1
                }
            }
            return count
        }
        if halves.count == 1 {
            return groups(text, allowIPv4Tail: true) == 8
        }
        guard let left = groups(halves[0], allowIPv4Tail: false), let right = groups(halves[1], allowIPv4Tail: true) else {
            return false
        }
        // "::" alone would be the unspecified address; require at least one real group.
        return left + right <= 7 && left + right >= 1
    }

    static func isPlausibleE164(_ text: String) -> Bool {
        (8...15).contains(digits(of: text).count)
    }

    /// Digit runs of a phone-like candidate.
    static func groups(of text: String) -> [String] {
        text.split { !$0.isNumber }.map(String.init)
    }

    static func isPlausibleNationalPhone(_ text: String) -> Bool {
        let groups = groups(of: text)
        let count = groups.reduce(0) { $0 + $1.count }
        guard (9...12).contains(count) else { return false }
        if groups.count == 1 {
            // Unseparated: only trunk-prefixed national numbers or Chinese mobiles.
            let number = groups[0]
            if number.hasPrefix("0") && (10...11).contains(number.count) { return true }
            return number.count == 11 && number.hasPrefix("1") && "3456789".contains(number[number.index(after: number.startIndex)])
        }
        guard groups.count <= 5 else { return false }
        // Every group after the first carries ≥ 2 digits (rules out ISBNs, versions).
        guard groups.dropFirst().allSatisfy({ $0.count >= 2 }) else { return false }
        // SSN shape (3-2-4) is never treated as a phone.
        if groups.map(\.count) == [3, 2, 4] { return false }
        // Dates: YYYY-MM-DD…
        if groups[0].count == 4, let year = Int(groups[0]), (1900...2099).contains(year), groups[1].count <= 2,
            let month = Int(groups[1]), (1...12).contains(month)
        {
            return false
        }
        // Dotted with four or more groups reads like an address or version, not a phone.
        let separators = text.filter { !$0.isNumber }
        if !separators.isEmpty && separators.allSatisfy({ $0 == "." }) && groups.count >= 4 { return false }
        return true
    }
}
