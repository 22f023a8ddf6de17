//===- QConvX86.c - int8 convolution kernels for x86-64 -----------*- C -*-===//
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
//===----------------------------------------------------------------------===//

#include "X86Requantize.h"

//===----------------------- AVX-512 VNNI: 6 x 64 x 4 ---------------------===//
// 24 zmm accumulators, 4 weight registers, one broadcast: 6 broadcast loads
// and 4 weight loads feed 24 vpdpbusd per group of 4 input channels, and
// nothing else runs in the inner loop.
//
// vpdpbusd multiplies unsigned by signed bytes. uint8 activations are the
// unsigned operand against the int8 w'. int8 activations are the signed
// operand against the packed u = w' + 128 (0..255):
//   sum x * w' = sum x * u - 128 * sum x,
// and sum x, the same for every output channel of a pixel, is computed per
// tile row with vpsadbw (64 bytes per instruction) and subtracted in the
// epilogue. This keeps the per-broadcast flip (x ^ 0x80) out of the inner
// loop, where it cost about 15 % of the vpdpbusd rate.
//===----------------------------------------------------------------------===//

#define QCC_AVX512VNNI_MR 6

/* Sum over n bytes of (x + 128); masked loads never touch memory past
 * p[n - 1]. Returned as a scalar so that a tile's row sums take no vector
 * registers from the accumulators across the tap loop. */
QCC_INLINE QCC_TARGET_AVX512VNNI uint32_t qcc_biased_sum512(const uint8_t *p,
                                                            int32_t n) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  __m512i sum = _mm512_setzero_si512();
  int32_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512i v = _mm512_xor_si512(_mm512_loadu_si512(p + i), flip);
    sum = _mm512_add_epi64(sum, _mm512_sad_epu8(v, _mm512_setzero_si512()));
  }
  if (i < n) {
    __mmask64 mask = ~(__mmask64)0 >> (64 - (n - i));
    __m512i v = _mm512_maskz_mov_epi8(
        mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, p + i), flip));
    sum = _mm512_add_epi64(sum, _mm512_sad_epu8(v, _mm512_setzero_si512()));
  }
  return (uint32_t)_mm512_reduce_add_epi64(sum);
}

/* One tile of `rows` pixels times the first 16 * nj channels of a block
 * (nj = 4 but in a block that ends the output channels: the vectors past
 * them would only multiply the packing's zeros). Small tiles (rows * nj <=
 * 12) have too few accumulators to hide the vpdpbusd latency: odd groups of
 * 4 channels go to a second set, added back after the loop. */
QCC_INLINE QCC_TARGET_AVX512VNNI void
qconv_tile_avx512vnni_body(const qcc_conv_tile *t, const int rows, const int nj,
                           const int is_signed, const qcc_qconv2d_params *p) {
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t *bias = (const int32_t *)t->bias;
  const int8_t *w = (const int8_t *)t->weights;
  const int split = rows * nj <= 12 && 2 * rows * nj + 2 * nj + 2 <= 32;
  __m512i acc[QCC_AVX512VNNI_MR][4];
  __m512i acc2[QCC_AVX512VNNI_MR][4];
  uint32_t row_sum[QCC_AVX512VNNI_MR];
  QCC_UNROLL
  for (int j = 0; j < nj; ++j) {
    __m512i b = _mm512_loadu_si512(bias + 16 * j);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      acc[r][j] = b;
      acc2[r][j] = _mm512_setzero_si512();
    }
  }
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    row_sum[r] = 0;
  const int32_t groups4 = g->in_channels >> 2;
  const int32_t tail = g->in_channels & 3;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_AVX512VNNI_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      if (is_signed) {
        QCC_UNROLL
        for (int r = 0; r < rows; ++r)
          row_sum[r] += qcc_biased_sum512(a[r], g->in_channels);
      }
      int32_t k = 0;
      if (split) {
        for (; k + 2 <= groups4; k += 2) {
          __m512i wv[4], wv2[4];
          QCC_UNROLL
          for (int j = 0; j < nj; ++j) {
            wv[j] = _mm512_loadu_si512(w + 64 * j);
            wv2[j] = _mm512_loadu_si512(w + 256 + 64 * j);
          }
          w += 512;
          QCC_UNROLL
          for (int r = 0; r < rows; ++r) {
            __m512i x0 = _mm512_set1_epi32(qcc_load_i32(a[r] + 4 * k));
            __m512i x1 = _mm512_set1_epi32(qcc_load_i32(a[r] + 4 * k + 4));
            QCC_UNROLL
            for (int j = 0; j < nj; ++j) {
              acc[r][j] = is_signed ? _mm512_dpbusd_epi32(acc[r][j], wv[j], x0)
                                    : _mm512_dpbusd_epi32(acc[r][j], x0, wv[j]);
              acc2[r][j] = is_signed
                               ? _mm512_dpbusd_epi32(acc2[r][j], wv2[j], x1)
                               : _mm512_dpbusd_epi32(acc2[r][j], x1, wv2[j]);
            }
          }
        }
      }
      for (; k < groups4; ++k) {
        __m512i wv[4];
        QCC_UNROLL
        for (int j = 0; j < nj; ++j)
          wv[j] = _mm512_loadu_si512(w + 64 * j);
        w += 256;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          __m512i x = _mm512_set1_epi32(qcc_load_i32(a[r] + 4 * k));
          QCC_UNROLL
          for (int j = 0; j < nj; ++j)
            acc[r][j] = is_signed ? _mm512_dpbusd_epi32(acc[r][j], wv[j], x)
                                  : _mm512_dpbusd_epi32(acc[r][j], x, wv[j]);
        }
      }
      if (tail) {
        __m512i wv[4];
        QCC_UNROLL
        for (int j = 0; j < nj; ++j)
          wv[j] = _mm512_loadu_si512(w + 64 * j);
        w += 256;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          /* The missing bytes are 0 in either operand order. */
          __m512i x = _mm512_set1_epi32(
              qcc_load_partial_group(a[r] + 4 * groups4, tail));
          QCC_UNROLL
          for (int j = 0; j < nj; ++j)
            acc[r][j] = is_signed ? _mm512_dpbusd_epi32(acc[r][j], wv[j], x)
                                  : _mm512_dpbusd_epi32(acc[r][j], x, wv[j]);
        }
      }
    }
  }
  if (split) {
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      QCC_UNROLL
    for (int j = 0; j < nj; ++j)
      acc[r][j] = _mm512_add_epi32(acc[r][j], acc2[r][j]);
  }
  if (is_signed) {
    /* acc -= 128 * sum x, with sum x = sum (x + 128) - 128 * count; the
     * int32 arithmetic wraps like the accumulation. */
    uint32_t count = (uint32_t)g->in_channels * (uint32_t)g->kernel_h *
                     (uint32_t)g->kernel_w;
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      uint32_t sum = row_sum[r] - 128u * count;
      __m512i correction = _mm512_set1_epi32((int32_t)(sum << 7));
      QCC_UNROLL
      for (int j = 0; j < nj; ++j)
        acc[r][j] = _mm512_sub_epi32(acc[r][j], correction);
    }
  }
  /* Byte stores may alias the tile and the parameters: read what the
   * epilogue needs once, before the first store. */
  uint8_t *const out = t->output;
  const ptrdiff_t row_bytes = t->output_row_bytes;
  const int32_t channels = t->channels;
  const int32_t *const multiplier = t->multiplier, *const shift = t->shift;
  const int32_t zp = p->output_zero_point, lo = p->output_min,
                hi = p->output_max;
  QCC_UNROLL
  for (int j = 0; j < nj; ++j) {
    __mmask16 mask = qcc_mask16(channels - 16 * j);
    qcc_requant512 c =
        qcc_requant512_setup(multiplier + 16 * j, shift + 16 * j, zp, lo, hi);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      __m512i y = qcc_requant512_apply(acc[r][j], &c);
      qcc_store16_epi8(out + r * row_bytes + 16 * j, mask, y);
    }
  }
}

#define QCC_QPARAMS(t) ((const qcc_qconv2d_params *)(t)->params)

/* Instantiates `body` for each row count of a 6-row tile. */
#define QCC_DISPATCH_ROWS6(body, t, rows, flag)                                \
  switch (rows) {                                                              \
  case 6:                                                                      \
    body(t, 6, flag, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 5:                                                                      \
    body(t, 5, flag, QCC_QPARAMS(t));                                          \
    break;                                                                     \
  case 4:                                                                      \
    body(t, 4, flag, QCC_QPARAMS(t));                                          \
    break;                                                                     \
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

/* One micro-kernel per vector count `nj` (16 channels each) and input
 * signedness, each dispatching on the tile's row count (6 but in a block's
 * last tile). The entry point chooses them from the channel count. */
#define QCC_AVX512VNNI_BODY_NJ1(t, rows, flag, p)                              \
  qconv_tile_avx512vnni_body(t, rows, 1, flag, p)
#define QCC_AVX512VNNI_BODY_NJ2(t, rows, flag, p)                              \
  qconv_tile_avx512vnni_body(t, rows, 2, flag, p)
#define QCC_AVX512VNNI_BODY_NJ3(t, rows, flag, p)                              \
  qconv_tile_avx512vnni_body(t, rows, 3, flag, p)
#define QCC_AVX512VNNI_BODY_NJ4(t, rows, flag, p)                              \
  qconv_tile_avx512vnni_body(t, rows, 4, flag, p)
#define QCC_AVX512VNNI_TILE(name, nj, is_signed)                               \
  static QCC_TARGET_AVX512VNNI void name(const qcc_conv_tile *t, int rows) {   \
    QCC_DISPATCH_ROWS6(QCC_AVX512VNNI_BODY_NJ##nj, t, rows, is_signed)         \
  }

QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_s1, 1, 1)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_s2, 2, 1)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_s3, 3, 1)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_s4, 4, 1)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_u1, 1, 0)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_u2, 2, 0)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_u3, 3, 0)
QCC_AVX512VNNI_TILE(qconv_tile_avx512vnni_u4, 4, 0)

/* The micro-kernel for blocks of `channels` (1..64) output channels. */
QCC_INLINE qcc_conv_tile_fn qconv_avx512vnni_tile_for(int32_t channels,
                                                      int is_signed) {
  switch ((channels + 15) >> 4) {
  case 1:
    return is_signed ? qconv_tile_avx512vnni_s1 : qconv_tile_avx512vnni_u1;
  case 2:
    return is_signed ? qconv_tile_avx512vnni_s2 : qconv_tile_avx512vnni_u2;
  case 3:
    return is_signed ? qconv_tile_avx512vnni_s3 : qconv_tile_avx512vnni_u3;
  default:
    return is_signed ? qconv_tile_avx512vnni_s4 : qconv_tile_avx512vnni_u4;
  }
}

/* Inlined into the model (QCC_ENTRY), the signedness and the channel count
 * are constants: only the one or two micro-kernels this convolution uses
 * stay in the object, out of eight. */
QCC_ENTRY QCC_TARGET_AVX512VNNI void
qcc_qconv2d_avx512vnni(const qcc_qconv2d_params *p) {
  const int is_signed = !p->input_unsigned;
  const int32_t channels = p->geometry.out_channels;
  const int32_t last = channels % QCC_QCONV_NR_AVX512VNNI;
  qcc_conv_tile_fn last_tile = qconv_avx512vnni_tile_for(
      last ? last : QCC_QCONV_NR_AVX512VNNI, is_signed);
  qcc_conv_tile_fn tile =
      channels >= QCC_QCONV_NR_AVX512VNNI
          ? qconv_avx512vnni_tile_for(QCC_QCONV_NR_AVX512VNNI, is_signed)
          : last_tile;
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_QCONV_NR_AVX512VNNI,
                QCC_AVX512VNNI_MR, 1, tile, last_tile);
}

//===------------------------ AVX-VNNI: 6 x 16 x 4 ------------------------===//
// 12 ymm accumulators, 2 weight registers, one broadcast; int8 activations
// use the packed w' + 128 and the row sums as in the AVX-512 kernel.
//===----------------------------------------------------------------------===//

#define QCC_AVXVNNI_MR 6

/* AVX has no masked byte loads: after the 32-byte chunks, a 16- and an
 * 8-byte step (vpsadbw on xmm), and the last n % 8 bytes one by one. */
QCC_INLINE QCC_TARGET_AVXVNNI __m256i qcc_add_biased_sum256(__m256i sum,
                                                            const uint8_t *p,
                                                            int32_t n) {
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  int32_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v =
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(p + i)), flip);
    sum = _mm256_add_epi64(sum, _mm256_sad_epu8(v, _mm256_setzero_si256()));
  }
  __m128i part = _mm_setzero_si128();
  if (i + 16 <= n) {
    __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + i)),
                              _mm256_castsi256_si128(flip));
    part = _mm_sad_epu8(v, _mm_setzero_si128());
    i += 16;
  }
  if (i + 8 <= n) {
    /* Only the 8 loaded bytes flip; the zero upper half adds nothing. */
    __m128i v = _mm_xor_si128(_mm_loadl_epi64((const __m128i *)(p + i)),
                              _mm_set_epi64x(0, (int64_t)0x8080808080808080));
    part = _mm_add_epi64(part, _mm_sad_epu8(v, _mm_setzero_si128()));
    i += 8;
  }
  uint32_t rest = 0;
  for (; i < n; ++i)
    rest += (uint32_t)(p[i] ^ 0x80);
  part = _mm_add_epi64(part, _mm_cvtsi32_si128((int)rest));
  return _mm256_add_epi64(sum, _mm256_zextsi128_si256(part));
}

QCC_INLINE QCC_TARGET_AVXVNNI __m256i qcc_dpbusd_avx(__m256i acc, __m256i x,
                                                     __m256i w, int is_signed) {
  return is_signed ? _mm256_dpbusd_avx_epi32(acc, w, x)
                   : _mm256_dpbusd_avx_epi32(acc, x, w);
}

QCC_INLINE QCC_TARGET_AVXVNNI void
qconv_tile_avxvnni_body(const qcc_conv_tile *t, const int rows,
                        const int is_signed, const qcc_qconv2d_params *p) {
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t *bias = (const int32_t *)t->bias;
  const int8_t *w = (const int8_t *)t->weights;
  __m256i acc[QCC_AVXVNNI_MR][2];
  __m256i row_sum[QCC_AVXVNNI_MR];
  QCC_UNROLL
  for (int j = 0; j < 2; ++j) {
    __m256i b = _mm256_loadu_si256((const __m256i *)(bias + 8 * j));
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      acc[r][j] = b;
  }
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    row_sum[r] = _mm256_setzero_si256();
  const int32_t groups4 = g->in_channels >> 2;
  const int32_t tail = g->in_channels & 3;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_AVXVNNI_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      if (is_signed) {
        QCC_UNROLL
        for (int r = 0; r < rows; ++r)
          row_sum[r] = qcc_add_biased_sum256(row_sum[r], a[r], g->in_channels);
      }
      for (int32_t k = 0; k < groups4; ++k) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
        w += 64;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          __m256i x = _mm256_set1_epi32(qcc_load_i32(a[r] + 4 * k));
          acc[r][0] = qcc_dpbusd_avx(acc[r][0], x, w0, is_signed);
          acc[r][1] = qcc_dpbusd_avx(acc[r][1], x, w1, is_signed);
        }
      }
      if (tail) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
        w += 64;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          __m256i x = _mm256_set1_epi32(
              qcc_load_partial_group(a[r] + 4 * groups4, tail));
          acc[r][0] = qcc_dpbusd_avx(acc[r][0], x, w0, is_signed);
          acc[r][1] = qcc_dpbusd_avx(acc[r][1], x, w1, is_signed);
        }
      }
    }
  }
  if (is_signed) {
    uint32_t count = (uint32_t)g->in_channels * (uint32_t)g->kernel_h *
                     (uint32_t)g->kernel_w;
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      __m128i s = _mm_add_epi64(_mm256_castsi256_si128(row_sum[r]),
                                _mm256_extracti128_si256(row_sum[r], 1));
      s = _mm_add_epi64(s, _mm_unpackhi_epi64(s, s));
      uint32_t sum = (uint32_t)_mm_cvtsi128_si32(s) - 128u * count;
      __m256i correction = _mm256_set1_epi32((int32_t)(sum << 7));
      acc[r][0] = _mm256_sub_epi32(acc[r][0], correction);
      acc[r][1] = _mm256_sub_epi32(acc[r][1], correction);
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
  QCC_UNROLL
  for (int r = 0; r < rows; ++r) {
    __m128i y = qcc_narrow256(qcc_requant256_apply(acc[r][0], &c0),
                              qcc_requant256_apply(acc[r][1], &c1));
    qcc_store_bytes128(t->output + r * t->output_row_bytes, y, t->channels);
  }
}

static QCC_TARGET_AVXVNNI void qconv_tile_avxvnni_signed(const qcc_conv_tile *t,
                                                         int rows) {
  QCC_DISPATCH_ROWS6(qconv_tile_avxvnni_body, t, rows, 1)
}

static QCC_TARGET_AVXVNNI void
qconv_tile_avxvnni_unsigned(const qcc_conv_tile *t, int rows){
    QCC_DISPATCH_ROWS6(qconv_tile_avxvnni_body, t, rows, 0)}

QCC_ENTRY QCC_TARGET_AVXVNNI
    void qcc_qconv2d_avxvnni(const qcc_qconv2d_params *p) {
  qcc_conv_tile_fn tile = p->input_unsigned ? qconv_tile_avxvnni_unsigned
                                            : qconv_tile_avxvnni_signed;
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_QCONV_NR_AVXVNNI,
                QCC_AVXVNNI_MR, 1, tile, tile);
}

//===-------------------------- AVX2: 3 x 16 x 4 --------------------------===//
// Exact without VNNI: vpmaddubsw would saturate (255 * 127 * 2 > 32767), so
// both operands are widened to int16 (activations by sign or zero extension,
// the packed int8 weights by vpmovsxbw) and multiplied with vpmaddwd, whose
// pair sums (at most 2 * 255 * 128) cannot saturate. One ymm of widened
// weights holds 4 channels x 4 inputs; vpmaddwd leaves two partial sums per
// channel, which the epilogue adds with vphaddd. No +128 bias term.
//===----------------------------------------------------------------------===//

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
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    QCC_UNROLL
  for (int j = 0; j < 4; ++j)
    acc[r][j] = _mm256_setzero_si256();
  const int32_t groups4 = g->in_channels >> 2;
  const int32_t tail = g->in_channels & 3;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_AVX2_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      for (int32_t k = 0; k <= groups4; ++k) {
        if (k == groups4 && !tail)
          break;
        __m256i x[QCC_AVX2_MR];
        QCC_UNROLL
        for (int r = 0; r < rows; ++r)
          x[r] = qconv_avx2_broadcast(
              k < groups4 ? qcc_load_i32(a[r] + 4 * k)
                          : qcc_load_partial_group(a[r] + 4 * k, tail),
              is_unsigned);
        QCC_UNROLL
        for (int j = 0; j < 4; ++j) {
          __m256i wv = _mm256_cvtepi8_epi16(
              _mm_loadu_si128((const __m128i *)(w + 16 * j)));
          QCC_UNROLL
          for (int r = 0; r < rows; ++r)
            acc[r][j] =
                _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(x[r], wv));
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
  QCC_UNROLL
  for (int r = 0; r < rows; ++r) {
    /* hadd pairs within 128-bit lanes: channels 0 1 4 5 | 2 3 6 7. */
    __m256i s0 =
        _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xd8);
    __m256i s1 =
        _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xd8);
    s0 = _mm256_add_epi32(s0, b0);
    s1 = _mm256_add_epi32(s1, b1);
    __m128i y = qcc_narrow256(qcc_requant256_apply(s0, &c0),
                              qcc_requant256_apply(s1, &c1));
    qcc_store_bytes128(t->output + r * t->output_row_bytes, y, t->channels);
  }
}

#define QCC_DISPATCH_ROWS3(body, t, rows, flag)                                \
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
                                                     int rows){
    QCC_DISPATCH_ROWS3(qconv_tile_avx2_body, t, rows, 1)}

QCC_ENTRY QCC_TARGET_AVX2 void qcc_qconv2d_avx2(const qcc_qconv2d_params *p) {
  qcc_conv_tile_fn tile =
      p->input_unsigned ? qconv_tile_avx2_unsigned : qconv_tile_avx2_signed;
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_QCONV_NR_AVX2,
                QCC_AVX2_MR, 1, tile, tile);
}
