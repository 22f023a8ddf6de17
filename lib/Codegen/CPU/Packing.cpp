//===- Packing.cpp - Compile-time weight packing for CPU kernels ----------===//
//
// Layouts are documented in qcc/Codegen/CPU/Kernels.h; this file is their
// only producer.
//
//===----------------------------------------------------------------------===//

#include "qcc/Codegen/CPU/Packing.h"
#include "qcc/Codegen/CPU/Kernels.h"

namespace qcc::cpu {

int getBlockWidth(QKernelVariant variant) {
  switch (variant) {
  case QKernelVariant::Avx512Vnni:
    return QCC_QCONV_NR_AVX512VNNI;
  case QKernelVariant::AvxVnni:
    return QCC_QCONV_NR_AVXVNNI;
  case QKernelVariant::Avx2:
    return QCC_QCONV_NR_AVX2;
  case QKernelVariant::Generic:
    return QCC_QCONV_NR_GENERIC;
  }
  return QCC_QCONV_NR_GENERIC;
}

int getBlockWidth(SKernelVariant variant) {
  switch (variant) {
  case SKernelVariant::Avx512F:
    return QCC_SCONV_NR_AVX512F;
  case SKernelVariant::Avx2:
    return QCC_SCONV_NR_AVX2;
  case SKernelVariant::Generic:
    return QCC_SCONV_NR_GENERIC;
  }
  return QCC_SCONV_NR_GENERIC;
}

bool usesOffsetWeights(QKernelVariant variant) {
  return variant == QKernelVariant::Avx512Vnni ||
         variant == QKernelVariant::AvxVnni;
}

static bool fail(std::string *error, const std::string &message) {
  if (error)
    *error = message;
  return false;
}

static size_t roundUp(size_t value, size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// Entry `index` of a per-tensor (1 entry) or per-channel array.
template <typename T>
static T perChannel(const T *values, size_t count, size_t index) {
  return count == 1 ? values[0] : values[index];
}

/// Checks (M, n) against the kernels' range and normalizes M = 2^31, which
/// does not fit the kernels' int32: M * 2^-n == 2^30 * 2^-(n-1) exactly,
/// and for n = 1 the product acc * 2^30 already saturates every nonzero acc
/// (|acc * 2^29| > 2^29 > any 8-bit bound plus zero point) just as acc * 2^30
/// does, so (2^30, 1) gives the same outputs.
static bool normalizeMultiplier(int64_t multiplier, int32_t shift,
                                int32_t &outMultiplier, int32_t &outShift,
                                std::string *error) {
  if (multiplier < 0 || multiplier > (int64_t(1) << 31))
    return fail(error,
                "multiplier out of [0, 2^31]: " + std::to_string(multiplier));
  if (shift < 1 || shift > 63)
    return fail(error, "shift out of [1, 63]: " + std::to_string(shift));
  if (multiplier == (int64_t(1) << 31)) {
    multiplier = int64_t(1) << 30;
    shift = shift > 1 ? shift - 1 : 1;
  }
  outMultiplier = static_cast<int32_t>(multiplier);
  outShift = shift;
  return true;
}

static bool checkPerChannelCount(size_t count, size_t channels, bool allowNone,
                                 const char *what, std::string *error) {
  if ((count == 0 && allowNone) || count == 1 || count == channels)
    return true;
  return fail(error, std::string("expected 1 or ") + std::to_string(channels) +
                         " " + what + ", got " + std::to_string(count));
}

/// w - z_w for one element, or false when it needs more than 8 bits.
static bool centeredWeight(int8_t weight, const int32_t *zeroPoints,
                           size_t numZeroPoints, size_t channel,
                           int8_t &result) {
  int32_t zeroPoint =
      numZeroPoints ? perChannel(zeroPoints, numZeroPoints, channel) : 0;
  int32_t centered = int32_t(weight) - zeroPoint;
  if (centered < -128 || centered > 127)
    return false;
  result = static_cast<int8_t>(centered);
  return true;
}

static int32_t wrappingAdd(int32_t a, int64_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
}

bool packQConv2D(QKernelVariant variant, const QConv2DWeights &conv,
                 QConv2DPacked &packed, std::string *error) {
  if (!conv.weights || conv.outChannels < 1 || conv.inChannels < 1 ||
      conv.kernelH < 1 || conv.kernelW < 1 || conv.groups < 1)
    return fail(error, "invalid convolution shape");
  size_t totalOut = size_t(conv.groups) * conv.outChannels;
  if (!conv.multipliers || !conv.shifts)
    return fail(error, "missing multipliers or shifts");
  if (!checkPerChannelCount(conv.numWeightZeroPoints, totalOut, true,
                            "weight zero points", error) ||
      !checkPerChannelCount(conv.numMultipliers, totalOut, false, "multipliers",
                            error))
    return false;

  size_t nr = getBlockWidth(variant);
  size_t taps = size_t(conv.kernelH) * conv.kernelW;
  size_t groups4 = (size_t(conv.inChannels) + 3) / 4;
  size_t blocks = (size_t(conv.outChannels) + nr - 1) / nr;
  size_t paddedOut = blocks * nr;
  // The VNNI kernels take int8 activations as vpdpbusd's signed operand and
  // the weights, offset to u = w' + 128, as its unsigned one.
  bool offset = usesOffsetWeights(variant) && !conv.inputUnsigned;

  packed.weights.assign(size_t(conv.groups) * blocks * taps * groups4 * nr * 4,
                        0);
  packed.bias.assign(size_t(conv.groups) * paddedOut, 0);
  packed.multiplier.assign(size_t(conv.groups) * paddedOut, 0);
  packed.shift.assign(size_t(conv.groups) * paddedOut, 1);

  for (size_t g = 0; g < size_t(conv.groups); ++g) {
    for (size_t o = 0; o < size_t(conv.outChannels); ++o) {
      size_t channel = g * conv.outChannels + o;
      size_t block = o / nr, lane = o % nr;
      const int8_t *source =
          conv.weights + channel * taps * size_t(conv.inChannels);
      for (size_t t = 0; t < taps; ++t) {
        for (size_t i = 0; i < size_t(conv.inChannels); ++i) {
          int8_t centered;
          if (!centeredWeight(source[t * conv.inChannels + i],
                              conv.weightZeroPoints, conv.numWeightZeroPoints,
                              channel, centered))
            return fail(error, "w - z_w of output channel " +
                                   std::to_string(channel) +
                                   " does not fit in int8");
          size_t index =
              ((((g * blocks + block) * taps + t) * groups4 + i / 4) * nr +
               lane) *
                  4 +
              i % 4;
          packed.weights[index] =
              offset ? static_cast<int8_t>(static_cast<uint8_t>(centered + 128))
                     : centered;
        }
      }
      size_t out = g * paddedOut + o;
      packed.bias[out] = conv.bias ? conv.bias[channel] : 0;
      if (!normalizeMultiplier(
              perChannel(conv.multipliers, conv.numMultipliers, channel),
              perChannel(conv.shifts, conv.numMultipliers, channel),
              packed.multiplier[out], packed.shift[out], error))
        return false;
    }
  }
  return true;
}

std::vector<int32_t> foldInputZeroPoint(const QConv2DWeights &conv,
                                        const int32_t *bias,
                                        int32_t inputZeroPoint) {
  size_t totalOut = size_t(conv.groups) * conv.outChannels;
  size_t perChannelCount =
      size_t(conv.kernelH) * conv.kernelW * size_t(conv.inChannels);
  std::vector<int32_t> folded(totalOut);
  for (size_t o = 0; o < totalOut; ++o) {
    int32_t zeroPoint =
        conv.numWeightZeroPoints
            ? perChannel(conv.weightZeroPoints, conv.numWeightZeroPoints, o)
            : 0;
    int64_t sum = 0;
    for (size_t k = 0; k < perChannelCount; ++k)
      sum += int64_t(conv.weights[o * perChannelCount + k]) - zeroPoint;
    folded[o] = wrappingAdd(bias ? bias[o] : 0, -int64_t(inputZeroPoint) * sum);
  }
  return folded;
}

bool packQDepthwiseConv2D(const QDepthwiseConv2DWeights &conv,
                          QDepthwiseConv2DPacked &packed, std::string *error) {
  if (!conv.weights || conv.channels < 1 || conv.kernelH < 1 ||
      conv.kernelW < 1)
    return fail(error, "invalid depthwise convolution shape");
  size_t channels = conv.channels;
  if (!conv.multipliers || !conv.shifts)
    return fail(error, "missing multipliers or shifts");
  if (!checkPerChannelCount(conv.numWeightZeroPoints, channels, true,
                            "weight zero points", error) ||
      !checkPerChannelCount(conv.numMultipliers, channels, false, "multipliers",
                            error))
    return false;
  size_t taps = size_t(conv.kernelH) * conv.kernelW;
  size_t padded = roundUp(channels, QCC_DWCONV_CHANNEL_ALIGN);
  packed.weights.assign(taps * padded, 0);
  packed.bias.assign(padded, 0);
  packed.multiplier.assign(padded, 0);
  packed.shift.assign(padded, 1);
  for (size_t c = 0; c < channels; ++c) {
    for (size_t t = 0; t < taps; ++t) {
      int8_t centered;
      if (!centeredWeight(conv.weights[c * taps + t], conv.weightZeroPoints,
                          conv.numWeightZeroPoints, c, centered))
        return fail(error, "w - z_w of channel " + std::to_string(c) +
                               " does not fit in int8");
      // (w', 0) as an int16 pair: the low half is w', the high half 0.
      packed.weights[t * padded + c] =
          static_cast<int32_t>(static_cast<uint16_t>(int16_t(centered)));
    }
    packed.bias[c] = conv.bias ? conv.bias[c] : 0;
    if (!normalizeMultiplier(
            perChannel(conv.multipliers, conv.numMultipliers, c),
            perChannel(conv.shifts, conv.numMultipliers, c),
            packed.multiplier[c], packed.shift[c], error))
      return false;
  }
  return true;
}

bool packSConv2D(SKernelVariant variant, const SConv2DWeights &conv,
                 SConv2DPacked &packed, std::string *error) {
  if (!conv.weights || conv.outChannels < 1 || conv.inChannels < 1 ||
      conv.kernelH < 1 || conv.kernelW < 1 || conv.groups < 1)
    return fail(error, "invalid convolution shape");
  size_t nr = getBlockWidth(variant);
  size_t taps = size_t(conv.kernelH) * conv.kernelW;
  size_t in = conv.inChannels;
  size_t blocks = (size_t(conv.outChannels) + nr - 1) / nr;
  packed.weights.assign(size_t(conv.groups) * blocks * taps * in * nr, 0.0f);
  packed.bias.assign(size_t(conv.groups) * blocks * nr, 0.0f);
  for (size_t g = 0; g < size_t(conv.groups); ++g) {
    for (size_t o = 0; o < size_t(conv.outChannels); ++o) {
      size_t channel = g * conv.outChannels + o;
      size_t block = o / nr, lane = o % nr;
      const float *source = conv.weights + channel * taps * in;
      for (size_t t = 0; t < taps; ++t)
        for (size_t i = 0; i < in; ++i)
          packed.weights[(((g * blocks + block) * taps + t) * in + i) * nr +
                         lane] = source[t * in + i];
      packed.bias[g * blocks * nr + o] = conv.bias ? conv.bias[channel] : 0.0f;
    }
  }
  return true;
}

bool packSDepthwiseConv2D(const float *weights, const float *bias,
                          int32_t channels, int32_t kernelH, int32_t kernelW,
                          SConv2DPacked &packed, std::string *error) {
  if (!weights || channels < 1 || kernelH < 1 || kernelW < 1)
    return fail(error, "invalid depthwise convolution shape");
  size_t taps = size_t(kernelH) * kernelW;
  size_t padded = roundUp(size_t(channels), QCC_DWCONV_CHANNEL_ALIGN);
  packed.weights.assign(taps * padded, 0.0f);
  packed.bias.assign(padded, 0.0f);
  for (size_t c = 0; c < size_t(channels); ++c) {
    for (size_t t = 0; t < taps; ++t)
      packed.weights[t * padded + c] = weights[c * taps + t];
    packed.bias[c] = bias ? bias[c] : 0.0f;
  }
  return true;
}

} // namespace qcc::cpu
