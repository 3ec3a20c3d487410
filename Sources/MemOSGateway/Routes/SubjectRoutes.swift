import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/subjects/{subject}`: data-subject rights (export: Art. 15/20, erase: Art. 17), for roles
/// holding `subjects.export` / `subjects.erase` (by default the DPO).
struct SubjectRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.get("subjects/:subject/export") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let export = try await governance.memories.exportSubject(caller, subject: try subject(context))
            return try JSONCoding.response(SubjectExportOutput(export))
        }
        group.post("subjects/:subject/erase") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let subject = try subject(context)
            let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
            let input: EraseSubjectRequest? = hasBody ? try await body.decode(EraseSubjectRequest.self, from: request) : nil
            let receipt = try await governance.memories.eraseSubject(caller, subject: subject, reason: input?.reason)
            return try JSONCoding.response(ReceiptEnvelope(receipt: receipt))
        }
    }

    private func subject(_ context: GatewayRequestContext) throws -> String {
        guard let raw = context.parameters.get("subject"), let subject = raw.removingPercentEncoding, !subject.isEmpty else {
            throw RequestError.invalidField("subject", "missing data subject in the path")
        }
        return subject
    }
}
