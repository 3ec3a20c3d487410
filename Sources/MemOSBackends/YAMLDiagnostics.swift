import Yams

/// How configuration files report problems: every message names a line and column, whatever
/// went wrong (a syntax error from the YAML reader, or a value of the wrong kind).
///
/// Shared by the model configuration here and the policy parser in governance, so both read
/// and complain alike.
public enum YAMLDiagnostics {
    /// A located problem in a YAML text (1-based line and column).
    public struct Problem: Sendable, Equatable {
        public let line: Int
        public let column: Int
        public let message: String
    }

    /// What a node is, for "expected X, found Y" messages.
    public static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if node.tag.rawValue == Tag.Name.null.rawValue { return "nothing" }
            return "'\(scalar.string)'"
        }
    }

    /// Where a YAML syntax error is, and what it is.
    public static func problem(for error: YamlError) -> Problem {
        func describe(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "YAML syntax error: \(problem)" }
            return "YAML syntax error: \(problem) (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return Problem(line: mark.line, column: mark.column, message: describe(problem, context))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Problem(
                line: context.mark.line, column: context.mark.column, message: "duplicate key \(keys) in the same mapping")
        case .reader(let problem, let offset, _, let yaml):
            var line = 1
            var column = 1
            for character in yaml.prefix(offset ?? 0) {
                if character == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return Problem(line: line, column: column, message: "YAML reader error: \(problem)")
        default:
            return Problem(line: 1, column: 1, message: "YAML error: \(error)")
        }
    }
}
