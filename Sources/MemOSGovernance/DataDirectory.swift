import Crypto
import Foundation
import MemOSBackends
import Logging
import MemOSCore
import MemOSMiniLM
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

    public func openStore(maximumReaders: Int = 5) throws -> SQLiteStore {
        try SQLiteStore(path: databaseURL.path, maximumReaders: maximumReaders)
    }

    /// `MEMOS_SQLITE_READERS`: how many connections read the database at once (default 5).
    static func readerCount(environment: [String: String]) throws -> Int {
        guard let raw = environment["MEMOS_SQLITE_READERS"] else { return 5 }
        guard let count = Int(raw.trimmingCharacters(in: .whitespaces)), (1...64).contains(count) else {
            throw GovernanceError.invalidInput(field: "MEMOS_SQLITE_READERS", message: "must be a whole number from 1 to 64, got '\(raw)'")
        }
        return count
    }
}

/// Everything the gateway needs from governance, opened together from one data directory.
public struct Governance: Sendable {
    /// The policy in force; `policy apply` replaces it while the gateway runs.
    public let activePolicy: ActivePolicy
    public var policy: PolicySet { activePolicy.current }
    public let identity: IdentityService
    public let memories: MemoryService
    public let keyring: Keyring
    /// Where every operation is recorded; `auditLog` is the same trail when it is the real one.
    public let audit: any AuditSink
    public let auditLog: AuditLog?
    public let tracer: WatermarkTracer?
    /// The key file, when the master key came from one (rotation rewrites it).
    public let masterKeyFile: URL?
    /// The configured chat model (OpenAI-compatible), nil when none: chat is then refused.
    public let languageModel: (any LanguageModel)?
    /// Background tasks, working memory, next-scene preloading and activation memory.
    public let scheduler: MemScheduler
    /// Chat with memory over `languageModel` (refused with a clear problem when it is nil).
    public var chat: ChatService { ChatService(memories: memories, scheduler: scheduler, model: languageModel) }
    /// Parametric memory (adapters) and activation KV snapshots: sealed, labelled, versioned, erasable.
    public var artifacts: ArtifactService {
        ArtifactService(store: store, keyring: keyring, memories: memories, scheduler: scheduler, activePolicy: activePolicy)
    }
    let store: any GovernanceStore

    /// Opens governance over a store. `audit` and `sealer` replace the hash-chained trail and
    /// real encryption only in the governance-overhead benchmark.
    public static func make(
        store: any GovernanceStore, policy: PolicySet, masterKey: MasterKey, passwordHasher: PasswordHasher = PasswordHasher(),
        languageModel: (any LanguageModel)? = nil, embedder: any Embedder = HashingEmbedder(),
        reranker: (any Reranker)? = nil, checkpointEvery: Int = 256, checkpointInterval: Duration = .seconds(60),
        nullKeyringAndAudit: Bool = false, masterKeyFile: URL? = nil
    ) async throws -> Governance {
        let keyring = Keyring(store: store, masterKey: masterKey)
        let activePolicy = ActivePolicy(policy)
        let identity = IdentityService(
            store: store, policy: policy, apiKeySecrets: try await keyring.systemKey(IdentityService.apiKeyPurpose),
            sessionTokens: try await keyring.systemKey(IdentityService.sessionPurpose), passwordHasher: passwordHasher,
            activePolicy: activePolicy)
        let auditLog: AuditLog? =
            nullKeyringAndAudit
            ? nil
            : AuditLog(
                store: store, signingKey: try await keyring.signingKey(),
                hmacKey: { tenantID in
                    guard let tenantID else { return try await keyring.systemKey("platform-audit-hmac") }
                    let tenantKey = try await keyring.tenantKey(tenantID).key
                    return SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("audit-hmac".utf8), using: tenantKey))
                },
                policyHash: { activePolicy.current.hash }, checkpointEvery: checkpointEvery, checkpointInterval: checkpointInterval)
        let audit: any AuditSink = auditLog ?? NullAuditSink()
        let memories = MemoryService(
            store: store, keyring: keyring, policy: policy, audit: audit,
            sealer: nullKeyringAndAudit ? .unencryptedForBenchmarks(keyring: keyring) : nil,
            fineReader: languageModel.map { FineModeReader(model: $0) }, embedder: embedder,
            retrieval: embedder is HashingEmbedder ? RetrievalOptions() : .semantic, reranker: reranker,
            activePolicy: activePolicy)
        memories.addErasureObserver(ArtifactErasureObserver(store: store, keyring: keyring, audit: audit))
        memories.addDerivedDataIndex(ArtifactSubjectIndex(store: store, keyring: keyring))
        let governance = Governance(
            activePolicy: activePolicy, identity: identity, memories: memories, keyring: keyring, audit: audit, auditLog: auditLog,
            tracer: auditLog.map { WatermarkTracer(memories: memories, auditLog: $0) }, masterKeyFile: masterKeyFile,
            languageModel: languageModel, scheduler: MemScheduler(memories: memories, activePolicy: activePolicy), store: store)
        await governance.scheduler.attach()
        memories.addErasureObserver(SchedulerErasureObserver(scheduler: governance.scheduler))
        try await audit.append(
            AuditEvent(
                tenantID: nil, actorKind: "system", action: "policy.load", details: ["policy_hash": policy.hash]))
        return governance
    }

    /// Whether the store answers; what `/readyz` reports.
    public func isReady() async -> Bool {
        (try? await store.ping()) != nil
    }

    /// Signed audit checkpoints on a timer (even when idle) and the scheduler (retention sweeps,
    /// lifecycle passes, working-memory timers), until cancelled.
    public func runBackgroundTasks() async {
        let sweeper = RetentionSweeper(memories: memories, activePolicy: activePolicy)
        await withTaskGroup(of: Void.self) { group in
            if let auditLog {
                group.addTask { await auditLog.runCheckpointTimer() }
            }
            // Retention purges run as scheduler tasks, with its other periodic work.
            let artifacts = self.artifacts
            group.addTask {
                await scheduler.run(retention: sweeper, expireUploads: { try await artifacts.expirePendingUploads() })
            }
        }
    }

    /// Opens a data directory with the policies in `policyDirectory`; throws if either is unusable.
    public static func open(
        dataDirectory: DataDirectory, policyDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordHasher: PasswordHasher = PasswordHasher()
    ) async throws -> Governance {
        var masterKey = try dataDirectory.loadMasterKey(environment: environment)
        let policy = try PolicySet.load(directory: policyDirectory)
        let models = try ModelConfiguration.load(dataDirectory: dataDirectory.url, environment: environment)
        let store = try dataDirectory.openStore(maximumReaders: try DataDirectory.readerCount(environment: environment))
        let keyFile = environment[MasterKey.environmentVariable] == nil ? dataDirectory.masterKeyURL : nil
        if let keyFile {
            masterKey = try await resolveInterruptedRotation(keyFile: keyFile, loaded: masterKey, store: store)
        }
        return try await make(
            store: store, policy: policy, masterKey: masterKey, passwordHasher: passwordHasher,
            languageModel: models.llm.map { OpenAICompatibleChatModel(endpoint: $0) },
            embedder: embedder(for: models.embedder),
            reranker: try OpenAICompatibleReranker.fromEnvironment(environment).map { OpenAICompatibleReranker(endpoint: $0) },
            masterKeyFile: keyFile)
    }

    /// The configured embedder; the built-in one needs no server.
    ///
    /// MiniLM is loaded (and its files verified) here, once per process: wrong weights always
    /// stop startup with an error naming the file; missing weights do too when MiniLM was chosen
    /// explicitly, and otherwise (the default) leave the hashing embedder with a logged notice.
    static func embedder(for choice: EmbedderChoice) throws -> any Embedder {
        switch choice {
        case .builtin: return HashingEmbedder()
        case .miniLM(let directory, let required):
            let logger = Logger(label: "memos-gateway.models")
            switch Result(catching: { () throws(MiniLMError) in try MiniLMEmbedder.shared(directory: directory) }) {
            case .success(let embedder):
                logger.info("embedder", metadata: ["embedder": .string(embedder.identifier), "directory": .string(directory.path)])
                return embedder
            case .failure(.missingFile(let path)) where !required:
                logger.notice(
                    "MiniLM weights not found, using the builtin hashing embedder (run scripts/setup.sh or set MEMOS_MINILM_DIR)",
                    metadata: ["missing": .string(path)])
                return HashingEmbedder()
            case .failure(let error):
                throw error
            }
        case .openAI(let endpoint, let dimensions):
            return OpenAICompatibleEmbedder(endpoint: endpoint, dimensions: dimensions)
        }
    }
}
