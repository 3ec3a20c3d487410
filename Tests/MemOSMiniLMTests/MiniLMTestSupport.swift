import Foundation
import MemOSMiniLM

/// The model under test, loaded once per test process from where `scripts/setup.sh` puts it
/// (or `MEMOS_MINILM_DIR`). Missing weights fail the tests that need them, with the loader's
/// message naming the path; they are never skipped.
enum TestModel {
    static let directory: URL =
        MiniLM.defaultDirectory(environment: ProcessInfo.processInfo.environment)
        ?? URL(fileURLWithPath: "/nonexistent (set HOME or MEMOS_MINILM_DIR)")

    private static let loaded = Result<MiniLMModel, MiniLMError> { () throws(MiniLMError) in
        try MiniLMModel.load(directory: directory)
    }

    static func model() throws -> MiniLMModel { try loaded.get() }

    private static let sharedEmbedder = Result<MiniLMEmbedder, MiniLMError> { () throws(MiniLMError) in
        MiniLMEmbedder(model: try loaded.get(), threads: 2)
    }

    static func embedder() throws -> MiniLMEmbedder { try sharedEmbedder.get() }
}

/// One case of the reference file.
struct ReferenceCase: Decodable, Sendable {
    let text: String
    let tokenIDs: [Int32]
    let tokenCount: Int
    let embedding: [Float]

    enum CodingKeys: String, CodingKey {
        case text
        case tokenIDs = "token_ids"
        case tokenCount = "n_tokens"
        case embedding
    }

    /// Number of cases in the fixture (tests take the cases by index).
    static let count = 7

    /// `../shared/bench/minilm_reference_vectors.json` beside the project (where CI and every
    /// developer machine have it; its texts come partly from LoCoMo, whose licence keeps them out
    /// of this repository), or `MEMOS_MINILM_REFERENCE`. Missing, the tests fail naming the path.
    static let file: URL =
        ProcessInfo.processInfo.environment["MEMOS_MINILM_REFERENCE"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/bench/minilm_reference_vectors.json")

    static func all() throws -> [ReferenceCase] {
        struct File: Decodable { let cases: [ReferenceCase] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: file)).cases
    }
}

enum VectorMath {
    static func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return dot / (na * nb)
    }

    static func norm(_ a: [Float]) -> Float { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
