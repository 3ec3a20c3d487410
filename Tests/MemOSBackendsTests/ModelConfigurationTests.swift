import Foundation
import MemOSBackends
import Testing

@Suite("Model configuration")
struct ModelConfigurationTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("memos-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The error `resolve` throws (a failed expectation when it succeeds).
    static func error(yaml: String? = nil, _ environment: [String: String] = [:]) -> ModelConfigurationError? {
        do {
            let configuration = try ModelConfiguration.resolve(yaml: yaml, environment: environment)
            Issue.record("expected an error, got \(configuration)")
            return nil
        } catch {
            return error
        }
    }

    static let fullFile = """
        # Models for this gateway.
        llm:
          base_url: http://127.0.0.1:11434/v1
          model: qwen2.5:7b
          api_key: file-llm-key
          timeout_seconds: 90
          max_retries: 5
        embedder:
          kind: openai
          base_url: http://127.0.0.1:8081/v1/
          model: bge-m3
          api_key: file-embedding-key
          dimensions: 1024
        """

    @Test("No file and no environment: no LLM and the builtin embedder")
    func defaults() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try ModelConfiguration.load(dataDirectory: directory, environment: [:])
        #expect(configuration.llm == nil)
        #expect(configuration.embedder == .builtin)
        #expect(configuration == ModelConfiguration())
        // Unrelated and empty variables change nothing.
        let withNoise = try ModelConfiguration.load(
            dataDirectory: directory, environment: ["PATH": "/usr/bin", "MEMOS_LLM_BASE_URL": "", "MEMOS_EMBEDDER": " "])
        #expect(withNoise == ModelConfiguration())
        // A file with only comments is the same as no file.
        #expect(try ModelConfiguration.resolve(yaml: "# nothing yet\n", environment: [:]) == ModelConfiguration())
    }

    @Test("models.yaml in the data directory configures both backends")
    func fromFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.fullFile.write(to: directory.appendingPathComponent("models.yaml"), atomically: true, encoding: .utf8)
        let configuration = try ModelConfiguration.load(dataDirectory: directory, environment: [:])
        let llm = try #require(configuration.llm)
        #expect(llm.baseURL.absoluteString == "http://127.0.0.1:11434/v1")
        #expect(llm.model == "qwen2.5:7b")
        #expect(llm.apiKey == "file-llm-key")
        #expect(llm.timeout == .seconds(90))
        #expect(llm.maxRetries == 5)
        guard case .openAI(let endpoint, let dimensions) = configuration.embedder else {
            Issue.record("expected an openai embedder, got \(configuration.embedder)")
            return
        }
        #expect(endpoint.url(for: "embeddings") == "http://127.0.0.1:8081/v1/embeddings")
        #expect(endpoint.model == "bge-m3")
        #expect(endpoint.apiKey == "file-embedding-key")
        #expect(dimensions == 1024)
    }

    @Test("Environment variables override the file setting by setting")
    func environmentOverridesFile() throws {
        let configuration = try ModelConfiguration.resolve(
            yaml: Self.fullFile,
            environment: [
                "MEMOS_LLM_MODEL": "llama3.1:8b", "MEMOS_LLM_API_KEY": "env-llm-key", "MEMOS_LLM_TIMEOUT_SECONDS": "2.5",
                "MEMOS_EMBEDDINGS_DIMENSIONS": "768",
            ])
        let llm = try #require(configuration.llm)
        #expect(llm.model == "llama3.1:8b")
        #expect(llm.apiKey == "env-llm-key")
        #expect(llm.timeout == .milliseconds(2500))
        #expect(llm.baseURL.absoluteString == "http://127.0.0.1:11434/v1", "kept from the file")
        #expect(llm.maxRetries == 5, "kept from the file")
        guard case .openAI(let endpoint, let dimensions) = configuration.embedder else {
            Issue.record("expected an openai embedder, got \(configuration.embedder)")
            return
        }
        #expect(dimensions == 768)
        #expect(endpoint.model == "bge-m3")

        // MEMOS_EMBEDDER=builtin switches the file's openai embedder off.
        let builtin = try ModelConfiguration.resolve(yaml: Self.fullFile, environment: ["MEMOS_EMBEDDER": "builtin"])
        #expect(builtin.embedder == .builtin)
        #expect(builtin.llm?.model == "qwen2.5:7b")
    }

    @Test("The environment alone can configure both backends")
    func environmentOnly() throws {
        let configuration = try ModelConfiguration.resolve(
            yaml: nil,
            environment: [
                "MEMOS_LLM_BASE_URL": "https://api.openai.com/v1", "MEMOS_LLM_MODEL": "gpt-4o-mini",
                "MEMOS_EMBEDDER": "openai", "MEMOS_EMBEDDINGS_BASE_URL": "http://tei:8080/v1",
                "MEMOS_EMBEDDINGS_MODEL": "bge-small", "MEMOS_EMBEDDINGS_DIMENSIONS": "384",
            ])
        #expect(
            configuration.llm
                == BackendEndpoint(baseURL: URL(string: "https://api.openai.com/v1")!, model: "gpt-4o-mini"))
        #expect(
            configuration.embedder
                == .openAI(BackendEndpoint(baseURL: URL(string: "http://tei:8080/v1")!, model: "bge-small"), dimensions: 384))
    }

    @Test(
        "Environment problems are reported precisely",
        arguments: [
            (["MEMOS_EMBEDDER": "openai"], "MEMOS_EMBEDDER=openai needs MEMOS_EMBEDDINGS_BASE_URL"),
            (
                ["MEMOS_EMBEDDER": "openai", "MEMOS_EMBEDDINGS_BASE_URL": "http://e/v1"],
                "MEMOS_EMBEDDER=openai needs MEMOS_EMBEDDINGS_MODEL"
            ),
            (
                ["MEMOS_EMBEDDER": "openai", "MEMOS_EMBEDDINGS_BASE_URL": "http://e/v1", "MEMOS_EMBEDDINGS_MODEL": "m"],
                "MEMOS_EMBEDDER=openai needs MEMOS_EMBEDDINGS_DIMENSIONS"
            ),
            (
                ["MEMOS_EMBEDDER": "sentence-transformers"],
                "MEMOS_EMBEDDER must be minilm, hashing (or builtin) or openai, got 'sentence-transformers'"
            ),
            (
                ["MEMOS_EMBEDDINGS_MODEL": "bge-m3"],
                "MEMOS_EMBEDDINGS_MODEL is set but the embedder is the default builtin embedder; set MEMOS_EMBEDDER=openai to use it"
            ),
            (
                ["MEMOS_EMBEDDER": "openai", "MEMOS_EMBEDDINGS_BASE_URL": "http://e/v1", "MEMOS_EMBEDDINGS_MODEL": "m",
                 "MEMOS_EMBEDDINGS_DIMENSIONS": "0"],
                "MEMOS_EMBEDDINGS_DIMENSIONS must be an integer from 1 to 65536, got '0'"
            ),
            (["MEMOS_LLM_MODEL": "qwen2.5:7b"], "MEMOS_LLM_MODEL needs MEMOS_LLM_BASE_URL"),
            (["MEMOS_LLM_BASE_URL": "http://127.0.0.1:11434/v1"], "MEMOS_LLM_BASE_URL needs MEMOS_LLM_MODEL"),
            (
                ["MEMOS_LLM_BASE_URL": "localhost:11434", "MEMOS_LLM_MODEL": "m"],
                "MEMOS_LLM_BASE_URL must be an http(s) URL with a host and no query, e.g. http://127.0.0.1:11434/v1, got 'localhost:11434'"
            ),
            (
                ["MEMOS_LLM_BASE_URL": "http://h/v1", "MEMOS_LLM_MODEL": "m", "MEMOS_LLM_TIMEOUT_SECONDS": "soon"],
                "MEMOS_LLM_TIMEOUT_SECONDS must be a number of seconds above 0 and at most 3600, got 'soon'"
            ),
        ])
    func environmentErrors(environment: [String: String], message: String) {
        let error = Self.error(environment)
        #expect(error?.description == message)
    }

    @Test("An API key with spaces is refused without being shown")
    func badKeyNotShown() {
        let error = Self.error([
            "MEMOS_LLM_BASE_URL": "http://h/v1", "MEMOS_LLM_MODEL": "m", "MEMOS_LLM_API_KEY": "sk-has SECRET space",
        ])
        #expect(error == .invalidEnvironment(
            variable: "MEMOS_LLM_API_KEY", message: "must not contain spaces or control characters (value not shown)"))
        let fileError = Self.error(yaml: "llm:\n  base_url: http://h/v1\n  model: m\n  api_key: [SECRET]\n")
        #expect(fileError?.description.contains("SECRET") == false)
        #expect(fileError?.description.contains("line 4") == true)
    }

    @Test(
        "File problems name the line",
        arguments: [
            (
                "llm:\n  base_url: http://h/v1\n  modle: m\n",
                "models.yaml, line 3, column 3: unknown key 'modle' in llm (allowed: base_url, model, api_key, timeout_seconds, max_retries)"
            ),
            (
                "llm:\n  base_url: http://h/v1\n  model: m\nembeder:\n  kind: builtin\n",
                "models.yaml, line 4, column 1: unknown key 'embeder' in the top level (allowed: llm, embedder)"
            ),
            (
                "embedder:\n  kind: builtin\n  model: bge-m3\n",
                "models.yaml, line 3, column 3: embedder.model is only allowed with kind: openai (kind is builtin)"
            ),
            (
                "embedder:\n  model: bge-m3\n",
                "models.yaml, line 1, column 1: embedder needs 'kind' (minilm, hashing (or builtin) or openai)"
            ),
            (
                "llm:\n  base_url: ftp://h/v1\n  model: m\n",
                "models.yaml, line 2, column 13: llm.base_url must be an http(s) URL with a host and no query, e.g. http://127.0.0.1:11434/v1, got 'ftp://h/v1'"
            ),
            (
                "llm:\n  base_url: http://h/v1\n  model: m\n  max_retries: many\n",
                "models.yaml, line 4, column 16: llm.max_retries must be an integer from 0 to 10, got 'many'"
            ),
            ("llm: qwen\n", "models.yaml, line 1, column 6: llm must be a mapping, found 'qwen'"),
            ("- llm\n", "models.yaml, line 1, column 1: the top level must be a mapping, found a list"),
            (
                "llm:\n  base_url: http://h/v1\n  model: m\n  model: n\n",
                "models.yaml, line 3, column 3: duplicate key 'model' in the same mapping"
            ),
        ])
    func fileErrors(yaml: String, message: String) {
        #expect(Self.error(yaml: yaml)?.description == message)
    }

    @Test("A YAML syntax error names its line")
    func syntaxError() {
        let error = Self.error(yaml: "llm:\n  base_url: http://h/v1\n  model: [unclosed\n")
        guard case .invalidFile(let file, let line, _, let message) = error else {
            Issue.record("expected invalidFile, got \(String(describing: error))")
            return
        }
        #expect(file == "models.yaml")
        #expect(line == 4)
        #expect(message.hasPrefix("YAML syntax error"))
    }

    @Test("Incomplete file sections say what is missing and where")
    func incompleteFile() {
        #expect(
            Self.error(yaml: "\nllm:\n  model: m\n")?.description
                == "llm in models.yaml (line 2) needs base_url (in the file or as MEMOS_LLM_BASE_URL)")
        #expect(
            Self.error(yaml: "embedder:\n  kind: openai\n  base_url: http://e/v1\n  model: m\n")?.description
                == "embedder kind openai in models.yaml (line 2) needs dimensions (in the file or as MEMOS_EMBEDDINGS_DIMENSIONS)")
        // The environment can complete what the file leaves out.
        let completed = try? ModelConfiguration.resolve(
            yaml: "llm:\n  model: m\n", environment: ["MEMOS_LLM_BASE_URL": "http://h/v1"])
        #expect(completed?.llm?.model == "m")
    }

    // MARK: MiniLM

    static let home = ["HOME": "/home/ada"]
    static let defaultMiniLM = "/home/ada/.cache/memos-gateway/models/all-MiniLM-L6-v2"

    /// A MiniLM choice as (directory path, required), to compare without URL spelling details.
    static func miniLM(_ choice: EmbedderChoice) -> MiniLMChoice? {
        guard case .miniLM(let directory, let required) = choice else { return nil }
        return MiniLMChoice(path: directory.path, required: required)
    }

    struct MiniLMChoice: Equatable {
        let path: String
        let required: Bool
    }

    @Test("By default MiniLM is used from the user's cache directory when its weights are there")
    func miniLMDefault() throws {
        let configuration = try ModelConfiguration.resolve(yaml: nil, environment: Self.home)
        #expect(Self.miniLM(configuration.embedder) == MiniLMChoice(path: Self.defaultMiniLM, required: false))
        #expect(configuration.embedder.description.hasSuffix("(if present, else builtin)"))
        let xdg = try ModelConfiguration.resolve(yaml: nil, environment: ["HOME": "/home/ada", "XDG_CACHE_HOME": "/var/cache/ada"])
        #expect(
            Self.miniLM(xdg.embedder)
                == MiniLMChoice(path: "/var/cache/ada/memos-gateway/models/all-MiniLM-L6-v2", required: false))
        // The LLM settings are independent of the embedder.
        #expect(configuration.llm == nil)
    }

    @Test(
        "Hashing chosen by name, in the environment or the file, is used even when MiniLM weights exist",
        arguments: [
            (nil, ["MEMOS_EMBEDDER": "hashing"]),
            (nil, ["MEMOS_EMBEDDER": "builtin"]),
            ("embedder:\n  kind: hashing\n", [:]),
            ("embedder:\n  kind: builtin\n", [:]),
        ] as [(String?, [String: String])])
    func hashingChosen(yaml: String?, environment: [String: String]) throws {
        let configuration = try ModelConfiguration.resolve(yaml: yaml, environment: environment.merging(Self.home) { $1 })
        #expect(configuration.embedder == .builtin)
    }

    @Test("MiniLM chosen explicitly is required, from MEMOS_MINILM_DIR, the file or the default directory")
    func miniLMExplicit() throws {
        let chosen = try ModelConfiguration.resolve(yaml: nil, environment: ["MEMOS_EMBEDDER": "minilm", "HOME": "/home/ada"])
        #expect(Self.miniLM(chosen.embedder) == MiniLMChoice(path: Self.defaultMiniLM, required: true))
        #expect(chosen.embedder.description == "minilm \(Self.defaultMiniLM)")

        // MEMOS_MINILM_DIR alone chooses MiniLM: pointing at weights means wanting them.
        let pointed = try ModelConfiguration.resolve(yaml: nil, environment: ["MEMOS_MINILM_DIR": "/opt/models/minilm/"])
        #expect(Self.miniLM(pointed.embedder) == MiniLMChoice(path: "/opt/models/minilm", required: true))

        let file = "embedder:\n  kind: minilm\n  directory: /srv/minilm\n"
        let fromFile = try ModelConfiguration.resolve(yaml: file, environment: Self.home)
        #expect(Self.miniLM(fromFile.embedder) == MiniLMChoice(path: "/srv/minilm", required: true))
        let overridden = try ModelConfiguration.resolve(yaml: file, environment: ["MEMOS_MINILM_DIR": "/tmp/m"])
        #expect(Self.miniLM(overridden.embedder) == MiniLMChoice(path: "/tmp/m", required: true))

        // The environment's choice wins over the file's.
        let openAIFile = Self.fullFile
        let switched = try ModelConfiguration.resolve(yaml: openAIFile, environment: ["MEMOS_EMBEDDER": "minilm", "HOME": "/h"])
        #expect(
            Self.miniLM(switched.embedder) == MiniLMChoice(path: "/h/.cache/memos-gateway/models/all-MiniLM-L6-v2", required: true))
    }

    @Test(
        "MiniLM settings that cannot take effect are reported",
        arguments: [
            (nil, ["MEMOS_EMBEDDER": "minilm"], "MEMOS_EMBEDDER=minilm needs MEMOS_MINILM_DIR (no HOME or XDG_CACHE_HOME for the default model directory)"),
            (
                "embedder:\n  kind: hashing\n", ["MEMOS_MINILM_DIR": "/m"],
                "MEMOS_MINILM_DIR is set but the embedder is embedder kind builtin in models.yaml (line 2); set MEMOS_EMBEDDER=minilm to use it"
            ),
            (
                nil, ["MEMOS_MINILM_DIR": "/m", "MEMOS_EMBEDDINGS_MODEL": "bge-m3"],
                "MEMOS_EMBEDDINGS_MODEL is set but the embedder is MEMOS_MINILM_DIR (which chooses the minilm embedder); set MEMOS_EMBEDDER=openai to use it"
            ),
            (
                "embedder:\n  kind: minilm\n", ["MEMOS_EMBEDDINGS_BASE_URL": "http://e/v1", "HOME": "/h"],
                "MEMOS_EMBEDDINGS_BASE_URL is set but the embedder is embedder kind minilm in models.yaml (line 2); set MEMOS_EMBEDDER=openai to use it"
            ),
            (
                "embedder:\n  kind: minilm\n  model: bge-m3\n", [:],
                "models.yaml, line 3, column 3: embedder.model is only allowed with kind: openai (kind is minilm)"
            ),
            (
                "embedder:\n  kind: openai\n  directory: /m\n", [:],
                "models.yaml, line 3, column 3: embedder.directory is only allowed with kind: minilm (kind is openai)"
            ),
        ] as [(String?, [String: String], String)])
    func miniLMErrors(yaml: String?, environment: [String: String], message: String) {
        #expect(Self.error(yaml: yaml, environment)?.description == message)
    }

    @Test("MEMOS_EMBEDDER=openai ignores MEMOS_MINILM_DIR, as an explicit choice overrides stray settings")
    func explicitChoiceOverridesMiniLMDirectory() throws {
        let configuration = try ModelConfiguration.resolve(
            yaml: nil,
            environment: [
                "MEMOS_EMBEDDER": "openai", "MEMOS_EMBEDDINGS_BASE_URL": "http://e/v1", "MEMOS_EMBEDDINGS_MODEL": "m",
                "MEMOS_EMBEDDINGS_DIMENSIONS": "384", "MEMOS_MINILM_DIR": "/m",
            ])
        #expect(configuration.embedder == .openAI(BackendEndpoint(baseURL: URL(string: "http://e/v1")!, model: "m"), dimensions: 384))
    }

    @Test("load reports errors with the file's path")
    func loadNamesPath() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("models.yaml")
        try "llm:\n  base_url: http://h/v1\n  model: m\n  retries: 2\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try ModelConfiguration.load(dataDirectory: directory, environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidFile(
                file: file.path, line: 4, column: 3,
                message: "unknown key 'retries' in llm (allowed: base_url, model, api_key, timeout_seconds, max_retries)"))
        }
    }
}
