/// The kind of a memory, as in the MemOS model: it decides how long a memory lives and how the
/// scheduler treats it, so it is a closed set rather than a free string.
public enum MemoryType: String, Sendable, Codable, CaseIterable, Hashable {
    case workingMemory = "WorkingMemory"
    case longTermMemory = "LongTermMemory"
    case userMemory = "UserMemory"
    case preferenceMemory = "PreferenceMemory"
    case documentChunk = "DocumentChunk"

    /// The names a client may send, for precise error messages.
    public static var allNames: [String] { allCases.map(\.rawValue) }
}
