import Crypto
import Foundation

/// Everything loaded from the policy directory, plus a fingerprint of it.
///
/// The hash is recorded with audit events and exposed to operators so that "which policy was in
/// force when this happened?" always has a precise answer, and so replicas can confirm they run
/// identical policy.
public struct PolicySet: Sendable {
    /// The file every policy directory must contain.
    public static let rolesFileName = "roles.yaml"

    /// Parsed `roles.yaml`.
    public let roles: RolePolicy
    /// Lowercase hex SHA-256 over the names and contents of every `*.yaml` file in the directory
    /// (sorted by name), so any edit, addition, removal or rename changes it.
    public let hash: String
    /// Where the policy was loaded from, for reloads and error messages.
    public let directory: URL
    /// Sensitivity levels and the default label (`labels.yaml`).
    public let labels: LabelScale
    /// Which labels are watermarked and for whom (`watermark:` in `labels.yaml`).
    public let watermark: WatermarkPolicy
    /// PII labels, placeholders and treatments (`pii.yaml`).
    public let pii: PIIPolicy
    /// Maximum ages and the sweep interval (`retention.yaml`).
    public let retention: RetentionPolicy
    /// Queue, working memory, preloading, activation and lifecycle tunables (`scheduler.yaml`).
    public let scheduler: SchedulerPolicy

    /// Public so tests and tools can assemble a policy set without a directory on disk; the
    /// optional parts default to the built-in policies (those of the shipped files).
    public init(
        roles: RolePolicy, hash: String, directory: URL, labels: LabelScale = .standard, watermark: WatermarkPolicy = .standard,
        pii: PIIPolicy = .standard, retention: RetentionPolicy = .standard, scheduler: SchedulerPolicy = .standard
    ) {
        self.roles = roles
        self.hash = hash
        self.directory = directory
        self.labels = labels
        self.watermark = watermark
        self.pii = pii
        self.retention = retention
        self.scheduler = scheduler
    }

    /// Loads and validates the policy directory; any problem is fatal to the caller by design,
    /// since running with a half-understood policy is worse than not running.
    ///
    /// `roles.yaml` is required. `labels.yaml`, `pii.yaml`, `retention.yaml` and `scheduler.yaml` are optional: when
    /// one is missing, the built-in policy applies, which is identical to the shipped file. Other
    /// `*.yaml` files are hashed but not read.
    ///
    /// Hidden files (editor swap files and the like) are ignored; symbolic links are followed,
    /// as Kubernetes ConfigMap mounts consist of them.
    public static func load(directory: URL) throws(PolicyError) -> PolicySet {
        let fileManager = FileManager.default
        let rolesPath = directory.appendingPathComponent(rolesFileName).path
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .missingFile(rolesPath)
        }

        var hasher = SHA256()
        var files: [String: Data] = [:]
        for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .invalid(file: name, line: 0, column: 0, message: "cannot read file: \(error.localizedDescription)")
            }
            // Length-prefixed framing keeps the hash unambiguous: no two directory states collide by
            // shifting bytes between a name and a content.
            hasher.update(data: Self.frame(Data(name.utf8)))
            hasher.update(data: Self.frame(data))
            if [rolesFileName, LabelPolicy.fileName, PIIPolicy.fileName, RetentionPolicy.fileName, SchedulerPolicy.fileName]
                .contains(name) {
                files[name] = data
            }
        }
        func text(_ name: String) throws(PolicyError) -> String? {
            guard let data = files[name] else { return nil }
            return try Self.utf8Text(data, file: name)
        }
        guard let rolesText = try text(rolesFileName) else {
            throw .missingFile(rolesPath)
        }

        // Labels first: clearances in roles.yaml must name its levels. The roles it mentions are
        // checked once roles.yaml is read.
        var labels = LabelPolicy.standard
        var labelRoleReferences: [PolicyReference] = []
        if let labelsText = try text(LabelPolicy.fileName) {
            (labels, labelRoleReferences) = try LabelPolicyParser(yaml: PolicyYAML(file: LabelPolicy.fileName)).parse(labelsText)
        }
        let roles = try RolePolicy.parse(yaml: rolesText, fileName: rolesFileName, levels: labels.scale.levels)
        let roleNames = Set(roles.roles.keys)
        try PolicyReference.checkRoles(labelRoleReferences, known: roleNames, what: "watermark exempt_roles")

        let pii: PIIPolicy
        if let piiText = try text(PIIPolicy.fileName) {
            pii = try PIIPolicy.parse(yaml: piiText, scale: labels.scale, knownRoles: roleNames)
        } else {
            pii = .standard
            try pii.validate(against: labels.scale, file: PIIPolicy.fileName)
        }
        let retention = try text(RetentionPolicy.fileName).map { text throws(PolicyError) in
            try RetentionPolicy.parse(yaml: text, scale: labels.scale)
        } ?? .standard
        let scheduler = try text(SchedulerPolicy.fileName).map { text throws(PolicyError) in
            try SchedulerPolicy.parse(yaml: text)
        } ?? .standard

        let hash = ByteEncoding.hex(hasher.finalize())
        return PolicySet(
            roles: roles, hash: hash, directory: directory, labels: labels.scale, watermark: labels.watermark, pii: pii,
            retention: retention, scheduler: scheduler)
    }

    private static func frame(_ data: Data) -> Data {
        var length = UInt64(data.count).bigEndian
        return Data(bytes: &length, count: 8) + data
    }

    /// Decodes UTF-8, reporting the position of the first invalid byte rather than just "bad file".
    private static func utf8Text(_ data: Data, file: String) throws(PolicyError) -> String {
        if let text = String(validating: data, as: UTF8.self) {
            return text
        }
        var line = 1
        var column = 1
        var iterator = data.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                throw .invalid(file: file, line: line, column: column, message: "file is not valid UTF-8")
            case .emptyInput:
                throw .invalid(file: file, line: line, column: column, message: "file is not valid UTF-8")
            }
        }
    }
}
