import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A thin JSON client for the gateway's admin API; a problem response becomes a clear message
/// on stderr and exit code 1.
struct AdminClient: Sendable {
    let baseURL: String
    let token: String
    /// Sent as `X-MemOS-Role`: the role a user's key acts as (default: the user's default role).
    var role: String? = nil

    /// Sends a request and returns the decoded JSON object of a 2xx response (empty for 204).
    func send(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> [String: Any] {
        let (status, data) = try await exchange(method, path, body: body)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            throw Self.failure(status: status, object: object, method: method, path: path)
        }
        return object
    }

    /// Sends a request and returns status and body, whatever the status.
    func exchange(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> (Int, Data) {
        var request = try makeRequest(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        } catch {
            throw CLIFailure("cannot reach \(baseURL): \(error)")
        }
        let bytes = try await response.body.collect(upTo: 256 * 1024 * 1024)
        return (Int(response.status.code), Data(buffer: bytes))
    }

    /// Starts a streamed GET (audit export): the response is returned once its head arrives,
    /// after a non-2xx status has been turned into a failure.
    func stream(_ path: String) async throws -> HTTPClientResponse {
        let request = try makeRequest(.GET, path)
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .hours(24))
        } catch {
            throw CLIFailure("cannot reach \(baseURL): \(error)")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let bytes = try await response.body.collect(upTo: 1024 * 1024)
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
            throw Self.failure(status: Int(response.status.code), object: object, method: .GET, path: path)
        }
        return response
    }

    private func makeRequest(_ method: HTTPMethod, _ path: String) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: "memos-admin")
        if let role { request.headers.add(name: "X-MemOS-Role", value: role) }
        return request
    }

    static func failure(status: Int, object: [String: Any], method: HTTPMethod, path: String) -> CLIFailure {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        if let detail = object["detail"] as? String, !detail.isEmpty {
            return CLIFailure("\(status) \(detail)", status: status)
        }
        if status == 404 || status == 405 {
            return CLIFailure(
                "\(status) \(reason): \(method.rawValue) \(path.split(separator: "?").first ?? "") "
                    + "(the gateway may be older than this memos-admin)", status: status)
        }
        return CLIFailure("\(status) \(reason)", status: status)
    }
}

/// Percent-encodes one path segment (a tenant or user name, a key id, a subject).
func segment(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}

/// Percent-encodes a query value.
func queryValue(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~:")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}

/// A failure to report to the user as one line, with exit code 1.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    /// The HTTP status, when the server answered.
    var status: Int?

    init(_ message: String, status: Int? = nil) {
        description = message
        self.status = status
    }
}

/// A verification that did not pass: its message on stderr, exit code 65.
struct VerificationFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}

/// Runs a command body, turning failures into one line on stderr and exit code 1 (65 for a
/// failed verification). Usage errors keep ArgumentParser's exit code 64.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as CLIFailure {
        printError("error: \(failure.description)")
        throw AdminExit.failed
    } catch let failure as VerificationFailure {
        printError("verification failed: \(failure.description)")
        throw AdminExit.verificationFailed
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        printError("error: \(error)")
        throw AdminExit.failed
    }
}
