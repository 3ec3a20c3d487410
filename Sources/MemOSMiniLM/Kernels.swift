import Foundation

/// The element-wise parts of the forward pass, written over raw pointers so they stay fast in
/// debug builds too (no array bounds or uniqueness checks in the inner loops).
enum Kernels {
    /// `row = (row − mean) / √(var + ε) · weight + bias`, over `count` rows of `width`.
    static func layerNorm(
        _ rows: UnsafeMutablePointer<Float>, count: Int, width: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, epsilon: Float
    ) {
        for row in 0..<count {
            let x = rows + row * width
            var sum: Float = 0
            for i in 0..<width { sum += x[i] }
            let mean = sum / Float(width)
            var squares: Float = 0
            for i in 0..<width {
                let d = x[i] - mean
                squares += d * d
            }
            let scale = 1 / (squares / Float(width) + epsilon).squareRoot()
            for i in 0..<width { x[i] = (x[i] - mean) * scale * weight[i] + bias[i] }
        }
    }

    /// Copies `vector` into each of `count` rows of `width` (a bias before a `beta = 1` GEMM).
    static func broadcastRows(_ rows: UnsafeMutablePointer<Float>, count: Int, width: Int, vector: UnsafePointer<Float>) {
        for row in 0..<count { (rows + row * width).update(from: vector, count: width) }
    }

    /// `target[r] = source[r] + vector`, row by row (residual plus bias before a `beta = 1` GEMM).
    static func addRows(
        _ target: UnsafeMutablePointer<Float>, source: UnsafePointer<Float>, count: Int, width: Int,
        vector: UnsafePointer<Float>
    ) {
        for row in 0..<count {
            let t = target + row * width
            let s = source + row * width
            for i in 0..<width { t[i] = s[i] + vector[i] }
        }
    }

    /// GELU with the exact error function, as BERT's `hidden_act: gelu`.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        let inverseRoot2: Float = 0.70710678118654752
        for i in 0..<count {
            let x = values[i]
            values[i] = 0.5 * x * (1 + erff(x * inverseRoot2))
        }
    }

    /// Softmax of each of `count` rows of `width`, in place.
    static func softmaxRows(_ rows: UnsafeMutablePointer<Float>, count: Int, width: Int) {
        for row in 0..<count {
            let x = rows + row * width
            var maximum = -Float.infinity
            for i in 0..<width where x[i] > maximum { maximum = x[i] }
            var sum: Float = 0
            for i in 0..<width {
                let e = expf(x[i] - maximum)
                x[i] = e
                sum += e
            }
            let inverse = 1 / sum
            for i in 0..<width { x[i] *= inverse }
        }
    }

    /// The mean of `count` rows of `width`, scaled to unit length, written to `output`.
    static func meanPoolNormalized(
        _ rows: UnsafePointer<Float>, count: Int, width: Int, into output: UnsafeMutablePointer<Float>
    ) {
        output.update(repeating: 0, count: width)
        for row in 0..<count {
            let x = rows + row * width
            for i in 0..<width { output[i] += x[i] }
        }
        var norm: Float = 0
        for i in 0..<width {
            output[i] /= Float(count)
            norm += output[i] * output[i]
        }
        // sentence-transformers' Normalize divides by max(‖v‖, 1e-12).
        let inverse = 1 / max(norm.squareRoot(), 1e-12)
        for i in 0..<width { output[i] *= inverse }
    }
}
