import Foundation
import Synchronization
import MemOSCore
import MemOSStore

/// Every memory operation, governed: the caller's tenant bounds every query, the acting role's
/// grants decide which cubes it may read or write, content is sealed before it reaches the
/// store, and the in-memory indexes follow every committed write.
public final class MemoryService: Sendable {
    /// The cube a persona writes to when a request names none.
    public static let defaultCubeName = "default"
    /// Score factor for matches in the acting persona's working memory.
    public static let workingMemoryBoost = 2.0
    /// Largest batch stored in one atomic call.
    public static let maxBatch = 1_000

    let store: any GovernanceStore
    let keyring: Keyring
    let sealer: MemoryPayloadSealer
    let audit: any AuditSink
    /// The policy in force; labeler and presenter follow it when it is replaced.
    let activePolicy: ActivePolicy
    var labeler: MemoryLabeler { MemoryLabeler(policy: activePolicy.current) }
    var presenter: MemoryPresenter {
        let policy = activePolicy.current
        return presenters.withLock { cached in
            if let cached, cached.hash == policy.hash { return cached.presenter }
            let presenter = MemoryPresenter(policy: policy)
            cached = (policy.hash, presenter)
            return presenter
        }
    }
    /// The presenter of the current policy, built once per policy rather than per memory.
    private let presenters = Mutex<(hash: String, presenter: MemoryPresenter)?>(nil)
    let reader: MessageWindowReader
    let indexes = CubeIndexRegistry()
    let directory: CubeDirectory
    let usageRecorder: UsageRecorder
    /// nil when no chat model is configured: fine mode is then refused with a clear message.
    let fineReader: FineModeReader?
    let refinements = RefinementQueue()
    /// Dense vectors for hybrid retrieval; computed once per version and stored sealed.
    let embedder: any Embedder
    let retrieval: RetrievalOptions
    /// Optional second-stage ranking by a cross-encoder; nil when none is configured.
    let reranker: (any Reranker)?
    /// Holders of data derived from memories, told of every erasure (see `ErasureObserver`).
    let erasureObservers = Mutex<[any ErasureObserver]>([])
    /// Holders of derived data asked what comes from a subject (see `DerivedDataIndex`).
    let derivedIndexes = Mutex<[any DerivedDataIndex]>([])
    /// How many fused candidates a reranker reads (at least top_k).
    public static let rerankDepth = 30

    /// `sealer` defaults to real encryption under `keyring`; only the governance-overhead
    /// benchmark passes another, as it does a `NullAuditSink` for `audit`.
    public init(
        store: any GovernanceStore, keyring: Keyring, policy: PolicySet, audit: any AuditSink,
        sealer: MemoryPayloadSealer? = nil, reader: MessageWindowReader = MessageWindowReader(),
        fineReader: FineModeReader? = nil, embedder: any Embedder = HashingEmbedder(),
        retrieval: RetrievalOptions = RetrievalOptions(), reranker: (any Reranker)? = nil,
        activePolicy: ActivePolicy? = nil
    ) {
        self.reranker = reranker
        self.store = store
        self.keyring = keyring
        self.sealer = sealer ?? MemoryPayloadSealer(keyring: keyring)
        self.audit = audit
        self.activePolicy = activePolicy ?? ActivePolicy(policy)
        self.reader = reader
        self.fineReader = fineReader
        self.embedder = embedder
        self.retrieval = retrieval
        self.usageRecorder = UsageRecorder(store: store)
        self.directory = CubeDirectory(store: store)
    }

    /// Embeddings of the memories' texts. A failing embedder (a remote server down) must not
    /// lose the write: the memories are stored without vectors, and the next index load
    /// computes the missing ones.
    func vectors(for items: [MemoryItem]) async -> [[Float]?] {
        guard !items.isEmpty else { return [] }
        let texts = items.map { MemoryIndex.embeddingText(of: $0.content) }
        guard let vectors = try? await embedder.embed(texts), vectors.count == items.count else {
            return Array(repeating: nil, count: items.count)
        }
        return vectors
    }

    /// Registers a holder of derived data so subject, tenant and retention erasure reach it.
    public func addErasureObserver(_ observer: any ErasureObserver) {
        erasureObservers.withLock { $0.append(observer) }
    }

    /// Registers a holder of derived data so subject access exports list what it keeps.
    public func addDerivedDataIndex(_ index: any DerivedDataIndex) {
        derivedIndexes.withLock { $0.append(index) }
    }

    // MARK: Cubes

    public func createCube(_ caller: MemoryCaller, name: String, subspace requested: String?, now: Date = Date())
        async throws -> CubeView
    {
        try await auditedWrite(caller, "cube.create") {
            try NameRules.validateCubeName(name)
            let subspace = try parseSubspace(requested, caller: caller)
            guard caller.may(.manage, in: subspace) else {
                throw GovernanceError.forbidden(
                    "role '\(caller.role.name)' may not create cubes in '\(caller.displayName(of: subspace))'")
            }
            let record = CubeRecord(
                id: UUID.v7(at: now), tenantID: caller.tenantID, subspace: subspace.storageKey, name: name,
                createdBy: caller.user.id, createdAt: now)
            try await auditSuccess(
                caller, "cube.create",
                AuditNote(resources: [record.id.uuidString.lowercased()], details: ["subspace": caller.displayName(of: subspace)]),
                status: 201)
            do {
                try await store.createCube(record)
                directory.invalidate(tenantID: caller.tenantID)
            } catch StoreError.conflict {
                throw GovernanceError.conflict("a cube named '\(name)' already exists in '\(caller.displayName(of: subspace))'")
            }
            return view(of: record, for: caller)
        }
    }

    /// Every cube the acting role may read, its own default cube included.
    public func cubes(_ caller: MemoryCaller) async throws -> [CubeView] {
        try await auditedRead(caller, "cube.list") {
            if caller.may(.write, in: caller.personaSubspace) {
                _ = try await defaultCube(caller)
            }
            let cubes = try await readableCubes(caller).map { view(of: $0, for: caller) }
            return (cubes, AuditNote(resources: cubes.map { $0.id.uuidString.lowercased() }))
        }
    }

    /// Internal (not private) so cube import places its new cube like `createCube` does.
    func parseSubspace(_ requested: String?, caller: MemoryCaller) throws -> Subspace {
        switch requested {
        case nil, "persona":
            return caller.personaSubspace
        case "tenant":
            return .tenant
        case let value? where value.hasPrefix("team/"):
            let name = String(value.dropFirst("team/".count))
            guard Subspace.isValidTeamName(name) else {
                throw GovernanceError.invalidInput(
                    field: "subspace", message: "team name must be 1-63 characters of a-z, 0-9 and '-'")
            }
            return .team(name)
        case let value?:
            throw GovernanceError.invalidInput(
                field: "subspace", message: "unknown subspace '\(value)' (expected persona, team/<name> or tenant)")
        }
    }

    func readableCubes(_ caller: MemoryCaller) async throws -> [CubeRecord] {
        try await attachShares(caller)  // cube sharing: shared cubes are readable too
        return try await directory.cubes(tenantID: caller.tenantID).filter { caller.may(.read, cube: $0) }
    }

    func defaultCube(_ caller: MemoryCaller) async throws -> CubeRecord {
        let key = caller.personaSubspace.storageKey
        func existing() async throws -> CubeRecord? {
            try await directory.cubes(tenantID: caller.tenantID).first {
                $0.subspace == key && $0.name == Self.defaultCubeName
            }
        }
        if let cube = try await existing() { return cube }
        let now = Date()
        let record = CubeRecord(
            id: UUID.v7(at: now), tenantID: caller.tenantID, subspace: key, name: Self.defaultCubeName,
            createdBy: caller.user.id, createdAt: now)
        do {
            try await store.createCube(record)
            directory.invalidate(tenantID: caller.tenantID)
            return record
        } catch StoreError.conflict {
            // Another request (or process) created it first.
            directory.invalidate(tenantID: caller.tenantID)
            guard let cube = try await existing() else {
                throw GovernanceError.unavailable("default cube vanished while being created")
            }
            return cube
        }
    }

    /// Finds a cube by id or name among those the caller may read, then checks `access`.
    /// A cube the caller may not read answers exactly like a missing one.
    func resolveCube(_ caller: MemoryCaller, reference: String?, access: SubspaceAccess) async throws -> CubeRecord {
        let cube: CubeRecord
        try await attachShares(caller)  // cube sharing: shares count as grants below
        if let reference {
            if let id = UUID(uuidString: reference) {
                guard let found = try await directory.cube(tenantID: caller.tenantID, id: id), caller.may(.read, cube: found)
                else { throw GovernanceError.notFound("no cube '\(reference)'") }
                cube = found
            } else {
                // Cube sharing: the caller's own cubes win a name clash with cubes shared with it.
                let named = try await readableCubes(caller).filter { $0.name == reference }
                let owned = named.filter { !caller.isShared($0) }
                let matches = owned.isEmpty ? named : owned
                guard let first = matches.first else { throw GovernanceError.notFound("no cube '\(reference)'") }
                guard matches.count == 1 else {
                    throw GovernanceError.conflict(
                        "cube name '\(reference)' is ambiguous (\(matches.count) cubes in "
                            + matches.map { view(of: $0, for: caller).subspace }.joined(separator: ", ")
                            + "); name it by id")
                }
                cube = first
            }
        } else {
            guard caller.may(access, in: caller.personaSubspace) else {
                throw GovernanceError.forbidden(
                    "role '\(caller.role.name)' may not \(access.rawValue) its persona subspace")
            }
            cube = try await defaultCube(caller)
        }
        guard caller.may(access, cube: cube) else {
            throw GovernanceError.forbidden(
                "role '\(caller.role.name)' may not \(access.rawValue) cube '\(cube.name)'")
        }
        return cube
    }

    func view(of cube: CubeRecord, for caller: MemoryCaller) -> CubeView {
        var subspace = Subspace(storageKey: cube.subspace).map(caller.displayName(of:)) ?? cube.subspace
        // Cube sharing: another user's persona is shown by its storage key, never as "persona".
        if case .persona(let owner, _)? = Subspace(storageKey: cube.subspace), owner != caller.user.id {
            subspace = cube.subspace
        }
        return CubeView(
            id: cube.id, name: cube.name, subspace: subspace, createdAt: cube.createdAt, shared: caller.isShared(cube))
    }

    // MARK: Store errors

    func translatingStoreErrors<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw Self.translate(error)
        }
    }

    static func translate(_ error: StoreError) -> GovernanceError {
        switch error {
        case .conflict(let message): .conflict(message)
        case .notFound(let message): .notFound(message)
        case .versionMismatch(let expected, let actual):
            .conflict("version mismatch: expected \(expected), found \(actual)")
        case .unavailable(let message): .unavailable("store unavailable: \(message)")
        }
    }
}

extension Date {
    /// The store keeps milliseconds; rounding first makes the in-memory copy equal the stored one.
    var roundedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
