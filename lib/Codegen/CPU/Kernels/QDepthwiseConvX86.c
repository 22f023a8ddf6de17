//===- QDepthwiseConvX86.c - int8 depthwise kernels for x86-64 ----*- C -*-===//
//
// qcc_qdwconv2d_{avx512vnni,avxvnni,avx2}: direct depthwise convolution with
// channels innermost and fused requantization; ABI and packed layout in
// qcc/Codegen/CPU/Kernels.h.
//
// A tile is up to 8 consecutive output pixels. Its (tap, pixel) input
// pointers are gathered once and reused for every chunk of channels; each
// pixel owns one accumulator register per chunk, so a chunk runs 8
// independent chains over the taps. Activations are widened to int32 lanes
// whose low int16 is x (sign or zero extension leaves x intact), and the
// packed weight lanes hold the int16 pair (w', 0): one vpdpwssd (or
// vpmaddwd) then adds exactly x * w' + (high half) * 0.
//
//===----------------------------------------------------------------------===//

#include "X86Requantize.h"

#define QCC_DW_MR 8

/* Scalar channels [first, channels) of a tile, for the AVX2 tails. */
QCC_INLINE void qdw_scalar_channels(const qcc_conv_tile *t,
                                    const uint8_t *const *ptrs, int gathered,
                                    int rows, int is_unsigned, int32_t first) {
  const qcc_qdwconv2d_params *p = (const qcc_qdwconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  int32_t taps = g->kernel_h * g->kernel_w;
  int32_t stride = (t->channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &
                   ~(QCC_DWCONV_CHANNEL_ALIGN - 1);
  const int32_t *w = (const int32_t *)t->weights;
  const int32_t *bias = (const int32_t *)t->bias;
  for (int32_t c = first; c < t->channels; ++c) {
    QCC_UNROLL
    for (int r = 0; r < rows; ++r) {
      uint32_t acc = (uint32_t)bias[c];
      for (int32_t tap = 0; tap < taps; ++tap) {
        uint8_t byte = qcc_dw_tap(t, ptrs, gathered, rows, tap, r)[c];
        int32_t x = is_unsigned ? (int32_t)byte : (int32_t)(int8_t)byte;
        acc += (uint32_t)(x * (int16_t)w[tap * stride + c]);
      }
      t->output[r * t->output_row_bytes + c] = (uint8_t)qcc_requantize(
          (int32_t)acc, t->multiplier[c], t->shift[c], p->output_zero_point,
          p->output_min, p->output_max);
    }
  }
}

//===----------------------------- AVX-512 VNNI ---------------------------===//

QCC_INLINE QCC_TARGET_AVX512VNNI void
qdw_tile_avx512vnni_body(const qcc_conv_tile *t, const int rows,
                         const int is_unsigned) {
  const qcc_qdwconv2d_params *p = (const qcc_qdwconv2d_params *)t->params;
  const qcc_conv2d_geometry *g = t->geometry;
  const int32_t taps = g->kernel_h * g->kernel_w;
  const int gathered = taps <= QCC_DW_MAX_TAPS;
  const uint8_t *ptrs[QCC_DW_MAX_TAPS * QCC_DW_MR];
  if (gathered)
    qcc_gather_tap_pointers(t, rows, ptrs);
  const int32_t channels = t->channels;
  const int32_t stride = (channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &
                         ~(QCC_DWCONV_CHANNEL_ALIGN - 1);
  const int32_t *w = (const int32_t *)t->weights;
  const int32_t *bias = (const int32_t *)t->bias;
  /* Byte stores may alias the tile and the parameters: what the chunks
   * read after one is stored lives in locals. */
  uint8_t *const out = t->output;
  const ptrdiff_t row_bytes = t->output_row_bytes;
  const int32_t *const multiplier = t->multiplier, *const shift = t->shift;
  const int32_t zp = p->output_zero_point, lo = p->output_min,
                hi = p->output_max;
  for (int32_t c = 0; c < channels; c += 16) {
    /* The mask keeps the last chunk's loads inside the pixel. */
    __mmask16 mask = qcc_mask16(channels - c);
    __m512i acc[QCC_DW_MR];
    __m512i b = _mm512_loadu_si512(bias + c);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      acc[r] = b;
    for (int32_t tap = 0; tap < taps; ++tap) {
      __m512i wv = _mm512_loadu_si512(w + (ptrdiff_t)tap * stride + c);
      QCC_UNROLL
      for (int r = 0; r < rows; ++r) {
        const uint8_t *a = qcc_dw_tap(t, ptrs, gathered, rows, tap, r) + c;
        /* Full chunks load plainly (folded into vpmovsxbd's operand). */
        __m128i bytes = mask == 0xffff ? _mm_loadu_si128((const __m128i *)a)
                                       : _mm_maskz_loadu_epi8(mask, a);
        __m512i x = is_unsigned ? _mm512_cvtepu8_epi32(bytes)
                                : _mm512_cvtepi8_epi32(bytes);
        acc[r] = _mm512_dpwssd_epi32(acc[r], x, wv);
      }
    }
    qcc_requant512 rq =
        qcc_requant512_setup(multiplier + c, shift + c, zp, lo, hi);
    QCC_UNROLL
    for (int r = 0; r < rows; ++r)
      qcc_store16_epi8(out + r * row_bytes + c, mask,
                       qcc_requant512_apply(acc[r], &rq));
  }
}

//===------------------------- AVX-VNNI and AVX2 --------------------------===//
// Chunks of 8 channels; AVX2 cannot mask byte loads, so the last
// channels % 8 go through the scalar loop instead of reading past the pixel.
//===----------------------------------------------------------------------===//

QCC_INLINE QCC_TARGET_AVX2 __m256i qdw_load8(const uint8_t *a,
                                             int is_unsigned) {
  __m128i bytes = _mm_loadl_epi64((const __m128i *)a);
  return is_unsigned ? _mm256_cvtepu8_epi32(bytes)
                     : _mm256_cvtepi8_epi32(bytes);
}

/* use_vnni selects vpdpwssd (AVX-VNNI) over vpmaddwd + vpaddd; the body is
 * instantiated inside functions whose target allows the chosen one. */
#define QCC_DW_YMM_BODY(name, target, dot)                                     \
  QCC_INLINE target void name(const qcc_conv_tile *t, const int rows,          \
                              const int is_unsigned) {                         \
    const qcc_qdwconv2d_params *p = (const qcc_qdwconv2d_params *)t->params;   \
    const qcc_conv2d_geometry *g = t->geometry;                                \
    const int32_t taps = g->kernel_h * g->kernel_w;                            \
    const int gathered = taps <= QCC_DW_MAX_TAPS;                              \
    const uint8_t *ptrs[QCC_DW_MAX_TAPS * QCC_DW_MR];                          \
    if (gathered)                                                              \
      qcc_gather_tap_pointers(t, rows, ptrs);                                  \
    const int32_t channels = t->channels;                                      \
    const int32_t stride = (channels + QCC_DWCONV_CHANNEL_ALIGN - 1) &         \
                           ~(QCC_DWCONV_CHANNEL_ALIGN - 1);                    \
    const int32_t *w = (const int32_t *)t->weights;                            \
    const int32_t *bias = (const int32_t *)t->bias;                            \
    int32_t c = 0;                                                             \
    for (; c + 8 <= channels; c += 8) {                                        \
      __m256i acc[QCC_DW_MR];                                                  \
      __m256i b = _mm256_loadu_si256((const __m256i *)(bias + c));             \
      QCC_UNROLL                                                               \
      for (int r = 0; r < rows; ++r)                                           \
        acc[r] = b;                                                            \
      for (int32_t tap = 0; tap < taps; ++tap) {                               \
        __m256i wv = _mm256_loadu_si256(                                       \
            (const __m256i *)(w + (ptrdiff_t)tap * stride + c));               \
        QCC_UNROLL                                                             \
        for (int r = 0; r < rows; ++r) {                                       \
          __m256i x = qdw_load8(                                               \
              qcc_dw_tap(t, ptrs, gathered, rows, tap, r) + c, is_unsigned);   \
          acc[r] = dot(acc[r], x, wv);                                         \
        }                                                                      \
      }                                                                        \
      qcc_requant256 rq = qcc_requant256_setup(                                \
          t->multiplier + c, t->shift + c, p->output_zero_point,               \
          p->output_min, p->output_max);                                       \
      QCC_UNROLL                                                               \
      for (int r = 0; r < rows; ++r) {                                         \
        __m256i y = qcc_requant256_apply(acc[r], &rq);                         \
        _mm_storel_epi64((__m128i *)(t->output + r * t->output_row_bytes + c), \
                         qcc_narrow256(y, y));                                 \
      }                                                                        \
    }                                                                          \
    if (c < channels)                                                          \
      qdw_scalar_channels(t, ptrs, gathered, rows, is_unsigned, c);            \
  }

QCC_INLINE QCC_TARGET_AVXVNNI __m256i qdw_dot_avxvnni(__m256i acc, __m256i x,
                                                      __m256i w) {
  return _mm256_dpwssd_avx_epi32(acc, x, w);
}

QCC_INLINE QCC_TARGET_AVX2 __m256i qdw_dot_avx2(__m256i acc, __m256i x,
                                                __m256i w) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w));
}

QCC_DW_YMM_BODY(qdw_tile_avxvnni_body, QCC_TARGET_AVXVNNI, qdw_dot_avxvnni)
QCC_DW_YMM_BODY(qdw_tile_avx2_body, QCC_TARGET_AVX2, qdw_dot_avx2)

//===------------------------------ Entry points --------------------------===//

#define QCC_DW_DISPATCH(body, t, rows, flag)                                   \
  switch (rows) {                                                              \
  case 8:                                                                      \
    body(t, 8, flag);                                                          \
    break;                                                                     \
  case 7:                                                                      \
    body(t, 7, flag);                                                          \
    break;                                                                     \
  case 6:                                                                      \
    body(t, 6, flag);                                                          \
    break;                                                                     \
  case 5:                                                                      \
    body(t, 5, flag);                                                          \
    break;                                                                     \
  case 4:                                                                      \
    body(t, 4, flag);                                                          \
    break;                                                                     \
  case 3:                                                                      \
    body(t, 3, flag);                                                          \
    break;                                                                     \
  case 2:                                                                      \
    body(t, 2, flag);                                                          \
    break;                                                                     \
  default:                                                                     \
    body(t, 1, flag);                                                          \
    break;                                                                     \
  }

#define QCC_DW_ENTRY(variant, target)                                          \
  static target void qdw_tile_##variant##_signed(const qcc_conv_tile *t,       \
                                                 int rows) {                   \
    QCC_DW_DISPATCH(qdw_tile_##variant##_body, t, rows, 0)                     \
  }                                                                            \
  static target void qdw_tile_##variant##_unsigned(const qcc_conv_tile *t,     \
                                                   int rows){                  \
      QCC_DW_DISPATCH(qdw_tile_##variant##_body, t, rows, 1)} QCC_ENTRY        \
      target void qcc_qdwconv2d_##variant(const qcc_qdwconv2d_params *p) {     \
    qcc_depthwise_walk(&p->geometry, p, p->input, p->zero_row, p->output,      \
                       p->weights, p->bias, p->multiplier, p->shift,           \
                       QCC_DW_MR, 1,                                           \
                       p->input_unsigned ? qdw_tile_##variant##_unsigned       \
                                         : qdw_tile_##variant##_signed);       \
  }

QCC_DW_ENTRY(avx512vnni, QCC_TARGET_AVX512VNNI)
QCC_DW_ENTRY(avxvnni, QCC_TARGET_AVXVNNI)
QCC_DW_ENTRY(avx2, QCC_TARGET_AVX2)
