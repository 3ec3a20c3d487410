import Foundation
import HTTPTypes
import Hummingbird
import MemOSGovernance

/// `/v1/cubes/{id}/export`, `/v1/cubes/import`, cube shares: portable MemCube archives and sharing.
///
/// `{id}` is a cube id or name, like every other cube reference. The export answers with the
/// archive file itself (JSON, `Content-Disposition: attachment`), which the import accepts
/// either as a JSON object or base64-encoded.
struct CubeArchiveRoutes {
    let governance: Governance
    let body: JSONBody
    /// Imports read whole archives, under the larger archive limit.
    let archiveBody: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("cubes/import") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await archiveBody.decode(ImportCubeRequest.self, from: request)
            let result = try await governance.memories.importCube(
                caller, archive: input.archive, passphrase: input.passphrase, name: input.name, subspace: input.subspace)
            return try JSONCoding.response(CubeImportOutput(result), status: .created)
        }
        group.post("cubes/:id/export") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ExportCubeRequest.self, from: request)
            let export = try await governance.memories.exportCube(
                caller, cube: try cube(context),
                options: CubeExportOptions(
                    passphrase: input.passphrase, includeEmbeddings: input.includeEmbeddings, includeHistory: input.includeHistory))
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json",
                    .contentDisposition: "attachment; filename=\"\(Self.safeFileName(export.fileName))\"",
                    .cacheControl: "no-store",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: export.data)))
        }
        group.post("cubes/:id/shares") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(ShareCubeRequest.self, from: request)
            let share = try await governance.memories.shareCube(
                caller, cube: try cube(context), user: input.user, role: input.role, access: input.access)
            return try JSONCoding.response(CubeShareEnvelope(share: CubeShareOutput(share)), status: .created)
        }
        group.get("cubes/:id/shares") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let shares = try await governance.memories.cubeShares(caller, cube: try cube(context))
            return try JSONCoding.response(CubeSharesEnvelope(shares: shares.map(CubeShareOutput.init)))
        }
        group.delete("cubes/:id/shares/:share") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            try await governance.memories.unshareCube(
                caller, cube: try cube(context), shareID: try context.parameters.requireID("share"))
            return Response(status: .noContent)
        }
    }

    /// The cube reference in the path (an id or a name).
    private func cube(_ context: GatewayRequestContext) throws -> String {
        guard let raw = context.parameters.get("id"), let reference = raw.removingPercentEncoding, !reference.isEmpty else {
            throw GovernanceError.notFound("no cube ''")
        }
        return reference
    }

    /// ASCII letters, digits and `.-_` only, so the header needs no quoting rules.
    static func safeFileName(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        })
    }
}
