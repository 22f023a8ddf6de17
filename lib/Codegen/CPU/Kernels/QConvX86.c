/*===- QConvX86.c - int8 convolution and matmul kernels for x86-64 -*- C -*-===//
//
// qcc_qconv2d_{avx512vnni,avxvnni,avx2}: direct convolution (matmul as the
// 1x1 case) with fused requantization; ABI and packed layout in
// qcc/Codegen/CPU/Kernels.h.
//
// Each tile computes MR consecutive output pixels times one block of NR
// output channels over every tap and input channel, its accumulators in
// registers; the activation group of 4 input channels of a row is broadcast
// once and multiplied with the NR x 4 packed weights of the block. Rows whose
// tap lies in the padding read the caller's zero row, so the inner loop has
// no branch. The tile size is a compile-time constant of an always-inline
// body, instantiated once per possible row count.
//
//===----------------------------------------------------------------------===*/

#include "X86Requantize.h"

/*===----------------------- AVX-512 VNNI: 6 x 64 x 4 ---------------------===//
// 24 zmm accumulators, 4 weight registers, one broadcast: 6 broadcasts and 4
// weight loads feed 24 vpdpbusd per group of 4 input channels.
//===----------------------------------------------------------------------===*/

#define QCC_AVX512VNNI_MR 6

QCC_INLINE QCC_TARGET_AVX512VNNI void
qconv_tile_avx512vnni_body(const qcc_conv_tile *t, const int rows,
                           const int flip, const qcc_qconv2d_params *p) {
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t *bias = (const int32_t *)t->bias;
  const int8_t *w = (const int8_t *)t->weights;
  __m512i acc[QCC_AVX512VNNI_MR][4];
  for (int j = 0; j < 4; ++j) {
    __m512i b = _mm512_loadu_si512(bias + 16 * j);
    for (int r = 0; r < rows; ++r)
      acc[r][j] = b;
  }
  /* Signed activations enter vpdpbusd as x ^ 0x80 = x + 128 (unsigned); the
   * packed bias holds -128 * sum w'. */
  const __m512i flip_bits = _mm512_set1_epi32(flip ? (int32_t)0x80808080 : 0);
  const int32_t groups4 = g->in_channels >> 2;
  const int32_t tail = g->in_channels & 3;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_AVX512VNNI_MR];
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      for (int32_t k = 0; k < groups4; ++k) {
        __m512i wv[4];
        for (int j = 0; j < 4; ++j)
          wv[j] = _mm512_loadu_si512(w + 64 * j);
        w += 256;
        for (int r = 0; r < rows; ++r) {
          __m512i x = _mm512_set1_epi32(qcc_load_i32(a[r] + 4 * k));
          if (flip)
            x = _mm512_xor_si512(x, flip_bits);
          for (int j = 0; j < 4; ++j)
            acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], x, wv[j]);
        }
      }
      if (tail) {
        __m512i wv[4];
        for (int j = 0; j < 4; ++j)
          wv[j] = _mm512_loadu_si512(w + 64 * j);
        w += 256;
        for (int r = 0; r < rows; ++r) {
          __m512i x = _mm512_set1_epi32(
              qcc_load_partial_group(a[r] + 4 * groups4, tail));
          if (flip)
            x = _mm512_xor_si512(x, flip_bits);
          for (int j = 0; j < 4; ++j)
            acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], x, wv[j]);
        }
      }
    }
  }
  for (int j = 0; j < 4; ++j) {
    int32_t left = t->channels - 16 * j;
    if (left <= 0)
      break;
    __mmask16 mask = qcc_mask16(left);
    qcc_requant512 c = qcc_requant512_setup(
        t->multiplier + 16 * j, t->shift + 16 * j, p->output_zero_point,
        p->output_min, p->output_max);
    for (int r = 0; r < rows; ++r) {
      __m512i y = qcc_requant512_apply(acc[r][j], &c);
      _mm512_mask_cvtepi32_storeu_epi8(
          t->output + r * t->output_row_bytes + 16 * j, mask, y);
    }
  }
}

#define QCC_QPARAMS(t) ((const qcc_qconv2d_params *)(t)->params)

#define QCC_DISPATCH_ROWS6(body, t, rows, flip)                               \
  switch (rows) {                                                              \
  case 6:                                                                      \
    body(t, 6, flip, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 5:                                                                      \
    body(t, 5, flip, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 4:                                                                      \
    body(t, 4, flip, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 3:                                                                      \
    body(t, 3, flip, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 2:                                                                      \
    body(t, 2, flip, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  default:                                                                     \
    body(t, 1, flip, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  }

static QCC_TARGET_AVX512VNNI void
qconv_tile_avx512vnni_signed(const qcc_conv_tile *t, int rows) {
  QCC_DISPATCH_ROWS6(qconv_tile_avx512vnni_body, t, rows, 1)
}

static QCC_TARGET_AVX512VNNI void
qconv_tile_avx512vnni_unsigned(const qcc_conv_tile *t, int rows) {
  QCC_DISPATCH_ROWS6(qconv_tile_avx512vnni_body, t, rows, 0)
}

QCC_TARGET_AVX512VNNI void
qcc_qconv2d_avx512vnni(const qcc_qconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_QCONV_NR_AVX512VNNI,
                QCC_AVX512VNNI_MR, 1,
                p->input_unsigned ? qconv_tile_avx512vnni_unsigned
                                  : qconv_tile_avx512vnni_signed);
}

/*===------------------------ AVX-VNNI: 6 x 16 x 4 ------------------------===//
// 12 ymm accumulators, 2 weight registers, one broadcast, the flip mask.
//===----------------------------------------------------------------------===*/

#define QCC_AVXVNNI_MR 6

QCC_INLINE QCC_TARGET_AVXVNNI void
qconv_tile_avxvnni_body(const qcc_conv_tile *t, const int rows,
                        const int flip, const qcc_qconv2d_params *p) {
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t *bias = (const int32_t *)t->bias;
  const int8_t *w = (const int8_t *)t->weights;
  __m256i acc[QCC_AVXVNNI_MR][2];
  for (int j = 0; j < 2; ++j) {
    __m256i b = _mm256_loadu_si256((const __m256i *)(bias + 8 * j));
    for (int r = 0; r < rows; ++r)
      acc[r][j] = b;
  }
  const __m256i flip_bits = _mm256_set1_epi32(flip ? (int32_t)0x80808080 : 0);
  const int32_t groups4 = g->in_channels >> 2;
  const int32_t tail = g->in_channels & 3;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_AVXVNNI_MR];
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      for (int32_t k = 0; k <= groups4; ++k) {
        if (k == groups4 && !tail)
          break;
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
        w += 64;
        for (int r = 0; r < rows; ++r) {
          int32_t bytes = k < groups4
                              ? qcc_load_i32(a[r] + 4 * k)
                              : qcc_load_partial_group(a[r] + 4 * k, tail);
          __m256i x = _mm256_set1_epi32(bytes);
          if (flip)
            x = _mm256_xor_si256(x, flip_bits);
          acc[r][0] = _mm256_dpbusd_avx_epi32(acc[r][0], x, w0);
          acc[r][1] = _mm256_dpbusd_avx_epi32(acc[r][1], x, w1);
        }
      }
    }
  }
  if (t->channels <= 0)
    return;
  qcc_requant256 c0 =
      qcc_requant256_setup(t->multiplier, t->shift, p->output_zero_point,
                           p->output_min, p->output_max);
  qcc_requant256 c1 =
      qcc_requant256_setup(t->multiplier + 8, t->shift + 8,
                           p->output_zero_point, p->output_min, p->output_max);
  for (int r = 0; r < rows; ++r) {
    __m128i y = qcc_narrow256(qcc_requant256_apply(acc[r][0], &c0),
                              qcc_requant256_apply(acc[r][1], &c1));
    qcc_store_bytes128(t->output + r * t->output_row_bytes, y, t->channels);
  }
}

static QCC_TARGET_AVXVNNI void
qconv_tile_avxvnni_signed(const qcc_conv_tile *t, int rows) {
  QCC_DISPATCH_ROWS6(qconv_tile_avxvnni_body, t, rows, 1)
}

static QCC_TARGET_AVXVNNI void
qconv_tile_avxvnni_unsigned(const qcc_conv_tile *t, int rows) {
  QCC_DISPATCH_ROWS6(qconv_tile_avxvnni_body, t, rows, 0)
}

QCC_TARGET_AVXVNNI void qcc_qconv2d_avxvnni(const qcc_qconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_QCONV_NR_AVXVNNI,
                QCC_AVXVNNI_MR, 1,
                p->input_unsigned ? qconv_tile_avxvnni_unsigned
                                  : qconv_tile_avxvnni_signed);
}

/*===-------------------------- AVX2: 3 x 16 x 4 --------------------------===//
// Exact without VNNI: vpmaddubsw would saturate (255 * 127 * 2 > 32767), so
// both operands are widened to int16 (activations by sign or zero extension,
// the packed int8 weights by vpmovsxbw) and multiplied with vpmaddwd, whose
// pair sums (at most 2 * 255 * 128) cannot saturate. One ymm of widened
// weights holds 4 channels x 4 inputs; vpmaddwd leaves two partial sums per
// channel, which the epilogue adds with vphaddd. No +128 bias term.
//===----------------------------------------------------------------------===*/

#define QCC_AVX2_MR 3

QCC_INLINE QCC_TARGET_AVX2 __m256i qconv_avx2_broadcast(int32_t bytes,
                                                        int is_unsigned) {
  __m128i v = _mm_cvtsi32_si128(bytes);
  v = is_unsigned ? _mm_cvtepu8_epi16(v) : _mm_cvtepi8_epi16(v);
  return _mm256_broadcastq_epi64(v);
}

QCC_INLINE QCC_TARGET_AVX2 void
qconv_tile_avx2_body(const qcc_conv_tile *t, const int rows,
                     const int is_unsigned, const qcc_qconv2d_params *p) {
  const qcc_conv2d_geometry *g = t->geometry;
  const int8_t *w = (const int8_t *)t->weights;
  __m256i acc[QCC_AVX2_MR][4];
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < 4; ++j)
      acc[r][j] = _mm256_setzero_si256();
  const int32_t groups4 = g->in_channels >> 2;
  const int32_t tail = g->in_channels & 3;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_AVX2_MR];
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      for (int32_t k = 0; k <= groups4; ++k) {
        if (k == groups4 && !tail)
          break;
        __m256i x[QCC_AVX2_MR];
        for (int r = 0; r < rows; ++r)
          x[r] = qconv_avx2_broadcast(
              k < groups4 ? qcc_load_i32(a[r] + 4 * k)
                          : qcc_load_partial_group(a[r] + 4 * k, tail),
              is_unsigned);
        for (int j = 0; j < 4; ++j) {
          __m256i wv = _mm256_cvtepi8_epi16(
              _mm_loadu_si128((const __m128i *)(w + 16 * j)));
          for (int r = 0; r < rows; ++r)
            acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(x[r], wv));
        }
        w += 64;
      }
    }
  }
  if (t->channels <= 0)
    return;
  const int32_t *bias = (const int32_t *)t->bias;
  __m256i b0 = _mm256_loadu_si256((const __m256i *)bias);
  __m256i b1 = _mm256_loadu_si256((const __m256i *)(bias + 8));
  qcc_requant256 c0 =
      qcc_requant256_setup(t->multiplier, t->shift, p->output_zero_point,
                           p->output_min, p->output_max);
  qcc_requant256 c1 =
      qcc_requant256_setup(t->multiplier + 8, t->shift + 8,
                           p->output_zero_point, p->output_min, p->output_max);
  for (int r = 0; r < rows; ++r) {
    /* hadd pairs within 128-bit lanes: channels 0 1 4 5 | 2 3 6 7. */
    __m256i s0 = _mm256_permute4x64_epi64(
        _mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xd8);
    __m256i s1 = _mm256_permute4x64_epi64(
        _mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xd8);
    s0 = _mm256_add_epi32(s0, b0);
    s1 = _mm256_add_epi32(s1, b1);
    __m128i y = qcc_narrow256(qcc_requant256_apply(s0, &c0),
                              qcc_requant256_apply(s1, &c1));
    qcc_store_bytes128(t->output + r * t->output_row_bytes, y, t->channels);
  }
}

#define QCC_DISPATCH_ROWS3(body, t, rows, flag)                               \
  switch (rows) {                                                              \
  case 3:                                                                      \
    body(t, 3, flag, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 2:                                                                      \
    body(t, 2, flag, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  default:                                                                     \
    body(t, 1, flag, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  }

static QCC_TARGET_AVX2 void qconv_tile_avx2_signed(const qcc_conv_tile *t,
                                                   int rows) {
  QCC_DISPATCH_ROWS3(qconv_tile_avx2_body, t, rows, 0)
}

static QCC_TARGET_AVX2 void qconv_tile_avx2_unsigned(const qcc_conv_tile *t,
                                                     int rows) {
  QCC_DISPATCH_ROWS3(qconv_tile_avx2_body, t, rows, 1)
}

QCC_TARGET_AVX2 void qcc_qconv2d_avx2(const qcc_qconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_QCONV_NR_AVX2,
                QCC_AVX2_MR, 1,
                p->input_unsigned ? qconv_tile_avx2_unsigned
                                  : qconv_tile_avx2_signed);
}
