import Foundation
import Testing

@testable import MemOSGovernance

/// One sample value per kind, each known to the detector.
private let samples: [(PIIKind, String)] = [
    (.email, "alice@example.com"),
    (.phone, "+44 20 7946 0958"),
    (.paymentCard, "4111 1111 1111 1111"),
    (.iban, "DE89 3704 0044 0532 0130 00"),
    (.usSSN, "123-45-6789"),
    (.chineseResidentID, "11010519491231002X"),
    (.ipAddress, "192.168.1.10"),
    (.secret, "AKIAIOSFODNN7EXAMPLE"),
]

private let redactor = PIIRedactor(policy: .standard, scale: .standard)

private func sealed(_ text: String) -> [PIISpan] {
    PIISpan.spans(of: PIIDetector().detect(in: text), in: text)
}

@Suite struct PIIRedactorTests {
    @Test(arguments: samples.map { $0.0 })
    func eachKindForMemberAndDPO(kind: PIIKind) throws {
        let value = try #require(samples.first { $0.0 == kind }?.1)
        let text = "Note: \(value) end."
        let spans = sealed(text)
        #expect(spans.map(\.kind) == [kind])
        let placeholder = PIIPolicy.standard.rule(for: kind).placeholder

        let member = redactor.redact(text, spans: spans, clearance: "internal", role: "member")
        #expect(!member.hidden)
        if kind == .ipAddress {
            #expect(member.text == text)
            #expect(member.redactedKinds.isEmpty)
        } else {
            #expect(member.text == "Note: \(placeholder) end.")
            #expect(member.redactedKinds == [kind])
        }

        let dpo = redactor.redact(text, spans: spans, clearance: "restricted", role: "dpo")
        #expect(dpo == RedactionResult(text: text, hidden: false, redactedKinds: []))

        let guest = redactor.redact(text, spans: spans, clearance: "public", role: "guest")
        if kind == .secret {
            #expect(guest.hidden && guest.text.isEmpty && guest.redactedKinds == [.secret])
        } else {
            #expect(guest.text == "Note: \(placeholder) end.")
        }
    }

    @Test func confidentialReaderSeesConfidentialButNotRestricted() {
        let text = "mail alice@example.com ssn 123-45-6789"
        let result = redactor.redact(text, spans: sealed(text), clearance: "confidential", role: "manager")
        #expect(result.text == "mail alice@example.com ssn [US_SSN]")
        #expect(result.redactedKinds == [.usSSN])
    }

    @Test func hideWithholdsTheWholeMemory() {
        let text = "deploy key AKIAIOSFODNN7EXAMPLE and mail alice@example.com"
        let guest = redactor.redact(text, spans: sealed(text), clearance: "public", role: "guest")
        #expect(guest.hidden)
        #expect(guest.text.isEmpty)
        #expect(guest.redactedKinds == [.secret, .email])
        // The same clearance under another role only redacts.
        let other = redactor.redact(text, spans: sealed(text), clearance: "public", role: "member")
        #expect(!other.hidden)
        #expect(other.text == "deploy key [SECRET] and mail [EMAIL]")

        // A policy may hide per role for any kind, and hide by default.
        let policy = PIIPolicy(rules: [
            PIIRule(kind: .email, minimumLabel: "confidential", placeholder: "[E]", defaultTreatment: .hide, roleTreatments: ["member": .redact])
        ])
        let custom = PIIRedactor(policy: policy, scale: .standard)
        #expect(custom.redact("x alice@example.com", spans: [], clearance: "internal", role: "guest").hidden)
        #expect(custom.redact("x alice@example.com", spans: [], clearance: "internal", role: "member").text == "x [E]")
        #expect(!custom.redact("x alice@example.com", spans: [], clearance: "confidential", role: "guest").hidden)
    }

    @Test func multiByteTextKeepsOffsetsRight() throws {
        let text = "Café ☕️ 👩‍👩‍👧 邮箱：alice@example.com，电话 +44 20 7946 0958 ñandú 🇩🇪 DE89 3704 0044 0532 0130 00 fin ä"
        let spans = sealed(text)
        #expect(spans.map(\.kind) == [.email, .phone, .iban])
        // Offsets are UTF-8 bytes.
        let bytes = Array(text.utf8)
        let email = Array("alice@example.com".utf8)
        let emailStart = try #require((0...(bytes.count - email.count)).first { Array(bytes[$0..<($0 + email.count)]) == email })
        #expect(spans[0] == PIISpan(kind: .email, start: emailStart, length: email.count))

        let expected = "Café ☕️ 👩‍👩‍👧 邮箱：[EMAIL]，电话 [PHONE] ñandú 🇩🇪 [IBAN] fin ä"
        #expect(redactor.redact(text, spans: spans, clearance: "internal", role: "member").text == expected)
        // Sealed offsets alone (as decoded from storage) place the placeholders exactly.
        let decoded = try JSONDecoder().decode([PIISpan].self, from: JSONEncoder().encode(spans))
        #expect(decoded == spans)
        #expect(redactor.redact(text, spans: decoded, clearance: "internal", role: "member").text == expected)
    }

    @Test func sealedSpansAreHonouredWithoutRedetection() throws {
        // A value the detector does not recognise is still withheld when sealed as PII.
        let text = "Ring Jürgen at extension nine-one-two ✓"
        let range = try #require(text.range(of: "nine-one-two"))
        let span = PIISpan.spans(of: [PIIMatch(kind: .phone, range: range, text: "nine-one-two")], in: text)
        #expect(redactor.redact(text, spans: span, clearance: "internal", role: "member").text == "Ring Jürgen at extension [PHONE] ✓")
        #expect(redactor.redact(text, spans: [], clearance: "internal", role: "member").text == text)
    }

    @Test func cardStoredByMemberReadsBackRedacted() throws {
        let text = "My card is 4111 1111 1111 1111."
        let stored = try JSONEncoder().encode(sealed(text))
        #expect(String(decoding: stored, as: UTF8.self).contains(#""kind":"payment_card""#))
        let spans = try JSONDecoder().decode([PIISpan].self, from: stored)
        let result = redactor.redact(text, spans: spans, clearance: "internal", role: "member")
        #expect(result.text == "My card is [PAYMENT_CARD].")
        #expect(result.redactedKinds == [.paymentCard])
    }

    @Test func staleSpansNeverLeak() {
        let original = "Card 4111 1111 1111 1111 and mail alice@example.com"
        let spans = sealed(original)
        let edited = [
            "Prefix added. " + original,
            "é" + original,
            "Card 4111 1111 1111 1111",
            "mail alice@example.com",
            "Now: 5555-5555-5555-4444 only",
        ]
        for text in edited {
            let result = redactor.redact(text, spans: spans, clearance: "internal", role: "member")
            for secret in ["4111", "1111 1111", "alice", "example.com", "5555-5555"] {
                #expect(!result.text.contains(secret), "\(text) -> \(result.text)")
            }
        }
        let text = "héllo alice@example.com"
        let hostile = [
            PIISpan(kind: .email, start: 2, length: 3),  // starts inside "é"
            PIISpan(kind: .email, start: -4, length: 10),
            PIISpan(kind: .email, start: 3, length: 0),
            PIISpan(kind: .email, start: 5, length: Int.max),
            PIISpan(kind: .email, start: Int.max, length: 1),
            PIISpan(kind: .email, start: 1000, length: 5),
        ]
        let result = redactor.redact(text, spans: hostile, clearance: "internal", role: "member")
        #expect(result.text == "héllo [EMAIL]")
        // A stale span of a hidden kind still hides: its value may be somewhere the scan misses.
        let hidden = redactor.redact("nothing here", spans: [PIISpan(kind: .secret, start: 40, length: 20)], clearance: "public", role: "guest")
        #expect(hidden.hidden && hidden.text.isEmpty)
    }

    @Test func overlappingSpansMergeToTheMoreSensitiveKind() {
        let text = "id 123-45-6789 end"
        let spans = [PIISpan(kind: .phone, start: 3, length: 7), PIISpan(kind: .usSSN, start: 3, length: 11)]
        let result = redactor.redact(text, spans: spans, clearance: "internal", role: "member")
        #expect(result.text == "id [US_SSN] end")
        #expect(result.redactedKinds == [.usSSN])
    }

    @Test func unknownClearanceSeesNothing() {
        let text = "host 192.168.1.10 mail alice@example.com"
        let result = redactor.redact(text, spans: sealed(text), clearance: "bogus", role: "member")
        #expect(result.text == "host [IP_ADDRESS] mail [EMAIL]")
        #expect(redactor.withheldKinds(clearance: "bogus") == Set(PIIKind.allCases))
        #expect(redactor.withheldKinds(clearance: "restricted").isEmpty)
    }

    @Test func impliedLabels() {
        let policy = PIIPolicy.standard
        let scale = LabelScale.standard
        #expect(policy.minimumLabel(for: [], scale: scale) == nil)
        #expect(policy.minimumLabel(for: [.ipAddress], scale: scale) == "internal")
        #expect(policy.minimumLabel(for: [.ipAddress, .email], scale: scale) == "confidential")
        #expect(policy.minimumLabel(for: [.email, .usSSN, .ipAddress], scale: scale) == "restricted")
        for (kind, _) in samples {
            let rule = policy.rule(for: kind)
            #expect(rule.kind == kind)
            #expect(rule.placeholder == "[\(kind.rawValue.uppercased())]")
        }
    }
}
