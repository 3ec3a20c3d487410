/// A memory the reader proposes but nothing has stored yet: content without identity.
public typealias MemoryDraft = MemoryContent
