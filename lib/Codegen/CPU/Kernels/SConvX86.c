//===- SConvX86.c - fp32 convolution kernels for x86-64 -----------*- C -*-===//
//
// qcc_sconv2d_{avx512f,avx2} (direct convolution, matmul as 1x1) and
// qcc_sdwconv2d_{avx512f,avx2} (depthwise); ABI and layouts in
// qcc/Codegen/CPU/Kernels.h. The same walks and tiles as the int8 kernels,
// with one FMA per input channel instead of a 4-way dot product.
//
//===----------------------------------------------------------------------===//

#include "X86Requantize.h"

#define QCC_SPARAMS(t) ((const qcc_sconv2d_params *)(t)->params)

//===----------------------- AVX-512: 6 x 64 conv tile --------------------===//

#define QCC_S512_MR 6
/* Floats ahead of the weights the tile is reading that it prefetches (2 KiB,
 * 8 channel steps): a 3x3 layer's block of weights (9 * K * 64 floats, up
 * to 1.2 MB) streams from L2 for every tile, and the hardware prefetcher
 * alone left its loads exposed (ResNet-18 fp32: 9 % faster with it; 256 and
 * 1024 were slower than 512). */
#define QCC_S512_PREFETCH 512

/* One tile of `rows` pixels times the first 16 * nj channels of a block
 * (nj = 4 but in the block that ends the output channels, whose vectors
 * past them would only multiply the packing's zeros). */
QCC_INLINE QCC_TARGET_AVX512F void
sconv_tile_avx512f_body(const qcc_conv_tile *t, const int rows, const int nj) {
  const qcc_sconv2d_params *p = QCC_SPARAMS(t);
  const qcc_conv2d_geometry *g = t->geometry;
  const float *bias = (const float *)t->bias;
  const float *w = (const float *)t->weights;
  __m512 acc[QCC_S512_MR][4];
  QCC_UNROLL
  for (int j = 0; j < nj; ++j) {
    __m512 b = _mm512_loadu_ps(bias + 16 * j);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      acc[r][j] = b;
  }
  const int32_t channels = g->in_channels;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const float *a[QCC_S512_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = (const float *)qcc_tap_pointer(t, r, ky, kx);
      for (int32_t i = 0; i < channels; ++i) {
        __m512 wv[4];
        QCC_UNROLL
        for (int j = 0; j < nj; ++j) {
          _mm_prefetch((const char *)(w + QCC_S512_PREFETCH + 16 * j),
                       _MM_HINT_T0);
          wv[j] = _mm512_loadu_ps(w + 16 * j);
        }
        w += 64;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          __m512 x = _mm512_set1_ps(a[r][i]);
          QCC_UNROLL
          for (int j = 0; j < nj; ++j)
            acc[r][j] = _mm512_fmadd_ps(x, wv[j], acc[r][j]);
        }
      }
    }
  }
  const __m512 lo = _mm512_set1_ps(p->output_min);
  const __m512 hi = _mm512_set1_ps(p->output_max);
  QCC_UNROLL
  for (int j = 0; j < nj; ++j) {
    __mmask16 mask = qcc_mask16(t->channels - 16 * j);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      __m512 y = _mm512_min_ps(_mm512_max_ps(acc[r][j], lo), hi);
      _mm512_mask_storeu_ps(
          (float *)(t->output + r * t->output_row_bytes) + 16 * j, mask, y);
    }
  }
}

/* Instantiates the AVX-512 body for `rows` and the tile's vector count. */
#define QCC_S512_TILE(t, rows)                                                 \
  switch ((t->channels + 15) >> 4) {                                           \
  case 1:                                                                      \
    sconv_tile_avx512f_body(t, rows, 1);                                       \
    break;                                                                     \
  case 2:                                                                      \
    sconv_tile_avx512f_body(t, rows, 2);                                       \
    break;                                                                     \
  case 3:                                                                      \
    sconv_tile_avx512f_body(t, rows, 3);                                       \
    break;                                                                     \
  default:                                                                     \
    sconv_tile_avx512f_body(t, rows, 4);                                       \
    break;                                                                     \
  }

#define QCC_DISPATCH_ROWS6_F(body, t, rows)                                    \
  switch (rows) {                                                              \
  case 6:                                                                      \
    body(t, 6);                                                                \
    break;                                                                     \
  case 5:                                                                      \
    body(t, 5);                                                                \
    break;                                                                     \
  case 4:                                                                      \
    body(t, 4);                                                                \
    break;                                                                     \
  case 3:                                                                      \
    body(t, 3);                                                                \
    break;                                                                     \
  case 2:                                                                      \
    body(t, 2);                                                                \
    break;                                                                     \
  default:                                                                     \
    body(t, 1);                                                                \
    break;                                                                     \
  }

static QCC_TARGET_AVX512F void sconv_tile_avx512f(const qcc_conv_tile *t,
                                                  int rows){
    QCC_DISPATCH_ROWS6_F(QCC_S512_TILE, t, rows)}

QCC_TARGET_AVX512F void qcc_sconv2d_avx512f(const qcc_sconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, 0, 0, QCC_SCONV_NR_AVX512F, QCC_S512_MR, 4,
                sconv_tile_avx512f, sconv_tile_avx512f);
}

//===------------------------- AVX2: 6 x 16 conv tile ---------------------===//

#define QCC_S256_MR 6

QCC_INLINE QCC_TARGET_AVX2 __m256i qcc_mask8_epi32(int32_t count) {
  const __m256i lanes = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes);
}

QCC_INLINE QCC_TARGET_AVX2 void sconv_tile_avx2_body(const qcc_conv_tile *t,
                                                     const int rows) {
  const qcc_sconv2d_params *p = QCC_SPARAMS(t);
  const qcc_conv2d_geometry *g = t->geometry;
  const float *bias = (const float *)t->bias;
  const float *w = (const float *)t->weights;
  __m256 acc[QCC_S256_MR][2];
  QCC_UNROLL
  for (int j = 0; j < 2; ++j) {
    __m256 b = _mm256_loadu_ps(bias + 8 * j);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      acc[r][j] = b;
  }
  const int32_t channels = g->in_channels;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const float *a[QCC_S256_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = (const float *)qcc_tap_pointer(t, r, ky, kx);
      for (int32_t i = 0; i < channels; ++i) {
        __m256 w0 = _mm256_loadu_ps(w);
        __m256 w1 = _mm256_loadu_ps(w + 8);
        w += 16;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          __m256 x = _mm256_broadcast_ss(a[r] + i);
          acc[r][0] = _mm256_fmadd_ps(x, w0, acc[r][0]);
          acc[r][1] = _mm256_fmadd_ps(x, w1, acc[r][1]);
        }
      }
    }
  }
  const __m256 lo = _mm256_set1_ps(p->output_min);
  const __m256 hi = _mm256_set1_ps(p->output_max);
  QCC_UNROLL
  for (int j = 0; j < 2; ++j) {
    int32_t left = t->channels - 8 * j;
    if (left <= 0)
      break;
    __m256i mask = qcc_mask8_epi32(left);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      __m256 y = _mm256_min_ps(_mm256_max_ps(acc[r][j], lo), hi);
      _mm256_maskstore_ps(
          (float *)(t->output + r * t->output_row_bytes) + 8 * j, mask, y);
    }
  }
}

static QCC_TARGET_AVX2 void sconv_tile_avx2(const qcc_conv_tile *t, int rows){
    QCC_DISPATCH_ROWS6_F(sconv_tile_avx2_body, t, rows)}

QCC_TARGET_AVX2 void qcc_sconv2d_avx2(const qcc_sconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, 0, 0, QCC_SCONV_NR_AVX2, QCC_S256_MR, 4,
                sconv_tile_avx2, sconv_tile_avx2);
}

//===------------------------------ Depthwise -----------------------------===//
// Tiles of up to 8 pixels; chunks of 16 (AVX-512) or 8 (AVX2) channels with
// masked loads and stores for the last chunk.
//===----------------------------------------------------------------------===//

#define QCC_SDW_MR 8

QCC_INLINE QCC_TARGET_AVX512F void sdw_tile_avx512f_body(const qcc_conv_tile *t,
                                                         const int rows) {
  const qcc_sconv2d_params *p = QCC_SPARAMS(t);
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t taps = g->kernel_h * g->kernel_w;
  const int gathered = taps <= QCC_DW_MAX_TAPS;
  const uint8_t *ptrs[QCC_DW_MAX_TAPS * QCC_SDW_MR];
  if (gathered)
    qcc_gather_tap_pointers(t, rows, ptrs);
  const int32_t channels = t->channels;
  const int32_t stride = (channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &
                         ~(QCC_DWCONV_CHANNEL_ALIGN - 1);
  const float *w = (const float *)t->weights;
  const float *bias = (const float *)t->bias;
  const __m512 lo = _mm512_set1_ps(p->output_min);
  const __m512 hi = _mm512_set1_ps(p->output_max);
  for (int32_t c = 0; c < channels; c += 16) {
    __mmask16 mask = qcc_mask16(channels - c);
    __m512 acc[QCC_SDW_MR];
    __m512 b = _mm512_loadu_ps(bias + c);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      acc[r] = b;
    for (int32_t tap = 0; tap < taps; ++tap) {
      __m512 wv = _mm512_loadu_ps(w + (ptrdiff_t)tap * stride + c);
      QCC_UNROLL
      for (int r = 0; r < rows; ++r) {
        const float *a =
            (const float *)qcc_dw_tap(t, ptrs, gathered, rows, tap, r);
        __m512 x = mask == 0xffff ? _mm512_loadu_ps(a + c)
                                  : _mm512_maskz_loadu_ps(mask, a + c);
        acc[r] = _mm512_fmadd_ps(x, wv, acc[r]);
      }
    }
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      _mm512_mask_storeu_ps((float *)(t->output + r * t->output_row_bytes) + c,
                            mask, _mm512_min_ps(_mm512_max_ps(acc[r], lo), hi));
  }
}

QCC_INLINE QCC_TARGET_AVX2 void sdw_tile_avx2_body(const qcc_conv_tile *t,
                                                   const int rows) {
  const qcc_sconv2d_params *p = QCC_SPARAMS(t);
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t taps = g->kernel_h * g->kernel_w;
  const int gathered = taps <= QCC_DW_MAX_TAPS;
  const uint8_t *ptrs[QCC_DW_MAX_TAPS * QCC_SDW_MR];
  if (gathered)
    qcc_gather_tap_pointers(t, rows, ptrs);
  const int32_t channels = t->channels;
  const int32_t stride = (channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &
                         ~(QCC_DWCONV_CHANNEL_ALIGN - 1);
  const float *w = (const float *)t->weights;
  const float *bias = (const float *)t->bias;
  const __m256 lo = _mm256_set1_ps(p->output_min);
  const __m256 hi = _mm256_set1_ps(p->output_max);
  for (int32_t c = 0; c < channels; c += 8) {
    /* vmaskmovps does not fault on the masked-off lanes. */
    __m256i mask = qcc_mask8_epi32(channels - c);
    __m256 acc[QCC_SDW_MR];
    __m256 b = _mm256_loadu_ps(bias + c);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      acc[r] = b;
    for (int32_t tap = 0; tap < taps; ++tap) {
      __m256 wv = _mm256_loadu_ps(w + (ptrdiff_t)tap * stride + c);
      QCC_UNROLL
      for (int r = 0; r < rows; ++r) {
        const float *a =
            (const float *)qcc_dw_tap(t, ptrs, gathered, rows, tap, r);
        acc[r] = _mm256_fmadd_ps(_mm256_maskload_ps(a + c, mask), wv, acc[r]);
      }
    }
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      _mm256_maskstore_ps((float *)(t->output + r * t->output_row_bytes) + c,
                          mask, _mm256_min_ps(_mm256_max_ps(acc[r], lo), hi));
  }
}

#define QCC_DISPATCH_ROWS8_F(body, t, rows)                                    \
  switch (rows) {                                                              \
  case 8:                                                                      \
    body(t, 8);                                                                \
    break;                                                                     \
  case 7:                                                                      \
    body(t, 7);                                                                \
    break;                                                                     \
  case 6:                                                                      \
    body(t, 6);                                                                \
    break;                                                                     \
  case 5:                                                                      \
    body(t, 5);                                                                \
    break;                                                                     \
  case 4:                                                                      \
    body(t, 4);                                                                \
    break;                                                                     \
  case 3:                                                                      \
    body(t, 3);                                                                \
    break;                                                                     \
  case 2:                                                                      \
    body(t, 2);                                                                \
    break;                                                                     \
  default:                                                                     \
    body(t, 1);                                                                \
    break;                                                                     \
  }

static QCC_TARGET_AVX512F void sdw_tile_avx512f(const qcc_conv_tile *t,
                                                int rows) {
  QCC_DISPATCH_ROWS8_F(sdw_tile_avx512f_body, t, rows)
}

static QCC_TARGET_AVX2 void sdw_tile_avx2(const qcc_conv_tile *t, int rows){
    QCC_DISPATCH_ROWS8_F(sdw_tile_avx2_body, t, rows)}

QCC_TARGET_AVX512F void qcc_sdwconv2d_avx512f(const qcc_sconv2d_params *p) {
  qcc_depthwise_walk(&p->geometry, p, p->input, p->zero_row, p->output,
                     p->weights, p->bias, 0, 0, QCC_SDW_MR, 4,
                     sdw_tile_avx512f);
}

QCC_TARGET_AVX2 void qcc_sdwconv2d_avx2(const qcc_sconv2d_params *p) {
  qcc_depthwise_walk(&p->geometry, p, p->input, p->zero_row, p->output,
                     p->weights, p->bias, 0, 0, QCC_SDW_MR, 4, sdw_tile_avx2);
}
