import Foundation

/// Shapes of names clients choose, checked once here so every entry point agrees.
enum NameRules {
    /// Tenant names appear in URLs and CLI arguments: lowercase, digits, dashes.
    static func validateTenantName(_ name: String) throws {
        guard (2...63).contains(name.count),
            name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
            name.first != "-", name.last != "-"
        else {
            throw GovernanceError.invalidInput(
                field: "name",
                message: "tenant name must be 2-63 characters of a-z, 0-9 and '-', not starting or ending with '-'")
        }
    }

    /// Usernames may be e-mail-like, but never carry whitespace or control characters.
    static func validateUsername(_ name: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._@+-"))
        guard (1...128).contains(name.count), name.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw GovernanceError.invalidInput(
                field: "username", message: "username must be 1-128 characters of letters, digits and . _ @ + -")
        }
    }

    /// Cube names: readable identifiers that can never be mistaken for a cube id.
    static func validateCubeName(_ name: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._:-"))
        guard (1...128).contains(name.count), name.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw GovernanceError.invalidInput(
                field: "name", message: "cube name must be 1-128 characters of letters, digits and . _ : -")
        }
        guard UUID(uuidString: name) == nil else {
            throw GovernanceError.invalidInput(field: "name", message: "cube name must not look like a cube id (UUID)")
        }
    }
}
