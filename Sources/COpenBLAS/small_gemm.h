// A matrix product for the case OpenBLAS handles poorly: few rows (one short query).
//
// C[m×n] += X[m×k] · Wᵀ, with W[n×k] row-major (PyTorch's [out, in] weights). OpenBLAS packs
// the whole weight matrix on every call, which for a 10-30 token query costs more than the
// arithmetic and streams the weights through memory twice. These kernels read each weight row
// once, in place, and reuse it from L1 for every row of X (4 weight rows by 4 input rows per
// step with AVX-512, 4 by 2 with AVX2), with one horizontal sum per output. The weights of a
// query come from DRAM (42 MB do not fit in cache), so the rows 16 ahead are prefetched into
// L2 a few cache lines per step, spread evenly over the work on the current rows, which keeps
// the memory busy while the arithmetic runs.
//
// Static inline so the system-library module carries it without a compiled C target. Each
// body is compiled for its instruction set only (target attributes) and chosen at run time
// from CPUID; CPUs with neither (and non-x86 machines) use OpenBLAS for everything.
#ifndef MEMOS_SMALL_GEMM_H
#define MEMOS_SMALL_GEMM_H

#include <stddef.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define MEMOS_SMALL_GEMM_X86 1
#include <cpuid.h>
#include <immintrin.h>

/// 2: AVX-512 (F, VL, DQ) with OS support; 1: AVX2 and FMA; 0: neither.
static inline int memos_small_gemm_level(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (fma | osxsave | avx)) != (fma | osxsave | avx)) return 0;
    unsigned int xcr0, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0_high) : "c"(0));
    if ((xcr0 & 6u) != 6u) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if ((ebx & (1u << 5)) == 0) return 0;
    const unsigned int avx512 = (1u << 16) | (1u << 17) | (1u << 31);  // F, DQ, VL
    if ((ebx & avx512) == avx512 && (xcr0 & 0xE6u) == 0xE6u) return 2;
    return 1;
}

__attribute__((target("avx2,fma"))) static inline __m128 memos_hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
    __m256 ab = _mm256_hadd_ps(a, b);
    __m256 cd = _mm256_hadd_ps(c, d);
    __m256 abcd = _mm256_hadd_ps(ab, cd);
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

/// Adds the dot products of `n % 4` trailing weight rows and `k % step` trailing columns.
static inline void memos_small_gemm_tails(
    int m, int n, int k, int k_done, int j_done, const float *x, int ldx, const float *w, int ldw, float *c, int ldc) {
    for (int t = 0; t < m; t++) {
        for (int j = 0; j < n; j++) {
            const int start = j < j_done ? k_done : 0;
            float sum = 0;
            for (int p = start; p < k; p++) sum += x[(size_t)t * ldx + p] * w[(size_t)j * ldw + p];
            c[(size_t)t * ldc + j] += sum;
        }
    }
}

/// Prefetches the weight rows `MEMOS_PREFETCH_AHEAD` rows past the current block, `per_step`
/// cache lines per inner step, so the whole next stretch arrives while this block is used.
typedef struct {
    const char *next;
    const char *end;
    int per_step;
} memos_prefetcher;

enum { MEMOS_PREFETCH_AHEAD = 16 };

static inline memos_prefetcher memos_prefetcher_make(
    const float *w, int n, int ldw, int j, int steps_per_block) {
    memos_prefetcher prefetcher;
    const int first = j + MEMOS_PREFETCH_AHEAD < n ? j + MEMOS_PREFETCH_AHEAD : n;
    const int last = first + 4 < n ? first + 4 : n;
    prefetcher.next = (const char *)(w + (size_t)first * ldw);
    prefetcher.end = (const char *)(w + (size_t)last * ldw);
    const int lines = (int)((prefetcher.end - prefetcher.next + 63) / 64);
    prefetcher.per_step = steps_per_block > 0 ? (lines + steps_per_block - 1) / steps_per_block : 0;
    return prefetcher;
}

static inline void memos_prefetch_step(memos_prefetcher *prefetcher) {
    for (int i = 0; i < prefetcher->per_step && prefetcher->next < prefetcher->end; i++) {
        _mm_prefetch(prefetcher->next, _MM_HINT_T1);
        prefetcher->next += 64;
    }
}

__attribute__((target("avx2,fma"))) static inline void memos_small_gemm_avx2(
    int m, int n, int k, const float *x, int ldx, const float *w, int ldw, float *c, int ldc) {
    const int k8 = k & ~7, n4 = n & ~3;
    const int steps_per_block = (m / 2 + m % 2) * (k8 / 8);
    for (int j = 0; j < n4; j += 4) {
        const float *w0 = w + (size_t)j * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        memos_prefetcher prefetcher = memos_prefetcher_make(w, n, ldw, j, steps_per_block);
        int t = 0;
        for (; t + 2 <= m; t += 2) {
            const float *x0 = x + (size_t)t * ldx, *x1 = x0 + ldx;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int p = 0; p < k8; p += 8) {
                memos_prefetch_step(&prefetcher);
                const __m256 v0 = _mm256_loadu_ps(w0 + p), v1 = _mm256_loadu_ps(w1 + p);
                const __m256 v2 = _mm256_loadu_ps(w2 + p), v3 = _mm256_loadu_ps(w3 + p);
                __m256 v = _mm256_loadu_ps(x0 + p);
                a0 = _mm256_fmadd_ps(v, v0, a0); a1 = _mm256_fmadd_ps(v, v1, a1);
                a2 = _mm256_fmadd_ps(v, v2, a2); a3 = _mm256_fmadd_ps(v, v3, a3);
                v = _mm256_loadu_ps(x1 + p);
                b0 = _mm256_fmadd_ps(v, v0, b0); b1 = _mm256_fmadd_ps(v, v1, b1);
                b2 = _mm256_fmadd_ps(v, v2, b2); b3 = _mm256_fmadd_ps(v, v3, b3);
            }
            float *c0 = c + (size_t)t * ldc + j, *c1 = c0 + ldc;
            _mm_storeu_ps(c0, _mm_add_ps(_mm_loadu_ps(c0), memos_hsum4(a0, a1, a2, a3)));
            _mm_storeu_ps(c1, _mm_add_ps(_mm_loadu_ps(c1), memos_hsum4(b0, b1, b2, b3)));
        }
        for (; t < m; t++) {
            const float *x0 = x + (size_t)t * ldx;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int p = 0; p < k8; p += 8) {
                memos_prefetch_step(&prefetcher);
                const __m256 v = _mm256_loadu_ps(x0 + p);
                a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w0 + p), a0);
                a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w1 + p), a1);
                a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w2 + p), a2);
                a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w3 + p), a3);
            }
            float *c0 = c + (size_t)t * ldc + j;
            _mm_storeu_ps(c0, _mm_add_ps(_mm_loadu_ps(c0), memos_hsum4(a0, a1, a2, a3)));
        }
    }
    memos_small_gemm_tails(m, n, k, k8, n4, x, ldx, w, ldw, c, ldc);
}

__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static inline __m128 memos_hsum4_512(
    __m512 a, __m512 b, __m512 c, __m512 d) {
    const __m256 a2 = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
    const __m256 b2 = _mm256_add_ps(_mm512_castps512_ps256(b), _mm512_extractf32x8_ps(b, 1));
    const __m256 c2 = _mm256_add_ps(_mm512_castps512_ps256(c), _mm512_extractf32x8_ps(c, 1));
    const __m256 d2 = _mm256_add_ps(_mm512_castps512_ps256(d), _mm512_extractf32x8_ps(d, 1));
    const __m256 ab = _mm256_hadd_ps(a2, b2), cd = _mm256_hadd_ps(c2, d2), abcd = _mm256_hadd_ps(ab, cd);
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static inline void memos_small_gemm_avx512(
    int m, int n, int k, const float *x, int ldx, const float *w, int ldw, float *c, int ldc) {
    const int k16 = k & ~15, n4 = n & ~3;
    const int steps_per_block = (m / 4 + m % 4) * (k16 / 16);
    for (int j = 0; j < n4; j += 4) {
        const float *w0 = w + (size_t)j * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        memos_prefetcher prefetcher = memos_prefetcher_make(w, n, ldw, j, steps_per_block);
        int t = 0;
        for (; t + 4 <= m; t += 4) {
            const float *x0 = x + (size_t)t * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
            __m512 a00 = _mm512_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
            __m512 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            __m512 a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            __m512 a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int p = 0; p < k16; p += 16) {
                memos_prefetch_step(&prefetcher);
                const __m512 v0 = _mm512_loadu_ps(w0 + p), v1 = _mm512_loadu_ps(w1 + p);
                const __m512 v2 = _mm512_loadu_ps(w2 + p), v3 = _mm512_loadu_ps(w3 + p);
                __m512 v = _mm512_loadu_ps(x0 + p);
                a00 = _mm512_fmadd_ps(v, v0, a00); a01 = _mm512_fmadd_ps(v, v1, a01);
                a02 = _mm512_fmadd_ps(v, v2, a02); a03 = _mm512_fmadd_ps(v, v3, a03);
                v = _mm512_loadu_ps(x1 + p);
                a10 = _mm512_fmadd_ps(v, v0, a10); a11 = _mm512_fmadd_ps(v, v1, a11);
                a12 = _mm512_fmadd_ps(v, v2, a12); a13 = _mm512_fmadd_ps(v, v3, a13);
                v = _mm512_loadu_ps(x2 + p);
                a20 = _mm512_fmadd_ps(v, v0, a20); a21 = _mm512_fmadd_ps(v, v1, a21);
                a22 = _mm512_fmadd_ps(v, v2, a22); a23 = _mm512_fmadd_ps(v, v3, a23);
                v = _mm512_loadu_ps(x3 + p);
                a30 = _mm512_fmadd_ps(v, v0, a30); a31 = _mm512_fmadd_ps(v, v1, a31);
                a32 = _mm512_fmadd_ps(v, v2, a32); a33 = _mm512_fmadd_ps(v, v3, a33);
            }
            float *c0 = c + (size_t)t * ldc + j, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
            _mm_storeu_ps(c0, _mm_add_ps(_mm_loadu_ps(c0), memos_hsum4_512(a00, a01, a02, a03)));
            _mm_storeu_ps(c1, _mm_add_ps(_mm_loadu_ps(c1), memos_hsum4_512(a10, a11, a12, a13)));
            _mm_storeu_ps(c2, _mm_add_ps(_mm_loadu_ps(c2), memos_hsum4_512(a20, a21, a22, a23)));
            _mm_storeu_ps(c3, _mm_add_ps(_mm_loadu_ps(c3), memos_hsum4_512(a30, a31, a32, a33)));
        }
        for (; t < m; t++) {
            const float *x0 = x + (size_t)t * ldx;
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int p = 0; p < k16; p += 16) {
                memos_prefetch_step(&prefetcher);
                const __m512 v = _mm512_loadu_ps(x0 + p);
                a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w0 + p), a0);
                a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w1 + p), a1);
                a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w2 + p), a2);
                a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w3 + p), a3);
            }
            float *c0 = c + (size_t)t * ldc + j;
            _mm_storeu_ps(c0, _mm_add_ps(_mm_loadu_ps(c0), memos_hsum4_512(a0, a1, a2, a3)));
        }
    }
    memos_small_gemm_tails(m, n, k, k16, n4, x, ldx, w, ldw, c, ldc);
}
#endif

/// C[m×n] += X[m×k] · Wᵀ for W[n×k] row-major, using the kernel for `level`
/// (from `memos_small_gemm_level`; only call with a level above 0).
static inline void memos_small_gemm(
    int level, int m, int n, int k, const float *x, int ldx, const float *w, int ldw, float *c, int ldc) {
#if defined(MEMOS_SMALL_GEMM_X86)
    if (level >= 2) {
        memos_small_gemm_avx512(m, n, k, x, ldx, w, ldw, c, ldc);
    } else {
        memos_small_gemm_avx2(m, n, k, x, ldx, w, ldw, c, ldc);
    }
#else
    (void)level; (void)m; (void)n; (void)k; (void)x; (void)ldx; (void)w; (void)ldw; (void)c; (void)ldc;
#endif
}

#if !defined(MEMOS_SMALL_GEMM_X86)
static inline int memos_small_gemm_level(void) { return 0; }
#endif

#endif
