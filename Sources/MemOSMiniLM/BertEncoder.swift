/// The 6-layer BERT encoder with mean pooling and L2 normalisation, over a packed batch:
/// the token rows of all sequences lie one after another (no padding), so every linear layer
/// is one large GEMM over all tokens of the batch, and attention runs per sequence over its
/// own rows, which is what a padded batch with an attention mask computes, without the waste.
struct BertEncoder: Sendable {
    let weights: MiniLMWeights

    /// One unit vector per sequence of token ids (each at most 512 ids, all in the vocabulary).
    func encode(_ sequences: [[Int32]], workspace: EncoderWorkspace) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let h = MiniLMWeights.hidden
        let total = sequences.reduce(0) { $0 + $1.count }
        let longest = sequences.reduce(0) { max($0, $1.count) }
        workspace.reserve(tokens: total, longest: longest)

        embed(sequences, into: workspace.hidden.pointer)
        for layer in weights.layers {
            attention(layer, sequences: sequences, tokens: total, workspace: workspace)
            feedForward(layer, tokens: total, workspace: workspace)
        }
        let hidden = workspace.hidden.pointer

        var vectors: [[Float]] = []
        vectors.reserveCapacity(sequences.count)
        var offset = 0
        for sequence in sequences {
            vectors.append(
                [Float](unsafeUninitializedCapacity: h) { buffer, initialized in
                    Kernels.meanPoolNormalized(hidden + offset * h, count: sequence.count, width: h, into: buffer.baseAddress!)
                    initialized = h
                })
            offset += sequence.count
        }
        return vectors
    }

    /// Word + position + token-type embeddings, layer-normalised.
    private func embed(_ sequences: [[Int32]], into hidden: UnsafeMutablePointer<Float>) {
        let h = MiniLMWeights.hidden
        weights.wordEmbeddings.withUnsafeBufferPointer { words in
            weights.positionEmbeddings.withUnsafeBufferPointer { positions in
                weights.tokenTypeEmbedding.withUnsafeBufferPointer { tokenType in
                    var row = hidden
                    for sequence in sequences {
                        for (position, id) in sequence.enumerated() {
                            let word = words.baseAddress! + Int(id) * h
                            let place = positions.baseAddress! + position * h
                            for i in 0..<h { row[i] = word[i] + place[i] + tokenType[i] }
                            row += h
                        }
                    }
                }
            }
            let total = sequences.reduce(0) { $0 + $1.count }
            weights.embeddingNormWeight.withUnsafeBufferPointer { weight in
                weights.embeddingNormBias.withUnsafeBufferPointer { bias in
                    Kernels.layerNorm(
                        hidden, count: total, width: h, weight: weight.baseAddress!, bias: bias.baseAddress!,
                        epsilon: MiniLMWeights.layerNormEpsilon)
                }
            }
        }
    }

    /// Self-attention with its output projection, residual and layer norm; updates `hidden`.
    private func attention(
        _ layer: MiniLMWeights.Layer, sequences: [[Int32]], tokens: Int, workspace: EncoderWorkspace
    ) {
        let h = MiniLMWeights.hidden
        let width = 3 * h
        let headSize = MiniLMWeights.headSize
        let hidden = workspace.hidden.pointer
        let qkv = workspace.qkv.pointer
        let context = workspace.context.pointer
        let projected = workspace.projected.pointer
        let scores = workspace.scores.pointer
        let scale = 1 / Float(headSize).squareRoot()

        layer.qkvBias.withUnsafeBufferPointer { bias in
            Kernels.broadcastRows(qkv, count: tokens, width: width, vector: bias.baseAddress!)
        }
        layer.qkvWeight.withUnsafeBufferPointer { weight in
            BLAS.addLinear(m: tokens, n: width, k: h, x: hidden, ldx: h, weight: weight.baseAddress!, c: qkv, ldc: width)
        }

        var offset = 0
        for sequence in sequences {
            let length = sequence.count
            let rows = qkv + offset * width
            for head in 0..<MiniLMWeights.heads {
                let query = rows + head * headSize
                let key = query + h
                let value = query + 2 * h
                BLAS.gemm(
                    m: length, n: length, k: headSize, alpha: scale, a: query, lda: width, b: key, ldb: width,
                    transposeB: true, beta: 0, c: scores, ldc: length)
                Kernels.softmaxRows(scores, count: length, width: length)
                BLAS.gemm(
                    m: length, n: headSize, k: length, a: scores, lda: length, b: value, ldb: width, transposeB: false,
                    beta: 0, c: context + offset * h + head * headSize, ldc: h)
            }
            offset += length
        }

        layer.attentionOutputBias.withUnsafeBufferPointer { bias in
            Kernels.addRows(projected, source: hidden, count: tokens, width: h, vector: bias.baseAddress!)
        }
        layer.attentionOutputWeight.withUnsafeBufferPointer { weight in
            BLAS.addLinear(m: tokens, n: h, k: h, x: context, ldx: h, weight: weight.baseAddress!, c: projected, ldc: h)
        }
        normalize(projected, tokens: tokens, weight: layer.attentionNormWeight, bias: layer.attentionNormBias)
        workspace.advanceHidden()
    }

    /// The GELU feed-forward block with its residual and layer norm; updates `hidden`.
    private func feedForward(_ layer: MiniLMWeights.Layer, tokens: Int, workspace: EncoderWorkspace) {
        let h = MiniLMWeights.hidden
        let inner = MiniLMWeights.intermediate
        let hidden = workspace.hidden.pointer
        let intermediate = workspace.intermediate.pointer
        let projected = workspace.projected.pointer

        layer.intermediateBias.withUnsafeBufferPointer { bias in
            Kernels.broadcastRows(intermediate, count: tokens, width: inner, vector: bias.baseAddress!)
        }
        layer.intermediateWeight.withUnsafeBufferPointer { weight in
            BLAS.addLinear(
                m: tokens, n: inner, k: h, x: hidden, ldx: h, weight: weight.baseAddress!, c: intermediate, ldc: inner)
        }
        Kernels.gelu(intermediate, count: tokens * inner)

        layer.outputBias.withUnsafeBufferPointer { bias in
            Kernels.addRows(projected, source: hidden, count: tokens, width: h, vector: bias.baseAddress!)
        }
        layer.outputWeight.withUnsafeBufferPointer { weight in
            BLAS.addLinear(
                m: tokens, n: h, k: inner, x: intermediate, ldx: inner, weight: weight.baseAddress!, c: projected, ldc: h)
        }
        normalize(projected, tokens: tokens, weight: layer.outputNormWeight, bias: layer.outputNormBias)
        workspace.advanceHidden()
    }

    /// Layer-normalises the block output in place (it becomes the hidden state next).
    private func normalize(_ rows: UnsafeMutablePointer<Float>, tokens: Int, weight: [Float], bias: [Float]) {
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                Kernels.layerNorm(
                    rows, count: tokens, width: MiniLMWeights.hidden, weight: weight.baseAddress!, bias: bias.baseAddress!,
                    epsilon: MiniLMWeights.layerNormEpsilon)
            }
        }
    }
}
