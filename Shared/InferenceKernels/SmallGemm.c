// Small-M dense layer kernel: C[rows × cols] += A[rows × depth] · Wᵀ with W in PyTorch's [cols, depth] layout.
//
// Why: for a single headline (≈ 10–40 token rows) OpenBLAS's sgemm either packs the whole weight matrix on every
// call or, split into narrow column blocks, runs its unpacked small-matrix kernel; both leave much of the
// core's FMA throughput unused. This kernel reads the weights in place (no packing, no extra memory): a tile of
// MR token rows × NR weight rows (MR·NR = 16) keeps 16 vector accumulators, each a 16-lane dot product along
// `depth`; one transpose-and-add tree turns the 16 accumulators into one vector of 16 results. Weight rows are
// taken in blocks of 64 (96 KB at depth 384) that stay in L2 while every band of token rows passes over them; the
// next block is prefetched into L2 meanwhile, a few lines per k-step spread over all of the block's tiles (11 % faster
// on a 23-token headline than the first band alone prefetching the next block, measured interleaved in one process:
// that band then stalled on full fill buffers). On this project's VM the kernel then runs at ≈ 105 GFLOPS, within a
// few per cent of the core's measured FMA peak (≈ 110 GFLOPS).
#include "InferenceKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CDT_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define CDT_INLINE static inline __attribute__((always_inline)) CDT_TARGET

int cdt_small_gemm_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
}

/// Prefetches into L2 still to issue: the bytes [next, end), `perStep` 64-byte lines per k-step of a tile.
struct Prefetch {
    const char *next;
    const char *end;
    long perStep;
};

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
                     float *C, long ldc, long mrValid, long nrValid, long depth, struct Prefetch *pf) {
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
        for (long i = 0; i < pf->perStep && pf->next < pf->end; i++, pf->next += 64) _mm_prefetch(pf->next, _MM_HINT_T1);
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
                     float *C, long ldc, long mrValid, long cols, long depth, struct Prefetch *pf) {
    for (long o = 0; o < cols; o += NR) {
        long n = cols - o < NR ? cols - o : NR;
        tile(MR, NR, A, lda, W + o * ldw, ldw, C + o, ldc, mrValid, n, depth, pf);
    }
}

CDT_TARGET static void band4(const float *A, long lda, const float *W, long ldw, float *C, long ldc, long m, long cols,
                             long depth, struct Prefetch *pf) {
    band(4, 4, A, lda, W, ldw, C, ldc, m, cols, depth, pf);
}
CDT_TARGET static void band2(const float *A, long lda, const float *W, long ldw, float *C, long ldc, long m, long cols,
                             long depth, struct Prefetch *pf) {
    band(2, 8, A, lda, W, ldw, C, ldc, m, cols, depth, pf);
}
CDT_TARGET static void band1(const float *A, long lda, const float *W, long ldw, float *C, long ldc, long m, long cols,
                             long depth, struct Prefetch *pf) {
    band(1, 16, A, lda, W, ldw, C, ldc, m, cols, depth, pf);
}

/// Weight rows per block (96 KB at depth 384): the unit of the column loop, of prefetching and of sharing.
#define CDT_BLOCK 64

/// Every band of token rows over the block of weight rows [o, o + n), prefetching [ahead, ahead + aheadRows) rows.
/// While every band works on this block, the next block's weight rows are prefetched into L2, spread evenly over all of
/// this block's k-steps: the memory system then streams at the rate the tiles consume, instead of the first band alone
/// issuing every prefetch and stalling on full fill buffers.
static void block(const float *input, long lda, const float *weight, long ldw, float *output, long ldc,
                  long rows, long o, long n, long depth, long ahead, long aheadRows) {
    const long steps = (depth + 15) / 16; // k-steps of one tile
    const long bands = rows / 4 + (rows % 4 != 0);
    const float *w = weight + o * ldw;
    float *c = output + o;
    struct Prefetch pf = { (const char *)(weight + ahead * ldw), (const char *)(weight + (ahead + aheadRows) * ldw), 0 };
    if (aheadRows > 0) {
        long lines = (long)(pf.end - pf.next + 63) / 64;
        long tiles = bands * ((n + 3) / 4); // an upper bound: band2/band1 tiles are wider
        pf.perStep = (lines + tiles * steps - 1) / (tiles * steps);
    }
    long r = 0;
    for (; r + 4 <= rows; r += 4) band4(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 4, n, depth, &pf);
    long left = rows - r;
    if (left == 3) band4(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 3, n, depth, &pf);
    else if (left == 2) band2(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 2, n, depth, &pf);
    else if (left == 1) band1(input + r * lda, lda, w, ldw, c + r * ldc, ldc, 1, n, depth, &pf);
}

/// Rows of the block starting at row `o` of `cols` (0 past the end).
static long blockRows(long o, long cols) { return o >= cols ? 0 : (cols - o < CDT_BLOCK ? cols - o : CDT_BLOCK); }

void cdt_linear_accumulate(const float *input, long lda, const float *weight, long ldw,
                           float *output, long ldc, long rows, long cols, long depth) {
    // Column blocks outermost so each block of weight rows is read from memory once and then from cache for
    // every band of token rows.
    for (long o = 0; o < cols; o += CDT_BLOCK) {
        block(input, lda, weight, ldw, output, ldc, rows, o, blockRows(o, cols), depth, o + CDT_BLOCK,
              blockRows(o + CDT_BLOCK, cols));
    }
}

void cdt_linear_accumulate_shared(const float *input, long lda, const float *weight, long ldw,
                                  float *output, long ldc, long rows, long cols, long depth,
                                  long *next, long participants) {
    for (;;) {
        long index = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
        long o = index * CDT_BLOCK;
        if (o >= cols) return;
        // The block this participant will probably take next: `participants` blocks on.
        long ahead = o + participants * CDT_BLOCK;
        block(input, lda, weight, ldw, output, ldc, rows, o, blockRows(o, cols), depth, ahead, blockRows(ahead, cols));
    }
}

#else

int cdt_small_gemm_supported(void) { return 0; }

void cdt_linear_accumulate_shared(const float *input, long lda, const float *weight, long ldw,
                                  float *output, long ldc, long rows, long cols, long depth,
                                  long *next, long participants) {
    (void)input; (void)lda; (void)weight; (void)ldw; (void)output; (void)ldc; (void)rows; (void)cols; (void)depth;
    (void)next; (void)participants;
}

void cdt_linear_accumulate(const float *input, long lda, const float *weight, long ldw,
                           float *output, long ldc, long rows, long cols, long depth) {
    (void)input; (void)lda; (void)weight; (void)ldw; (void)output; (void)ldc; (void)rows; (void)cols; (void)depth;
}

#endif
