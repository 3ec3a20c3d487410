import COpenBLAS

/// The matrix products of the encoder: OpenBLAS's row-major single-precision GEMM, and for
/// few rows (a short query) the small-matrix kernel next to it, which reads the weights once
/// in place instead of packing them on every call (about twice as fast there).
enum BLAS {
    /// `C[m×n] = alpha · A[m×k] · op(B) + beta · C`, where `op(B)` is `B[k×n]`, or `Bᵀ` for a
    /// `B[n×k]` when `transposeB`.
    @inline(__always)
    static func gemm(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        transposeB: Bool, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), blasint(k), alpha,
            a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Which small-matrix kernel this CPU runs (0: none, use OpenBLAS for everything).
    static let smallKernelLevel = memos_small_gemm_level()
    /// Up to this many rows the small-matrix kernel beats OpenBLAS (measured on AVX-512 and
    /// AVX2 machines: packing the weights dominates below it).
    static let smallKernelRowLimit = 64

    /// `C[m×n] += X[m×k] · Wᵀ` for PyTorch's `[out, in]` weights `W[n×k]` (a linear layer
    /// whose bias, and residual, are already in `C`).
    @inline(__always)
    static func addLinear(
        m: Int, n: Int, k: Int, x: UnsafePointer<Float>, ldx: Int, weight: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m <= smallKernelRowLimit, smallKernelLevel > 0 {
            memos_small_gemm(smallKernelLevel, Int32(m), Int32(n), Int32(k), x, Int32(ldx), weight, Int32(k), c, Int32(ldc))
        } else {
            gemm(m: m, n: n, k: k, a: x, lda: ldx, b: weight, ldb: k, transposeB: true, beta: 1, c: c, ldc: ldc)
        }
    }

    /// Threads OpenBLAS may use inside one call. The encoder sets 1 and parallelises across
    /// batches itself: for its matrix sizes that scales better and keeps one query on one core.
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
