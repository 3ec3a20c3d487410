import Foundation

/// Rules for keeping a cube free of repeats and stale facts as memories arrive.
///
/// Two memories are near-duplicates when they carry the same set of meaningful terms (after
/// case folding, stop-word removal and stemming): "I adopted a cat!" and "adopted cat" are one
/// fact said twice. A newer memory with the same explicit key as an older one but different
/// terms supersedes it: the key names the fact, the text is its latest value. Neither rule
/// loses anything: the older memory keeps its full history and an edge records why it changed.
public enum MemoryConsolidation {
    /// A canonical form of a text's meaningful terms; equal fingerprints mean near-duplicates.
    /// nil for texts with no meaningful term (nothing to compare).
    public static func fingerprint(_ text: String, tokenizer: TextTokenizer = TextTokenizer()) -> String? {
        let terms = Set(tokenizer.tokens(text))
        guard !terms.isEmpty else { return nil }
        return terms.sorted().joined(separator: " ")
    }

    /// A key as compared: case and surrounding whitespace do not make a different fact.
    public static func normalizedKey(_ key: String?) -> String? {
        guard let key else { return nil }
        let normalized = key.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return normalized.isEmpty ? nil : normalized
    }

    /// Only live memories take part; merged, archived, frozen and deleted ones are settled.
    public static func participates(_ state: MemoryState) -> Bool {
        state == .generated || state == .activated
    }

    /// The survivor's content after absorbing a duplicate: its own text, both provenances and tags.
    public static func absorb(_ duplicate: MemoryContent, into survivor: MemoryContent) -> MemoryContent {
        var merged = survivor
        for source in duplicate.sources where !merged.sources.contains(source) {
            merged.sources.append(source)
        }
        for tag in duplicate.tags where !merged.tags.contains(tag) {
            merged.tags.append(tag)
        }
        return merged
    }
}
