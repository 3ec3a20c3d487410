import Foundation

/// One turn of a conversation handed to the MemReader.
public struct ChatMessage: Sendable, Hashable {
    public var role: String
    public var content: String
    public var speaker: String?
    public var chatTime: Date?
    public var messageID: String?

    public init(role: String, content: String, speaker: String? = nil, chatTime: Date? = nil, messageID: String? = nil) {
        self.role = role
        self.content = content
        self.speaker = speaker
        self.chatTime = chatTime
        self.messageID = messageID
    }
}
