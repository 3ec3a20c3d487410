import ArgumentParser
import Foundation
import MemOSMiniLM

/// The LoCoMo file and the question categories a LoCoMo benchmark replays.
struct LocomoSelection: ParsableArguments {
    @Option(help: "LoCoMo JSON (a list of samples, as locomo10.json).")
    var data = "../shared/bench/data/locomo-dev.json"

    @Option(help: "Categories, comma separated (1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial).")
    var categories = "1,2,3,4"

    /// The categories as numbers; `validate()` has refused anything else.
    var categorySet: Set<Int> {
        Set(categories.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    }

    func validate() throws {
        let parts = categories.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.allSatisfy({ Int($0).map { (1...5).contains($0) } ?? false }) else {
            throw ValidationError("--categories must list numbers from 1 to 5, got '\(categories)'")
        }
    }
}

/// Where the built-in MiniLM's weights are, the same way for every benchmark that loads them.
struct MiniLMLocation: ParsableArguments {
    @Option(
        name: [.customLong("minilm-dir"), .customLong("model-dir")],
        help: "MiniLM model directory (default: MEMOS_MINILM_DIR, else the cache directory scripts/setup.sh fills).")
    var path: String?

    func directory() throws -> URL {
        if let path { return URL(fileURLWithPath: path) }
        guard let directory = MiniLM.defaultDirectory(environment: ProcessInfo.processInfo.environment) else {
            throw ValidationError("no MiniLM directory: pass --minilm-dir, or set MEMOS_MINILM_DIR or HOME")
        }
        return directory
    }
}
