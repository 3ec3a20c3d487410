import Foundation
import MemOSBackends
import MemOSCore
import MemOSStore

/// The on-disk home of one gateway: its master key file and its database.
///
/// Created once by `memos-admin init`; the gateway refuses to run from a directory without a
/// usable master key rather than invent one, so data can never be written under a key nobody kept.
public struct DataDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public var masterKeyURL: URL { url.appendingPathComponent("master.key") }
    public var databaseURL: URL { url.appendingPathComponent("memos.sqlite") }

    /// Creates the directory (0700), a new master key (0600) and the first platform operator,
    /// returning the operator's API key, which is shown this once and stored only as a hash.
    public static func initialize(at url: URL, operatorName: String = "admin") async throws -> (DataDirectory, String) {
        let directory = DataDirectory(url: url)
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: directory.masterKeyURL.path)
            || fileManager.fileExists(atPath: directory.databaseURL.path)
        {
            throw GovernanceError.conflict("\(url.path) is already initialised")
        }
        try fileManager.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let masterKey = try MasterKey.generate(at: directory.masterKeyURL)
        let store = try SQLiteStore(path: directory.databaseURL.path)
        let token = try await IdentityService.bootstrapOperator(store: store, masterKey: masterKey, name: operatorName)
        return (directory, token)
    }

    /// The master key: `MEMOS_MASTER_KEY` when set, else the key file. Missing, empty or
    /// malformed keys are errors, never defaults.
    public func loadMasterKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        if let value = environment["MEMOS_MASTER_KEY"] {
            return try MasterKey.fromEnvironment(value)
        }
        return try MasterKey.load(from: masterKeyURL)
    }

    public func openStore() throws -> SQLiteStore {
        try SQLiteStore(path: databaseURL.path)
    }
}

/// Everything the gateway needs from governance, opened together from one data directory.
public struct Governance: Sendable {
    public let policy: PolicySet
    public let identity: IdentityService
    public let memories: MemoryService
    let store: any GatewayStore

    public init(
        store: any GatewayStore, policy: PolicySet, masterKey: MasterKey, passwordHasher: PasswordHasher = PasswordHasher(),
        languageModel: (any LanguageModel)? = nil, embedder: any Embedder = HashingEmbedder(),
        reranker: (any Reranker)? = nil
    ) {
        self.policy = policy
        self.store = store
        self.identity = IdentityService(store: store, policy: policy, masterKey: masterKey, passwordHasher: passwordHasher)
        self.memories = MemoryService(
            store: store, sealer: MemoryPayloadSealer(masterKey: masterKey),
            fineReader: languageModel.map { FineModeReader(model: $0) }, embedder: embedder, reranker: reranker)
    }

    /// Whether the store answers; what `/readyz` reports.
    public func isReady() async -> Bool {
        (try? await store.ping()) != nil
    }

    /// Opens a data directory with the policies in `policyDirectory`; throws if either is unusable.
    public static func open(
        dataDirectory: DataDirectory, policyDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordHasher: PasswordHasher = PasswordHasher()
    ) throws -> Governance {
        let masterKey = try dataDirectory.loadMasterKey(environment: environment)
        let policy = try PolicySet.load(directory: policyDirectory)
        let models = try ModelConfiguration.load(dataDirectory: dataDirectory.url, environment: environment)
        let store = try dataDirectory.openStore()
        return Governance(
            store: store, policy: policy, masterKey: masterKey, passwordHasher: passwordHasher,
            languageModel: models.llm.map { OpenAICompatibleChatModel(endpoint: $0) },
            embedder: embedder(for: models.embedder),
            reranker: try OpenAICompatibleReranker.fromEnvironment(environment).map { OpenAICompatibleReranker(endpoint: $0) })
    }

    /// The configured embedder; the built-in one needs no server.
    static func embedder(for choice: EmbedderChoice) -> any Embedder {
        switch choice {
        case .builtin: HashingEmbedder()
        case .openAI(let endpoint, let dimensions): OpenAICompatibleEmbedder(endpoint: endpoint, dimensions: dimensions)
        }
    }
}
