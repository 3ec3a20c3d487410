/// Scratch memory for the forward pass of one batch, grown on demand and reused for the next
/// batch, so encoding does not allocate per layer or per call. Used by one thread at a time.
final class EncoderWorkspace {
    /// The hidden state, `[tokens × 384]`.
    private(set) var hidden = Buffer()
    /// The next hidden state while a block computes it; swapped with `hidden` after each block.
    private(set) var projected = Buffer()
    private(set) var qkv = Buffer()
    private(set) var context = Buffer()
    private(set) var intermediate = Buffer()
    private(set) var scores = Buffer()

    /// Makes room for `tokens` tokens in all, the longest sequence having `longest`.
    func reserve(tokens: Int, longest: Int) {
        let h = MiniLMWeights.hidden
        hidden.reserve(tokens * h)
        projected.reserve(tokens * h)
        qkv.reserve(tokens * 3 * h)
        context.reserve(tokens * h)
        intermediate.reserve(tokens * MiniLMWeights.intermediate)
        scores.reserve(longest * longest)
    }

    /// Makes the block output (`projected`) the hidden state, without copying.
    func advanceHidden() {
        swap(&hidden, &projected)
    }

    deinit {
        for buffer in [hidden, projected, qkv, context, intermediate, scores] { buffer.pointer.deallocate() }
    }

    /// An uninitialised float buffer that only grows (freed by the workspace).
    struct Buffer {
        private(set) var pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var capacity = 0

        mutating func reserve(_ count: Int) {
            guard count > capacity else { return }
            pointer.deallocate()
            // A little headroom so slowly growing batches do not reallocate every time.
            capacity = count + count / 4
            pointer = .allocate(capacity: capacity)
        }
    }
}
