import Foundation
import MemOSBackends
import Yams

/// Strict, located reading of one policy file, shared by every policy parser.
///
/// The parsers walk the Yams node tree by hand (instead of `Decodable`) so that every error can
/// name the file, line and column it comes from, and they all complain in the same words.
struct PolicyYAML {
    /// The file name used in error messages.
    let file: String

    typealias Entry = (key: String, keyNode: Node, value: Node)

    /// Parses the text into a node tree; an empty file (only comments) is an error.
    func compose(_ yaml: String, emptyMessage: String) throws(PolicyError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw invalid(line: 1, column: 1, emptyMessage)
            }
            return node
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            let problem = YAMLDiagnostics.problem(for: error)
            throw invalid(line: problem.line, column: problem.column, problem.message)
        } catch {
            throw invalid(line: 1, column: 1, "cannot parse YAML: \(error)")
        }
    }

    func mapping(_ node: Node, what: String) throws(PolicyError) -> [Entry] {
        guard case .mapping(let mapping) = node else {
            throw invalid(at: node, "expected a mapping for \(what), found \(YAMLDiagnostics.kind(of: node))")
        }
        var entries: [Entry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode, keyNode.tag.rawValue != Tag.Name.null.rawValue else {
                throw invalid(at: keyNode, "mapping keys must be plain words, found \(YAMLDiagnostics.kind(of: keyNode))")
            }
            entries.append((key.string, keyNode, value))
        }
        return entries
    }

    /// Strict key check: unknown keys are reported at the key, missing required ones at the mapping.
    func checkKeys(
        _ entries: [Entry], of node: Node, required: [String], optional: [String] = [], context: String
    ) throws(PolicyError) {
        let allowed = required + optional
        for entry in entries where !allowed.contains(entry.key) {
            throw invalid(at: entry.keyNode, "unknown key '\(entry.key)' in \(context) (expected one of: \(allowed.joined(separator: ", ")))")
        }
        for key in required where !entries.contains(where: { $0.key == key }) {
            throw invalid(at: node, "missing required key '\(key)' in \(context)")
        }
    }

    func sequence(_ node: Node, what: String) throws(PolicyError) -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw invalid(at: node, "\(what) must be a list (use [] for none), found \(YAMLDiagnostics.kind(of: node))")
        }
        return Array(sequence)
    }

    func string(_ node: Node, what: String) throws(PolicyError) -> String {
        guard case .scalar(let scalar) = node, node.tag.rawValue != Tag.Name.null.rawValue, !scalar.string.isEmpty else {
            throw invalid(at: node, "\(what) must be a non-empty string, found \(YAMLDiagnostics.kind(of: node))")
        }
        return scalar.string
    }

    /// Reads the `version` value and insists it is the one this gateway understands.
    func version(_ node: Node, supported: Int) throws(PolicyError) -> Int {
        guard case .scalar(let scalar) = node, node.tag.rawValue == Tag.Name.int.rawValue, let version = Int(scalar.string) else {
            throw invalid(at: node, "version must be an integer")
        }
        guard version == supported else {
            throw invalid(at: node, "unsupported policy version \(version) (this gateway understands version \(supported))")
        }
        return version
    }

    /// A sensitivity label that must be one of `levels`.
    func label(_ node: Node, what: String, levels: [String]) throws(PolicyError) -> String {
        let label = try string(node, what: what)
        guard levels.contains(label) else {
            throw invalid(at: node, "unknown label '\(label)' for \(what) (expected one of: \(levels.joined(separator: ", ")))")
        }
        return label
    }

    /// A role name that is well formed; whether the role exists is checked with `checkRoles`.
    func roleReference(_ node: Node, what: String) throws(PolicyError) -> PolicyReference {
        let name = try string(node, what: what)
        guard RoleDefinition.isValidName(name) else {
            throw invalid(at: node, "invalid role name '\(name)' in \(what) (must match [a-z][a-z0-9-]{0,39})")
        }
        return PolicyReference(name: name, file: file, line: line(of: node), column: node.mark?.column ?? 1)
    }

    func line(of node: Node) -> Int { node.mark?.line ?? 1 }

    func invalid(at node: Node, _ message: String) -> PolicyError {
        invalid(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message)
    }

    func invalid(line: Int, column: Int, _ message: String) -> PolicyError {
        .invalid(file: file, line: line, column: column, message: message)
    }
}

/// A role named in a policy file other than `roles.yaml`, remembered with its position so that it
/// can be checked once the roles are known.
struct PolicyReference: Sendable, Hashable {
    let name: String
    let file: String
    let line: Int
    let column: Int

    /// Fails on the first reference to a role `roles.yaml` does not define.
    static func checkRoles(_ references: [PolicyReference], known: Set<String>, what: String) throws(PolicyError) {
        for reference in references where !known.contains(reference.name) {
            throw PolicyError.invalid(
                file: reference.file, line: reference.line, column: reference.column,
                message: "\(what) names unknown role '\(reference.name)' (roles are defined in roles.yaml)")
        }
    }
}
