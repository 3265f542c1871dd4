// Small-M dense layer kernel: C[rows × cols] += A[rows × depth] · Wᵀ with W in PyTorch's [cols, depth] layout.
//
// Why: for a single headline (≈ 10–40 token rows) OpenBLAS's sgemm either packs the whole weight matrix on every
// call or, split into narrow column blocks, runs its unpacked small-matrix kernel; both leave much of the
// core's FMA throughput unused. This kernel reads the weights in place (no packing, no extra memory): a tile of
// MR token rows × NR weight rows (MR·NR = 16) keeps 16 vector accumulators, each a 16-lane dot product along
// `depth`; one transpose-and-add tree turns the 16 accumulators into one vector of 16 results. Weight rows are
// taken in blocks of 64 (96 KB at depth 384) that stay in L2 while every band of token rows passes over them; while
// the first band streams a block from memory it prefetches the next block into L2 (10–15 % faster on a 6-layer
// MiniLM stack of 23-token products, measured interleaved).
#include "InferenceKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CDT_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define CDT_INLINE static inline __attribute__((always_inline)) CDT_TARGET

int cdt_small_gemm_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
}

/// Lane i of the result is the sum of the 16 lanes of acc[i].
CDT_INLINE __m512 reduce16(const __m512 acc[16]) {
    __m512 t[8], u[4];
    for (int i = 0; i < 8; i++) {
        t[i] = _mm512_add_ps(_mm512_unpacklo_ps(acc[2 * i], acc[2 * i + 1]),
                             _mm512_unpackhi_ps(acc[2 * i], acc[2 * i + 1]));
    }
    for (int i = 0; i < 4; i++) {
        u[i] = _mm512_add_ps(_mm512_shuffle_ps(t[2 * i], t[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_ps(t[2 * i], t[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    }
    __m512 s01 = _mm512_add_ps(_mm512_shuffle_f32x4(u[0], u[1], _MM_SHUFFLE(1, 0, 1, 0)),
                               _mm512_shuffle_f32x4(u[0], u[1], _MM_SHUFFLE(3, 2, 3, 2)));
    __m512 s23 = _mm512_add_ps(_mm512_shuffle_f32x4(u[2], u[3], _MM_SHUFFLE(1, 0, 1, 0)),
                               _mm512_shuffle_f32x4(u[2], u[3], _MM_SHUFFLE(3, 2, 3, 2)));
    return _mm512_add_ps(_mm512_shuffle_f32x4(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(s01, s23, _MM_SHUFFLE(3, 1, 3, 1)));
}

/// One MR × NR tile (MR·NR = 16) at rows r0…, columns o0…; `mrValid`/`nrValid` rows/columns are real (the others
/// repeat the last real one and are not stored).
CDT_INLINE void tile(const int MR, const int NR, const float *A, long lda, const float *W, long ldw,
                     float *C, long ldc, long mrValid, long nrValid, long depth, const int PF, long pfOffset) {
    const float *a[4];
    const float *w[16];
    for (int r = 0; r < MR; r++) a[r] = A + (r < mrValid ? r : mrValid - 1) * lda;
    for (int o = 0; o < NR; o++) w[o] = W + (o < nrValid ? o : nrValid - 1) * ldw;
    __m512 acc[16];
    for (int i = 0; i < 16; i++) acc[i] = _mm512_setzero_ps();
    long k = 0;
    for (; k + 16 <= depth; k += 16) {
        __m512 x[4];
        for (int r = 0; r < MR; r++) x[r] = _mm512_loadu_ps(a[r] + k);
        if (PF) for (int o = 0; o < NR; o++) _mm_prefetch((const char *)(w[o] + k + pfOffset), _MM_HINT_T1);
        for (int o = 0; o < NR; o++) {
            __m512 wv = _mm512_loadu_ps(w[o] + k);
            for (int r = 0; r < MR; r++) acc[r * NR + o] = _mm512_fmadd_ps(x[r], wv, acc[r * NR + o]);
        }
    }
    if (k < depth) {
        __mmask16 m = (__mmask16)((1u << (depth - k)) - 1);
        __m512 x[4];
        for (int r = 0; r < MR; r++) x[r] = _mm512_maskz_loadu_ps(m, a[r] + k);
        for (int o = 0; o < NR; o++) {
            __m512 wv = _mm512_maskz_loadu_ps(m, w[o] + k);
            for (int r = 0; r < MR; r++) acc[r * NR + o] = _mm512_fmadd_ps(x[r], wv, acc[r * NR + o]);
        }
    }
    __m512 sums = reduce16(acc);
    float lanes[16];
    _mm512_storeu_ps(lanes, sums);
    if (NR == 4) {
        __mmask8 m = (__mmask8)((1u << nrValid) - 1);
        for (int r = 0; r < MR && r < mrValid; r++) {
            float *c = C + r * ldc;
            __m128 v = _mm_add_ps(_mm_maskz_loadu_ps(m, c), _mm_loadu_ps(lanes + 4 * r));
            _mm_mask_storeu_ps(c, m, v);
        }
    } else if (NR == 8) {
        __mmask8 m = (__mmask8)((1u << nrValid) - 1);
        for (int r = 0; r < MR && r < mrValid; r++) {
            float *c = C + r * ldc;
            __m256 v = _mm256_add_ps(_mm256_maskz_loadu_ps(m, c), _mm256_loadu_ps(lanes + 8 * r));
            _mm256_mask_storeu_ps(c, m, v);
        }
    } else {
        __mmask16 m = (__mmask16)((1u << nrValid) - 1);
        _mm512_mask_storeu_ps(C, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, C), sums));
    }
}

/// All tiles of MR rows starting at row r0 (rows r0 ..< r0 + mrValid).
CDT_INLINE void band(const int MR, const int NR, const float *A, long lda, const float *W, long ldw,
                     float *C, long ldc, long mrValid, long cols, long depth, long pfOffset) {
    for (long o = 0; o < cols; o += NR) {
        long n = cols - o < NR ? cols - o : NR;
        if (pfOffset) tile(MR, NR, A, lda, W + o * ldw, ldw, C + o, ldc, mrValid, n, depth, 1, pfOffset);
        else tile(MR, NR, A, lda, W + o * ldw, ldw, C + o, ldc, mrValid, n, depth, 0, 0);
    }
}

CDT_TARGET static void band4(const float *A, long lda, const float *W, long ldw, float *C, long ldc, long m, long cols, long depth, long pf) {
    band(4, 4, A, lda, W, ldw, C, ldc, m, cols, depth, pf);
}
CDT_TARGET static void band2(const float *A, long lda, const float *W, long ldw, float *C, long ldc, long m, long cols, long depth, long pf) {
    band(2, 8, A, lda, W, ldw, C, ldc, m, cols, depth, pf);
}
CDT_TARGET static void band1(const float *A, long lda, const float *W, long ldw, float *C, long ldc, long m, long cols, long depth, long pf) {
    band(1, 16, A, lda, W, ldw, C, ldc, m, cols, depth, pf);
}

void cdt_linear_accumulate(const float *input, long lda, const float *weight, long ldw,
                           float *output, long ldc, long rows, long cols, long depth) {
    // Column blocks outermost so each block of weight rows is read from memory once and then from cache for
    // every band of token rows.
    const long block = 64;
    for (long o = 0; o < cols; o += block) {
        long n = cols - o < block ? cols - o : block;
        const float *w = weight + o * ldw;
        float *c = output + o;
        // While the first band reads this block's weights, prefetch the next block's into L2.
        long next = o + block < cols ? (cols - o - block < block ? cols - o - block : block) : 0;
        long pf = next >= n ? block * ldw : 0;
        long r = 0;
        for (; r + 4 <= rows; r += 4, pf = 0) band4(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 4, n, depth, pf);
        long left = rows - r;
        if (left == 3) band4(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 3, n, depth, pf);
        else if (left == 2) band2(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 2, n, depth, pf);
        else if (left == 1) band1(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 1, n, depth, pf);
    }
}

#else

int cdt_small_gemm_supported(void) { return 0; }

void cdt_linear_accumulate(const float *input, long lda, const float *weight, long ldw,
                           float *output, long ldc, long rows, long cols, long depth) {
    (void)input; (void)lda; (void)weight; (void)ldw; (void)output; (void)ldc; (void)rows; (void)cols; (void)depth;
}

#endif
