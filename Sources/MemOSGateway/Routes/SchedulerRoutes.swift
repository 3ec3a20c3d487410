import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/scheduler`, `/v1/activation`: the MemScheduler's queue, working memory and activation memory.
struct SchedulerRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.get("scheduler/status") { request, context in
            // Operators see every tenant's tasks as counts and records (no memory text anywhere).
            if case .operator = try context.requireIdentity() {
                return try JSONCoding.response(SchedulerStatusOutput(await governance.scheduler.operatorStatus(), scope: "platform"))
            }
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let status = try await governance.scheduler.status(caller)
            return try JSONCoding.response(SchedulerStatusOutput(status, scope: "tenant"))
        }
        group.get("scheduler/tasks/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            guard let task = try await governance.scheduler.task(caller, id: id) else {
                throw GovernanceError.notFound("no task \(id.uuidString.lowercased())")
            }
            return try JSONCoding.response(SchedulerTaskEnvelope(task: SchedulerTaskOutput(task)))
        }
        group.get("scheduler/working-memory") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            guard let session = request.uri.queryParameters.get("session") else {
                throw RequestError.missingField("session")
            }
            let views = try await governance.scheduler.presentedWorkingMemory(caller, session: session)
            return try JSONCoding.response(WorkingMemoryEnvelope(sessionID: session, memories: views.map(MemoryOutput.init)))
        }
        group.post("scheduler/sessions/:session/turns") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            guard let raw = context.parameters.get("session"), let session = raw.removingPercentEncoding else {
                throw RequestError.missingField("session")
            }
            let input = try await body.decode(SessionTurnRequest.self, from: request)
            try await governance.scheduler.recordTurn(caller, session: session, text: input.text)
            return Response(status: .accepted)
        }
        group.get("activation") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            guard let view = try await governance.scheduler.activationView(caller) else {
                throw GovernanceError.notFound(
                    "no activation memory yet: none of this persona's memories has been retrieved often enough")
            }
            return try JSONCoding.response(ActivationEnvelope(activation: ActivationOutput(view)))
        }
        group.post("activation/rebuild") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let task = await governance.scheduler.requestActivationRebuild(caller)
            return try JSONCoding.response(SchedulerTaskEnvelope(task: SchedulerTaskOutput(task)), status: .accepted)
        }
    }
}
