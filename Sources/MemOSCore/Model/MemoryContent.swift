/// What a memory says, apart from its identity and lifecycle: the part a client writes and
/// every version snapshots.
public struct MemoryContent: Sendable, Hashable, Codable {
    public var text: String
    public var key: String?
    public var tags: [String]
    public var memoryType: MemoryType
    public var sources: [SourceMessage]
    public var background: String?
    public var confidence: Double?
    public var info: [String: JSONValue]

    public init(
        text: String, key: String? = nil, tags: [String] = [], memoryType: MemoryType = .longTermMemory,
        sources: [SourceMessage] = [], background: String? = nil, confidence: Double? = nil,
        info: [String: JSONValue] = [:]
    ) {
        self.text = text
        self.key = key
        self.tags = tags
        self.memoryType = memoryType
        self.sources = sources
        self.background = background
        self.confidence = confidence
        self.info = info
    }
}
