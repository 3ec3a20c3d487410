import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A gateway's answer to one forwarded call.
public struct GatewayResponse: Sendable {
    public let status: Int
    public let body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// Where tool calls go: the gateway's HTTP API (a protocol so the engine can be tested with a
/// stand-in, though the suites use a real gateway).
public protocol GatewayForwarding: Sendable {
    /// Sends `body` (JSON) with `method` to `path` (e.g. `/v1/memories`) as the configured user.
    func send(_ method: String, _ path: String, body: MCPJSON?) async throws -> GatewayResponse
}

/// Why a call never got an HTTP answer.
public struct GatewayUnreachable: Error, CustomStringConvertible {
    public let description: String
}

/// Forwards to a running gateway with `Authorization: Bearer <token>` and, when set,
/// `X-MemOS-Role`. The token is never logged and never part of an error.
public struct GatewayHTTPClient: GatewayForwarding {
    public let baseURL: String
    private let token: String
    public let role: String?
    public let timeout: TimeAmount
    private let httpClient: HTTPClient

    /// Largest gateway answer read (search results with many memories stay far below).
    static let maxResponseBytes = 16 * 1024 * 1024

    /// - Throws: `GatewayUnreachable` when `server` is not an http(s) URL with a host.
    public init(server: String, token: String, role: String? = nil, timeout: TimeAmount = .seconds(120), httpClient: HTTPClient = .shared)
        throws
    {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw GatewayUnreachable(description: "--server must be an http(s) URL such as http://127.0.0.1:8080, got '\(server)'")
        }
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.role = role
        self.timeout = timeout
        self.httpClient = httpClient
    }

    public func send(_ method: String, _ path: String, body: MCPJSON?) async throws -> GatewayResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "memos-gateway-mcp/\(MCP.serverVersion)")
        if let role { request.headers.add(name: "X-MemOS-Role", value: role) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.text))
        }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            return GatewayResponse(status: Int(response.status.code), body: Data(buffer: bytes))
        } catch let error as HTTPClientError {
            // `shortDescription` never carries header values (the token).
            throw GatewayUnreachable(description: "gateway at \(baseURL) unreachable: \(error.shortDescription)")
        } catch is NIOTooManyBytesError {
            throw GatewayUnreachable(description: "gateway answer larger than \(Self.maxResponseBytes / (1024 * 1024)) MiB")
        } catch {
            // Connection-level errors (refused, reset, DNS) name addresses, never headers.
            throw GatewayUnreachable(description: "gateway at \(baseURL) unreachable: \(error)")
        }
    }
}
