//===- KernelSupport.h - Shared parts of the CPU micro-kernels ----*- C -*-===//
//
// Internal to lib/Codegen/CPU/Kernels: the scalar requantization of the
// numerics contract, unaligned access helpers, and the loop nest that walks a
// convolution's groups, output-channel blocks and pixel tiles and hands each
// tile to a variant's register-blocked micro-kernel. Everything is static:
// each kernel file gets its own copy, and the bitcode stays self-contained.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CODEGEN_CPU_KERNELS_KERNELSUPPORT_H
#define QCC_LIB_CODEGEN_CPU_KERNELS_KERNELSUPPORT_H

#include "qcc/Codegen/CPU/Kernels.h"

#include <stddef.h>
#include <stdint.h>

#define QCC_INLINE static inline __attribute__((always_inline))

/* The x86 convolution entry points pick the signed- or unsigned-input
 * micro-kernel from a field the model sets to a constant. Inlined into the
 * model, the choice folds and the other micro-kernel, tens of KiB of fully
 * unrolled code, is dropped from the object. */
#define QCC_ENTRY __attribute__((always_inline))

/* Loops over a tile's rows and register blocks must be unrolled before
 * SROA runs so that the accumulator arrays become registers; left to the
 * late unroller they stay in memory and every update is stored. */
#define QCC_UNROLL _Pragma("clang loop unroll(full)")

/* Unaligned, alias-anything views for loading activation groups. */
typedef int32_t __attribute__((may_alias, aligned(1))) qcc_unaligned_i32;
typedef int16_t __attribute__((may_alias, aligned(1))) qcc_unaligned_i16;

QCC_INLINE int32_t qcc_load_i32(const void *p) {
  return *(const qcc_unaligned_i32 *)p;
}

/* Four bytes of an activation group of which only `count` (1..3) exist;
 * the missing bytes read as 0 (their packed weights are 0). Never touches
 * memory past p[count - 1]. */
QCC_INLINE int32_t qcc_load_partial_group(const uint8_t *p, int count) {
  uint32_t v = p[0];
  if (count > 1)
    v |= (uint32_t)p[1] << 8;
  if (count > 2)
    v |= (uint32_t)p[2] << 16;
  return (int32_t)v;
}

/* y = clamp(zp + RHE(acc * m, n), lo, hi), the contract's requantization.
 * The rounding uses RHE(p, n) = (p + 2^(n-1) - 1 + bit n of p) >> n, which
 * is the contract's definition: with p = q * 2^n + r, the carry into bit n
 * happens exactly when r > 2^(n-1), or r == 2^(n-1) and q is odd. No
 * overflow: |p| < 2^62 (|acc| <= 2^31, m < 2^31) and the offset is at most
 * 2^62. */
QCC_INLINE int32_t qcc_requantize(int32_t acc, int32_t m, int32_t n, int32_t zp,
                                  int32_t lo, int32_t hi) {
  int64_t p = (int64_t)acc * (int64_t)m;
  int64_t offset = (((int64_t)1 << (n - 1)) - 1) + ((p >> n) & 1);
  int64_t q = ((p + offset) >> n) + zp;
  if (q < lo)
    q = lo;
  if (q > hi)
    q = hi;
  return (int32_t)q;
}

QCC_INLINE int32_t qcc_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

/* One tile of a direct convolution: up to QCC_MAX_TILE_ROWS consecutive
 * output pixels (flattened over out_h * out_w) times one output-channel
 * block of one group. */
#define QCC_MAX_TILE_ROWS 12
typedef struct qcc_conv_tile {
  const qcc_conv2d_geometry *geometry;
  /* The kernel's params struct (epilogue constants). */
  const void *params;
  /* The input and zero row as bytes, the input already offset to the
   * group's first channel. */
  const uint8_t *input;
  const uint8_t *zero_row;
  /* The first output of row 0, already offset to the block's channel. */
  uint8_t *output;
  /* Packed weights and per-channel data of the block. */
  const void *weights;
  const void *bias;
  const int32_t *multiplier;
  const int32_t *shift;
  /* Valid output channels of the block (<= NR). */
  int32_t channels;
  /* Input row/column of each row's window origin (tap 0, 0), which may lie
   * in the padding. */
  int32_t in_y[QCC_MAX_TILE_ROWS];
  int32_t in_x[QCC_MAX_TILE_ROWS];
  /* Bytes between the outputs of two consecutive rows. */
  ptrdiff_t output_row_bytes;
  /* Bytes between two input pixels. */
  ptrdiff_t input_pixel_bytes;
} qcc_conv_tile;

/* The input pointer of tap (ky, kx) of row r: the pixel, or the zero row
 * when the tap lies in the padding. Compiles to a conditional move. */
QCC_INLINE const uint8_t *qcc_tap_pointer(const qcc_conv_tile *t, int r, int ky,
                                          int kx) {
  const qcc_conv2d_geometry *g = t->geometry;
  int32_t y = t->in_y[r] + ky * g->dilation_h;
  int32_t x = t->in_x[r] + kx * g->dilation_w;
  int inside =
      (uint32_t)y < (uint32_t)g->in_h && (uint32_t)x < (uint32_t)g->in_w;
  const uint8_t *pixel =
      t->input + ((ptrdiff_t)y * g->in_w + x) * t->input_pixel_bytes;
  return inside ? pixel : t->zero_row;
}

typedef void (*qcc_conv_tile_fn)(const qcc_conv_tile *tile, int rows);

/* Walks groups, output-channel blocks of width `nr` and tiles of up to `mr`
 * pixels; the channel block loop is outside the pixel loop so that a
 * block's packed weights stay in cache while every pixel uses them. The
 * last block, narrower when `nr` does not divide the channel count, gets
 * `last_tile_fn`: a variant may specialize its micro-kernel for that width.
 * `element_bytes` is 1 for int8 kernels, 4 for fp32; the packed weights of a
 * block are `block_weight_bytes` long and `channel_data_bytes` is the size
 * of one element of bias/multiplier/shift. */
__attribute__((unused)) static void
qcc_conv_walk(const qcc_conv2d_geometry *g, const void *params,
              const void *input, const void *zero_row, void *output,
              const void *weights, const void *bias, const int32_t *multiplier,
              const int32_t *shift, int nr, int mr, int element_bytes,
              qcc_conv_tile_fn tile_fn, qcc_conv_tile_fn last_tile_fn) {
  int32_t pixels = g->out_h * g->out_w;
  int32_t blocks = (g->out_channels + nr - 1) / nr;
  ptrdiff_t block_weight_bytes =
      (ptrdiff_t)g->kernel_h * g->kernel_w * ((g->in_channels + 3) & ~3) * nr;
  if (element_bytes == 4) /* fp32 packs in_channels exactly. */
    block_weight_bytes =
        (ptrdiff_t)g->kernel_h * g->kernel_w * g->in_channels * nr * 4;
  qcc_conv_tile t;
  t.geometry = g;
  t.params = params;
  t.zero_row = (const uint8_t *)zero_row;
  t.output_row_bytes = (ptrdiff_t)g->out_pixel_stride * element_bytes;
  t.input_pixel_bytes = (ptrdiff_t)g->in_pixel_stride * element_bytes;
  for (int32_t group = 0; group < g->groups; ++group) {
    t.input = (const uint8_t *)input +
              (ptrdiff_t)group * g->in_channels * element_bytes;
    for (int32_t b = 0; b < blocks; ++b) {
      ptrdiff_t block = (ptrdiff_t)group * blocks + b;
      ptrdiff_t first_channel = (ptrdiff_t)b * nr;
      t.weights = (const uint8_t *)weights + block * block_weight_bytes;
      t.bias = (const uint8_t *)bias + block * nr * 4; /* int32 or float */
      t.multiplier = multiplier ? multiplier + block * nr : 0;
      t.shift = shift ? shift + block * nr : 0;
      t.channels = qcc_min_i32(nr, g->out_channels - (int32_t)first_channel);
      qcc_conv_tile_fn block_tile_fn = t.channels < nr ? last_tile_fn : tile_fn;
      uint8_t *block_output =
          (uint8_t *)output +
          ((ptrdiff_t)group * g->out_channels + first_channel) * element_bytes;
      int32_t oy = 0, ox = 0;
      for (int32_t p = 0; p < pixels; p += mr) {
        int rows = qcc_min_i32(mr, pixels - p);
        for (int r = 0; r < rows; ++r) {
          t.in_y[r] = oy * g->stride_h - g->pad_top;
          t.in_x[r] = ox * g->stride_w - g->pad_left;
          if (++ox == g->out_w) {
            ox = 0;
            ++oy;
          }
        }
        t.output = block_output + (ptrdiff_t)p * t.output_row_bytes;
        block_tile_fn(&t, rows);
      }
    }
  }
}

/* Depthwise walk: tiles of up to `mr` consecutive output pixels over all
 * channels (the tile loops over channel chunks itself). `element_bytes` is
 * 1 (int8) or 4 (fp32). */
__attribute__((unused)) static void
qcc_depthwise_walk(const qcc_conv2d_geometry *g, const void *params,
                   const void *input, const void *zero_row, void *output,
                   const void *weights, const void *bias,
                   const int32_t *multiplier, const int32_t *shift, int mr,
                   int element_bytes, qcc_conv_tile_fn tile_fn) {
  int32_t pixels = g->out_h * g->out_w;
  qcc_conv_tile t;
  t.geometry = g;
  t.params = params;
  t.input = (const uint8_t *)input;
  t.zero_row = (const uint8_t *)zero_row;
  t.weights = weights;
  t.bias = bias;
  t.multiplier = multiplier;
  t.shift = shift;
  t.channels = g->in_channels;
  t.output_row_bytes = (ptrdiff_t)g->out_pixel_stride * element_bytes;
  t.input_pixel_bytes = (ptrdiff_t)g->in_pixel_stride * element_bytes;
  int32_t oy = 0, ox = 0;
  for (int32_t p = 0; p < pixels; p += mr) {
    int rows = qcc_min_i32(mr, pixels - p);
    for (int r = 0; r < rows; ++r) {
      t.in_y[r] = oy * g->stride_h - g->pad_top;
      t.in_x[r] = ox * g->stride_w - g->pad_left;
      if (++ox == g->out_w) {
        ox = 0;
        ++oy;
      }
    }
    t.output = (uint8_t *)output + (ptrdiff_t)p * t.output_row_bytes;
    tile_fn(&t, rows);
  }
}

/* Depthwise tiles gather the input pointer of every (tap, row) once and
 * reuse it for every channel chunk; kernels with more taps than this compute
 * the pointers in the channel loop instead. */
#define QCC_DW_MAX_TAPS 64

/* The tap pointers of `rows` rows into ptrs[tap * rows + row]. */
QCC_INLINE void qcc_gather_tap_pointers(const qcc_conv_tile *t, int rows,
                                        const uint8_t **ptrs) {
  const qcc_conv2d_geometry *g = t->geometry;
  int tap = 0;
  /* Scalar on purpose: vectorized, this loop becomes gathers and 64-bit
   * multiplies that cost more than the depthwise tile itself. */
  _Pragma("clang loop vectorize(disable)") for (int32_t ky = 0;
                                                ky < g->kernel_h; ++ky)
      _Pragma("clang loop vectorize(disable)") for (int32_t kx = 0;
                                                    kx < g->kernel_w;
                                                    ++kx, ++tap)
          _Pragma("clang loop vectorize(disable) unroll(full)") for (int r = 0;
                                                                     r < rows;
                                                                     ++r)
              ptrs[tap * rows + r] = qcc_tap_pointer(t, r, ky, kx);
}

/* The pointer of (tap, row): from the gathered table, or computed. */
QCC_INLINE const uint8_t *qcc_dw_tap(const qcc_conv_tile *t,
                                     const uint8_t *const *ptrs, int gathered,
                                     int rows, int tap, int r) {
  if (gathered)
    return ptrs[tap * rows + r];
  int32_t kw = t->geometry->kernel_w;
  return qcc_tap_pointer(t, r, tap / kw, tap % kw);
}

#endif /* QCC_LIB_CODEGEN_CPU_KERNELS_KERNELSUPPORT_H */
