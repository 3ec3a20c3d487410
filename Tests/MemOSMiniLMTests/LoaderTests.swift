import Crypto
import Foundation
import MemOSMiniLM
import Testing

/// Loading refuses every file but the pinned one, with an error naming the file and the
/// problem: a wrong download must stop the gateway at startup, not yield wrong vectors.
@Suite("MiniLM loader")
struct LoaderTests {
    /// A fresh directory with the real vocabulary (a symlink) and, if given, these weights.
    static func directory(weights: Data? = nil, vocabulary: Bool = true) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("memos-minilm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if vocabulary {
            try FileManager.default.createSymbolicLink(
                at: url.appendingPathComponent(MiniLM.vocabularyFileName),
                withDestinationURL: TestModel.directory.appendingPathComponent(MiniLM.vocabularyFileName))
        }
        if let weights { try weights.write(to: url.appendingPathComponent(MiniLM.weightsFileName)) }
        return url
    }

    static func realWeights() throws -> Data {
        _ = try TestModel.model()  // fails with the loader's message when the weights are missing
        return try Data(contentsOf: TestModel.directory.appendingPathComponent(MiniLM.weightsFileName))
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The error loading `directory` throws (a failed expectation when it loads).
    static func loadError(_ directory: URL, weightsSHA256: String = MiniLM.weightsSHA256) -> MiniLMError? {
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try MiniLMModel.load(directory: directory, weightsSHA256: weightsSHA256)
            Issue.record("the model loaded")
            return nil
        } catch {
            return error
        }
    }

    /// A safetensors file: 8-byte little-endian header length, the JSON header, the data.
    static func safetensors(header: String, data: Data = Data()) -> Data {
        let json = Data(header.utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        return file + json + data
    }

    @Test("A missing directory or vocabulary names the missing file")
    func missingFiles() throws {
        let empty = try Self.directory(vocabulary: false)
        let weightsPath = empty.appendingPathComponent("model.safetensors").path
        let error = Self.loadError(empty)
        #expect(error == .missingFile(path: weightsPath))
        #expect(error?.description.contains(weightsPath) == true)
        #expect(error?.description.contains("scripts/setup.sh") == true)

        let noVocabulary = try Self.directory(weights: Data("x".utf8), vocabulary: false)
        #expect(Self.loadError(noVocabulary) == .missingFile(path: noVocabulary.appendingPathComponent("vocab.txt").path))
    }

    @Test("A copy with one byte flipped is refused by its checksum")
    func flippedByte() throws {
        var weights = try Self.realWeights()
        let index = weights.startIndex + weights.count / 2
        weights[index] ^= 0x01
        let directory = try Self.directory(weights: weights)
        let path = directory.appendingPathComponent("model.safetensors").path
        let error = Self.loadError(directory)
        #expect(error == .checksumMismatch(path: path, expected: MiniLM.weightsSHA256, actual: Self.sha256(weights)))
        #expect(error?.description.contains(path) == true)
    }

    @Test("A truncated copy is refused by its checksum, and by its structure when the checksum is made to match")
    func truncated() throws {
        let weights = try Self.realWeights().prefix(50_000_000)
        let pinned = Self.loadError(try Self.directory(weights: weights))
        guard case .checksumMismatch = pinned else {
            Issue.record("expected a checksum mismatch, got \(String(describing: pinned))")
            return
        }
        let error = Self.loadError(try Self.directory(weights: weights), weightsSHA256: Self.sha256(weights))
        guard case .malformedWeights(_, let reason) = error else {
            Issue.record("expected malformed weights, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("truncated"))
    }

    @Test(
        "Forged headers are refused with the reason",
        arguments: [
            (Data([1, 2, 3, 4]), "4 bytes, too short for a header length"),
            (Data([0, 0, 0, 0, 0, 1, 0, 0]) + Data(repeating: 0, count: 64), "header length 1099511627776 exceeds the file (72 bytes): truncated or not safetensors"),
            (safetensors(header: "not json at all"), "the header is not JSON"),
            (safetensors(header: "[1, 2]"), "the header is not a JSON object"),
            (safetensors(header: #"{"a": {"dtype": "F32", "shape": [2]}}"#), "tensor 'a' lacks dtype, shape or data_offsets"),
            (
                safetensors(header: #"{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#, data: Data(count: 8)),
                "tensor 'a' ends at byte 16 of a 8-byte data area: truncated"
            ),
            (
                safetensors(header: #"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: Data(count: 8)),
                "tensor 'a' has 8 bytes for shape [3] of F32"
            ),
            (
                safetensors(header: #"{"a": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 1]}}"#, data: Data(count: 1)),
                "tensor 'a' has unknown dtype Q4"
            ),
        ])
    func forgedHeader(file: Data, reason: String) throws {
        let directory = try Self.directory(weights: file)
        let error = Self.loadError(directory, weightsSHA256: Self.sha256(file))
        #expect(error == .malformedWeights(path: directory.appendingPathComponent("model.safetensors").path, reason: reason))
    }

    @Test("A well-formed file without the model's tensors names the first missing one")
    func missingTensor() throws {
        let file = Self.safetensors(header: #"{"__metadata__": {"format": "pt"}}"#)
        let directory = try Self.directory(weights: file)
        let error = Self.loadError(directory, weightsSHA256: Self.sha256(file))
        #expect(error == .missingTensor(
            path: directory.appendingPathComponent("model.safetensors").path, name: "embeddings.word_embeddings.weight"))
    }

    @Test("A tensor of the wrong shape or type is named with what was expected")
    func wrongShape() throws {
        let small = Self.safetensors(
            header: #"{"embeddings.word_embeddings.weight": {"dtype": "F32", "shape": [2, 384], "data_offsets": [0, 3072]}}"#,
            data: Data(count: 3072))
        let directory = try Self.directory(weights: small)
        #expect(Self.loadError(directory, weightsSHA256: Self.sha256(small)) == .wrongTensor(
            path: directory.appendingPathComponent("model.safetensors").path, name: "embeddings.word_embeddings.weight",
            expected: "F32 [30522, 384]", found: "F32 [2, 384]"))

        // The real file with one matrix declared transposed (same size, so only the shape check sees it).
        let weights = try Self.realWeights()
        let name = "encoder.layer.3.intermediate.dense.weight"
        let swapped = try Self.rewriteHeader(of: weights) { header in
            var tensor = try #require(header[name] as? [String: Any])
            tensor["shape"] = [384, 1536]
            header[name] = tensor
        }
        let real = try Self.directory(weights: swapped)
        #expect(Self.loadError(real, weightsSHA256: Self.sha256(swapped)) == .wrongTensor(
            path: real.appendingPathComponent("model.safetensors").path, name: name, expected: "F32 [1536, 384]",
            found: "F32 [384, 1536]"))

        let halfPrecision = try Self.rewriteHeader(of: weights) { header in
            var tensor = try #require(header["embeddings.LayerNorm.bias"] as? [String: Any])
            tensor["dtype"] = "F16"
            tensor["shape"] = [768]
            header["embeddings.LayerNorm.bias"] = tensor
        }
        let half = try Self.directory(weights: halfPrecision)
        #expect(Self.loadError(half, weightsSHA256: Self.sha256(halfPrecision)) == .wrongTensor(
            path: half.appendingPathComponent("model.safetensors").path, name: "embeddings.LayerNorm.bias",
            expected: "F32 [384]", found: "F16 [768]"))
    }

    /// `weights` with its JSON header changed by `edit` (padded to the original length so the
    /// data offsets stay valid).
    static func rewriteHeader(of weights: Data, _ edit: (inout [String: Any]) throws -> Void) throws -> Data {
        let length = Int(weights.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let headerRange = (weights.startIndex + 8)..<(weights.startIndex + 8 + length)
        var header = try #require(try JSONSerialization.jsonObject(with: weights[headerRange]) as? [String: Any])
        try edit(&header)
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        try #require(json.count <= length)
        json.append(Data(repeating: 0x20, count: length - json.count))
        var result = weights
        result.replaceSubrange(headerRange, with: json)
        return result
    }

    @Test("Another vocabulary is refused by its checksum, and a short one by its size")
    func wrongVocabulary() throws {
        let real = try String(
            contentsOf: TestModel.directory.appendingPathComponent(MiniLM.vocabularyFileName), encoding: .utf8)
        let shorter = Data(real.split(separator: "\n").dropLast().joined(separator: "\n").utf8)
        let directory = try Self.directory(vocabulary: false)
        try FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent(MiniLM.weightsFileName),
            withDestinationURL: TestModel.directory.appendingPathComponent(MiniLM.weightsFileName))
        let path = directory.appendingPathComponent(MiniLM.vocabularyFileName).path
        try shorter.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(at: directory) }

        #expect(throws: MiniLMError.checksumMismatch(path: path, expected: MiniLM.vocabularySHA256, actual: Self.sha256(shorter))) {
            try MiniLMModel.load(directory: directory)
        }
        #expect(throws: MiniLMError.malformedVocabulary(path: path, reason: "30521 tokens, the model needs 30522")) {
            try MiniLMModel.load(directory: directory, vocabularySHA256: Self.sha256(shorter))
        }
    }

    @Test("The pinned files load, and their hashes are the published ones")
    func pinnedFilesLoad() throws {
        let model = try TestModel.model()
        #expect(model.directory == TestModel.directory)
        #expect(MiniLM.weightsSHA256.hasPrefix("53aa5117"))
        let weights = try Self.realWeights()
        #expect(Self.sha256(weights) == MiniLM.weightsSHA256)
    }
}
