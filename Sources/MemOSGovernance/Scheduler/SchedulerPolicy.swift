import Foundation
import MemOSBackends
import Yams

/// The scheduler's tunables (`scheduler.yaml`): queue, working memory, next-scene preloading,
/// activation memory and usage-driven lifecycle.
public struct SchedulerPolicy: Sendable, Hashable {
    public static let fileName = "scheduler.yaml"
    public static let supportedVersion = 1

    /// Background tasks running at once.
    public var concurrency = 2
    /// Runs of a failing task before it is marked failed.
    public var maxAttempts = 3
    /// Wait before the first retry, doubled for each further one (seconds).
    public var retryBackoff: TimeInterval = 1

    /// Memories in one session's working memory.
    public var workingMemorySize = 16
    /// A turn whose cosine to the recent turns' centroid is below this shifts the intent.
    public var shiftThreshold = 0.2
    /// Working memory of an active session is rebuilt at least this often (seconds).
    public var refreshInterval: TimeInterval = 600
    /// Sessions idle this long are forgotten (seconds).
    public var sessionIdle: TimeInterval = 3_600

    /// Memories preloaded per session.
    public var preloadSize = 64
    /// Keyword hits of the full index the preloaded scene must hold to answer a search.
    public var preloadProbe = 3
    /// A preloaded scene older than this is not used (seconds).
    public var preloadMaxAge: TimeInterval = 600

    /// Approximate token budget of an activation prefix.
    public var activationTokenBudget = 1_024
    /// Most memories in an activation prefix.
    public var activationMaxMemories = 32
    /// Retrievals by a persona before a memory is a candidate for its activation memory, and
    /// (summed over personas) before a Generated memory is promoted to Activated.
    public var promoteAfter = 3
    /// Activated and Generated memories unused this long drift to Archived (seconds); nil never.
    public var archiveAfter: TimeInterval? = 180 * 86_400
    /// How often promotion, demotion and activation rebuilds run (seconds).
    public var lifecycleInterval: TimeInterval = 3_600

    public init() {}

    /// What applies without a `scheduler.yaml` (identical to the shipped file).
    public static let standard = SchedulerPolicy()

    public static func parse(yaml: String, fileName: String = SchedulerPolicy.fileName) throws(PolicyError) -> SchedulerPolicy {
        try SchedulerPolicyParser(yaml: PolicyYAML(file: fileName)).parse(yaml)
    }
}

struct SchedulerPolicyParser {
    let yaml: PolicyYAML

    func parse(_ text: String) throws(PolicyError) -> SchedulerPolicy {
        let root = try yaml.compose(text, emptyMessage: "policy file is empty (expected 'version')")
        let entries = try yaml.mapping(root, what: "the top level")
        try yaml.checkKeys(
            entries, of: root, required: ["version"], optional: ["queue", "working_memory", "preload", "activation", "lifecycle"],
            context: "the top level")
        _ = try yaml.version(entries.first { $0.key == "version" }!.value, supported: SchedulerPolicy.supportedVersion)
        var policy = SchedulerPolicy()
        for entry in entries {
            switch entry.key {
            case "queue":
                let section = try self.section(entry.value, "queue", ["concurrency", "max_attempts", "retry_backoff"])
                if let node = section["concurrency"] { policy.concurrency = try integer(node, "queue.concurrency", 1...64) }
                if let node = section["max_attempts"] { policy.maxAttempts = try integer(node, "queue.max_attempts", 1...20) }
                if let node = section["retry_backoff"] { policy.retryBackoff = try duration(node, "queue.retry_backoff") }
            case "working_memory":
                let section = try self.section(entry.value, "working_memory", ["size", "shift_threshold", "refresh_interval", "session_idle"])
                if let node = section["size"] { policy.workingMemorySize = try integer(node, "working_memory.size", 1...256) }
                if let node = section["shift_threshold"] {
                    policy.shiftThreshold = try number(node, "working_memory.shift_threshold", -1...1)
                }
                if let node = section["refresh_interval"] { policy.refreshInterval = try duration(node, "working_memory.refresh_interval") }
                if let node = section["session_idle"] { policy.sessionIdle = try duration(node, "working_memory.session_idle") }
            case "preload":
                let section = try self.section(entry.value, "preload", ["size", "probe", "max_age"])
                if let node = section["size"] { policy.preloadSize = try integer(node, "preload.size", 1...1_000) }
                if let node = section["probe"] { policy.preloadProbe = try integer(node, "preload.probe", 1...50) }
                if let node = section["max_age"] { policy.preloadMaxAge = try duration(node, "preload.max_age") }
            case "activation":
                let section = try self.section(entry.value, "activation", ["token_budget", "max_memories", "promote_after"])
                if let node = section["token_budget"] { policy.activationTokenBudget = try integer(node, "activation.token_budget", 64...131_072) }
                if let node = section["max_memories"] { policy.activationMaxMemories = try integer(node, "activation.max_memories", 1...1_000) }
                if let node = section["promote_after"] { policy.promoteAfter = try integer(node, "activation.promote_after", 1...1_000_000) }
            case "lifecycle":
                let section = try self.section(entry.value, "lifecycle", ["archive_after", "interval"])
                if let node = section["archive_after"] {
                    policy.archiveAfter = try yaml.string(node, what: "lifecycle.archive_after") == "never"
                        ? nil : try duration(node, "lifecycle.archive_after")
                }
                if let node = section["interval"] { policy.lifecycleInterval = try duration(node, "lifecycle.interval") }
            default:
                break
            }
        }
        return policy
    }

    private func section(_ node: Node, _ name: String, _ keys: [String]) throws(PolicyError) -> [String: Node] {
        let entries = try yaml.mapping(node, what: name)
        try yaml.checkKeys(entries, of: node, required: [], optional: keys, context: name)
        var values: [String: Node] = [:]
        for entry in entries { values[entry.key] = entry.value }
        return values
    }

    private func integer(_ node: Node, _ what: String, _ range: ClosedRange<Int>) throws(PolicyError) -> Int {
        guard case .scalar(let scalar) = node, node.tag.rawValue == Tag.Name.int.rawValue, let value = Int(scalar.string) else {
            throw yaml.invalid(at: node, "\(what) must be an integer, found \(YAMLDiagnostics.kind(of: node))")
        }
        guard range.contains(value) else {
            throw yaml.invalid(at: node, "\(what) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    private func number(_ node: Node, _ what: String, _ range: ClosedRange<Double>) throws(PolicyError) -> Double {
        guard case .scalar(let scalar) = node,
            node.tag.rawValue == Tag.Name.float.rawValue || node.tag.rawValue == Tag.Name.int.rawValue,
            let value = Double(scalar.string), value.isFinite
        else {
            throw yaml.invalid(at: node, "\(what) must be a number, found \(YAMLDiagnostics.kind(of: node))")
        }
        guard range.contains(value) else {
            throw yaml.invalid(at: node, "\(what) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    private func duration(_ node: Node, _ what: String) throws(PolicyError) -> TimeInterval {
        let text = try yaml.string(node, what: what)
        guard let seconds = RetentionPolicy.parseDuration(text) else {
            throw yaml.invalid(
                at: node, "invalid duration '\(text)' for \(what) (expected a positive number and a unit: s, m, h or d, e.g. 30s, 10m, 180d)")
        }
        return seconds
    }
}
