import ArgumentParser
import Foundation
import MemOSCore
import MemOSMiniLM

/// Vectors of every text the LoCoMo corpus embeds, computed once in batches by the built-in
/// MiniLM encoder (the hashing embedder is cheap enough to call per text).
struct LocomoNeuralVectors {
    let identifier: String
    let vectors: [String: [Float]]
    let microsecondsPerText: Double
}

extension LocomoBenchmark {
    /// nil for the hashing embedder; for `minilm`, the vectors of all turns and questions.
    func neuralVectors(_ conversations: [LocomoConversation], categories: Set<Int>) async throws -> LocomoNeuralVectors? {
        switch embedder {
        case "hashing":
            return nil
        case "minilm":
            let model = try MiniLMEmbedder.shared(directory: try minilm.directory())
            var texts: [String] = []
            for conversation in conversations {
                for turn in conversation.turns {
                    texts.append(MemoryIndex.embeddingText(of: LocomoCorpus.content(of: turn, in: conversation, captions: !noCaptions)))
                }
                texts += conversation.questions.filter { categories.contains($0.category) }.map(\.question)
            }
            let unique = Array(Set(texts))
            let start = DispatchTime.now().uptimeNanoseconds
            let vectors = try await model.embed(unique)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return LocomoNeuralVectors(
                identifier: model.identifier, vectors: Dictionary(uniqueKeysWithValues: zip(unique, vectors)),
                microsecondsPerText: seconds / Double(max(unique.count, 1)) * 1e6)
        default:
            throw ValidationError("--embedder must be hashing or minilm (got '\(embedder)')")
        }
    }
}
