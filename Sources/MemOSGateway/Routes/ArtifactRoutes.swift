import Foundation
import HTTPTypes
import Hummingbird
import MemOSGovernance
import NIOCore

/// `/v1/artifacts`: parametric memory (adapters) and activation KV snapshots, encrypted and labelled.
///
/// Upload is two steps, so metadata is validated (provenance, label, permissions) before any
/// bytes are sent:
/// 1. `POST /v1/artifacts` with the JSON metadata → 201 `{"artifact": {..., "state": "pending"}}`;
/// 2. `PUT /v1/artifacts/{id}/content` with the raw bytes (any content type, e.g.
///    `application/octet-stream`), streamed and sealed in chunks → 200 `{"artifact": {..., "state": "ready"}}`.
///    Bodies above the artifact limit get 413 (checked against `Content-Length` up front, and
///    while streaming for chunked bodies).
///
/// `GET /v1/artifacts[?kind=&all_versions=true]`, `GET /v1/artifacts/{id}`,
/// `GET /v1/artifacts/{id}/versions`, `GET /v1/artifacts/{id}/content[?accept_flagged=true]`
/// (streamed, verified against the sealed SHA-256 first) and
/// `DELETE /v1/artifacts/{id}[?all_versions=true]` complete the API.
struct ArtifactRoutes {
    let governance: Governance
    let body: JSONBody
    /// The largest artifact content accepted by `PUT /v1/artifacts/{id}/content`.
    var maxContentBytes: Int = GatewayConfiguration.defaultMaxArtifactBytes

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("artifacts") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(CreateArtifactRequest.self, from: request)
            let view = try await governance.artifacts.create(caller, input.draft)
            var response = try JSONCoding.response(ArtifactEnvelope(artifact: ArtifactOutput(view)), status: .created)
            response.headers[.location] = "/v1/artifacts/\(view.id.uuidString.lowercased())"
            return response
        }
        group.put("artifacts/:id/content") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            if let length = request.headers[.contentLength].flatMap(Int.init), length > maxContentBytes {
                throw tooLarge
            }
            let content = LimitedBody(body: request.body, limit: maxContentBytes, tooLarge: tooLarge)
            let view = try await governance.artifacts.uploadContent(caller, id: id, content: content)
            return try JSONCoding.response(ArtifactEnvelope(artifact: ArtifactOutput(view)))
        }
        group.get("artifacts") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let query = request.uri.queryParameters
            var kind: ArtifactKind?
            if let raw = query.get("kind") {
                guard let value = ArtifactKind(rawValue: raw) else {
                    throw RequestError.invalidField(
                        "kind", "unknown kind '\(raw)' (expected one of: \(ArtifactKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                kind = value
            }
            let views = try await governance.artifacts.list(
                caller, kind: kind, allVersions: try flag(query.get("all_versions"), name: "all_versions"))
            return try JSONCoding.response(ArtifactsEnvelope(artifacts: views.map(ArtifactOutput.init)))
        }
        group.get("artifacts/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let view = try await governance.artifacts.get(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(ArtifactEnvelope(artifact: ArtifactOutput(view)))
        }
        group.get("artifacts/:id/versions") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let views = try await governance.artifacts.versions(caller, id: id)
            return try JSONCoding.response(
                ArtifactVersionsEnvelope(id: id.uuidString.lowercased(), versions: views.map(ArtifactOutput.init)))
        }
        group.get("artifacts/:id/content") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let accept = try flag(request.uri.queryParameters.get("accept_flagged"), name: "accept_flagged")
            let download = try await governance.artifacts.download(
                caller, id: try context.parameters.requireID("id"), acceptFlagged: accept)
            var headers: HTTPFields = [.contentType: "application/octet-stream"]
            if let digest = download.artifact.sha256 {
                headers[.memosArtifactSHA256] = digest
            }
            if !download.acceptedFlags.isEmpty {
                headers[.memosArtifactFlag] = download.acceptedFlags.joined(separator: "; ")
            }
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(contentLength: download.size) { writer in
                    for index in 0..<download.chunkCount {
                        // Verified before the response started; a chunk changed since then
                        // aborts the stream rather than sending different bytes.
                        try await writer.write(ByteBuffer(bytes: try await download.chunk(index)))
                    }
                    try await writer.finish(nil)
                })
        }
        group.delete("artifacts/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let all = try flag(request.uri.queryParameters.get("all_versions"), name: "all_versions")
            let ids = try await governance.artifacts.delete(caller, id: try context.parameters.requireID("id"), allVersions: all)
            return try JSONCoding.response(ArtifactDeletionOutput(deleted: ids.map { $0.uuidString.lowercased() }))
        }
    }

    private var tooLarge: HTTPError {
        HTTPError(
            .contentTooLarge,
            message: "artifact content exceeds the limit of \(maxContentBytes) bytes (\(maxContentBytes / (1 << 20)) MiB)")
    }

    private func flag(_ raw: String?, name: String) throws -> Bool {
        switch raw {
        case nil, "false": false
        case "true": true
        case let value?: throw RequestError.invalidField(name, "must be true or false (got '\(value)')")
        }
    }
}

extension HTTPField.Name {
    /// SHA-256 (hex) of a downloaded artifact's content, as sealed at upload.
    static let memosArtifactSHA256 = HTTPField.Name("X-MemOS-Artifact-SHA256")!
    /// Why a downloaded artifact is flagged (derived from erased data), when the caller accepted it.
    static let memosArtifactFlag = HTTPField.Name("X-MemOS-Artifact-Flag")!
}

/// A request body as `Data` pieces that fails with 413 once more than `limit` bytes arrived,
/// for chunked uploads whose size no header announces.
struct LimitedBody: AsyncSequence {
    typealias Element = Data
    let body: RequestBody
    let limit: Int
    let tooLarge: HTTPError

    struct AsyncIterator: AsyncIteratorProtocol {
        var inner: RequestBody.AsyncIterator
        let limit: Int
        let tooLarge: HTTPError
        var received = 0

        mutating func next() async throws -> Data? {
            guard let buffer = try await inner.next() else { return nil }
            received += buffer.readableBytes
            guard received <= limit else { throw tooLarge }
            return Data(buffer: buffer)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: body.makeAsyncIterator(), limit: limit, tooLarge: tooLarge)
    }
}
