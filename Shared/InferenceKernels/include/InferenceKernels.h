// Hand-written AVX-512 kernels for the inference engine's small single-headline products (see SmallGemm.c).
// OpenBLAS (cblas_sgemm) stays the general path; these are used only where they were measured to be faster.
#ifndef CRYPTODT_INFERENCE_KERNELS_H
#define CRYPTODT_INFERENCE_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU runs the AVX-512 kernels (x86-64 with AVX-512F), else 0 — then callers must use OpenBLAS.
int cdt_small_gemm_supported(void);

/// A dense layer on PyTorch's `[out, in]` weight layout, accumulating into `output`:
/// `output[r·ldc + o] += Σ_k input[r·lda + k] · weight[o·ldw + k]` for r < rows, o < cols, k < depth.
/// Exact fp32: each output is a sum of products accumulated with fused multiply-adds (16 partial sums, one per
/// vector lane, added pairwise at the end). Requires `cdt_small_gemm_supported()`; rows, cols, depth ≥ 1.
void cdt_linear_accumulate(const float *input, long lda, const float *weight, long ldw,
                           float *output, long ldc, long rows, long cols, long depth);

/// `cdt_linear_accumulate` shared by `participants` threads that all call it with the same arguments: blocks of 64
/// weight rows (output columns) are handed out through `*next` (an atomic counter starting at 0), so a thread on a
/// slower or busier core simply takes fewer blocks. Each output is computed exactly as in one call (bit-identical).
void cdt_linear_accumulate_shared(const float *input, long lda, const float *weight, long ldw,
                                  float *output, long ldc, long rows, long cols, long depth,
                                  long *next, long participants);

/// Exact GELU in place, `x·½(1 + erf(x/√2))`, with the same rational erf as the Swift `Kernels.erf` (within a few
/// float ULPs of it: the polynomial is evaluated with fused multiply-adds). Requires `cdt_small_gemm_supported()`.
void cdt_gelu_erf(float *values, long count);

/// Floats of 64-byte aligned scratch `cdt_attention` needs for a sequence of `length` tokens.
long cdt_attention_scratch_floats(long length, long headSize);

/// Scaled dot-product attention of one sequence, every head (head h's columns are `h·headSize ..< (h+1)·headSize`
/// of each row): for query row i < queryRows, `p = softmax(scale · q_i · Kᵀ)` over the `length` key rows and
/// `context[i·ldc + …] = p · V`. Queries, keys and values are row-major at strides `ldq`, `ldkv`, `ldkv`; `scratch` is
/// 64-byte aligned with `cdt_attention_scratch_floats(length, headSize)` floats. Requires `cdt_small_gemm_supported()`;
/// length, heads, headSize ≥ 1.
void cdt_attention(const float *query, long ldq, long queryRows,
                   const float *key, const float *value, long ldkv, long length,
                   long heads, long headSize, float scale,
                   float *context, long ldc, float *scratch);

#ifdef __cplusplus
}
#endif

#endif
