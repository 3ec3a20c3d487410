import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MemOSGovernance
import Testing

@testable import MemOSGateway

/// The router in process (HummingbirdTesting's `.router` mode): framing of every response.
@Suite struct GatewayRouterTests {
    static let policies = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies")

    static func withRouter(maxBodyBytes: Int = 1024, _ body: @Sendable (any TestClientProtocol, String) async throws -> Void)
        async throws
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memos-gw-\(UUID().uuidString)")
        let (dataDirectory, adminKey) = try await DataDirectory.initialize(at: directory)
        let governance = try await Governance.open(dataDirectory: dataDirectory, policyDirectory: policies, environment: [:])
        let router = GatewayApplication.buildRouter(
            configuration: GatewayConfiguration(maxBodyBytes: maxBodyBytes), governance: governance)
        var logger = Logger(label: "router-tests")
        logger.logLevel = .warning
        try await Application(router: router, logger: logger).test(.router) { client in try await body(client, adminKey) }
    }

    @Test func unknownRoutesAreProblemsWithARequestID() async throws {
        try await Self.withRouter { client, _ in
            try await client.execute(uri: "/v2/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[HTTPField.Name("X-Request-ID")!]?.isEmpty == false)
                let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(problem?["status"] as? Int == 404)
                #expect(problem?["instance"] as? String == "/v2/nothing")
                #expect((problem?["type"] as? String)?.hasPrefix("urn:memos:problem:") == true)
            }
        }
    }

    @Test func bodyLimitAndMediaTypeAreEnforcedBeforeParsing() async throws {
        try await Self.withRouter(maxBodyBytes: 64) { client, adminKey in
            let big = ByteBuffer(string: "{\"name\": \"\(String(repeating: "a", count: 200))\"}")
            try await client.execute(
                uri: "/admin/v1/tenants", method: .post,
                headers: [.authorization: "Bearer \(adminKey)", .contentType: "application/json"], body: big
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("64 bytes"))
            }
            try await client.execute(
                uri: "/admin/v1/tenants", method: .post,
                headers: [.authorization: "Bearer \(adminKey)", .contentType: "text/plain"],
                body: ByteBuffer(string: "{\"name\":\"acme\"}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/admin/v1/tenants", method: .get, headers: [.authorization: "Bearer \(adminKey)"]) {
                response in
                #expect(String(buffer: response.body) == "{\"tenants\":[]}")
            }
        }
    }
}

@Suite struct ErrorMappingTests {
    @Test(arguments: [
        (GovernanceError.unauthenticated("x"), 401), (.forbidden("x"), 403), (.notFound("x"), 404),
        (.invalidInput(field: "f", message: "x"), 400), (.conflict("x"), 409), (.unavailable("x"), 503), (.upstream("x"), 502),
    ])
    func governanceErrorsMapToStatuses(error: GovernanceError, status: Int) {
        #expect(ErrorMapping.map(error).status.code == status)
    }

    @Test func unknownErrorsHideTheirDetails() {
        struct Secret: Error { let password = "hunter2" }
        let mapped = ErrorMapping.map(Secret())
        #expect(mapped.status.code == 500)
        #expect(!mapped.detail.contains("hunter2"))
    }

    @Test func invalidInputNamesTheField() {
        #expect(ErrorMapping.map(GovernanceError.invalidInput(field: "top_k", message: "too big")).detail == "top_k: too big")
        #expect(ErrorMapping.map(RequestError.unknownField("memories[2].txt")).detail == "unknown field 'memories[2].txt'")
    }
}

@Suite struct JSONCodingTests {
    @Test func datesRoundToTheMillisecondLikeTheStore() {
        #expect(JSONCoding.formatDate(Date(timeIntervalSince1970: 1_700_000_000.1235)) == "2023-11-14T22:13:20.124Z")
        #expect(JSONCoding.formatDate(Date(timeIntervalSince1970: 1_700_000_000.9996)) == "2023-11-14T22:13:21.000Z")
        #expect(JSONCoding.formatDate(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func parsesDatesWithAndWithoutFractions() {
        #expect(JSONCoding.parseDate("2024-05-08T13:56:00Z") == Date(timeIntervalSince1970: 1_715_176_560))
        #expect(JSONCoding.parseDate("2024-05-08T13:56:00.500Z") == Date(timeIntervalSince1970: 1_715_176_560.5))
        #expect(JSONCoding.parseDate("8 May 2024") == nil)
    }

    @Test func decodingErrorsNameTheFieldPath() throws {
        let body = Data(#"{"memories": [{"text": "ok"}, {"text": 5}]}"#.utf8)
        do {
            _ = try JSONCoding.decoder.decode(AddMemoriesRequest.self, from: body)
            Issue.record("a number as text must not decode")
        } catch let error as DecodingError {
            #expect(JSONBody.translate(error) == .invalidField("memories[1].text", "expected a string"))
        }
    }
}

@Suite struct StrictJSONSyntaxTests {
    @Test(arguments: [
        #"{}"#, #"[]"#, #"{"a": [1, -2.5e3, true, false, null, "x\n\u00e9"]}"#, #" {"nested": {"k": [{}]}} "#, "0", "\"s\"",
    ])
    func acceptsJSON(_ text: String) throws {
        try StrictJSONSyntax.validate(Data(text.utf8))
    }

    @Test(arguments: [
        #"{"a": 1,}"#, #"[1, 2,]"#, #"{'a': 1}"#, #"{"a": 01}"#, #"{"a": .5}"#, #"{"a": NaN}"#, #"{a: 1}"#,
        #"{"a": 1} x"#, "{\"a\": \"tab\tinside\"}", #"{"a": "\x"}"#, "", #"{"a": tru}"#, #"// c"# + "\n{}", "[1 2]",
    ])
    func rejectsNonJSON(_ text: String) {
        #expect(throws: RequestError.self) { try StrictJSONSyntax.validate(Data(text.utf8)) }
    }

    @Test func rejectsPathologicalNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: RequestError.self) { try StrictJSONSyntax.validate(Data(deep.utf8)) }
    }
}
