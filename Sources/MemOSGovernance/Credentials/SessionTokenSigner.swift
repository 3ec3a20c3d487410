import Crypto
import Foundation

/// What a session token asserts. Everything the gateway needs to authorise a request is in
/// here, so verifying a session needs no database round trip.
public struct SessionClaims: Sendable, Codable, Equatable {
    /// The authenticated user.
    public let userID: UUID
    /// The tenant the session is bound to; a token is never valid for another tenant.
    public let tenantID: UUID
    /// When the token was issued (whole seconds).
    public let issuedAt: Date
    /// When the token stops being accepted (whole seconds).
    public let expiresAt: Date
    /// Random identifier, so individual sessions can be audited or deny-listed.
    public let tokenID: String

    /// Public so other components (and tests) can construct claims for their own signing needs.
    public init(userID: UUID, tenantID: UUID, issuedAt: Date, expiresAt: Date, tokenID: String) {
        self.userID = userID
        self.tenantID = tenantID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.tokenID = tokenID
    }
}

/// Why a session token was refused. Callers should answer all three with the same 401 so an
/// attacker learns nothing; the cases exist for logs and metrics.
public enum SessionTokenError: Error, Equatable, CustomStringConvertible {
    /// Not shaped like a token we issue (wrong prefix, bad encoding, wrong structure).
    case malformed
    /// Well-formed but not signed by our key: forged, tampered with, or signed by another gateway.
    case badSignature
    /// Genuine, but past its expiry time.
    case expired

    /// Short, log-safe reason (never includes the token).
    public var description: String {
        switch self {
        case .malformed: return "malformed session token"
        case .badSignature: return "session token signature is invalid"
        case .expired: return "session token has expired"
        }
    }
}

/// Issues and verifies short-lived, stateless session bearer tokens
/// (`mgt_<base64url(claims JSON)>.<base64url(HMAC-SHA256)>`).
///
/// Statelessness keeps session checks off the database; the short TTL bounds how long a stolen
/// token is useful, since there is no server-side session to revoke.
public struct SessionTokenSigner: Sendable {
    /// Token prefix, so leaked session tokens are recognisable and never confused with API keys.
    public static let prefix = "mgt_"
    /// Anything longer is rejected before decoding, so oversized headers cost nothing.
    static let maxTokenLength = 2048

    private let key: SymmetricKey
    /// Lifetime of issued tokens, in whole seconds.
    public let ttlSeconds: Int64

    /// Takes a dedicated key (typically `MasterKey.derive(purpose:)`) so session signatures can
    /// never be replayed as any other kind of MAC. `ttl` is rounded up to whole seconds.
    public init(key: SymmetricKey, ttl: Duration = .seconds(900)) {
        let (seconds, attoseconds) = ttl.components
        precondition(seconds > 0 || (seconds == 0 && attoseconds > 0), "session TTL must be positive")
        self.key = key
        self.ttlSeconds = seconds + (attoseconds > 0 ? 1 : 0)
    }

    /// Mints a token for `userID` in `tenantID`, valid from `now` for the configured TTL.
    /// Times are truncated to whole seconds so the claims survive the JSON round trip exactly.
    public func issue(userID: UUID, tenantID: UUID, now: Date = Date()) -> (token: String, claims: SessionClaims) {
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = SessionClaims(
            userID: userID,
            tenantID: tenantID,
            issuedAt: issued,
            expiresAt: issued.addingTimeInterval(TimeInterval(ttlSeconds)),
            tokenID: ByteEncoding.base64URLEncode(ByteEncoding.randomBytes(16))
        )
        // Encoding a struct of UUIDs, dates and a string cannot fail.
        let json = (try? Self.encoder.encode(claims)) ?? Data()
        let signedPart = Self.prefix + ByteEncoding.base64URLEncode(json)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(signedPart.utf8), using: key)
        return (signedPart + "." + ByteEncoding.base64URLEncode(Data(signature)), claims)
    }

    /// Returns the claims of a genuine, unexpired token.
    ///
    /// The signature is checked (in constant time) before the payload is decoded, so attacker
    /// controlled JSON never reaches the decoder.
    public func verify(_ token: String, now: Date = Date()) throws(SessionTokenError) -> SessionClaims {
        guard token.utf8.count <= Self.maxTokenLength, token.hasPrefix(Self.prefix) else { throw .malformed }
        let parts = token.dropFirst(Self.prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let payload = ByteEncoding.base64URLDecode(parts[0]),
              let signature = ByteEncoding.base64URLDecode(parts[1]),
              signature.count == SHA256.byteCount
        else { throw .malformed }

        let signedPart = Self.prefix + parts[0]
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(signedPart.utf8), using: key) else {
            throw .badSignature
        }
        guard let claims = try? Self.decoder.decode(SessionClaims.self, from: payload) else {
            throw .malformed
        }
        guard now < claims.expiresAt else { throw .expired }
        return claims
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
