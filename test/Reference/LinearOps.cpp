//===- LinearOps.cpp - conv2d and matmul ----------------------------------===//

#include "FixedPoint.h"
#include "OpSupport.h"
#include "Ops.h"

#include <algorithm>
#include <limits>

namespace qcc::ref {

int64_t windowOutputSize(int64_t input, int64_t padBefore, int64_t padAfter,
                         int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = input + padBefore + padAfter;
  if (padded < span || stride < 1)
    return 0;
  return (padded - span) / stride + 1;
}

/// Per-output-channel multipliers (s_in * s_w[o]) / s_out, formed in IEEE
/// f32 (double only if the f32 product underflows).
static Result<std::vector<FixedPointMultiplier>>
deriveChannelMultipliers(double inputScale, const QuantType &weightType,
                         int64_t channels, double outputScale) {
  std::vector<FixedPointMultiplier> multipliers;
  for (int64_t channel = 0; channel < channels; ++channel) {
    float rescale = static_cast<float>(inputScale) *
                    static_cast<float>(weightType.scale(channel)) /
                    static_cast<float>(outputScale);
    Result<FixedPointMultiplier> derived = deriveMultiplier(
        rescale > 0.0f
            ? double(rescale)
            : (inputScale * weightType.scale(channel)) / outputScale);
    if (!derived)
      return Failure{derived.error()};
    multipliers.push_back(*derived);
  }
  return multipliers;
}

/// y = clamp(z_y + apply(acc, M, n), lo, hi). With 8-bit activations the
/// exact accumulator must fit int32 (the contract leaves overflow
/// undefined); with wider activations the accumulator is int64 and the
/// multiplication is exact in 128 bits.
static Result<int32_t> requantizeAccumulator(int64_t accumulator,
                                             bool wideAccumulator,
                                             FixedPointMultiplier multiplier,
                                             int64_t zeroPoint, int64_t lo,
                                             int64_t hi) {
  if (wideAccumulator) {
    __int128 value = zeroPoint + applyMultiplierWide(accumulator, multiplier);
    return static_cast<int32_t>(value < lo ? lo : value > hi ? hi : value);
  }
  if (accumulator < std::numeric_limits<int32_t>::min() ||
      accumulator > std::numeric_limits<int32_t>::max())
    return Failure{"accumulator " + std::to_string(accumulator) +
                   " does not fit int32 (undefined)"};
  return static_cast<int32_t>(
      clampTo(zeroPoint + applyMultiplier(accumulator, multiplier), lo, hi));
}

Result<QTensor> conv2d(const QTensor &input, const QTensor &weight,
                       const std::optional<std::vector<int64_t>> &bias,
                       const QuantType &resultType, const Conv2DAttrs &attrs) {
  if (auto failure = checkOperand(input, "input"))
    return *failure;
  if (auto failure = checkOperand(weight, "weight"))
    return *failure;
  if (input.shape.size() != 4 || weight.shape.size() != 4)
    return Failure{"conv2d needs an NHWC input and OHWI weights"};
  if (input.type.isPerAxis())
    return Failure{"the input must be quantized per tensor"};
  if (weight.type.isPerAxis() && weight.type.axis != 0)
    return Failure{"per-axis weights must be quantized on axis 0"};

  const int64_t batch = input.shape[0], height = input.shape[1],
                width = input.shape[2], inChannels = input.shape[3];
  const int64_t outChannels = weight.shape[0], kernelH = weight.shape[1],
                kernelW = weight.shape[2], groupInChannels = weight.shape[3];
  const int64_t groups = attrs.groups;
  if (groups < 1 || outChannels % groups != 0 ||
      inChannels != groups * groupInChannels)
    return Failure{"channels do not split into the groups"};
  const int64_t groupOutChannels = outChannels / groups;
  if (bias && static_cast<int64_t>(bias->size()) != outChannels)
    return Failure{"bias needs one value per output channel"};
  const auto &[strideH, strideW] = attrs.stride;
  const auto &[dilationH, dilationW] = attrs.dilation;
  const auto &[padTop, padBottom, padLeft, padRight] = attrs.pad;
  const int64_t outHeight =
      windowOutputSize(height, padTop, padBottom, kernelH, strideH, dilationH);
  const int64_t outWidth =
      windowOutputSize(width, padLeft, padRight, kernelW, strideW, dilationW);
  if (outHeight < 1 || outWidth < 1 || dilationH < 1 || dilationW < 1)
    return Failure{"the window does not fit the padded input"};

  Shape shape = {batch, outHeight, outWidth, outChannels};
  if (auto failure = checkPerTensorResult(resultType, shape))
    return *failure;
  auto [lo, hi] = saturationRange(resultType, attrs.activation);
  if (lo > hi)
    return Failure{"empty saturation range"};
  Result<std::vector<FixedPointMultiplier>> multipliers =
      deriveChannelMultipliers(input.type.scale(), weight.type, outChannels,
                               resultType.scale());
  if (!multipliers)
    return Failure{multipliers.error()};

  auto inputAt = [&](int64_t n, int64_t h, int64_t w, int64_t c) {
    return input.values[((n * height + h) * width + w) * inChannels + c];
  };
  auto weightAt = [&](int64_t o, int64_t h, int64_t w, int64_t i) {
    return weight
        .values[((o * kernelH + h) * kernelW + w) * groupInChannels + i];
  };
  const int64_t inputZero = input.type.zeroPoint();
  QTensor result{shape, {}, resultType};
  result.values.reserve(numElements(shape));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t oh = 0; oh < outHeight; ++oh)
      for (int64_t ow = 0; ow < outWidth; ++ow)
        for (int64_t o = 0; o < outChannels; ++o) {
          const int64_t group = o / groupOutChannels;
          const int64_t weightZero = weight.type.zeroPoint(o);
          int64_t accumulator = bias ? (*bias)[o] : 0;
          for (int64_t kh = 0; kh < kernelH; ++kh) {
            int64_t ih = oh * strideH + kh * dilationH - padTop;
            if (ih < 0 || ih >= height)
              continue; // Padding holds the real value 0.
            for (int64_t kw = 0; kw < kernelW; ++kw) {
              int64_t iw = ow * strideW + kw * dilationW - padLeft;
              if (iw < 0 || iw >= width)
                continue;
              for (int64_t i = 0; i < groupInChannels; ++i)
                accumulator +=
                    (inputAt(n, ih, iw, group * groupInChannels + i) -
                     inputZero) *
                    int64_t(weightAt(o, kh, kw, i) - weightZero);
            }
          }
          Result<int32_t> value = requantizeAccumulator(
              accumulator, storageBits(input.type.storage) > 8,
              (*multipliers)[o], resultType.zeroPoint(), lo, hi);
          if (!value)
            return Failure{value.error()};
          result.values.push_back(*value);
        }
  return result;
}

Result<QTensor> matmul(const QTensor &lhs, const QTensor &rhs,
                       const std::optional<std::vector<int64_t>> &bias,
                       const QuantType &resultType,
                       const ActivationRange &activation) {
  if (auto failure = checkOperand(lhs, "lhs"))
    return *failure;
  if (auto failure = checkOperand(rhs, "rhs"))
    return *failure;
  // rhs is [K, N], shared by every row, or [..., K, N] with lhs's batch
  // dimensions (one [K, N] matrix per batch entry).
  const size_t rank = lhs.shape.size();
  const bool batched = rhs.shape.size() > 2;
  if (rank < 2 || rhs.shape.size() < 2 ||
      (batched && (rhs.shape.size() != rank ||
                   !std::equal(lhs.shape.begin(), lhs.shape.end() - 2,
                               rhs.shape.begin()))) ||
      lhs.shape.back() != rhs.shape[rhs.shape.size() - 2])
    return Failure{"matmul needs [..., M, K] x [K, N] or [..., K, N]"};
  if (lhs.type.isPerAxis())
    return Failure{"lhs must be quantized per tensor"};
  if (batched && rhs.type.isPerAxis())
    return Failure{"a batched rhs must be quantized per tensor"};
  if (rhs.type.isPerAxis() && rhs.type.axis != 1)
    return Failure{"per-axis rhs must be quantized on axis 1"};
  const int64_t depth = rhs.shape[rhs.shape.size() - 2];
  const int64_t columns = rhs.shape.back();
  const int64_t rows = numElements(lhs.shape) / depth; // Batch included.
  const int64_t rowsPerBatch = lhs.shape[rank - 2];
  if (bias && static_cast<int64_t>(bias->size()) != columns)
    return Failure{"bias needs one value per column"};

  Shape shape = lhs.shape;
  shape.back() = columns;
  if (auto failure = checkPerTensorResult(resultType, shape))
    return *failure;
  auto [lo, hi] = saturationRange(resultType, activation);
  if (lo > hi)
    return Failure{"empty saturation range"};
  Result<std::vector<FixedPointMultiplier>> multipliers =
      deriveChannelMultipliers(lhs.type.scale(), rhs.type, columns,
                               resultType.scale());
  if (!multipliers)
    return Failure{multipliers.error()};

  const int64_t lhsZero = lhs.type.zeroPoint();
  QTensor result{shape, {}, resultType};
  result.values.reserve(numElements(shape));
  for (int64_t m = 0; m < rows; ++m)
    for (int64_t j = 0; j < columns; ++j) {
      const int64_t rhsZero = rhs.type.zeroPoint(j);
      const int64_t rhsBase =
          batched ? (m / rowsPerBatch) * depth * columns : 0;
      int64_t accumulator = bias ? (*bias)[j] : 0;
      for (int64_t k = 0; k < depth; ++k)
        accumulator += (lhs.values[m * depth + k] - lhsZero) *
                       int64_t(rhs.values[rhsBase + k * columns + j] - rhsZero);
      Result<int32_t> value = requantizeAccumulator(
          accumulator, storageBits(lhs.type.storage) > 8, (*multipliers)[j],
          resultType.zeroPoint(), lo, hi);
      if (!value)
        return Failure{value.error()};
      result.values.push_back(*value);
    }
  return result;
}

} // namespace qcc::ref
