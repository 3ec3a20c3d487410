/// Input the gateway rejects before any governance call: the HTTP-level half of validation.
enum RequestError: Error, Sendable, Equatable {
    /// The body is not JSON, or not JSON of the expected shape.
    case malformedJSON(String)
    /// A field the endpoint does not define (path like `memories[2].txt`).
    case unknownField(String)
    /// A field that tries to choose the tenant or owner, which only the credential may do.
    case ownerField(String)
    /// A field with a value outside its rules.
    case invalidField(String, String)
    /// A required field is absent.
    case missingField(String)
    /// The body exceeds the configured limit.
    case bodyTooLarge(limit: Int)
    /// The body is not `application/json`.
    case unsupportedMediaType(String)
    /// No or malformed `Authorization` header.
    case missingCredential
}
