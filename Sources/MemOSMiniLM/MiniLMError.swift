/// Why the MiniLM model cannot be loaded; every case names the file and the problem, because
/// the fix (re-run `scripts/setup.sh`, point `MEMOS_MINILM_DIR` elsewhere) depends on which.
public enum MiniLMError: Error, Equatable, CustomStringConvertible {
    /// A file the model needs does not exist.
    case missingFile(path: String)
    /// The file exists but cannot be read.
    case unreadableFile(path: String, reason: String)
    /// The file is not the pinned one (corrupted, truncated or another model).
    case checksumMismatch(path: String, expected: String, actual: String)
    /// The weights file does not follow the safetensors format.
    case malformedWeights(path: String, reason: String)
    /// The weights file lacks a tensor the model needs.
    case missingTensor(path: String, name: String)
    /// A tensor has another shape or element type than the model needs.
    case wrongTensor(path: String, name: String, expected: String, found: String)
    /// The vocabulary is not a WordPiece vocabulary this model can use.
    case malformedVocabulary(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            "MiniLM model file \(path) does not exist (run scripts/setup.sh or set MEMOS_MINILM_DIR)"
        case .unreadableFile(let path, let reason):
            "cannot read MiniLM model file \(path): \(reason)"
        case .checksumMismatch(let path, let expected, let actual):
            "MiniLM model file \(path) has SHA-256 \(actual), expected \(expected) (corrupted, truncated or another model)"
        case .malformedWeights(let path, let reason):
            "MiniLM weights \(path) are not a valid safetensors file: \(reason)"
        case .missingTensor(let path, let name):
            "MiniLM weights \(path) lack tensor '\(name)'"
        case .wrongTensor(let path, let name, let expected, let found):
            "MiniLM weights \(path): tensor '\(name)' is \(found), expected \(expected)"
        case .malformedVocabulary(let path, let reason):
            "MiniLM vocabulary \(path) is unusable: \(reason)"
        }
    }
}
