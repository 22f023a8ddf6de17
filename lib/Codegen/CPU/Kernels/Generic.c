//===- Generic.c - Portable C micro-kernels -----------------------*- C -*-===//
//
// The _generic variants of every kernel in qcc/Codegen/CPU/Kernels.h, for
// targets without a hand-written variant (aarch64 and riscv64 today) and as
// the fallback on old x86. C with the GCC/Clang vector extension (16-lane
// vectors, which every backend splits into its own registers: SSE, NEON,
// RVV) and no target attribute. They use the same walk and packed layouts as
// the x86 kernels (block width QCC_QCONV_NR_GENERIC) and multiply x as it is
// (no weight offset).
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"

/* 16 lanes; the unaligned variants load from packed data and activations
 * without assuming more than element alignment. */
typedef uint32_t qcc_v16u __attribute__((vector_size(64)));
typedef int32_t qcc_v16i __attribute__((vector_size(64)));
typedef int8_t qcc_v16b __attribute__((vector_size(16)));
typedef int8_t qcc_v64b_u
    __attribute__((vector_size(64), aligned(1), may_alias));
typedef int32_t qcc_v16i_u
    __attribute__((vector_size(64), aligned(4), may_alias));
typedef float qcc_v16f __attribute__((vector_size(64)));
typedef float qcc_v16f_u
    __attribute__((vector_size(64), aligned(4), may_alias));

//===------------------------------ int8 conv -----------------------------===//

#define QCC_GENERIC_MR 4
#define QCC_GENERIC_NR QCC_QCONV_NR_GENERIC

QCC_INLINE void qconv_tile_generic_body(const qcc_conv_tile *t, const int rows,
                                        const int is_unsigned) {
  const qcc_qconv2d_params *p = (const qcc_qconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const int8_t *w = (const int8_t *)t->weights;
  /* Unsigned lanes: the contract's int32 sums wrap. */
  qcc_v16u acc[QCC_GENERIC_MR];
  qcc_v16u bias = (qcc_v16u) * (const qcc_v16i_u *)t->bias;
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    acc[r] = bias;
  const int32_t groups4 = (g->in_channels + 3) >> 2;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const uint8_t *a[QCC_GENERIC_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = qcc_tap_pointer(t, r, ky, kx);
      for (int32_t k = 0; k < groups4; ++k) {
        /* [16 channels][4 inputs] into one vector per input. */
        qcc_v64b_u packed = *(const qcc_v64b_u *)w;
        w += 4 * QCC_GENERIC_NR;
        qcc_v16u wv[4];
        wv[0] = (qcc_v16u) __builtin_convertvector(
            (qcc_v16b)__builtin_shufflevector(packed, packed, 0, 4, 8, 12, 16,
                                              20, 24, 28, 32, 36, 40, 44, 48,
                                              52, 56, 60),
            qcc_v16i);
        wv[1] = (qcc_v16u) __builtin_convertvector(
            (qcc_v16b)__builtin_shufflevector(packed, packed, 1, 5, 9, 13, 17,
                                              21, 25, 29, 33, 37, 41, 45, 49,
                                              53, 57, 61),
            qcc_v16i);
        wv[2] = (qcc_v16u) __builtin_convertvector(
            (qcc_v16b)__builtin_shufflevector(packed, packed, 2, 6, 10, 14, 18,
                                              22, 26, 30, 34, 38, 42, 46, 50,
                                              54, 58, 62),
            qcc_v16i);
        wv[3] = (qcc_v16u) __builtin_convertvector(
            (qcc_v16b)__builtin_shufflevector(packed, packed, 3, 7, 11, 15, 19,
                                              23, 27, 31, 35, 39, 43, 47, 51,
                                              55, 59, 63),
            qcc_v16i);
        int32_t count = qcc_min_i32(4, g->in_channels - 4 * k);
        QCC_UNROLL
        for (int r = 0; r < rows; ++r) {
          /* Missing inputs of the last group read as 0; their weights are 0
           * too. */
          uint32_t x[4] = {0, 0, 0, 0};
          for (int i = 0; i < count; ++i) {
            uint8_t byte = a[r][4 * k + i];
            x[i] =
                is_unsigned ? (uint32_t)byte : (uint32_t)(int32_t)(int8_t)byte;
          }
          acc[r] += x[0] * wv[0] + x[1] * wv[1] + x[2] * wv[2] + x[3] * wv[3];
        }
      }
    }
  }
  QCC_UNROLL
  for (int r = 0; r < rows; ++r) {
    uint8_t *out = t->output + r * t->output_row_bytes;
    for (int j = 0; j < t->channels; ++j)
      out[j] = (uint8_t)qcc_requantize((int32_t)acc[r][j], t->multiplier[j],
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
                QCC_GENERIC_MR, 1, qconv_tile_generic, qconv_tile_generic);
}

//===--------------------------- int8 depthwise ---------------------------===//

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

//===------------------------------ fp32 conv -----------------------------===//

#define QCC_GENERIC_SNR QCC_SCONV_NR_GENERIC

QCC_INLINE float qcc_clampf(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

QCC_INLINE void sconv_tile_generic_body(const qcc_conv_tile *t,
                                        const int rows) {
  const qcc_sconv2d_params *p = (const qcc_sconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const float *w = (const float *)t->weights;
  qcc_v16f acc[QCC_GENERIC_MR];
  qcc_v16f bias = *(const qcc_v16f_u *)t->bias;
  QCC_UNROLL
  for (int r = 0; r < rows; ++r)
    acc[r] = bias;
  for (int32_t ky = 0; ky < g->kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g->kernel_w; ++kx) {
      const float *a[QCC_GENERIC_MR];
      QCC_UNROLL
      for (int r = 0; r < rows; ++r)
        a[r] = (const float *)qcc_tap_pointer(t, r, ky, kx);
      for (int32_t i = 0; i < g->in_channels; ++i) {
        qcc_v16f wv = *(const qcc_v16f_u *)w;
        w += QCC_GENERIC_SNR;
        QCC_UNROLL
        for (int r = 0; r < rows; ++r)
          acc[r] += a[r][i] * wv;
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
                sconv_tile_generic, sconv_tile_generic);
}

//===--------------------------- fp32 depthwise ---------------------------===//

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
