import Foundation

/// Where a cube lives inside a tenant: a user's private persona space for one role, a team's
/// shared space, or the tenant-wide space.
public enum Subspace: Sendable, Hashable {
    case persona(userID: UUID, role: String)
    case team(String)
    case tenant

    /// The form stored with a cube.
    public var storageKey: String {
        switch self {
        case .persona(let userID, let role): "persona/\(userID.uuidString.lowercased())/\(role)"
        case .team(let name): "team/\(name)"
        case .tenant: "tenant"
        }
    }

    public init?(storageKey: String) {
        if storageKey == "tenant" {
            self = .tenant
            return
        }
        let parts = storageKey.split(separator: "/", maxSplits: 2).map(String.init)
        switch parts.first {
        case "team" where parts.count == 2:
            self = .team(parts[1])
        case "persona" where parts.count == 3:
            guard let userID = UUID(uuidString: parts[1]) else { return nil }
            self = .persona(userID: userID, role: parts[2])
        default:
            return nil
        }
    }

    /// Storage-key prefix of every persona subspace of one user.
    static func personaPrefix(userID: UUID) -> String {
        "persona/\(userID.uuidString.lowercased())/"
    }

    /// Team names: short, lowercase, URL-safe.
    public static func isValidTeamName(_ name: String) -> Bool {
        guard (1...63).contains(name.count), let first = name.unicodeScalars.first,
            CharacterSet.lowercaseLetters.contains(first) || CharacterSet.decimalDigits.contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
