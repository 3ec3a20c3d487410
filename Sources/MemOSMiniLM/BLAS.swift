import COpenBLAS

/// The one matrix product the encoder needs, from OpenBLAS: row-major single-precision GEMM.
enum BLAS {
    /// `C[m×n] = alpha · A[m×k] · op(B) + beta · C`, where `op(B)` is `B[k×n]`, or `Bᵀ` for a
    /// `B[n×k]` when `transposeB` (PyTorch's `[out, in]` weights are used that way).
    @inline(__always)
    static func gemm(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        transposeB: Bool, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), blasint(k), alpha,
            a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Threads OpenBLAS may use inside one call. The encoder sets 1 and parallelises across
    /// batches itself: for its matrix sizes that scales better and keeps one query on one core.
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
