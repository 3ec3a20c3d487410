import Foundation
import Testing

@testable import MemOSGovernance

/// Labelled corpus: each sentence lists exactly the PII it contains (kind + substring).
private struct Labelled {
    let text: String
    let expected: [(PIIKind, String)]
    init(_ text: String, _ expected: [(PIIKind, String)] = []) {
        self.text = text
        self.expected = expected
    }
}

private let jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
private let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7x2V\nq9Zr+abc/def==\n-----END RSA PRIVATE KEY-----"
private let pem2 = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----"

private let positives: [Labelled] = [
    // email
    Labelled("Contact alice@example.com for details.", [(.email, "alice@example.com")]),
    Labelled("Send it to john.doe+tag@mail.example.co.uk please", [(.email, "john.doe+tag@mail.example.co.uk")]),
    Labelled("My work address is Bob_Smith99@corp-mail.io.", [(.email, "Bob_Smith99@corp-mail.io")]),
    Labelled("(reply: support@memos.dev)", [(.email, "support@memos.dev")]),
    Labelled("emails: a.b@c.de, x%y@sub.domain.org", [(.email, "a.b@c.de"), (.email, "x%y@sub.domain.org")]),
    Labelled("Ping first.last@university.edu tomorrow", [(.email, "first.last@university.edu")]),
    // phone
    Labelled("Call me at +1 415 555 2671 after 5.", [(.phone, "+1 415 555 2671")]),
    Labelled("UK office: +44 20 7946 0958", [(.phone, "+44 20 7946 0958")]),
    Labelled("Reach me on +4915112345678 anytime", [(.phone, "+4915112345678")]),
    Labelled("Fax +33 (0)1 42 68 53 00 only", [(.phone, "+33 (0)1 42 68 53 00")]),
    Labelled("US number (415) 555-2671 is mine", [(.phone, "(415) 555-2671")]),
    Labelled("Try 415-555-2671 or 415.555.2672", [(.phone, "415-555-2671"), (.phone, "415.555.2672")]),
    Labelled("Toll free 1-800-555-0199 today", [(.phone, "1-800-555-0199")]),
    Labelled("My mobile is 07911 123456.", [(.phone, "07911 123456")]),
    Labelled("手机 13812345678 请联系", [(.phone, "13812345678")]),
    Labelled("Berlin: 030 12345678", [(.phone, "030 12345678")]),
    Labelled("Call +86 138 1234 5678 now", [(.phone, "+86 138 1234 5678")]),
    // payment cards
    Labelled("Card 4111 1111 1111 1111 exp 12/27", [(.paymentCard, "4111 1111 1111 1111")]),
    Labelled("Use 5555-5555-5555-4444 for the test", [(.paymentCard, "5555-5555-5555-4444")]),
    Labelled("Amex 378282246310005 on file", [(.paymentCard, "378282246310005")]),
    Labelled("Discover: 6011 1111 1111 1117.", [(.paymentCard, "6011 1111 1111 1117")]),
    Labelled("JCB 3530111333300000 works", [(.paymentCard, "3530111333300000")]),
    Labelled("UnionPay 6200 0000 0000 0005", [(.paymentCard, "6200 0000 0000 0005")]),
    Labelled("MC two-series 2223003122003222 approved", [(.paymentCard, "2223003122003222")]),
    Labelled("Visa 13: 4222222222222", [(.paymentCard, "4222222222222")]),
    Labelled("Amex spaced 3714 496353 98431 charged", [(.paymentCard, "3714 496353 98431")]),
    Labelled("cards 4012888888881881 and 5105105105105100", [(.paymentCard, "4012888888881881"), (.paymentCard, "5105105105105100")]),
    // IBAN
    Labelled("Pay to DE89 3704 0044 0532 0130 00 by Friday", [(.iban, "DE89 3704 0044 0532 0130 00")]),
    Labelled("IBAN GB82WEST12345698765432.", [(.iban, "GB82WEST12345698765432")]),
    Labelled("FR14 2004 1010 0505 0001 3M02 606 is the account", [(.iban, "FR14 2004 1010 0505 0001 3M02 606")]),
    Labelled("ES9121000418450200051332", [(.iban, "ES9121000418450200051332")]),
    Labelled("Italian IT60X0542811101000000123456 ok", [(.iban, "IT60X0542811101000000123456")]),
    Labelled("Dutch NL91 ABNA 0417 1643 00 account", [(.iban, "NL91 ABNA 0417 1643 00")]),
    Labelled("Swiss CH9300762011623852957", [(.iban, "CH9300762011623852957")]),
    Labelled("BE68 5390 0754 7034 and AT611904300234573201", [(.iban, "BE68 5390 0754 7034"), (.iban, "AT611904300234573201")]),
    Labelled("Polish PL61109010140000071219812874 and Norway NO9386011117947", [(.iban, "PL61109010140000071219812874"), (.iban, "NO9386011117947")]),
    // US SSN
    Labelled("SSN 123-45-6789 on the form", [(.usSSN, "123-45-6789")]),
    Labelled("her ssn is 078-05-1120.", [(.usSSN, "078-05-1120")]),
    Labelled("SSN: 665-01-0001", [(.usSSN, "665-01-0001")]),
    Labelled("(SSN 899-99-9999)", [(.usSSN, "899-99-9999")]),
    // Chinese resident id
    Labelled("身份证号 11010519491231002X 已登记", [(.chineseResidentID, "11010519491231002X")]),
    Labelled("ID 440304199003070018 verified", [(.chineseResidentID, "440304199003070018")]),
    Labelled("leap day 310115200002291235 born", [(.chineseResidentID, "310115200002291235")]),
    Labelled("ids: 510108198511112454, 330106197804150672", [(.chineseResidentID, "510108198511112454"), (.chineseResidentID, "330106197804150672")]),
    Labelled("lowercase x 11010519491231002x too", [(.chineseResidentID, "11010519491231002x")]),
    // IP addresses
    Labelled("Server at 192.168.1.10 is down", [(.ipAddress, "192.168.1.10")]),
    Labelled("connect to 10.0.0.1:8080", [(.ipAddress, "10.0.0.1")]),
    Labelled("gateway 255.255.255.0.", [(.ipAddress, "255.255.255.0")]),
    Labelled("IPv6 2001:0db8:85a3:0000:0000:8a2e:0370:7334 full", [(.ipAddress, "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]),
    Labelled("short 2001:db8::1 and ::1 loopback", [(.ipAddress, "2001:db8::1"), (.ipAddress, "::1")]),
    Labelled("link-local fe80::1ff:fe23:4567:890a%eth0", [(.ipAddress, "fe80::1ff:fe23:4567:890a")]),
    Labelled("mapped ::ffff:192.0.2.128 here", [(.ipAddress, "::ffff:192.0.2.128")]),
    // secrets
    Labelled("key: \(pem) end", [(.secret, pem)]),
    Labelled("\(pem2)", [(.secret, pem2)]),
    Labelled("aws AKIAIOSFODNN7EXAMPLE leaked", [(.secret, "AKIAIOSFODNN7EXAMPLE")]),
    Labelled("session ASIAY34FZKBOKMUTVV7A here", [(.secret, "ASIAY34FZKBOKMUTVV7A")]),
    Labelled("Authorization: Bearer \(jwt)", [(.secret, jwt)]),
    Labelled("use mgk_abcdefgh2345_Ab3dEf9hIjKlMnOpQrStUvWxYz0123456789Zz now", [(.secret, "mgk_abcdefgh2345_Ab3dEf9hIjKlMnOpQrStUvWxYz0123456789Zz")]),
    Labelled("OPENAI_API_KEY=sk-proj-AbCdEf1234567890_xyz-QRS", [(.secret, "sk-proj-AbCdEf1234567890_xyz-QRS")]),
    Labelled("token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 revoked", [(.secret, "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8")]),
    Labelled("gho_ZZZZzzzz1111222233334444555566667777 and ghs_abcdefghijklmnopqrstuvwxyz0123456789",
             [(.secret, "gho_ZZZZzzzz1111222233334444555566667777"), (.secret, "ghs_abcdefghijklmnopqrstuvwxyz0123456789")]),
    // mixed
    Labelled("Alice (alice@example.com, +1 415 555 2671) paid with 4111111111111111 from 10.1.2.3",
             [(.email, "alice@example.com"), (.phone, "+1 415 555 2671"), (.paymentCard, "4111111111111111"), (.ipAddress, "10.1.2.3")]),
]

private let negatives: [Labelled] = [
    Labelled("Card 4111 1111 1111 1112 was declined"),  // Luhn fails
    Labelled("number 5555555555554445 rejected"),  // Luhn fails
    Labelled("Amex-like 378282246310006"),  // Luhn fails
    Labelled("Luhn-valid but unknown IIN 1234567812345670"),
    Labelled("Order #123456789 shipped"),
    Labelled("Order number ORD-2024-0001923 confirmed"),
    Labelled("Invoice 4829103 total"),
    Labelled("Meeting on 2024-01-15 at noon"),
    Labelled("Dates 15/01/2024 and 01.02.2023"),
    Labelled("Timestamp 2024-01-15 10:30:00"),
    Labelled("ISBN 978-3-16-148410-0 is a book"),
    Labelled("ISBN-10 0-306-40615-2"),
    Labelled("ISBN 9780306406157 printed"),
    Labelled("Upgrade to version 10.0.0.1.2 today"),
    Labelled("Release 1.2.3.4.5.6.7.8.9 notes"),
    Labelled("Bump 2.14.1 to 2.15.0"),
    Labelled("Invalid SSN 000-12-3456"),
    Labelled("Invalid SSN 666-12-3456"),
    Labelled("Invalid SSN 912-34-5678"),
    Labelled("Invalid SSN 123-00-4567"),
    Labelled("Invalid SSN 123-45-0000"),
    Labelled("Bad IBAN DE89 3704 0044 0532 0130 01"),
    Labelled("Bad IBAN NL92ABNA0417164300"),
    Labelled("Bad IBAN GB83WEST12345698765432 wrong"),
    Labelled("Bad CN id 110105194912310021 checksum"),
    Labelled("Impossible birth date 110105194913010010"),
    Labelled("Feb 30 birth 440304202302300017"),
    Labelled("Non-leap Feb 29 310115199902291235"),
    Labelled("The race started at 12:30:45 sharp"),
    Labelled("Request id 550e8400-e29b-41d4-a716-446655440000"),
    Labelled("Commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b merged"),
    Labelled("Short sha a94a8fe and 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    Labelled("Price $1,299.99 or €1.299,00"),
    Labelled("Total 1 299 000 units"),
    Labelled("IP-like but invalid 256.300.1.1"),
    Labelled("MAC 00:1A:2B:3C:4D:5E on eth0"),
    Labelled("C++ std::string and Foo::bar"),
    Labelled("not an email: user@localhost or a@b.c"),
    Labelled("sk-short key and ghp_tooShort123"),
    Labelled("AKIA123 is too short"),
    Labelled("Coordinates 48.8566, 2.3522"),
    Labelled("Phone-like short 555-1234"),
    Labelled("Temperature 36.6 and 1e10"),
    Labelled("big number 12345678901234567890"),
]

@Suite struct PIIDetectorTests {
    let detector = PIIDetector()

    @Test func precisionAndRecallPerKindOverTheLabelledSet() {
        var truePositives: [PIIKind: Int] = [:]
        var falsePositives: [PIIKind: Int] = [:]
        var expectedCounts: [PIIKind: Int] = [:]
        var misses: [String] = []
        for (number, example) in (positives + negatives).enumerated() {
            let found = detector.detect(in: example.text)
            var remaining = example.expected
            for (kind, _) in example.expected { expectedCounts[kind, default: 0] += 1 }
            for match in found {
                if let index = remaining.firstIndex(where: { $0.0 == match.kind && $0.1 == match.text }) {
                    remaining.remove(at: index)
                    truePositives[match.kind, default: 0] += 1
                } else {
                    falsePositives[match.kind, default: 0] += 1
                    misses.append("FP \(match.kind.rawValue) in example #\(number)")
                }
            }
            for (kind, _) in remaining { misses.append("FN \(kind.rawValue) in example #\(number)") }
        }
        func ratio(_ num: Int, _ den: Int) -> Double { den == 0 ? 1 : Double(num) / Double(den) }
        var table = "kind             TP  FP  FN  precision  recall\n"
        for kind in PIIKind.allCases {
            let tp = truePositives[kind, default: 0]
            let fp = falsePositives[kind, default: 0]
            let fn = expectedCounts[kind, default: 0] - tp
            let name = kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)
            table += "\(name) \(String(format: "%3d %3d %3d", tp, fp, fn))    \(String(format: "%.3f", ratio(tp, tp + fp)))   \(String(format: "%.3f", ratio(tp, tp + fn)))\n"
        }
        let tp = truePositives.values.reduce(0, +)
        let fp = falsePositives.values.reduce(0, +)
        let expected = expectedCounts.values.reduce(0, +)
        let precision = ratio(tp, tp + fp)
        let recall = ratio(tp, expected)
        table += "overall          \(String(format: "%3d %3d %3d", tp, fp, expected - tp))    \(String(format: "%.3f", precision))   \(String(format: "%.3f", recall))\n"
        table += "examples: \(positives.count) positive sentences (\(expected) labelled spans), \(negatives.count) negative sentences"
        print(table)
        for line in misses { print(line) }
        #expect(precision >= 0.95)
        #expect(recall >= 0.95)
        #expect(expected >= 60)
        #expect(negatives.count >= 40)
    }

    @Test func luhnChecksum() {
        #expect(PIIChecksums.luhnValid("4111111111111111"))
        #expect(PIIChecksums.luhnValid("79927398713"))
        #expect(!PIIChecksums.luhnValid("79927398710"))
        #expect(!PIIChecksums.luhnValid("4111111111111112"))
        #expect(PIIChecksums.isValidPaymentCard("4111 1111 1111 1111"))
        #expect(!PIIChecksums.isValidPaymentCard("1234567812345670"))  // Luhn ok, unknown IIN
        #expect(!PIIChecksums.isValidPaymentCard("4111 1111-1111 1111"))  // mixed separators
        #expect(PIIChecksums.hasKnownIIN("2720990000000000") && !PIIChecksums.hasKnownIIN("2721000000000000"))
        #expect(PIIChecksums.hasKnownIIN("3589000000000000") && !PIIChecksums.hasKnownIIN("3590000000000000"))
    }

    @Test func ibanMod97() {
        #expect(PIIChecksums.ibanMod97("DE89370400440532013000") == 1)
        #expect(PIIChecksums.ibanMod97("DE89370400440532013001") != 1)
        #expect(PIIChecksums.isValidIBAN("GB82 WEST 1234 5698 7654 32"))
        #expect(!PIIChecksums.isValidIBAN("DE8937040044053201300"))  // wrong DE length
        #expect(!PIIChecksums.isValidIBAN("NL92ABNA0417164300"))
        #expect(PIIChecksums.isValidIBAN("SE4550000000058398257466"))  // generic 15–34 rule
    }

    /// IBAN-shaped tokens shorter than any IBAN (12–14 characters, which the pattern admits)
    /// once crashed the detector for countries without a fixed length: a hex token in a UUID
    /// ("BF20BC39CF3F") took the process down.
    @Test func shortIBANShapedTokensAreNotIBANsAndNeverCrash() {
        for token in ["BF20BC39CF3F", "ZZ12ABCD3456XY", "QQ00 AAAA BBBB", "DE12 3456 7890", "GB82WEST1234"] {
            let matches = detector.detect(in: "the code \(token) works")
            #expect(!matches.contains { $0.kind == .iban }, "\(token)")
            #expect(PIIChecksums.resolveIBAN(token, location: 0).1 == false)
        }
        // Whatever UUIDs look like, the detector answers (uppercase hex, as in canaries and ids).
        for _ in 0..<5_000 {
            let text = "CANARY-\(UUID().uuidString)-zebra \(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
            _ = detector.detect(in: text)
        }
        #expect(detector.detect(in: "pay to DE89 3704 0044 0532 0130 00 today").map(\.kind) == [.iban])
    }

    /// Random text over the characters the patterns care about (letters, digits, separators,
    /// `@`, `+`, dots), 20,000 strings: the detector always answers, with ranges inside the text.
    @Test func randomPatternShapedTextNeverCrashesTheDetector() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefz0123456789  --..@+()/:X")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...60, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            for match in detector.detect(in: text) {
                #expect(String(text[match.range]) == match.text, "\(text)")
            }
        }
    }

    @Test func chineseResidentIDMod11_2() {
        #expect(PIIChecksums.chineseIDCheckCharacter("11010519491231002") == "X")
        #expect(PIIChecksums.chineseIDCheckCharacter("44030419900307001") == "8")
        #expect(PIIChecksums.isValidChineseResidentID("11010519491231002X"))
        #expect(!PIIChecksums.isValidChineseResidentID("110105194912310021"))
        #expect(!PIIChecksums.isValidChineseResidentID("110105194913010010"))  // month 13, checksum ok
        #expect(!PIIChecksums.isValidChineseResidentID("310115199902291235"))  // 1999-02-29
        #expect(PIIChecksums.isValidChineseResidentID("310115200002291235"))  // 2000-02-29
    }

    @Test func ssnRanges() {
        #expect(PIIChecksums.isValidSSN("123-45-6789"))
        #expect(PIIChecksums.isValidSSN("899-01-0001"))
        for bad in ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000"] {
            #expect(!PIIChecksums.isValidSSN(bad), "\(bad)")
        }
    }

    @Test func matchesAreOrderedAndNonOverlapping() {
        let text = "b@x.io 123-45-6789 DE89370400440532013000 4111111111111111 a@y.org 10.0.0.2 +1 415 555 2671"
        let matches = detector.detect(in: text)
        #expect(matches.map(\.kind) == [.email, .usSSN, .iban, .paymentCard, .email, .ipAddress, .phone])
        for (lhs, rhs) in zip(matches, matches.dropFirst()) {
            #expect(lhs.range.upperBound <= rhs.range.lowerBound)
        }
        for match in matches { #expect(String(text[match.range]) == match.text) }
    }

    @Test func moreSpecificKindWinsOverlap() {
        // A Chinese id is also an 18-digit run; an SSN is also phone-shaped; a JWT contains digits.
        #expect(detector.detect(in: "id 11010519491231002X").map(\.kind) == [.chineseResidentID])
        #expect(detector.detect(in: "ssn 123-45-6789").map(\.kind) == [.usSSN])
        #expect(detector.detect(in: "t \(jwt)").map(\.kind) == [.secret])
        #expect(detector.detect(in: "NL92 ABNA 0417 1643 00").isEmpty)  // invalid IBAN does not leak as phone
        #expect(detector.detect(in: "+4915112345678").map(\.kind) == [.phone])  // E.164, not a Visa-prefixed Luhn run
    }
}
