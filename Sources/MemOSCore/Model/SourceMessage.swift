import Foundation

/// Provenance of a memory: which message (or document part) it came from, said by whom, when.
///
/// Kept with every memory so an answer can be traced back to what was actually said.
public struct SourceMessage: Sendable, Hashable, Codable {
    public var messageID: String?
    public var role: String?
    public var speaker: String?
    public var chatTime: Date?
    public var content: String?
    public var documentID: String?

    public init(
        messageID: String? = nil, role: String? = nil, speaker: String? = nil,
        chatTime: Date? = nil, content: String? = nil, documentID: String? = nil
    ) {
        self.messageID = messageID
        self.role = role
        self.speaker = speaker
        self.chatTime = chatTime
        self.content = content
        self.documentID = documentID
    }
}
