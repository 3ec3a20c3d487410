import Foundation
import MemOSCore

/// Chat with memory: retrieve for the acting persona, compose the prompt (activation prefix
/// first, then working memory and retrieved memories), call the configured model, hand the
/// answer back (watermarked where policy marks the memories it used), then store the turn as
/// new memories through the fast MemReader and tell the scheduler.
///
/// Governance holds as for any read: only memories the role may read go into the prompt, in
/// the form it may read them (redacted), and the answer's label is the highest label of what
/// was used, so memories written from it cannot launder a confidential fact into an internal
/// one. Every turn leaves a `chat.completion` audit record with the memory ids used (never
/// text) and the answer's mark, so a leaked answer traces back to its recipient.
public struct ChatService: Sendable {
    let memories: MemoryService
    let scheduler: MemScheduler
    let model: (any LanguageModel)?

    init(memories: MemoryService, scheduler: MemScheduler, model: (any LanguageModel)?) {
        self.memories = memories
        self.scheduler = scheduler
        self.model = model
    }

    /// The model's name, or nil when no model is configured (chat is then refused).
    public var modelIdentifier: String? { model?.identifier }

    /// One whole turn.
    public func complete(_ caller: MemoryCaller, _ request: ChatRequest) async throws -> ChatResult {
        try await memories.auditedWrite(caller, "chat.completion", personal: Self.personal(request.sessionID)) {
            let turn = try await prepare(caller, request)
            let raw = try await Self.upstream { try await turn.ask() }
            let visible = WatermarkCodec.strip(raw)
            var answer = visible
            if let stamp = turn.stamp {
                answer = stamp.codec.embed(visible, markID: stamp.markID)
                stamp.used()
            }
            let written = try await finish(caller, turn, answer: visible)
            try await memories.auditSuccess(caller, "chat.completion", note(turn, written: written, stream: false))
            return ChatResult(answer: answer, preparation: turn.preparation, written: written, model: turn.model.identifier)
        }
    }

    /// A streamed turn: refusals (bad input, no model, no access) are thrown before anything is
    /// streamed; afterwards the stream yields the answer's pieces, then `.done` once the turn is
    /// stored, or throws (`GovernanceError.upstream` when the model fails mid-answer).
    ///
    /// The audit record naming the answer's mark is written before the first piece leaves;
    /// a failure after that adds a failure record.
    public func stream(_ caller: MemoryCaller, _ request: ChatRequest) async throws -> (
        ChatPreparation, AsyncThrowingStream<ChatStreamEvent, any Error>
    ) {
        let turn = try await memories.auditedWrite(caller, "chat.completion", personal: Self.personal(request.sessionID)) {
            let turn = try await prepare(caller, request)
            turn.stamp?.used()
            try await memories.auditSuccess(caller, "chat.completion", note(turn, written: [], stream: true))
            return turn
        }
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            do {
                var watermarker = turn.stamp.map { StreamingWatermarker(codec: $0.codec, markID: $0.markID) }
                var visible = ""
                var answer = ""
                try await Self.upstream {
                    for try await piece in turn.streamAnswer() {
                        let clean = WatermarkCodec.strip(piece)
                        visible += clean
                        let out = watermarker?.feed(clean) ?? clean
                        answer += out
                        if !out.isEmpty { continuation.yield(.delta(out)) }
                    }
                }
                if let tail = watermarker?.finish(), !tail.isEmpty {
                    answer += tail
                    continuation.yield(.delta(tail))
                }
                let written = try await finish(caller, turn, answer: visible)
                continuation.yield(
                    .done(ChatResult(answer: answer, preparation: turn.preparation, written: written, model: turn.model.identifier)))
                continuation.finish()
            } catch {
                let failure = error as? GovernanceError ?? .unavailable("the chat stream was interrupted")
                var recorded = MemoryService.AuditNote(
                    resources: turn.preparation.memoriesUsed.map { $0.id.uuidString.lowercased() },
                    personal: Self.personal(turn.preparation.sessionID),
                    details: ["reason": Task.isCancelled ? "cancelled" : MemoryService.reason(of: failure), "stream": "true"])
                recorded.mark = turn.stamp?.recorded
                let status = Task.isCancelled ? 499 : MemoryService.auditStatus(of: failure)
                try? await memories.audit.append(
                    memories.event(caller, "chat.completion", recorded, outcome: .failure, status: status))
                continuation.finish(throwing: failure)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return (turn.preparation, stream)
    }

    // MARK: - Preparation

    /// Everything decided before the model is called.
    struct Turn: Sendable {
        let preparation: ChatPreparation
        let prompt: [ChatTurn]
        let model: any LanguageModel
        let temperature: Double
        let userMessage: String
        let stamp: WatermarkStamp?
        let writeCube: String?
        let writeMemories: Bool
        /// The label new memories from the turn ask for.
        let writeLabel: String

        var hints: CompletionHints { CompletionHints(cachePrompt: true) }

        func ask() async throws -> String {
            if let streaming = model as? any StreamingLanguageModel {
                return try await streaming.complete(prompt, temperature: temperature, hints: hints)
            }
            return try await model.complete(prompt, temperature: temperature, jsonOutput: false)
        }

        func streamAnswer() -> AsyncThrowingStream<String, any Error> {
            if let streaming = model as? any StreamingLanguageModel {
                return streaming.stream(prompt, temperature: temperature, hints: hints)
            }
            let model = self.model
            let prompt = self.prompt
            let temperature = self.temperature
            return AsyncThrowingStream { continuation in
                let task = Task {
                    do {
                        continuation.yield(try await model.complete(prompt, temperature: temperature, jsonOutput: false))
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
    }

    func prepare(_ caller: MemoryCaller, _ request: ChatRequest) async throws -> Turn {
        guard let model else {
            throw GovernanceError.unavailable(
                "chat needs a chat model, and this gateway has none configured: set MEMOS_LLM_BASE_URL and MEMOS_LLM_MODEL "
                    + "(or `llm:` in models.yaml in the data directory) to an OpenAI-compatible server")
        }
        let userMessage = try ChatValidation.validate(request)
        if request.writeMemories {
            do {
                _ = try await memories.resolveCube(caller, reference: request.cube, access: .write)
            } catch GovernanceError.forbidden(let message) {
                throw GovernanceError.forbidden(
                    "\(message); send write_memories: false to chat without storing the turn")
            }
        }
        let sessionID = request.sessionID ?? UUID.v7().uuidString.lowercased()
        let policy = memories.activePolicy.current
        let scale = policy.labels
        var used: [ChatMemoryUse] = []
        var seen: Set<UUID> = []

        // 1. The activation prefix (composed by the scheduler from what the persona may read,
        //    redacted), used only if the caller may still read every memory in it.
        var prefixText: String?
        var activationID: String?
        if let activation = try await scheduler.activation(caller), !activation.text.isEmpty {
            var uses: [ChatMemoryUse] = []
            var readable = true
            for id in activation.memoryIDs {
                guard let stored = try? await memories.readableStored(caller, id: id) else {
                    readable = false
                    break
                }
                uses.append(ChatMemoryUse(id: id, label: stored.governance.label, cubeID: stored.cube.id, source: .activation))
            }
            if readable {
                prefixText = WatermarkCodec.strip(activation.text)
                activationID = activation.id
                for use in uses where seen.insert(use.id).inserted { used.append(use) }
            }
        }

        // 2. Working memory of the session, re-read so only what the caller may see goes in.
        var working: [ChatPrompt.Memory] = []
        for view in try await scheduler.workingMemory(caller, session: sessionID) {
            let id = view.item.id
            guard !seen.contains(id), let stored = try? await memories.readableStored(caller, id: id),
                let visible = memories.present(
                    stored.item, governance: stored.governance, cube: memories.view(of: stored.cube, for: caller),
                    caller: caller, watermark: nil)
            else { continue }
            seen.insert(id)
            used.append(ChatMemoryUse(id: id, label: stored.governance.label, cubeID: stored.cube.id, source: .workingMemory))
            working.append(ChatPrompt.Memory(text: WatermarkCodec.strip(visible.item.content.text)))
        }

        // 3. Retrieval for the last user message (governed search: readable only, redacted).
        var retrieved: [ChatPrompt.Memory] = []
        let hits = try await memories.search(
            caller, query: userMessage, topK: request.topK, cubes: request.cubes, filter: MemoryFilter())
        for hit in hits where seen.insert(hit.memory.item.id).inserted {
            used.append(
                ChatMemoryUse(id: hit.memory.item.id, label: hit.memory.label, cubeID: hit.memory.cube.id, source: .retrieved))
            retrieved.append(ChatPrompt.Memory(text: WatermarkCodec.strip(hit.memory.item.content.text)))
        }

        let label = used.isEmpty ? nil : scale.highest(used.map(\.label))
        let watermarked = label.map { policy.watermark.applies(label: $0, role: caller.role.name, scale: scale) } ?? false
        // What the model saw of a memory above the clearance was redacted down to the clearance.
        let seenLabels = used.map { scale.allows(clearance: caller.role.clearance, toRead: $0.label) ? $0.label : caller.role.clearance }
        let writeLabel = scale.highest([memories.labeler.defaultLabel(for: caller)] + seenLabels)
        let prompt = ChatPrompt.compose(
            activationPrefix: prefixText, workingMemory: working, retrieved: retrieved,
            clientInstructions: request.instructions, conversation: request.messages)
        return Turn(
            preparation: ChatPreparation(
                sessionID: sessionID, memoriesUsed: used, activationID: activationID, label: label, watermarked: watermarked),
            prompt: prompt, model: model, temperature: request.temperature, userMessage: userMessage,
            stamp: watermarked ? try await memories.stamp() : nil, writeCube: request.cube,
            writeMemories: request.writeMemories, writeLabel: writeLabel)
    }

    // MARK: - After the answer

    /// Stores the turn (question and unmarked answer) with the fast MemReader, at least at the
    /// label of what was used, and tells the scheduler about it.
    private func finish(_ caller: MemoryCaller, _ turn: Turn, answer: String) async throws -> [UUID] {
        var written: [UUID] = []
        if turn.writeMemories, !answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let now = Date()
            let outcome = try await memories.addMemories(
                caller, cube: turn.writeCube,
                input: .messages(
                    [
                        ChatMessage(role: "user", content: turn.userMessage, speaker: caller.user.username, chatTime: now),
                        ChatMessage(role: "assistant", content: answer, chatTime: now),
                    ],
                    reading: MessageReading(
                        mode: .fast, tags: ["chat"], info: ["session_id": .string(turn.preparation.sessionID)])),
                governance: AddGovernance(label: turn.writeLabel))
            written = outcome.memories.map(\.item.id)
        }
        await scheduler.noteTurn(caller, session: turn.preparation.sessionID, text: turn.userMessage)
        return written
    }

    private func note(_ turn: Turn, written: [UUID], stream: Bool) -> MemoryService.AuditNote {
        var details = ["stream": String(stream), "model": turn.model.identifier]
        if let activationID = turn.preparation.activationID { details["activation_id"] = activationID }
        if let label = turn.preparation.label { details["label"] = label }
        if !written.isEmpty { details["written"] = written.map { $0.uuidString.lowercased() }.joined(separator: ",") }
        return MemoryService.AuditNote(
            resources: turn.preparation.memoriesUsed.map { $0.id.uuidString.lowercased() },
            personal: Self.personal(turn.preparation.sessionID), details: details, mark: turn.stamp?.recorded)
    }

    /// The session id is chosen by the client and may be personal: it is kept HMAC'd only.
    private static func personal(_ sessionID: String?) -> [String: String] {
        sessionID.map { ["session": $0] } ?? [:]
    }

    /// Runs a model call, turning its failures into `upstream` (502) with the backend's reason.
    private static func upstream<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GovernanceError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw GovernanceError.upstream("the chat model failed: \(error)")
        }
    }
}
