/// The encoder's parameters in the layout the forward pass wants: PyTorch's `[out, in]`
/// row-major matrices kept as they are (multiplied transposed), the query, key and value
/// projections of each layer fused into one `[1152, 384]` matrix so one GEMM computes all three.
struct MiniLMWeights: Sendable {
    struct Layer: Sendable {
        /// `[3·hidden, hidden]`: query rows, then key rows, then value rows.
        var qkvWeight: [Float]
        var qkvBias: [Float]
        var attentionOutputWeight: [Float]
        var attentionOutputBias: [Float]
        var attentionNormWeight: [Float]
        var attentionNormBias: [Float]
        var intermediateWeight: [Float]
        var intermediateBias: [Float]
        var outputWeight: [Float]
        var outputBias: [Float]
        var outputNormWeight: [Float]
        var outputNormBias: [Float]
    }

    static let vocabularySize = 30522
    static let maxPositions = 512
    static let hidden = MiniLM.dimensions
    static let heads = 12
    static let headSize = hidden / heads
    static let intermediate = 1536
    static let layerCount = 6
    static let layerNormEpsilon: Float = 1e-12

    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    /// Token type 0 (single-sentence input), the only row used.
    let tokenTypeEmbedding: [Float]
    let embeddingNormWeight: [Float]
    let embeddingNormBias: [Float]
    let layers: [Layer]

    /// Extracts and shape-checks every tensor the encoder needs; errors name `path` and the tensor.
    init(_ file: SafeTensors, path: String) throws(MiniLMError) {
        let h = Self.hidden
        func tensor(_ name: String, _ shape: [Int]) throws(MiniLMError) -> [Float] {
            try file.floats(name, shape: shape, path: path)
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [Self.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [Self.maxPositions, h])
        tokenTypeEmbedding = Array(try tensor("embeddings.token_type_embeddings.weight", [2, h]).prefix(h))
        embeddingNormWeight = try tensor("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try tensor("embeddings.LayerNorm.bias", [h])
        var layers: [Layer] = []
        for index in 0..<Self.layerCount {
            let prefix = "encoder.layer.\(index)."
            func weight(_ name: String, _ shape: [Int]) throws(MiniLMError) -> [Float] {
                try tensor(prefix + name, shape)
            }
            let attention = "attention.self."
            layers.append(
                Layer(
                    qkvWeight: try weight(attention + "query.weight", [h, h]) + weight(attention + "key.weight", [h, h])
                        + weight(attention + "value.weight", [h, h]),
                    qkvBias: try weight(attention + "query.bias", [h]) + weight(attention + "key.bias", [h])
                        + weight(attention + "value.bias", [h]),
                    attentionOutputWeight: try weight("attention.output.dense.weight", [h, h]),
                    attentionOutputBias: try weight("attention.output.dense.bias", [h]),
                    attentionNormWeight: try weight("attention.output.LayerNorm.weight", [h]),
                    attentionNormBias: try weight("attention.output.LayerNorm.bias", [h]),
                    intermediateWeight: try weight("intermediate.dense.weight", [Self.intermediate, h]),
                    intermediateBias: try weight("intermediate.dense.bias", [Self.intermediate]),
                    outputWeight: try weight("output.dense.weight", [h, Self.intermediate]),
                    outputBias: try weight("output.dense.bias", [h]),
                    outputNormWeight: try weight("output.LayerNorm.weight", [h]),
                    outputNormBias: try weight("output.LayerNorm.bias", [h])))
        }
        self.layers = layers
    }
}
