import Foundation
import Testing

@testable import MemOSGovernance

private let shippedPolicies = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("policies", isDirectory: true)

private func shippedFile(_ name: String) throws -> String {
    try String(contentsOf: shippedPolicies.appendingPathComponent(name), encoding: .utf8)
}

/// A policy directory with the shipped files, `overrides` replacing (or, with nil, removing) some.
private func withDirectory<T>(_ overrides: [String: String?], _ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-labels-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var files: [String: String] = [:]
    for name in ["roles.yaml", "labels.yaml", "pii.yaml", "retention.yaml", "scheduler.yaml"] {
        files[name] = try shippedFile(name)
    }
    for (name, text) in overrides { files[name] = text }
    for (name, text) in files {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }
    return try body(directory)
}

/// Expects `body` to fail with an invalid-policy error at `file:line[:column]` mentioning `fragment`.
private func expectInvalid(
    file: String, line: Int, column: Int? = nil, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("policy was accepted", sourceLocation: sourceLocation)
    } catch let error as PolicyError {
        guard case .invalid(let actualFile, let actualLine, let actualColumn, let message) = error else {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(actualFile == file, "\(error)", sourceLocation: sourceLocation)
        #expect(actualLine == line, "\(error)", sourceLocation: sourceLocation)
        if let column { #expect(actualColumn == column, "\(error)", sourceLocation: sourceLocation) }
        #expect(message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

private let secretLevels = """
    version: 1
    levels: [public, internal, confidential, restricted, secret]
    default_label: internal
    watermark:
      minimum_label: confidential
      exempt_roles: [member]
    """

// MARK: - Shipped files and loading

@Suite struct ShippedLabelPolicyTests {
    @Test func shippedFilesEqualTheBuiltInDefaults() throws {
        let set = try PolicySet.load(directory: shippedPolicies)
        #expect(set.labels == .standard)
        #expect(set.watermark == .standard)
        #expect(set.pii == .standard)
        #expect(set.retention == .standard)
        #expect(set.labels.levels == ["public", "internal", "confidential", "restricted"])
        #expect(set.labels.defaultLabel == "internal")
        #expect(set.pii.rule(for: .secret).treatment(for: "guest") == .hide)
        #expect(set.pii.rule(for: .secret).treatment(for: "member") == .redact)
        #expect(set.retention.sweepInterval == 3600.0)
    }

    @Test func missingOptionalFilesFallBackToDefaults() throws {
        let set = try withDirectory(["labels.yaml": nil, "pii.yaml": nil, "retention.yaml": nil]) {
            try PolicySet.load(directory: $0)
        }
        #expect(set.labels == .standard)
        #expect(set.watermark == .standard)
        #expect(set.pii == .standard)
        #expect(set.retention == .standard)
        #expect(set.roles.roles.count == 7)
    }

    @Test func hashChangesWhenLabelsChange() throws {
        let base = try withDirectory([:]) { try PolicySet.load(directory: $0).hash }
        #expect(base == (try PolicySet.load(directory: shippedPolicies).hash))
        let edited = try shippedFile("labels.yaml").replacingOccurrences(of: "minimum_label: internal", with: "minimum_label: public")
        let changed = try withDirectory(["labels.yaml": edited]) { try PolicySet.load(directory: $0) }
        #expect(changed.hash != base)
        #expect(changed.watermark.minimumLabel == "public")
        let removed = try withDirectory(["labels.yaml": nil]) { try PolicySet.load(directory: $0).hash }
        #expect(removed != base)
    }

    @Test func builtInSet() {
        let set = PolicySet(roles: RolePolicy(version: 1, roles: [:]), hash: "", directory: URL(fileURLWithPath: "/"))
        #expect(set.labels == .standard && set.pii == .standard && set.retention == .standard && set.watermark == .standard)
    }
}

// MARK: - Label scale

@Suite struct LabelScaleTests {
    @Test func standardOrder() {
        let scale = LabelScale.standard
        #expect(scale.rank("public") == 0 && scale.rank("restricted") == 3)
        #expect(scale.rank("secret") == nil && !scale.contains("Internal"))
        #expect(scale.allows(clearance: "confidential", toRead: "internal"))
        #expect(scale.allows(clearance: "internal", toRead: "internal"))
        #expect(!scale.allows(clearance: "internal", toRead: "confidential"))
        #expect(!scale.allows(clearance: "restricted", toRead: "secret"))
        #expect(!scale.allows(clearance: "top", toRead: "public"))
        #expect(scale.highest([]) == "internal")
        #expect(scale.highest(["public"]) == "public")
        #expect(scale.highest(["confidential", "public", "internal"]) == "confidential")
        // An unknown label can never lower the result.
        #expect(scale.highest(["public", "bogus"]) == "restricted")
    }

    @Test func customLevelsWorkEndToEnd() throws {
        let roles = try shippedFile("roles.yaml").replacingOccurrences(
            of: "clearance: restricted", with: "clearance: secret")
        let pii = try shippedFile("pii.yaml").replacingOccurrences(
            of: "  secret:\n    minimum_label: restricted", with: "  secret:\n    minimum_label: secret")
        let retention = try shippedFile("retention.yaml") + "  - label: secret\n    max_age: 7d\n"
        let set = try withDirectory(["labels.yaml": secretLevels, "roles.yaml": roles, "pii.yaml": pii, "retention.yaml": retention]) {
            try PolicySet.load(directory: $0)
        }
        let scale = set.labels
        #expect(scale.levels.last == "secret" && scale.rank("secret") == 4)
        #expect(set.roles.role(named: "dpo")?.clearance == "secret")
        #expect(scale.allows(clearance: "secret", toRead: "restricted"))
        #expect(!scale.allows(clearance: "restricted", toRead: "secret"))
        #expect(scale.highest(["secret", "restricted"]) == "secret")
        #expect(set.pii.minimumLabel(for: [.secret, .email], scale: scale) == "secret")
        #expect(set.retention.maximumAge(label: "secret", memoryType: "LongTermMemory") == 7.0 * 86_400)
        #expect(set.watermark.applies(label: "secret", role: "dpo", scale: scale))
        #expect(!set.watermark.applies(label: "internal", role: "dpo", scale: scale))
        #expect(!set.watermark.applies(label: "secret", role: "member", scale: scale))

        let redactor = PIIRedactor(policy: set.pii, scale: scale)
        let key = "AKIAIOSFODNN7EXAMPLE"
        #expect(redactor.redact("key \(key)", spans: [], clearance: "restricted", role: "tenant-admin").text == "key [SECRET]")
        #expect(redactor.redact("key \(key)", spans: [], clearance: "secret", role: "dpo").text == "key \(key)")
    }

    @Test func reorderedLevels() throws {
        let scale = try LabelScale(levels: ["open", "team", "board"], defaultLabel: "team")
        #expect(scale.rank("board") == 2 && scale.lowest == "open" && scale.highest == "board")
        #expect(scale.allows(clearance: "board", toRead: "open"))
        #expect(!scale.allows(clearance: "open", toRead: "team"))
        #expect(!scale.allows(clearance: "board", toRead: "internal"))
    }

    @Test func invalidScalesAreRejected() {
        #expect(throws: PolicyError.self) { try LabelScale(levels: [], defaultLabel: "a") }
        #expect(throws: PolicyError.self) { try LabelScale(levels: ["a", "a"], defaultLabel: "a") }
        #expect(throws: PolicyError.self) { try LabelScale(levels: ["Public"], defaultLabel: "Public") }
        #expect(throws: PolicyError.self) { try LabelScale(levels: ["a", "b"], defaultLabel: "c") }
    }

    @Test func watermarkDefaults() {
        let scale = LabelScale.standard
        let mark = WatermarkPolicy.standard
        #expect(!mark.applies(label: "public", role: "member", scale: scale))
        #expect(mark.applies(label: "internal", role: "member", scale: scale))
        #expect(mark.applies(label: "restricted", role: "guest", scale: scale))
        // Unknown labels are marked.
        #expect(mark.applies(label: "mystery", role: "member", scale: scale))
        #expect(!WatermarkPolicy(minimumLabel: "internal", exemptRoles: ["indexer"]).applies(label: "restricted", role: "indexer", scale: scale))
    }
}

// MARK: - Errors

@Suite struct LabelPolicyErrorTests {
    @Test func clearanceNamingAnUndefinedLevel() throws {
        let labels = secretLevels.replacingOccurrences(of: ", restricted, secret", with: ", secret")
            .replacingOccurrences(of: "[member]", with: "[]")
        // roles.yaml line 41 is dpo's "clearance: restricted".
        let roles = try shippedFile("roles.yaml")
        let line = roles.components(separatedBy: "\n").firstIndex { $0.contains("clearance: restricted") }! + 1
        expectInvalid(file: "roles.yaml", line: line, column: 16, "unknown clearance 'restricted' (expected one of: public, internal, confidential, secret)") {
            _ = try withDirectory(["labels.yaml": labels]) { try PolicySet.load(directory: $0) }
        }
        expectInvalid(file: "roles.yaml", line: line, column: 16, "unknown clearance 'restricted'") {
            _ = try RolePolicy.parse(yaml: roles, levels: ["public", "internal", "confidential"])
        }
    }

    @Test func unknownLabelInPII() throws {
        let pii = try shippedFile("pii.yaml").replacingOccurrences(of: "minimum_label: restricted\n    placeholder: \"[US_SSN]\"",
            with: "minimum_label: top-secret\n    placeholder: \"[US_SSN]\"")
        let line = pii.components(separatedBy: "\n").firstIndex { $0.contains("top-secret") }! + 1
        expectInvalid(file: "pii.yaml", line: line, column: 20, "unknown label 'top-secret'") {
            _ = try withDirectory(["pii.yaml": pii]) { try PolicySet.load(directory: $0) }
        }
    }

    @Test func builtInPIINeedsItsLabels() {
        let labels = secretLevels.replacingOccurrences(of: "confidential, ", with: "")
            .replacingOccurrences(of: "minimum_label: confidential", with: "minimum_label: internal")
        let roles = #"""
            version: 1
            roles:
              - name: member
                description: m
                clearance: internal
                permissions: []
                grants: []
            """#
        expectInvalid(file: "pii.yaml", line: 0, "labels.yaml does not define") {
            _ = try withDirectory(["labels.yaml": labels, "roles.yaml": roles, "pii.yaml": nil]) { try PolicySet.load(directory: $0) }
        }
    }

    @Test func unknownExemptRole() {
        let labels = secretLevels.replacingOccurrences(of: "[member]", with: "[member, indexer]")
            .replacingOccurrences(of: "restricted, secret", with: "restricted")
        expectInvalid(file: "labels.yaml", line: 6, column: 26, "unknown role 'indexer'") {
            _ = try withDirectory(["labels.yaml": labels]) { try PolicySet.load(directory: $0) }
        }
        expectInvalid(file: "labels.yaml", line: 6, column: 26, "unknown role 'indexer'") {
            _ = try LabelPolicy.parse(yaml: labels, knownRoles: ["member"])
        }
        #expect((try? LabelPolicy.parse(yaml: labels)) != nil)
    }

    @Test(arguments: [
        ("levels: [public, internal, confidential, restricted]", "levels: [public, internal, public]", 2, 28, "listed twice (first on line 2)"),
        ("levels: [public, internal, confidential, restricted]", "levels: []", 2, 9, "levels list is empty"),
        ("levels: [public, internal, confidential, restricted]", "levels: [public, Internal]", 2, 18, "invalid level name 'Internal'"),
        ("default_label: internal", "default_label: private", 3, 16, "unknown label 'private'"),
        ("default_label: internal", "default_label: internal\ncolour: blue", 4, 1, "unknown key 'colour'"),
        ("  minimum_label: internal", "  minimum_label: intern", 5, 18, "unknown label 'intern'"),
        ("  exempt_roles: []", "  exempt_roles: [member, member]", 6, 26, "listed twice"),
        ("  exempt_roles: []", "  exempt: []", 6, 3, "unknown key 'exempt' in watermark"),
        ("version: 1", "version: 2", 1, 10, "unsupported policy version 2"),
    ])
    func labelsErrors(original: String, replacement: String, line: Int, column: Int, fragment: String) {
        let yaml = """
            version: 1
            levels: [public, internal, confidential, restricted]
            default_label: internal
            watermark:
              minimum_label: internal
              exempt_roles: []
            """.replacingOccurrences(of: original, with: replacement)
        expectInvalid(file: "labels.yaml", line: line, column: column, fragment) { _ = try LabelPolicy.parse(yaml: yaml) }
    }

    @Test func missingWatermark() {
        expectInvalid(file: "labels.yaml", line: 1, column: 1, "missing required key 'watermark'") {
            _ = try LabelPolicy.parse(yaml: "version: 1\nlevels: [a]\ndefault_label: a\n")
        }
    }

    @Test(arguments: [
        ("  email:\n    minimum_label: confidential", "  e-mail:\n    minimum_label: confidential", "e-mail:", 3, "unknown PII kind 'e-mail'"),
        ("    placeholder: \"[EMAIL]\"", "    placeholder: \"[EMAIL]\"\n    colour: red", "colour", 5, "unknown key 'colour' in PII kind 'email'"),
        ("    treatment: redact\n\n  # Telephone", "    treatment: blur\n\n  # Telephone", "blur", 16, "unknown treatment 'blur'"),
        ("      guest: hide", "      visitor: hide", "visitor", 7, "unknown role 'visitor'"),
        ("      guest: hide", "      guest: delete", "delete", 14, "unknown treatment 'delete'"),
        ("    placeholder: \"[IBAN]\"", "    placeholder: \"[a@b.example.com]\"", "a@b", 18, "itself looks like PII"),
        ("    placeholder: \"[IBAN]\"", "    placeholder: \"\"", "placeholder: \"\"", 18, "placeholder must be a non-empty string"),
    ])
    func piiErrors(original: String, replacement: String, marker: String, column: Int, fragment: String) throws {
        let pii = try shippedFile("pii.yaml")
        #expect(pii.contains(original))
        let yaml = pii.replacingOccurrences(of: original, with: replacement)
        let line = try #require(yaml.components(separatedBy: "\n").firstIndex { $0.contains(marker) }) + 1
        expectInvalid(file: "pii.yaml", line: line, column: column, fragment) {
            _ = try PIIPolicy.parse(yaml: yaml, knownRoles: ["guest", "member"])
        }
    }

    @Test func piiMustListEveryKind() throws {
        let pii = try shippedFile("pii.yaml")
        let start = try #require(pii.range(of: "  # IPv4 and IPv6"))
        let end = try #require(pii.range(of: "  # Credentials"))
        var yaml = pii
        yaml.removeSubrange(start.lowerBound..<end.lowerBound)
        do {
            _ = try PIIPolicy.parse(yaml: yaml)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("missing PII kind 'ip_address'"))
        }
    }

    @Test(arguments: [
        ("    max_age: 30d", "    max_age: 30 days", 5, 14, "invalid duration '30 days'"),
        ("    max_age: 30d", "    max_age: 0d", 5, 14, "invalid duration '0d'"),
        ("    max_age: 30d", "    max_age: 30", 5, 14, "invalid duration '30'"),
        ("    max_age: 30d", "    max_age: -3d", 5, 14, "invalid duration"),
        ("  - memory_type: WorkingMemory", "  - memory_type: ScratchMemory", 4, 18, "unknown memory_type 'ScratchMemory'"),
        ("  - memory_type: WorkingMemory", "  - label: top\n    memory_type: WorkingMemory", 4, 12, "unknown label 'top'"),
        ("  - memory_type: WorkingMemory", "  - colour: red\n    memory_type: WorkingMemory", 4, 5, "unknown key 'colour' in rule"),
        ("  - memory_type: WorkingMemory\n    max_age: 30d", "  - max_age: 1d", 4, 5, "needs 'label', 'memory_type' or both"),
        ("sweep_interval: 1h", "sweep_interval: hourly", 2, 17, "invalid duration 'hourly'"),
        ("sweep_interval: 1h", "sweep: 1h", 2, 1, "unknown key 'sweep'"),
        ("    max_age: 30d", "    max_age: 30d\n  - memory_type: WorkingMemory\n    max_age: 1d", 6, 5, "already defined on line 4"),
    ])
    func retentionErrors(original: String, replacement: String, line: Int, column: Int, fragment: String) {
        let yaml = """
            version: 1
            sweep_interval: 1h
            rules:
              - memory_type: WorkingMemory
                max_age: 30d
            """.replacingOccurrences(of: original, with: replacement)
        expectInvalid(file: "retention.yaml", line: line, column: column, fragment) { _ = try RetentionPolicy.parse(yaml: yaml) }
    }
}

// MARK: - Retention

@Suite struct RetentionPolicyTests {
    @Test func mostSpecificRuleWins() throws {
        let policy = try RetentionPolicy.parse(yaml: """
            version: 1
            sweep_interval: 30m
            default_max_age: 730d
            rules:
              - label: restricted
                max_age: 365d
              - memory_type: DocumentChunk
                max_age: 180d
              - label: restricted
                memory_type: DocumentChunk
                max_age: 90d
              - memory_type: WorkingMemory
                max_age: 12h
            """)
        #expect(policy.sweepInterval == 1800.0)
        #expect(policy.maximumAge(label: "restricted", memoryType: "DocumentChunk") == 90.0 * 86_400)
        #expect(policy.maximumAge(label: "internal", memoryType: "DocumentChunk") == 180.0 * 86_400)
        #expect(policy.maximumAge(label: "restricted", memoryType: "UserMemory") == 365.0 * 86_400)
        #expect(policy.maximumAge(label: "restricted", memoryType: "WorkingMemory") == 12.0 * 3600)
        #expect(policy.maximumAge(label: "public", memoryType: "UserMemory") == 730.0 * 86_400)
    }

    @Test func standardKeepsAllButWorkingMemory() {
        let policy = RetentionPolicy.standard
        #expect(policy.maximumAge(label: "internal", memoryType: "WorkingMemory") == 30.0 * 86_400)
        for type in ["LongTermMemory", "UserMemory", "PreferenceMemory", "DocumentChunk"] {
            #expect(policy.maximumAge(label: "restricted", memoryType: type) == nil)
        }
        #expect(policy.sweepInterval == 3600.0)
    }

    @Test func durations() {
        #expect(RetentionPolicy.parseDuration("90d") == 90.0 * 86_400)
        #expect(RetentionPolicy.parseDuration("12h") == 43_200.0)
        #expect(RetentionPolicy.parseDuration("30m") == 1800.0)
        #expect(RetentionPolicy.parseDuration("45s") == 45.0)
        for bad in ["", "d", "0d", "1w", "+1d", "-1d", "1.5d", "1 d", "١d", "99999999d", "1D"] {
            #expect(RetentionPolicy.parseDuration(bad) == nil, "\(bad)")
        }
    }
}
