//===- Kernels.h - qcc's CPU micro-kernels ------------------------*- C -*-===//
//
// The C ABI of the CPU micro-kernels that qcc links into a model's LLVM module
// (the C files of lib/Codegen/CPU/Kernels, compiled to bitcode at build
// time). The kernels are freestanding: no libc, no allocation, no writable
// globals; every buffer comes from the caller and the weights were packed at
// compile time by include/qcc/Codegen/CPU/Packing.h. No pointer needs more
// than its element's alignment.
//
// Every kernel exists in several variants, one function each, which differ in
// the instructions they use and in the packed weight layout (the block width
// NR below). The compiler picks the variant from the target's features and
// packs the weights for that variant:
//
//   _avx512vnni  x86-64 with AVX512F/BW/VL/DQ and AVX512-VNNI (vpdpbusd zmm)
//   _avxvnni     x86-64 with AVX2, FMA and AVX-VNNI (VEX vpdpbusd ymm)
//   _avx2        x86-64 with AVX2 and FMA (exact 16-bit vpmaddwd path)
//   _generic     plain C for every target (aarch64 and riscv64 until they
//                get their own)
//   The fp32 kernels have _avx512f (AVX512F), _avx2 (AVX2 + FMA) and
//   _generic variants.
//
// Shared conventions
// ------------------
// * Tensors are NHWC, one image per call (the caller loops over the batch).
//   Strides are in elements. The input and output of one call must not
//   overlap.
// * A convolution output has out_h * out_w pixels; the kernels walk them as
//   one flattened index, so matmul A[M,K] x B[K,N] is the convolution with
//   in_h = out_h = 1, in_w = out_w = M, kernel 1x1, in_channels = K,
//   out_channels = N (weights "OHWI" = B transposed, [N][K]).
// * Grouped convolution: output channel o of group g (o in [0,
//   out_channels)) reads input channels g * in_channels ... + in_channels - 1
//   and writes channel g * out_channels + o of the output pixel.
// * Padding never branches in the inner loop: a tap outside the image reads
//   `zero_row` instead, which the caller provides read-only (a constant) and
//   which holds in_channels values equal to the input zero point (0.0f for
//   the fp32 kernels). Only pad_top and pad_left are needed; the bottom and
//   right padding follow from out_h and out_w.
//
// int8 numerics (docs/Numerics.md, bit for bit)
// ---------------------------------------------
// acc[o] = bias[o] + sum over taps and input channels of x * w'  in int32
// with wrapping adds, where w' = w - z_w and the packed bias already contains
// the folding of the input zero point (see Packing.h); then
//   y = clamp(output_zero_point + RHE(acc * M[o], n[o]),
//             output_min, output_max)
// with the product exact in int64, RHE the contract's round half to even,
// 0 <= M[o] < 2^31 and 1 <= n[o] <= 63 (packing normalizes M = 2^31). The
// output is stored as the low 8 bits of y, so one kernel writes int8 or
// uint8: output_min/max must lie in the output type's storage range.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CODEGEN_CPU_KERNELS_H
#define QCC_CODEGEN_CPU_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Output-channel block width NR of the packed convolution weights, per
 * variant. */
#define QCC_QCONV_NR_AVX512VNNI 64
#define QCC_QCONV_NR_AVXVNNI 16
#define QCC_QCONV_NR_AVX2 16
#define QCC_QCONV_NR_GENERIC 16
#define QCC_SCONV_NR_AVX512F 64
#define QCC_SCONV_NR_AVX2 16
#define QCC_SCONV_NR_GENERIC 16
/* Depthwise kernels pad the channel count of their per-channel arrays to a
 * multiple of this, for every variant. */
#define QCC_DWCONV_CHANNEL_ALIGN 16

/* Geometry of one convolution call (one image). All fields >= 0; sizes and
 * strides >= 1. */
typedef struct qcc_conv2d_geometry {
  int32_t in_h, in_w;
  /* Elements between two consecutive input pixels: >= groups *
   * in_channels (larger to read a channel slice of a wider tensor), or,
   * with groups = 1, smaller: a tap then reads in_channels elements across
   * consecutive pixels, as when a kernel row of kw pixels of C channels is
   * one tap of kw * C (stride C; every tap must stay inside the tensor, so
   * the caller pads left and right itself and pad_left is 0). */
  int32_t in_pixel_stride;
  /* Input channels per group. */
  int32_t in_channels;
  int32_t out_h, out_w;
  /* Elements between two consecutive output pixels (>= groups *
   * out_channels). */
  int32_t out_pixel_stride;
  /* Output channels per group. */
  int32_t out_channels;
  int32_t groups;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_top, pad_left;
} qcc_conv2d_geometry;

//===----------------------------------------------------------------------===//
// int8 convolution / matmul with fused requantization
//===----------------------------------------------------------------------===//
//
// Packed weights (QccCodegenPacking's packQConv2D), for a variant with block
// width NR, KG = ceil(in_channels / 4), T = kernel_h * kernel_w taps in
// row-major (kh, kw) order and OB = ceil(out_channels / NR) blocks per group:
//
//   int8_t weights[groups][OB][T][KG][NR][4]
//     weights[g][b][t][k][j][i] = w'(o = b*NR + j, tap t, channel 4*k + i) of
//     group g, 0 where o >= out_channels or 4*k + i >= in_channels.
//     Exception: the VNNI variants (_avx512vnni, _avxvnni) with int8
//     activations store the byte u = w' + 128 (0..255) instead, because they
//     pass the weights as vpdpbusd's unsigned operand and the activations as
//     its signed one; they subtract 128 * sum x (computed per pixel with
//     vpsadbw) from the accumulator.
//   int32_t bias[groups][OB * NR], multiplier[...], shift[...]
//     per output channel (padding: bias 0, multiplier 0, shift 1).
//
// The packed bias is the caller's bias' = bias - z_x * sum w' (the input zero
// point folded in, see foldInputZeroPoint in Packing.h), the same for every
// variant.
//
// Reads: the input (in_channels bytes per tap, never beyond the pixel's
// channels), zero_row (in_channels bytes), the packed arrays. Writes: exactly
// out_channels bytes per output pixel and group.
typedef struct qcc_qconv2d_params {
  qcc_conv2d_geometry geometry;
  /* [in_h][in_w][in_pixel_stride] int8 or uint8. */
  const void *input;
  /* in_channels bytes, each the input zero point. */
  const void *zero_row;
  /* [out_h][out_w][out_pixel_stride] int8 or uint8. */
  void *output;
  const int8_t *weights;
  const int32_t *bias;
  const int32_t *multiplier;
  const int32_t *shift;
  int32_t output_zero_point;
  /* The clamp bounds, with the fused activation applied, in the output's
   * storage domain. */
  int32_t output_min, output_max;
  /* 0: input is int8; 1: input is uint8 (must match the packing). */
  int32_t input_unsigned;
} qcc_qconv2d_params;

void qcc_qconv2d_avx512vnni(const qcc_qconv2d_params *params);
void qcc_qconv2d_avxvnni(const qcc_qconv2d_params *params);
void qcc_qconv2d_avx2(const qcc_qconv2d_params *params);
void qcc_qconv2d_generic(const qcc_qconv2d_params *params);

//===----------------------------------------------------------------------===//
// int8 depthwise convolution with fused requantization
//===----------------------------------------------------------------------===//
//
// groups == in_channels == out_channels == C, channel multiplier 1 (use the
// grouped qconv2d for multipliers > 1). geometry.in_channels and
// out_channels are C, geometry.groups is ignored (1 or C both accepted).
// Packed (packQDepthwiseConv2D, identical for every variant), with
// CP = C rounded up to QCC_DWCONV_CHANNEL_ALIGN:
//
//   int32_t weights[T][CP]: the low 16 bits hold w'(c, tap t) as int16, the
//     high 16 bits are 0 (the pair (w', 0) feeds vpdpwssd / vpmaddwd
//     exactly); 0 for c >= C.
//   int32_t bias[CP], multiplier[CP], shift[CP]: bias' = bias - z_x * sum w'
//     (no +128 term: the depthwise kernels widen x exactly).
//
// zero_row holds C bytes of the input zero point.
typedef struct qcc_qdwconv2d_params {
  qcc_conv2d_geometry geometry;
  const void *input;
  const void *zero_row;
  void *output;
  const int32_t *weights;
  const int32_t *bias;
  const int32_t *multiplier;
  const int32_t *shift;
  int32_t output_zero_point;
  int32_t output_min, output_max;
  int32_t input_unsigned;
} qcc_qdwconv2d_params;

void qcc_qdwconv2d_avx512vnni(const qcc_qdwconv2d_params *params);
void qcc_qdwconv2d_avxvnni(const qcc_qdwconv2d_params *params);
void qcc_qdwconv2d_avx2(const qcc_qdwconv2d_params *params);
void qcc_qdwconv2d_generic(const qcc_qdwconv2d_params *params);

//===----------------------------------------------------------------------===//
// fp32 convolution / matmul and depthwise convolution
//===----------------------------------------------------------------------===//
//
// The same geometry, padding and grouping as above, with
//   y = min(max(bias[o] + sum x * w, output_min), output_max)
// (pass -INFINITY/+INFINITY for no clamp). The sum order is not specified
// (FMA contractions, blocking); results may differ from a sequential sum in
// the last bits.
//
// sconv2d packed (packSConv2D), block width NR of the variant:
//   float weights[groups][OB][T][in_channels][NR], float bias[groups][OB*NR]
// sdwconv2d packed (packSDepthwiseConv2D):
//   float weights[T][CP], float bias[CP]
// zero_row: in_channels (or C) floats equal to 0.0f.
typedef struct qcc_sconv2d_params {
  qcc_conv2d_geometry geometry;
  const float *input;
  const float *zero_row;
  float *output;
  const float *weights;
  const float *bias;
  float output_min, output_max;
} qcc_sconv2d_params;

void qcc_sconv2d_avx512f(const qcc_sconv2d_params *params);
void qcc_sconv2d_avx2(const qcc_sconv2d_params *params);
void qcc_sconv2d_generic(const qcc_sconv2d_params *params);

void qcc_sdwconv2d_avx512f(const qcc_sconv2d_params *params);
void qcc_sdwconv2d_avx2(const qcc_sconv2d_params *params);
void qcc_sdwconv2d_generic(const qcc_sconv2d_params *params);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QCC_CODEGEN_CPU_KERNELS_H */
