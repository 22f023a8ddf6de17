/*===- Generic.c - Portable C micro-kernels ------------------------*- C -*-===//
//
// The _generic variants of every kernel in qcc/Codegen/CPU/Kernels.h: plain
// C that the compiler may auto-vectorize, for targets without a hand-written
// variant (aarch64 and riscv64 today) and as the fallback on old x86. They
// use the same walk and packed layouts as the x86 kernels (block width
// QCC_QCONV_NR_GENERIC) and multiply x as it is (no +128 bias term).
//
//===----------------------------------------------------------------------===*/

#include "KernelSupport.h"

/*===------------------------------ int8 conv -----------------------------===*/

#define QCC_GENERIC_MR 4
#define QCC_GENERIC_NR QCC_QCONV_NR_GENERIC

QCC_INLINE void qconv_tile_generic_body(const qcc_conv_tile *t, const int rows,
                                        const int is_unsigned) {
  const qcc_qconv2d_params *p = (const qcc_qconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t *bias = (const int32_t *)t->bias;
  const int8_t *w = (const int8_t *)t->weights;
  int32_t acc[QCC_GENERIC_MR][QCC_GENERIC_NR];
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < QCC_GENERIC_NR; ++j)
      acc[r][j] = bias[j];
  const int32_t groups4 = (g->in_channels + 3) >> 2;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_GENERIC_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      for (int32_t k = 0; k < groups4; ++k) {
        int32_t count = qcc_min_i32(4, g->in_channels - 4 * k);
        for (int i = 0; i < count; ++i) {
          QCC_UNROLL
          for (int r = 0; r < rows; ++r) {
            uint8_t byte = a[r][4 * k + i];
            int32_t x = is_unsigned ? (int32_t)byte : (int32_t)(int8_t)byte;
            /* Wrapping int32 adds, as the contract specifies. */
            for (int j = 0; j < QCC_GENERIC_NR; ++j)
              acc[r][j] = (int32_t)((uint32_t)acc[r][j] +
                                    (uint32_t)(x * w[4 * j + i]));
          }
        }
        w += 4 * QCC_GENERIC_NR;
      }
    }
  }
  QCC_UNROLL
  for (int r = 0; r < rows; ++r) {
    uint8_t *out = t->output + r * t->output_row_bytes;
    for (int j = 0; j < t->channels; ++j)
      out[j] = (uint8_t)qcc_requantize(acc[r][j], t->multiplier[j],
                                       t->shift[j], p->output_zero_point,
                                       p->output_min, p->output_max);
  }
}

static void qconv_tile_generic(const qcc_conv_tile *t, int rows) {
  const qcc_qconv2d_params *p = (const qcc_qconv2d_params *)t->params;
  int is_unsigned = p->input_unsigned != 0;
  switch (rows) {
  case 4:
    qconv_tile_generic_body(t, 4, is_unsigned);
    break;
  case 3:
    qconv_tile_generic_body(t, 3, is_unsigned);
    break;
  case 2:
    qconv_tile_generic_body(t, 2, is_unsigned);
    break;
  default:
    qconv_tile_generic_body(t, 1, is_unsigned);
    break;
  }
}

void qcc_qconv2d_generic(const qcc_qconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, p->multiplier, p->shift, QCC_GENERIC_NR,
                QCC_GENERIC_MR, 1, qconv_tile_generic);
}

/*===--------------------------- int8 depthwise ---------------------------===*/

/* One pixel per tile, chunks of QCC_DWCONV_CHANNEL_ALIGN channels: the
 * chunk's accumulators stay in registers across the taps. */
static void qdw_tile_generic(const qcc_conv_tile *t, int rows) {
  (void)rows; /* Always 1. */
  const qcc_qdwconv2d_params *p = (const qcc_qdwconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const int is_unsigned = p->input_unsigned != 0;
  const int32_t channels = t->channels;
  const int32_t stride = (channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &
                         ~(QCC_DWCONV_CHANNEL_ALIGN - 1);
  const int32_t *w = (const int32_t *)t->weights;
  const int32_t *bias = (const int32_t *)t->bias;
  for (int32_t c = 0; c < channels; c += QCC_DWCONV_CHANNEL_ALIGN) {
    int32_t count = qcc_min_i32(QCC_DWCONV_CHANNEL_ALIGN, channels - c);
    uint32_t acc[QCC_DWCONV_CHANNEL_ALIGN];
    for (int j = 0; j < QCC_DWCONV_CHANNEL_ALIGN; ++j)
      acc[j] = (uint32_t)bias[c + j];
    const int32_t *wt = w + c;
    for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
      for (int32_t kx = 0; kx < g->kernel_w; ++kx, wt += stride) {
        const uint8_t *a = qcc_tap_pointer(t, 0, ky, kx) + c;
        for (int j = 0; j < count; ++j) {
          int32_t x = is_unsigned ? (int32_t)a[j] : (int32_t)(int8_t)a[j];
          acc[j] += (uint32_t)(x * (int16_t)wt[j]);
        }
      }
    }
    for (int j = 0; j < count; ++j)
      t->output[c + j] = (uint8_t)qcc_requantize(
          (int32_t)acc[j], t->multiplier[c + j], t->shift[c + j],
          p->output_zero_point, p->output_min, p->output_max);
  }
}

void qcc_qdwconv2d_generic(const qcc_qdwconv2d_params *p) {
  qcc_depthwise_walk(&p->geometry, p, p->input, p->zero_row, p->output,
                     p->weights, p->bias, p->multiplier, p->shift, 1, 1,
                     qdw_tile_generic);
}

/*===------------------------------ fp32 conv -----------------------------===*/

#define QCC_GENERIC_SNR QCC_SCONV_NR_GENERIC

QCC_INLINE float qcc_clampf(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

QCC_INLINE void sconv_tile_generic_body(const qcc_conv_tile *t,
                                        const int rows) {
  const qcc_sconv2d_params *p = (const qcc_sconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const float *bias = (const float *)t->bias;
  const float *w = (const float *)t->weights;
  float acc[QCC_GENERIC_MR][QCC_GENERIC_SNR];
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < QCC_GENERIC_SNR; ++j)
      acc[r][j] = bias[j];
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const float *a[QCC_GENERIC_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = (const float *)qcc_tap_pointer(t, r, ky, kx);
      for (int32_t i = 0; i < g->in_channels; ++i) {
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          float x = a[r][i];
          for (int j = 0; j < QCC_GENERIC_SNR; ++j)
            acc[r][j] += x * w[j];
        }
        w += QCC_GENERIC_SNR;
      }
    }
  }
  QCC_UNROLL
  for (int r = 0; r < rows; ++r) {
    float *out = (float *)(t->output + r * t->output_row_bytes);
    for (int j = 0; j < t->channels; ++j)
      out[j] = qcc_clampf(acc[r][j], p->output_min, p->output_max);
  }
}

static void sconv_tile_generic(const qcc_conv_tile *t, int rows) {
  switch (rows) {
  case 4:
    sconv_tile_generic_body(t, 4);
    break;
  case 3:
    sconv_tile_generic_body(t, 3);
    break;
  case 2:
    sconv_tile_generic_body(t, 2);
    break;
  default:
    sconv_tile_generic_body(t, 1);
    break;
  }
}

void qcc_sconv2d_generic(const qcc_sconv2d_params *p) {
  qcc_conv_walk(&p->geometry, p, p->input, p->zero_row, p->output, p->weights,
                p->bias, 0, 0, QCC_GENERIC_SNR, QCC_GENERIC_MR, 4,
                sconv_tile_generic);
}

/*===--------------------------- fp32 depthwise ---------------------------===*/

static void sdw_tile_generic(const qcc_conv_tile *t, int rows) {
  (void)rows; /* Always 1. */
  const qcc_sconv2d_params *p = (const qcc_sconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t channels = t->channels;
  const int32_t stride = (channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &
                         ~(QCC_DWCONV_CHANNEL_ALIGN - 1);
  const float *w = (const float *)t->weights;
  const float *bias = (const float *)t->bias;
  float *out = (float *)t->output;
  for (int32_t c = 0; c < channels; c += QCC_DWCONV_CHANNEL_ALIGN) {
    int32_t count = qcc_min_i32(QCC_DWCONV_CHANNEL_ALIGN, channels - c);
    float acc[QCC_DWCONV_CHANNEL_ALIGN];
    for (int j = 0; j < QCC_DWCONV_CHANNEL_ALIGN; ++j)
      acc[j] = bias[c + j];
    const float *wt = w + c;
    for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
      for (int32_t kx = 0; kx < g->kernel_w; ++kx, wt += stride) {
        const float *a = (const float *)qcc_tap_pointer(t, 0, ky, kx) + c;
        for (int j = 0; j < count; ++j)
          acc[j] += a[j] * wt[j];
      }
    }
    for (int j = 0; j < count; ++j)
      out[c + j] = qcc_clampf(acc[j], p->output_min, p->output_max);
  }
}

void qcc_sdwconv2d_generic(const qcc_sconv2d_params *p) {
  qcc_depthwise_walk(&p->geometry, p, p->input, p->zero_row, p->output,
                     p->weights, p->bias, 0, 0, 1, 4, sdw_tile_generic);
}
