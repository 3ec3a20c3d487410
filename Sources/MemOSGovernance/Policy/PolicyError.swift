/// Why the policy could not be loaded.
///
/// Policy mistakes silently widen or narrow access, so the gateway refuses to start on any of
/// them, and every message points at the exact place to fix: `file:line:column: message`.
public enum PolicyError: Error, Equatable, CustomStringConvertible {
    /// A required policy file (path given) does not exist.
    case missingFile(String)
    /// A file exists but is wrong. `line` and `column` are 1-based; `line` is 0 only when the
    /// problem is the file as a whole (for example, it cannot be read).
    case invalid(file: String, line: Int, column: Int, message: String)

    /// Compiler-style location prefix so editors and CI logs can jump straight to the problem.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "required policy file '\(path)' is missing"
        case .invalid(let file, let line, let column, let message):
            if line <= 0 { return "\(file): \(message)" }
            return "\(file):\(line):\(column): \(message)"
        }
    }
}
