import Crypto
import Foundation

/// all-MiniLM-L6-v2 loaded from a model directory: tokenizer plus encoder weights, immutable
/// and shareable between threads.
///
/// Loading refuses anything but the pinned files: both are checked against their SHA-256
/// before they are parsed, then the weights' structure and every tensor's shape are checked,
/// so a corrupted download, a truncated copy or another model fails at startup with an error
/// naming the file, never with wrong vectors later.
public final class MiniLMModel: Sendable {
    /// The directory the model was loaded from.
    public let directory: URL
    let tokenizer: WordPieceTokenizer
    let encoder: BertEncoder

    init(directory: URL, tokenizer: WordPieceTokenizer, encoder: BertEncoder) {
        self.directory = directory
        self.tokenizer = tokenizer
        self.encoder = encoder
    }

    /// Loads `model.safetensors` and `vocab.txt` from `directory`. The expected hashes default
    /// to the pinned ones; tests pass others to reach the structural checks behind them.
    public static func load(
        directory: URL, weightsSHA256: String = MiniLM.weightsSHA256,
        vocabularySHA256: String = MiniLM.vocabularySHA256
    ) throws(MiniLMError) -> MiniLMModel {
        let vocabularyURL = directory.appendingPathComponent(MiniLM.vocabularyFileName)
        let weightsURL = directory.appendingPathComponent(MiniLM.weightsFileName)
        // Both files must be there before the slow part starts.
        for url in [weightsURL, vocabularyURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw .missingFile(path: url.path)
        }

        let vocabularyData = try read(vocabularyURL, sha256: vocabularySHA256)
        guard let vocabularyText = String(data: vocabularyData, encoding: .utf8) else {
            throw .malformedVocabulary(path: vocabularyURL.path, reason: "not UTF-8 text")
        }
        let vocabulary = try Vocabulary(
            text: vocabularyText, path: vocabularyURL.path, expectedCount: MiniLMWeights.vocabularySize)

        let weightsData = try read(weightsURL, sha256: weightsSHA256)
        let file = try SafeTensors(data: weightsData, path: weightsURL.path)
        let weights = try MiniLMWeights(file, path: weightsURL.path)
        return MiniLMModel(
            directory: directory, tokenizer: WordPieceTokenizer(vocabulary: vocabulary),
            encoder: BertEncoder(weights: weights))
    }

    /// The model's token ids for `text`: `[CLS]`, the word pieces, `[SEP]`, at most 256 in all.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text)
    }

    /// The word pieces of `text` as strings (diagnostics).
    public func wordPieces(_ text: String) -> [String] {
        tokenizer.tokens(text)
    }

    /// Unit vectors for token sequences, computed on the calling thread in one packed batch.
    func encode(_ sequences: [[Int32]], workspace: EncoderWorkspace) -> [[Float]] {
        encoder.encode(sequences, workspace: workspace)
    }

    /// The contents of `url` (memory-mapped), after checking its SHA-256 against `expected`.
    private static func read(_ url: URL, sha256 expected: String) throws(MiniLMError) -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let actual = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard actual == expected.lowercased() else {
            throw .checksumMismatch(path: url.path, expected: expected.lowercased(), actual: actual)
        }
        return data
    }
}
