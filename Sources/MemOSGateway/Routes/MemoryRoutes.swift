import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/memories` and `/v1/cubes`: the memory API, every call acting as one role.
struct MemoryRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("cubes") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(CreateCubeRequest.self, from: request)
            let cube = try await governance.memories.createCube(caller, name: input.name, subspace: input.subspace)
            return try JSONCoding.response(CubeEnvelope(cube: CubeOutput(cube)), status: .created)
        }
        group.get("cubes") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let cubes = try await governance.memories.cubes(caller)
            return try JSONCoding.response(CubesEnvelope(cubes: cubes.map(CubeOutput.init)))
        }
        group.post("memories") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(AddMemoriesRequest.self, from: request)
            let outcome = try await governance.memories.addMemories(
                caller, cube: input.cube, input: input.input, governance: input.governance)
            return try JSONCoding.response(
                MemoriesEnvelope(
                    memories: outcome.memories.map(MemoryOutput.init), nextCursor: nil,
                    refinement: outcome.refinement.map(TaskOutput.init)),
                status: .created)
        }
        group.get("tasks/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let task = try await governance.memories.refinementTask(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(TaskEnvelope(task: TaskOutput(task)))
        }
        group.post("memories/search") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(SearchRequest.self, from: request)
            if let session = input.sessionID {
                let outcome = try await governance.scheduler.search(
                    caller, session: session, query: input.query, topK: input.topK, cubes: input.cubes, filter: input.filter,
                    rerank: input.rerank)
                return try JSONCoding.response(
                    SessionSearchEnvelope(
                        results: outcome.hits.map { SearchResultOutput(memory: MemoryOutput($0.memory), score: $0.score) },
                        sessionID: session, preloadHit: outcome.preloadHit))
            }
            let hits = try await governance.memories.search(
                caller, query: input.query, topK: input.topK, cubes: input.cubes, filter: input.filter, rerank: input.rerank)
            return try JSONCoding.response(
                SearchEnvelope(results: hits.map { SearchResultOutput(memory: MemoryOutput($0.memory), score: $0.score) }))
        }
        group.get("memories") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let query = request.uri.queryParameters
            var limit = 50
            if let raw = query.get("limit") {
                guard let value = Int(raw) else {
                    throw RequestError.invalidField("limit", "must be an integer between 1 and 1000")
                }
                limit = value
            }
            let page = try await governance.memories.list(
                caller, cube: query.get("cube"), limit: limit, cursor: query.get("cursor"))
            return try JSONCoding.response(
                MemoriesEnvelope(memories: page.memories.map(MemoryOutput.init), nextCursor: page.nextCursor))
        }
        group.get("memories/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let view = try await governance.memories.get(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(MemoryEnvelope(memory: MemoryOutput(view)))
        }
        group.patch("memories/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let input = try await body.decode(PatchMemoryRequest.self, from: request)
            let view = try await governance.memories.update(caller, id: id, patch: input.patch)
            return try JSONCoding.response(MemoryEnvelope(memory: MemoryOutput(view)))
        }
        group.get("memories/:id/history") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let versions = try await governance.memories.history(caller, id: id)
            return try JSONCoding.response(
                HistoryEnvelope(id: id.uuidString.lowercased(), versions: versions.map(MemoryVersionOutput.init)))
        }
        group.post("memories/:id/rollback") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let input = try await body.decode(RollbackRequest.self, from: request)
            let view = try await governance.memories.rollback(caller, id: id, to: input.version)
            return try JSONCoding.response(MemoryEnvelope(memory: MemoryOutput(view)))
        }
        group.post("memories/:id/transition") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let input = try await body.decode(TransitionRequest.self, from: request)
            let view = try await governance.memories.transition(caller, id: id, to: input.state)
            return try JSONCoding.response(MemoryEnvelope(memory: MemoryOutput(view)))
        }
        group.get("memories/:id/usage") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let records = try await governance.memories.usage(caller, id: id)
            return try JSONCoding.response(UsageOutput(id: id, records: records))
        }
        group.get("memories/:id/related") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let related = try await governance.memories.related(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(RelatedEnvelope(related: related.map(RelatedOutput.init)))
        }
        group.post("memories/:id/related") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let input = try await body.decode(LinkRequest.self, from: request)
            let related = try await governance.memories.link(caller, from: id, to: input.to, relation: input.relation)
            return try JSONCoding.response(RelatedEnvelope(related: [RelatedOutput(related)]), status: .created)
        }
        group.delete("memories/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            try await governance.memories.delete(caller, id: try context.parameters.requireID("id"))
            return Response(status: .noContent)
        }
    }
}
