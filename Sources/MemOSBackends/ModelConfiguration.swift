import Foundation
import Yams

/// Which embedder the gateway uses.
public enum EmbedderChoice: Sendable, Hashable, CustomStringConvertible {
    /// The built-in hashing (lexical) embedder: no server, no model files, always available.
    case builtin
    /// The built-in all-MiniLM-L6-v2 encoder with its weights in `directory`. When `required`
    /// (chosen explicitly) missing weights stop the gateway; otherwise (the default) the gateway
    /// falls back to the hashing embedder and says so. Wrong weights stop it in both cases.
    case miniLM(directory: URL, required: Bool)
    /// An OpenAI-compatible `/embeddings` server returning vectors of `dimensions` components.
    case openAI(BackendEndpoint, dimensions: Int)

    public var description: String {
        switch self {
        case .builtin: "builtin"
        case .miniLM(let directory, let required):
            required ? "minilm \(directory.path)" : "minilm \(directory.path) (if present, else builtin)"
        case .openAI(let endpoint, let dimensions): "openai \(endpoint), \(dimensions) dimensions"
        }
    }
}

/// Where the gateway's model backends come from.
///
/// Sources, each overriding the one before, setting by setting:
/// 1. defaults: no LLM (fine mode unavailable) and the built-in MiniLM embedder when its weights
///    are in the default directory (`${XDG_CACHE_HOME:-$HOME/.cache}/memos-gateway/models/all-MiniLM-L6-v2`,
///    filled by `scripts/setup.sh`), else the built-in hashing embedder;
/// 2. `models.yaml` in the data directory (optional):
///    ```yaml
///    llm:
///      base_url: http://127.0.0.1:11434/v1
///      model: qwen2.5:7b
///      api_key: sk-…            # optional
///      timeout_seconds: 60      # optional
///      max_retries: 3           # optional
///    embedder:
///      kind: openai             # or minilm (optional directory: PATH), or hashing (alias builtin)
///      base_url: http://127.0.0.1:8081/v1
///      model: bge-m3
///      api_key: …               # optional
///      dimensions: 1024
///    ```
///    Keys are strict: an unknown or misplaced key is an error naming its line, because a
///    silently ignored typo would silently change which model is used;
/// 3. environment variables `MEMOS_LLM_BASE_URL`, `MEMOS_LLM_MODEL`, `MEMOS_LLM_API_KEY`,
///    `MEMOS_LLM_TIMEOUT_SECONDS`, `MEMOS_EMBEDDER` (`minilm`, `hashing` or its alias `builtin`,
///    or `openai`), `MEMOS_MINILM_DIR` (the MiniLM model directory; setting it alone chooses
///    MiniLM), `MEMOS_EMBEDDINGS_BASE_URL`, `MEMOS_EMBEDDINGS_MODEL`, `MEMOS_EMBEDDINGS_API_KEY`,
///    `MEMOS_EMBEDDINGS_DIMENSIONS`. A variable set to the empty string counts as unset.
///
/// The merged result is then checked as a whole: an LLM needs both a base URL and a model, an
/// `openai` embedder needs a base URL, a model and its dimensions, and `MEMOS_EMBEDDINGS_*`
/// settings for a built-in embedder (or `MEMOS_MINILM_DIR` for another than MiniLM) are an error
/// (unless `MEMOS_EMBEDDER` was chosen explicitly) since they show a configuration that does not
/// do what its author meant. Whether the MiniLM files exist is checked when the embedder is
/// made, not here.
///
/// API keys never appear in errors or descriptions.
public struct ModelConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The chat model for fine mode; `nil` when none is configured.
    public var llm: BackendEndpoint?
    public var embedder: EmbedderChoice

    /// Name of the optional file in the data directory.
    public static let fileName = "models.yaml"

    public init(llm: BackendEndpoint? = nil, embedder: EmbedderChoice = .builtin) {
        self.llm = llm
        self.embedder = embedder
    }

    public var description: String {
        "llm: \(llm.map { "\($0)" } ?? "none"); embedder: \(embedder)"
    }

    /// Reads `models.yaml` from `dataDirectory` when it exists and applies `environment` over it.
    public static func load(dataDirectory: URL, environment: [String: String]) throws(ModelConfigurationError)
        -> ModelConfiguration
    {
        let file = dataDirectory.appendingPathComponent(fileName)
        var yaml: String?
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                yaml = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw .unreadableFile(path: file.path, reason: "\(error.localizedDescription)")
            }
        }
        return try resolve(yaml: yaml, fileName: file.path, environment: environment)
    }

    /// The configuration from the text of a `models.yaml` (`nil`: no file) and `environment`.
    public static func resolve(yaml: String?, fileName: String = fileName, environment: [String: String])
        throws(ModelConfigurationError) -> ModelConfiguration
    {
        var file = ModelFileSettings()
        if let yaml { file = try ModelFileParser(file: fileName).parse(yaml) }
        let env = try EnvironmentSettings(environment)
        return ModelConfiguration(
            llm: try resolveLLM(file: file, env: env, fileName: fileName),
            embedder: try resolveEmbedder(file: file, env: env, fileName: fileName))
    }

    private static func resolveLLM(file: ModelFileSettings, env: EnvironmentSettings, fileName: String)
        throws(ModelConfigurationError) -> BackendEndpoint?
    {
        let section = file.llm
        let envNames = [EnvironmentSettings.llmBaseURL, EnvironmentSettings.llmModel, EnvironmentSettings.llmAPIKey,
                        EnvironmentSettings.llmTimeout]
        let firstEnv = envNames.first { env.isSet($0) }
        guard section != nil || firstEnv != nil else { return nil }

        let baseURL = env.llmBaseURL ?? section?.baseURL
        let model = env.llmModel ?? section?.model
        func missing(_ key: String, _ variable: String) -> ModelConfigurationError {
            if let section {
                return .incomplete(
                    "llm in \(fileName) (line \(section.line)) needs \(key) (in the file or as \(variable))")
            }
            return .incomplete("\(firstEnv ?? "") needs \(variable)")
        }
        guard let baseURL else { throw missing("base_url", EnvironmentSettings.llmBaseURL) }
        guard let model else { throw missing("model", EnvironmentSettings.llmModel) }
        return BackendEndpoint(
            baseURL: baseURL, model: model, apiKey: env.llmAPIKey ?? section?.apiKey,
            timeout: env.llmTimeout ?? section?.timeout ?? .seconds(60), maxRetries: section?.maxRetries ?? 3)
    }

    private static func resolveEmbedder(file: ModelFileSettings, env: EnvironmentSettings, fileName: String)
        throws(ModelConfigurationError) -> EmbedderChoice
    {
        let section = file.embedder
        let chosen = env.embedderKind ?? section?.kind ?? (env.miniLMDirectory != nil ? .miniLM : nil)
        let kind = chosen ?? .builtin
        let source: String =
            if env.embedderKind != nil {
                "\(EnvironmentSettings.embedder)=\(kind.rawValue)"
            } else if let section {
                "embedder kind \(kind.rawValue) in \(fileName) (line \(section.kindLine))"
            } else if chosen != nil {
                "\(EnvironmentSettings.miniLMDirectory) (which chooses the minilm embedder)"
            } else {
                "the default builtin embedder"
            }
        if env.embedderKind == nil, kind != .openAI,
            let stray = EnvironmentSettings.embeddingNames.first(where: { env.isSet($0) })
        {
            throw .incomplete(
                "\(stray) is set but the embedder is \(source); set \(EnvironmentSettings.embedder)=openai to use it")
        }
        if env.embedderKind == nil, kind != .miniLM, env.miniLMDirectory != nil {
            throw .incomplete(
                "\(EnvironmentSettings.miniLMDirectory) is set but the embedder is \(source); "
                    + "set \(EnvironmentSettings.embedder)=minilm to use it")
        }

        switch kind {
        case .builtin:
            guard chosen == nil, let directory = env.defaultMiniLMDirectory else { return .builtin }
            return .miniLM(directory: directory, required: false)
        case .miniLM:
            let fileDirectory = section?.kind == .miniLM ? section?.directory : nil
            guard let directory = env.miniLMDirectory ?? fileDirectory ?? env.defaultMiniLMDirectory else {
                throw .incomplete(
                    "\(source) needs \(EnvironmentSettings.miniLMDirectory) (no HOME or XDG_CACHE_HOME for the default model directory)")
            }
            return .miniLM(directory: directory, required: true)
        case .openAI:
            // File settings only count when the file itself chose openai (a builtin section has none).
            let fileSection = section?.kind == .openAI ? section : nil
            func missing(_ key: String, _ variable: String) -> ModelConfigurationError {
                env.embedderKind != nil
                    ? .incomplete("\(source) needs \(variable)")
                    : .incomplete("\(source) needs \(key) (in the file or as \(variable))")
            }
            guard let baseURL = env.embeddingsBaseURL ?? fileSection?.baseURL else {
                throw missing("base_url", EnvironmentSettings.embeddingsBaseURL)
            }
            guard let model = env.embeddingsModel ?? fileSection?.model else {
                throw missing("model", EnvironmentSettings.embeddingsModel)
            }
            guard let dimensions = env.embeddingsDimensions ?? fileSection?.dimensions else {
                throw missing("dimensions", EnvironmentSettings.embeddingsDimensions)
            }
            let endpoint = BackendEndpoint(
                baseURL: baseURL, model: model, apiKey: env.embeddingsAPIKey ?? fileSection?.apiKey)
            return .openAI(endpoint, dimensions: dimensions)
        }
    }
}

/// Why the model configuration cannot be used.
public enum ModelConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `models.yaml` exists but cannot be read.
    case unreadableFile(path: String, reason: String)
    /// `models.yaml` is not valid YAML or breaks the schema at `line`:`column` (1-based).
    case invalidFile(file: String, line: Int, column: Int, message: String)
    /// An environment variable has a value that cannot be used.
    case invalidEnvironment(variable: String, message: String)
    /// The settings are individually valid but do not add up to a usable backend.
    case incomplete(String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidFile(let file, let line, let column, let message): "\(file), line \(line), column \(column): \(message)"
        case .invalidEnvironment(let variable, let message): "\(variable) \(message)"
        case .incomplete(let message): message
        }
    }
}

// MARK: - Values

enum EmbedderKind: String {
    /// The hashing embedder; also spelled `hashing`.
    case builtin
    case miniLM = "minilm"
    case openAI = "openai"

    static let names = "minilm, hashing (or builtin) or openai"

    init?(name: String) {
        if name == "hashing" {
            self = .builtin
        } else {
            self.init(rawValue: name)
        }
    }
}

/// Checks shared by the file and the environment; each returns a message to attach to the
/// key or variable, or the parsed value.
enum SettingValue {
    static let maxTimeoutSeconds = 3600.0
    static let maxRetries = 10
    static let maxDimensions = 65536

    static func url(_ text: String) -> Result<URL, Message> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            return .failure(
                Message("must be an http(s) URL with a host and no query, e.g. http://127.0.0.1:11434/v1, got '\(trimmed)'"))
        }
        return .success(url)
    }

    static func model(_ text: String) -> Result<String, Message> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? .failure(Message("must not be empty")) : .success(trimmed)
    }

    /// Never echoes the value.
    static func apiKey(_ text: String) -> Result<String, Message> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .failure(Message("must not be empty")) }
        guard trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            return .failure(Message("must not contain spaces or control characters (value not shown)"))
        }
        return .success(trimmed)
    }

    static func timeout(_ text: String) -> Result<Duration, Message> {
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds > 0,
            seconds <= maxTimeoutSeconds
        else {
            return .failure(
                Message("must be a number of seconds above 0 and at most \(Int(maxTimeoutSeconds)), got '\(text)'"))
        }
        return .success(.seconds(seconds))
    }

    static func retries(_ text: String) -> Result<Int, Message> {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (0...maxRetries).contains(value) else {
            return .failure(Message("must be an integer from 0 to \(maxRetries), got '\(text)'"))
        }
        return .success(value)
    }

    static func dimensions(_ text: String) -> Result<Int, Message> {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...maxDimensions).contains(value) else {
            return .failure(Message("must be an integer from 1 to \(maxDimensions), got '\(text)'"))
        }
        return .success(value)
    }

    static func kind(_ text: String) -> Result<EmbedderKind, Message> {
        guard let kind = EmbedderKind(name: text.trimmingCharacters(in: .whitespaces)) else {
            return .failure(Message("must be \(EmbedderKind.names), got '\(text)'"))
        }
        return .success(kind)
    }

    /// A directory path; relative paths are taken from the working directory.
    static func directory(_ text: String) -> Result<URL, Message> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains("\0") else { return .failure(Message("must be a directory path")) }
        return .success(URL(filePath: trimmed, directoryHint: .notDirectory).standardizedFileURL)
    }

    struct Message: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}

// MARK: - Environment

struct EnvironmentSettings {
    static let llmBaseURL = "MEMOS_LLM_BASE_URL"
    static let llmModel = "MEMOS_LLM_MODEL"
    static let llmAPIKey = "MEMOS_LLM_API_KEY"
    static let llmTimeout = "MEMOS_LLM_TIMEOUT_SECONDS"
    static let embedder = "MEMOS_EMBEDDER"
    static let embeddingsBaseURL = "MEMOS_EMBEDDINGS_BASE_URL"
    static let embeddingsModel = "MEMOS_EMBEDDINGS_MODEL"
    static let embeddingsAPIKey = "MEMOS_EMBEDDINGS_API_KEY"
    static let embeddingsDimensions = "MEMOS_EMBEDDINGS_DIMENSIONS"
    static let embeddingNames = [embeddingsBaseURL, embeddingsModel, embeddingsAPIKey, embeddingsDimensions]
    static let miniLMDirectory = "MEMOS_MINILM_DIR"
    /// Where `scripts/setup.sh` puts the MiniLM model, below the user's cache directory (the
    /// same rule as `MiniLM.defaultDirectory` in MemOSMiniLM, which this module cannot import).
    static let miniLMCacheSubpath = "memos-gateway/models/all-MiniLM-L6-v2"

    private let values: [String: String]
    var llmBaseURL: URL?
    var llmModel: String?
    var llmAPIKey: String?
    var llmTimeout: Duration?
    var embedderKind: EmbedderKind?
    var embeddingsBaseURL: URL?
    var embeddingsModel: String?
    var embeddingsAPIKey: String?
    var embeddingsDimensions: Int?
    var miniLMDirectory: URL?
    /// `$MEMOS_MINILM_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/memos-gateway/models/all-MiniLM-L6-v2`;
    /// `nil` when the environment names no home or cache directory.
    var defaultMiniLMDirectory: URL?

    init(_ environment: [String: String]) throws(ModelConfigurationError) {
        values = environment.filter { !$0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        llmBaseURL = try value(Self.llmBaseURL, SettingValue.url)
        llmModel = try value(Self.llmModel, SettingValue.model)
        llmAPIKey = try value(Self.llmAPIKey, SettingValue.apiKey)
        llmTimeout = try value(Self.llmTimeout, SettingValue.timeout)
        embedderKind = try value(Self.embedder, SettingValue.kind)
        embeddingsBaseURL = try value(Self.embeddingsBaseURL, SettingValue.url)
        embeddingsModel = try value(Self.embeddingsModel, SettingValue.model)
        embeddingsAPIKey = try value(Self.embeddingsAPIKey, SettingValue.apiKey)
        embeddingsDimensions = try value(Self.embeddingsDimensions, SettingValue.dimensions)
        miniLMDirectory = try value(Self.miniLMDirectory, SettingValue.directory)
        let cache = values["XDG_CACHE_HOME"] ?? values["HOME"].map { $0 + "/.cache" }
        defaultMiniLMDirectory =
            miniLMDirectory
            ?? cache.map { URL(filePath: $0 + "/" + Self.miniLMCacheSubpath, directoryHint: .notDirectory).standardizedFileURL }
    }

    func isSet(_ name: String) -> Bool { values[name] != nil }

    private func value<T>(_ name: String, _ parse: (String) -> Result<T, SettingValue.Message>)
        throws(ModelConfigurationError) -> T?
    {
        guard let text = values[name] else { return nil }
        switch parse(text) {
        case .success(let value): return value
        case .failure(let message): throw .invalidEnvironment(variable: name, message: message.text)
        }
    }
}

// MARK: - File

struct ModelFileSettings {
    struct LLM {
        var line: Int
        var baseURL: URL?
        var model: String?
        var apiKey: String?
        var timeout: Duration?
        var maxRetries: Int?
    }

    struct Embedder {
        var line: Int
        var kind: EmbedderKind
        var kindLine: Int
        var baseURL: URL?
        var model: String?
        var apiKey: String?
        var dimensions: Int?
        var directory: URL?
    }

    var llm: LLM?
    var embedder: Embedder?
}

/// Walks the Yams node tree by hand so every error names the line and column it comes from.
struct ModelFileParser {
    let file: String

    private typealias Entry = (key: String, keyNode: Node, value: Node)

    static let llmKeys = ["base_url", "model", "api_key", "timeout_seconds", "max_retries"]
    static let embedderKeys = ["kind", "base_url", "model", "api_key", "dimensions", "directory"]

    func parse(_ yaml: String) throws(ModelConfigurationError) -> ModelFileSettings {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return ModelFileSettings() }
            root = node
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw invalid(line: 1, column: 1, "cannot parse YAML: \(error)")
        }

        var settings = ModelFileSettings()
        let entries = try mapping(root, what: "the top level")
        try checkKeys(entries, allowed: ["llm", "embedder"], context: "the top level")
        for entry in entries {
            switch entry.key {
            case "llm": settings.llm = try llm(entry)
            default: settings.embedder = try embedder(entry)
            }
        }
        return settings
    }

    private func llm(_ section: Entry) throws(ModelConfigurationError) -> ModelFileSettings.LLM {
        let entries = try mapping(section.value, what: "llm")
        try checkKeys(entries, allowed: Self.llmKeys, context: "llm")
        var llm = ModelFileSettings.LLM(line: line(of: section.keyNode))
        for entry in entries {
            let name = "llm.\(entry.key)"
            switch entry.key {
            case "base_url": llm.baseURL = try value(entry, name, SettingValue.url)
            case "model": llm.model = try value(entry, name, SettingValue.model)
            case "api_key": llm.apiKey = try value(entry, name, SettingValue.apiKey, secret: true)
            case "timeout_seconds": llm.timeout = try value(entry, name, SettingValue.timeout)
            default: llm.maxRetries = try value(entry, name, SettingValue.retries)
            }
        }
        return llm
    }

    private func embedder(_ section: Entry) throws(ModelConfigurationError) -> ModelFileSettings.Embedder {
        let entries = try mapping(section.value, what: "embedder")
        try checkKeys(entries, allowed: Self.embedderKeys, context: "embedder")
        guard let kindEntry = entries.first(where: { $0.key == "kind" }) else {
            throw invalid(at: section.keyNode, "embedder needs 'kind' (\(EmbedderKind.names))")
        }
        let kind = try value(kindEntry, "embedder.kind", SettingValue.kind)
        var embedder = ModelFileSettings.Embedder(
            line: line(of: section.keyNode), kind: kind, kindLine: line(of: kindEntry.keyNode))
        for entry in entries where entry.key != "kind" {
            let name = "embedder.\(entry.key)"
            let allowedKind: EmbedderKind = entry.key == "directory" ? .miniLM : .openAI
            if kind != allowedKind {
                throw invalid(
                    at: entry.keyNode, "\(name) is only allowed with kind: \(allowedKind.rawValue) (kind is \(kind.rawValue))")
            }
            switch entry.key {
            case "directory": embedder.directory = try value(entry, name, SettingValue.directory)
            case "base_url": embedder.baseURL = try value(entry, name, SettingValue.url)
            case "model": embedder.model = try value(entry, name, SettingValue.model)
            case "api_key": embedder.apiKey = try value(entry, name, SettingValue.apiKey, secret: true)
            default: embedder.dimensions = try value(entry, name, SettingValue.dimensions)
            }
        }
        return embedder
    }

    // MARK: Nodes

    private func mapping(_ node: Node, what: String) throws(ModelConfigurationError) -> [Entry] {
        guard case .mapping(let mapping) = node else {
            throw invalid(at: node, "\(what) must be a mapping, found \(YAMLDiagnostics.kind(of: node))")
        }
        var entries: [Entry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw invalid(at: keyNode, "keys in \(what) must be plain names, found \(YAMLDiagnostics.kind(of: keyNode))")
            }
            entries.append((scalar.string, keyNode, value))
        }
        return entries
    }

    private func checkKeys(_ entries: [Entry], allowed: [String], context: String) throws(ModelConfigurationError) {
        for entry in entries where !allowed.contains(entry.key) {
            throw invalid(
                at: entry.keyNode,
                "unknown key '\(entry.key)' in \(context) (allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    /// The scalar value of `entry`, checked by `parse`; `secret` values are never echoed.
    private func value<T>(
        _ entry: Entry, _ name: String, _ parse: (String) -> Result<T, SettingValue.Message>, secret: Bool = false
    ) throws(ModelConfigurationError) -> T {
        guard case .scalar(let scalar) = entry.value, entry.value.tag.rawValue != Tag.Name.null.rawValue else {
            let found = secret ? "something else" : YAMLDiagnostics.kind(of: entry.value)
            throw invalid(at: entry.value.mark == nil ? entry.keyNode : entry.value, "\(name) must be a value, found \(found)")
        }
        switch parse(scalar.string) {
        case .success(let value): return value
        case .failure(let message): throw invalid(at: entry.value, "\(name) \(message.text)")
        }
    }

    private func line(of node: Node) -> Int { node.mark?.line ?? 1 }

    private func invalid(at node: Node, _ message: String) -> ModelConfigurationError {
        invalid(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message)
    }

    private func invalid(line: Int, column: Int, _ message: String) -> ModelConfigurationError {
        .invalidFile(file: file, line: line, column: column, message: message)
    }

    private func syntaxError(_ error: YamlError) -> ModelConfigurationError {
        let problem = YAMLDiagnostics.problem(for: error)
        return invalid(line: problem.line, column: problem.column, problem.message)
    }
}
