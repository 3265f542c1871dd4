// Scaled dot-product attention of one sequence over AVX-512 vectors, all heads in one call.
//
// Why: a single headline's attention is 2 × 12 heads × 6 layers = 144 tiny products (23 × 23 × 32) through
// `cblas_sgemm`, each paying OpenBLAS's per-call dispatch, plus 6 × 12 × 23 rows of scalar `expf`. Here, per head,
// the head's keys are transposed once into a [headSize × length] panel so that a query row's scores are whole
// vectors of 16 keys (broadcast one query element, multiply-add one panel row), the softmax runs 16 lanes wide with
// a vector exp, and the context row is Σ_j p_j · V_j with V read in place. Sums are taken in a different order than
// OpenBLAS takes them (the result agrees to float rounding; see the Inference tests).
#include "InferenceKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#include <math.h>

#define CDT_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define CDT_INLINE static inline __attribute__((always_inline)) CDT_TARGET

/// The panel width for `length` keys: a whole number of vectors.
static long padded16(long length) { return (length + 15) / 16 * 16; }

long cdt_attention_scratch_floats(long length, long headSize) {
    // The transposed keys, then one row of scores.
    return headSize * padded16(length) + padded16(length);
}

/// e^x, 16 lanes: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-7 polynomial for `expf` (≈ 1 ulp), then
/// scaled by 2ⁿ (`scalef`). Inputs are clamped to [−103, 88.7]; below about −87.3 the result is subnormal or 0, as
/// `expf`'s is (softmax only passes values ≤ 0).
CDT_INLINE __m512 exp16(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-103.0f));
    x = _mm512_min_ps(x, _mm512_set1_ps(88.72283935546875f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

/// Keys of one head, `[length × headSize]` at stride `ldk`, into `panel[k · width + j]`; lanes past `length` are 0.
CDT_INLINE void transposeKeys(const float *key, long ldk, long length, long headSize, long width, float *panel) {
    for (long k = 0; k < headSize; k++) {
        float *row = panel + k * width;
        for (long j = length; j < width; j++) row[j] = 0;
    }
    for (long j = 0; j < length; j++) {
        const float *source = key + j * ldk;
        for (long k = 0; k < headSize; k++) panel[k * width + j] = source[k];
    }
}

/// Softmax weights of one query row, unnormalised, in `scores` (lanes past `length` 0); returns 1 / their sum.
CDT_INLINE float scoreRow(const float *query, const float *panel, long width, long length, long headSize,
                          float scale, float *scores) {
    const long vectors = width / 16;
    __m512 maximum = _mm512_set1_ps(-INFINITY);
    for (long v = 0; v < vectors; v++) {
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        const float *column = panel + v * 16;
        long k = 0;
        for (; k + 2 <= headSize; k += 2) {
            a0 = _mm512_fmadd_ps(_mm512_set1_ps(query[k]), _mm512_load_ps(column + k * width), a0);
            a1 = _mm512_fmadd_ps(_mm512_set1_ps(query[k + 1]), _mm512_load_ps(column + (k + 1) * width), a1);
        }
        if (k < headSize) a0 = _mm512_fmadd_ps(_mm512_set1_ps(query[k]), _mm512_load_ps(column + k * width), a0);
        const __m512 s = _mm512_mul_ps(_mm512_add_ps(a0, a1), _mm512_set1_ps(scale));
        const long left = length - v * 16;
        const __mmask16 valid = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        maximum = _mm512_mask_max_ps(maximum, valid, maximum, s);
        _mm512_store_ps(scores + v * 16, s);
    }
    const __m512 top = _mm512_set1_ps(_mm512_reduce_max_ps(maximum));
    __m512 total = _mm512_setzero_ps();
    for (long v = 0; v < vectors; v++) {
        const long left = length - v * 16;
        const __mmask16 valid = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const __m512 e = _mm512_maskz_mov_ps(valid, exp16(_mm512_sub_ps(_mm512_load_ps(scores + v * 16), top)));
        total = _mm512_add_ps(total, e);
        _mm512_store_ps(scores + v * 16, e);
    }
    return 1.0f / _mm512_reduce_add_ps(total);
}

/// `context[c] = inverse · Σ_j weights[j] · value[j · ldv + c]` for c < headSize.
CDT_INLINE void weightedValues(const float *weights, const float *value, long ldv, long length, long headSize,
                               float inverse, float *context) {
    for (long c = 0; c < headSize; c += 32) {
        const long left = headSize - c;
        const __mmask16 m0 = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const __mmask16 m1 = left >= 32 ? (__mmask16)0xFFFF : (left > 16 ? (__mmask16)((1u << (left - 16)) - 1) : 0);
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
        long j = 0;
        for (; j + 2 <= length; j += 2) {
            const float *v0 = value + j * ldv + c, *v1 = v0 + ldv;
            const __m512 w0 = _mm512_set1_ps(weights[j]), w1 = _mm512_set1_ps(weights[j + 1]);
            a0 = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m0, v0), a0);
            a1 = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m1, v0 + 16), a1);
            b0 = _mm512_fmadd_ps(w1, _mm512_maskz_loadu_ps(m0, v1), b0);
            b1 = _mm512_fmadd_ps(w1, _mm512_maskz_loadu_ps(m1, v1 + 16), b1);
        }
        if (j < length) {
            const float *v0 = value + j * ldv + c;
            const __m512 w0 = _mm512_set1_ps(weights[j]);
            a0 = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m0, v0), a0);
            a1 = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m1, v0 + 16), a1);
        }
        const __m512 scaleBy = _mm512_set1_ps(inverse);
        _mm512_mask_storeu_ps(context + c, m0, _mm512_mul_ps(_mm512_add_ps(a0, b0), scaleBy));
        if (m1) _mm512_mask_storeu_ps(context + c + 16, m1, _mm512_mul_ps(_mm512_add_ps(a1, b1), scaleBy));
    }
}

CDT_TARGET void cdt_attention(const float *query, long ldq, long queryRows,
                              const float *key, const float *value, long ldkv, long length,
                              long heads, long headSize, float scale,
                              float *context, long ldc, float *scratch) {
    const long width = padded16(length);
    float *panel = scratch, *scores = scratch + headSize * width;
    for (long head = 0; head < heads; head++) {
        const long offset = head * headSize;
        transposeKeys(key + offset, ldkv, length, headSize, width, panel);
        for (long i = 0; i < queryRows; i++) {
            const float inverse = scoreRow(query + i * ldq + offset, panel, width, length, headSize, scale, scores);
            weightedValues(scores, value + offset, ldkv, length, headSize, inverse, context + i * ldc + offset);
        }
    }
}

#else

long cdt_attention_scratch_floats(long length, long headSize) { (void)length; (void)headSize; return 0; }

void cdt_attention(const float *query, long ldq, long queryRows, const float *key, const float *value, long ldkv,
                   long length, long heads, long headSize, float scale, float *context, long ldc, float *scratch) {
    (void)query; (void)ldq; (void)queryRows; (void)key; (void)value; (void)ldkv; (void)length; (void)heads;
    (void)headSize; (void)scale; (void)context; (void)ldc; (void)scratch;
}

#endif
