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

    /// GELU with the error function, as BERT's `hidden_act: gelu` (`x·½·(1 + erf(x/√2))`, not
    /// the tanh approximation), over `count` values in place.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        let inverseRoot2: Float = 0.70710678118654752
        for i in 0..<count {
            let x = values[i]
            values[i] = 0.5 * x * (1 + erf(x * inverseRoot2))
        }
    }

    /// The error function to within 4.3e-7 (a few float ulps; libm's `erff` is within 5e-8):
    /// the rational approximation Eigen and XLA use for float, branch-free so that the GELU
    /// loop vectorises, where `erff` (a call per value) took a sixth of a batch's time.
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = Swift.min(Swift.max(value, -4), 4)
        let x2 = x * x
        var p: Float = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        p *= x
        var q: Float = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return p / q
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
