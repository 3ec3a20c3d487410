import Foundation
import Hummingbird
import MemOSCore
import MemOSGovernance

/// `/product/*`: the MemOS server's API shapes, mapped onto ours under our authentication.
///
/// Existing MemOS clients keep their requests and response envelopes (`{"code", "message",
/// "data"}`), but nothing in a body decides who they are or which tenant they reach: `user_id`
/// must name the credential's own user (username or id), or the request is refused (403) before
/// anything is read or stored; `mem_cube_id` and the cube lists must name cubes the acting role
/// may use (by id or name; the user's own id or username means the persona's default cube, as a
/// MemOS user cube does), and any other cube, another tenant's included, answers 404. Every
/// operation then runs through the same governed services as `/v1` (labels, redaction,
/// watermarks, audit).
struct ProductRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("add") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ProductAddRequest.self, from: request)
            try Self.checkUser(input.userID, caller)
            var targets: [String?] = [nil]
            if let cubes = input.cubes {
                targets = try await cubes.asyncMap { try await resolveCube($0, caller).id.uuidString.lowercased() }
            }
            let add: AddMemoriesInput
            if let text = input.text {
                add = .items([MemoryContent(text: text, tags: input.tags, info: input.info)])
            } else {
                // MemOS reads `sync` adds with its fine reader and `async` ones fast, refined
                // later; without a model both are read fast.
                let hasModel = governance.languageModel != nil
                add = .messages(
                    input.messages ?? [],
                    reading: MessageReading(
                        mode: hasModel && !input.asyncMode ? .fine : .fast, refineInBackground: hasModel && input.asyncMode,
                        tags: input.tags, info: input.info))
            }
            var stored: [MemoryView] = []
            for cube in targets {
                stored += try await governance.memories.addMemories(caller, cube: cube, input: add).memories
            }
            return try JSONCoding.response(
                ProductEnvelope(message: "Memory added successfully", data: stored.map(ProductAddedMemory.init)))
        }
        group.post("search") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ProductSearchRequest.self, from: request)
            try Self.checkUser(input.userID, caller)
            let cubes = try await input.cubes?.asyncMap { try await resolveCube($0, caller).id.uuidString.lowercased() }
            let hits = try await governance.memories.search(
                caller, query: input.query, topK: input.topK, cubes: cubes, filter: MemoryFilter())
            let outputs = hits.map { ProductMemoryOutput(view: $0.memory, score: $0.score) }
            return try JSONCoding.response(
                ProductEnvelope(
                    message: "Search completed successfully",
                    data: ProductSearchData(textMemories: ProductCubeMemories.grouped(outputs))))
        }
        group.post("chat/complete") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let chat = try await chatRequest(try await body.decode(ProductChatRequest.self, from: request), caller)
            let result = try await governance.chat.complete(caller, chat)
            return try JSONCoding.response(ProductEnvelope(message: "Chat completed successfully", data: ProductChatData(result: result)))
        }
        // MemOS's product API streams `/product/chat`; its server API calls the same `/chat/stream`.
        for path in ["chat", "chat/stream"] {
            group.post(RouterPath(path)) { request, context in
                let caller = try context.memoryCaller(for: request, identity: governance.identity)
                let chat = try await chatRequest(try await body.decode(ProductChatRequest.self, from: request), caller)
                let (preparation, events) = try await governance.chat.stream(caller, chat)
                return ServerSentEvents.response { writer in
                    try await writer.write(
                        ServerSentEvents.event(
                            nil, ProductStreamEvent(type: "reference", data: preparation.memoriesUsed.map(ProductReference.init))))
                    do {
                        for try await event in events {
                            switch event {
                            case .delta(let text):
                                try await writer.write(ServerSentEvents.event(nil, ProductStreamEvent(type: "text", data: text)))
                            case .done(let result):
                                try await writer.write(
                                    ServerSentEvents.event(nil, ProductStreamEvent(type: "end", data: ProductStreamEnd(result: result))))
                            }
                        }
                    } catch {
                        let mapped = ErrorMapping.map(error)
                        try await writer.write(
                            ServerSentEvents.event(nil, ProductStreamError(content: mapped.detail, status: mapped.status.code)))
                    }
                }
            }
        }
        group.post("get_memory") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ProductGetMemoryRequest.self, from: request)
            try Self.checkUser(input.userID, caller)
            let cube = try await resolveCube(input.memCubeID, caller)
            let reference = cube.id.uuidString.lowercased()
            var views: [MemoryView] = []
            var cursor: String?
            if let page = input.page, let size = input.pageSize {
                for index in 1...page {
                    let batch = try await governance.memories.list(caller, cube: reference, limit: size, cursor: cursor)
                    if index == page { views = batch.memories }
                    guard let next = batch.nextCursor else { break }
                    cursor = next
                }
            } else {
                repeat {
                    let batch = try await governance.memories.list(caller, cube: reference, limit: 1_000, cursor: cursor)
                    views += batch.memories
                    cursor = batch.nextCursor
                } while cursor != nil
            }
            return try JSONCoding.response(
                ProductEnvelope(
                    message: "Memories retrieved successfully",
                    data: ProductGetMemoryData(cubeID: reference, nodes: views.map { ProductMemoryOutput(view: $0, score: nil) })))
        }
        group.get("get_memory/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let view = try await governance.memories.get(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(
                ProductEnvelope(message: "Memory retrieved successfully", data: ProductMemoryOutput(view: view, score: nil)))
        }
        group.post("delete_memory") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ProductDeleteMemoryRequest.self, from: request)
            try Self.checkUser(input.userID, caller)
            var allowed: Set<UUID>?
            if let cubes = input.writableCubes {
                allowed = Set(try await cubes.asyncMap { try await resolveCube($0, caller).id })
            }
            // Every id is checked before anything is deleted, so a bad id deletes nothing.
            var ids: [UUID] = []
            for raw in input.memoryIDs {
                guard let id = UUID(uuidString: raw) else { throw GovernanceError.notFound("no memory \(raw)") }
                let view = try await governance.memories.get(caller, id: id)
                if let allowed, !allowed.contains(view.cube.id) {
                    throw GovernanceError.notFound("memory \(raw) is not in the cubes named in writable_cube_ids")
                }
                if !ids.contains(id) { ids.append(id) }
            }
            for id in ids {
                try await governance.memories.delete(caller, id: id)
            }
            return try JSONCoding.response(
                ProductEnvelope(
                    message: "Memories deleted successfully", data: ProductDeleteData(deleted: ids.map { $0.uuidString.lowercased() })))
        }
    }

    // MARK: - Identity and cubes

    /// A MemOS `user_id` must be the credential's own user; it never selects one.
    static func checkUser(_ userID: String?, _ caller: MemoryCaller) throws {
        guard let userID else { return }
        guard userID == caller.user.username || userID.lowercased() == caller.user.id.uuidString.lowercased() else {
            throw GovernanceError.forbidden(
                "user_id '\(userID)' does not match the credential, which belongs to '\(caller.user.username)': "
                    + "the user comes from the API key, never from the request")
        }
    }

    /// The cube a MemOS cube reference names among those the role may read: by id, by name, or
    /// (the user's own id or username) the persona's default cube. Anything else is not found.
    func resolveCube(_ reference: String, _ caller: MemoryCaller) async throws -> CubeView {
        let cubes = try await governance.memories.cubes(caller)
        if reference == caller.user.username || reference.lowercased() == caller.user.id.uuidString.lowercased() {
            guard let own = cubes.first(where: { $0.subspace == "persona" && $0.name == MemoryService.defaultCubeName }) else {
                throw GovernanceError.notFound("no cube '\(reference)': role '\(caller.role.name)' has no cube of its own")
            }
            return own
        }
        if let id = UUID(uuidString: reference) {
            guard let cube = cubes.first(where: { $0.id == id }) else { throw GovernanceError.notFound("no cube '\(reference)'") }
            return cube
        }
        let named = cubes.filter { $0.name == reference }
        guard let cube = named.first else { throw GovernanceError.notFound("no cube '\(reference)'") }
        guard named.count == 1 else {
            throw GovernanceError.conflict(
                "cube name '\(reference)' is ambiguous (\(named.count) cubes in \(named.map(\.subspace).joined(separator: ", "))); name it by id")
        }
        return cube
    }

    /// A MemOS chat request as ours: history then the query, cubes checked, the model named
    /// (if at all) the one this gateway serves.
    func chatRequest(_ input: ProductChatRequest, _ caller: MemoryCaller) async throws -> ChatRequest {
        try Self.checkUser(input.userID, caller)
        if let requested = input.model, let served = governance.chat.modelIdentifier,
            requested != served, "openai:\(requested)" != served
        {
            throw GovernanceError.invalidInput(
                field: "model_name_or_path", message: "model '\(requested)' is not served here; this gateway's chat model is '\(served)'")
        }
        let readCubes = try await input.readCubes?.asyncMap { try await resolveCube($0, caller).id.uuidString.lowercased() }
        var writeCube: String?
        if let reference = input.writeCube {
            writeCube = try await resolveCube(reference, caller).id.uuidString.lowercased()
        }
        return ChatRequest(
            messages: input.history + [ChatTurn(role: "user", content: input.query)], sessionID: input.sessionID,
            cubes: readCubes, topK: input.topK, temperature: input.temperature ?? ChatRequest.defaultTemperature,
            writeMemories: input.addMessageOnAnswer, cube: writeCube, instructions: input.instructions)
    }
}

extension Array {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        results.reserveCapacity(count)
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
