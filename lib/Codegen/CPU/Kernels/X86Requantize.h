//===- X86Requantize.h - Vector requantization for x86 kernels ----*- C -*-===//
//
// Internal to lib/Codegen/CPU/Kernels: the contract's
//   y = clamp(zp + RHE(acc * M, n), lo, hi)
// on 16 (AVX-512) or 8 (AVX2) int32 accumulators at once, bit-exact with
// qcc_requantize in KernelSupport.h. The product acc * M is formed in int64
// on even and odd lanes separately (vpmuldq reads the low dword of each
// qword), rounded with RHE(p, n) = (p + 2^(n-1) - 1 + bit n of p) >> n, and
// clamped in int64 before the halves are merged back, so no intermediate
// ever wraps. The per-channel constants are derived once per channel chunk
// and reused for every pixel row of a tile.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CODEGEN_CPU_KERNELS_X86REQUANTIZE_H
#define QCC_LIB_CODEGEN_CPU_KERNELS_X86REQUANTIZE_H

#include "KernelSupport.h"

#include <immintrin.h>

#define QCC_TARGET_AVX512VNNI                                                  \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512dq")))
#define QCC_TARGET_AVXVNNI __attribute__((target("avx2,avxvnni,fma")))
#define QCC_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define QCC_TARGET_AVX512F                                                     \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

//===------------------------------ AVX-512 -------------------------------===//

typedef struct qcc_requant512 {
  __m512i m_even, m_odd;
  __m512i n_even, n_odd;
  __m512i round_even, round_odd; /* 2^(n-1) - 1 */
  __m512i bit_even, bit_odd;     /* 2^n: tests bit n of the product */
  __m512i lo, hi;                /* bounds minus the zero point, int64 */
  __m512i zp;                    /* int32 */
} qcc_requant512;

QCC_INLINE QCC_TARGET_AVX512F qcc_requant512
qcc_requant512_setup(const int32_t *multiplier, const int32_t *shift,
                     int32_t zp, int32_t lo, int32_t hi) {
  qcc_requant512 c;
  __m512i one = _mm512_set1_epi64(1);
  __m512i m = _mm512_loadu_si512(multiplier);
  __m512i n = _mm512_loadu_si512(shift);
  c.m_even = m;
  c.m_odd = _mm512_srli_epi64(m, 32);
  c.n_even = _mm512_and_si512(n, _mm512_set1_epi64(0xffffffff));
  c.n_odd = _mm512_srli_epi64(n, 32);
  c.bit_even = _mm512_sllv_epi64(one, c.n_even);
  c.bit_odd = _mm512_sllv_epi64(one, c.n_odd);
  /* Logical shifts: 2^63 >> 1 is 2^62 even though 2^63 reads negative. */
  c.round_even = _mm512_sub_epi64(_mm512_srli_epi64(c.bit_even, 1), one);
  c.round_odd = _mm512_sub_epi64(_mm512_srli_epi64(c.bit_odd, 1), one);
  c.lo = _mm512_set1_epi64((int64_t)lo - zp);
  c.hi = _mm512_set1_epi64((int64_t)hi - zp);
  c.zp = _mm512_set1_epi32(zp);
  return c;
}

QCC_INLINE QCC_TARGET_AVX512F __m512i qcc_rhe512(__m512i p, __m512i n,
                                                 __m512i round, __m512i bit,
                                                 __m512i lo, __m512i hi) {
  __mmask8 odd = _mm512_test_epi64_mask(p, bit);
  __m512i t = _mm512_add_epi64(p, round);
  t = _mm512_mask_sub_epi64(t, odd, t, _mm512_set1_epi64(-1));
  __m512i q = _mm512_srav_epi64(t, n);
  return _mm512_min_epi64(_mm512_max_epi64(q, lo), hi);
}

/* Returns the 16 results as int32 lanes, in channel order. */
QCC_INLINE QCC_TARGET_AVX512F __m512i
qcc_requant512_apply(__m512i acc, const qcc_requant512 *c) {
  __m512i p_even = _mm512_mul_epi32(acc, c->m_even);
  __m512i p_odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), c->m_odd);
  __m512i q_even =
      qcc_rhe512(p_even, c->n_even, c->round_even, c->bit_even, c->lo, c->hi);
  __m512i q_odd =
      qcc_rhe512(p_odd, c->n_odd, c->round_odd, c->bit_odd, c->lo, c->hi);
  /* Interleave the low dwords: lane 2i from q_even, 2i + 1 from q_odd. */
  const __m512i merge = _mm512_set_epi32(30, 14, 28, 12, 26, 10, 24, 8, 22, 6,
                                         20, 4, 18, 2, 16, 0);
  __m512i q = _mm512_permutex2var_epi32(q_even, merge, q_odd);
  return _mm512_add_epi32(q, c->zp);
}

QCC_INLINE __mmask16 qcc_mask16(int32_t count) {
  return count >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << count) - 1);
}

/* Stores the low bytes of 16 int32 lanes under `mask`. vpmovdb straight to
 * memory is microcoded on AMD (Zen 4/5: several times slower than the rest
 * of the epilogue); narrowing in a register and storing with a byte mask is
 * not. */
QCC_INLINE QCC_TARGET_AVX512F void qcc_store16_epi8(uint8_t *out,
                                                    __mmask16 mask, __m512i y) {
  __m128i bytes = _mm512_cvtepi32_epi8(y);
  /* Without the barrier clang folds the pair back into vpmovdb m128{k}. */
  __asm__("" : "+v"(bytes));
  if (mask == 0xffff)
    _mm_storeu_si128((__m128i *)out, bytes);
  else
    _mm_mask_storeu_epi8(out, mask, bytes);
}

//===-------------------------------- AVX2 --------------------------------===//

typedef struct qcc_requant256 {
  __m256i m_even, m_odd;
  __m256i n_even, n_odd;
  __m256i round_even, round_odd;
  __m256i lo, hi;
  __m256i zp;
} qcc_requant256;

QCC_INLINE QCC_TARGET_AVX2 qcc_requant256
qcc_requant256_setup(const int32_t *multiplier, const int32_t *shift,
                     int32_t zp, int32_t lo, int32_t hi) {
  qcc_requant256 c;
  __m256i one = _mm256_set1_epi64x(1);
  __m256i m = _mm256_loadu_si256((const __m256i *)multiplier);
  __m256i n = _mm256_loadu_si256((const __m256i *)shift);
  c.m_even = m;
  c.m_odd = _mm256_srli_epi64(m, 32);
  c.n_even = _mm256_and_si256(n, _mm256_set1_epi64x(0xffffffff));
  c.n_odd = _mm256_srli_epi64(n, 32);
  c.round_even = _mm256_sub_epi64(
      _mm256_sllv_epi64(one, _mm256_sub_epi64(c.n_even, one)), one);
  c.round_odd = _mm256_sub_epi64(
      _mm256_sllv_epi64(one, _mm256_sub_epi64(c.n_odd, one)), one);
  c.lo = _mm256_set1_epi64x((int64_t)lo - zp);
  c.hi = _mm256_set1_epi64x((int64_t)hi - zp);
  c.zp = _mm256_set1_epi32(zp);
  return c;
}

/* AVX2 has no arithmetic 64-bit shift: floor(t / 2^n) is computed as
 * ~(~t >> n) for negative t (one's complement commutes with the logical
 * shift), i.e. ((t ^ s) >> n) ^ s with s the sign mask. It has no 64-bit
 * min/max either: the clamp compares and blends. */
QCC_INLINE QCC_TARGET_AVX2 __m256i qcc_rhe256(__m256i p, __m256i n,
                                              __m256i round, __m256i lo,
                                              __m256i hi) {
  __m256i one = _mm256_set1_epi64x(1);
  /* Bit n of p: the logical shift agrees with the arithmetic one on it. */
  __m256i odd = _mm256_and_si256(_mm256_srlv_epi64(p, n), one);
  __m256i t = _mm256_add_epi64(_mm256_add_epi64(p, round), odd);
  __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), t);
  __m256i q =
      _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(t, sign), n), sign);
  q = _mm256_blendv_epi8(q, lo, _mm256_cmpgt_epi64(lo, q));
  return _mm256_blendv_epi8(q, hi, _mm256_cmpgt_epi64(q, hi));
}

QCC_INLINE QCC_TARGET_AVX2 __m256i
qcc_requant256_apply(__m256i acc, const qcc_requant256 *c) {
  __m256i p_even = _mm256_mul_epi32(acc, c->m_even);
  __m256i p_odd = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), c->m_odd);
  __m256i q_even = qcc_rhe256(p_even, c->n_even, c->round_even, c->lo, c->hi);
  __m256i q_odd = qcc_rhe256(p_odd, c->n_odd, c->round_odd, c->lo, c->hi);
  __m256i q = _mm256_blend_epi32(q_even, _mm256_slli_epi64(q_odd, 32), 0xaa);
  return _mm256_add_epi32(q, c->zp);
}

/* Narrows 16 int32 results (already within [-128, 255]) to their low bytes,
 * in order. */
QCC_INLINE QCC_TARGET_AVX2 __m128i qcc_narrow256(__m256i a, __m256i b) {
  /* packs is exact here; it interleaves 64-bit chunks a0 b0 a1 b1. */
  __m256i w = _mm256_packs_epi32(a, b);
  w = _mm256_permute4x64_epi64(w, 0xd8);
  w = _mm256_and_si256(w, _mm256_set1_epi16(0xff));
  return _mm_packus_epi16(_mm256_castsi256_si128(w),
                          _mm256_extracti128_si256(w, 1));
}

/* Stores the first `count` (0..16) bytes of v without touching the rest:
 * AVX2 has no byte-masked store, and a loop could become a memcpy call. */
QCC_INLINE QCC_TARGET_AVX2 void qcc_store_bytes128(uint8_t *out, __m128i v,
                                                   int32_t count) {
  if (count >= 16) {
    _mm_storeu_si128((__m128i *)out, v);
    return;
  }
  if (count & 8) {
    _mm_storel_epi64((__m128i *)out, v);
    v = _mm_srli_si128(v, 8);
    out += 8;
  }
  if (count & 4) {
    _mm_storeu_si32(out, v);
    v = _mm_srli_si128(v, 4);
    out += 4;
  }
  if (count & 2) {
    _mm_storeu_si16(out, v);
    v = _mm_srli_si128(v, 2);
    out += 2;
  }
  if (count & 1)
    *out = (uint8_t)_mm_cvtsi128_si32(v);
}

#endif /* QCC_LIB_CODEGEN_CPU_KERNELS_X86REQUANTIZE_H */
