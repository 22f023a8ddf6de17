//===- ConversionOps.cpp - quantize, dequantize, requantize, concat -------===//

#include "FixedPoint.h"
#include "OpSupport.h"
#include "Ops.h"

#include <cmath>
#include <map>

namespace qcc::ref {

std::pair<int64_t, int64_t> saturationRange(const QuantType &type,
                                            const ActivationRange &activation) {
  int64_t lo = type.qmin;
  int64_t hi = type.qmax;
  if (activation.min)
    lo = std::max(lo, *activation.min);
  if (activation.max)
    hi = std::min(hi, *activation.max);
  return {lo, hi};
}

/// Quantizes one value with the parameters of its channel.
static int64_t quantizeElement(float value, float scale, int64_t zeroPoint,
                               int64_t qmin, int64_t qmax) {
  if (std::isnan(value))
    return zeroPoint;
  float scaled = value / scale; // The contract's IEEE f32 division.
  // Clamping keeps the conversion to an integer defined; every value beyond
  // +-2^24 saturates to qmin or qmax anyway, so the bound does not matter.
  scaled = std::min(std::max(scaled, -0x1p24f), 0x1p24f);
  float rounded = roundHalfEven(scaled);
  RoundingStats &stats = roundingStats();
  ++stats.roundings;
  stats.ties += std::fabs(scaled - std::trunc(scaled)) == 0.5f;
  return clampTo(static_cast<int64_t>(rounded) + zeroPoint, qmin, qmax);
}

/// f32(s), or a Failure when s has no positive finite f32 value. The
/// contract computes quantize and dequantize with the scale rounded to f32.
static Result<float> scaleAsFloat(double scale) {
  auto single = static_cast<float>(scale);
  if (!(single > 0.0f) || !std::isfinite(single))
    return Failure{"scale " + std::to_string(scale) +
                   " rounds to zero or infinity in f32"};
  return single;
}

Result<QTensor> quantize(const FloatTensor &input,
                         const QuantType &resultType) {
  QTensor result{input.shape, {}, resultType};
  result.values.assign(input.values.size(), 0);
  if (auto failure = checkOperand(result, "result type"))
    return *failure;
  if (static_cast<int64_t>(input.values.size()) != numElements(input.shape))
    return Failure{"input: value count does not match the shape"};
  for (size_t i = 0; i < input.values.size(); ++i) {
    int64_t channel = result.channelOf(static_cast<int64_t>(i));
    Result<float> scale = scaleAsFloat(resultType.scale(channel));
    if (!scale)
      return Failure{scale.error()};
    result.values[i] = static_cast<int32_t>(
        quantizeElement(input.values[i], *scale, resultType.zeroPoint(channel),
                        resultType.qmin, resultType.qmax));
  }
  return result;
}

FloatTensor dequantize(const QTensor &input) {
  FloatTensor result{input.shape, {}};
  result.values.reserve(input.values.size());
  for (size_t i = 0; i < input.values.size(); ++i) {
    int64_t channel = input.channelOf(static_cast<int64_t>(i));
    // q - z is exact in f32 for storage of at most 16 bits.
    auto difference =
        static_cast<float>(input.values[i] - input.type.zeroPoint(channel));
    result.values.push_back(difference *
                            static_cast<float>(input.type.scale(channel)));
  }
  return result;
}

Result<QTensor> requantize(const QTensor &input, const QuantType &resultType,
                           const ActivationRange &activation) {
  if (auto failure = checkOperand(input, "input"))
    return *failure;
  if (resultType.isPerAxis() &&
      (!input.type.isPerAxis() || input.type.axis != resultType.axis))
    return Failure{"a per-axis result needs a per-axis input on its axis"};
  QTensor result{input.shape, {}, resultType};
  result.values.assign(input.values.size(), 0);
  if (auto failure = checkOperand(result, "result type"))
    return *failure;
  auto [lo, hi] = saturationRange(resultType, activation);
  if (lo > hi)
    return Failure{"empty saturation range"};

  std::map<int64_t, FixedPointMultiplier> multipliers;
  for (size_t i = 0; i < input.values.size(); ++i) {
    int64_t channel = input.channelOf(static_cast<int64_t>(i));
    auto found = multipliers.find(channel);
    if (found == multipliers.end()) {
      Result<FixedPointMultiplier> derived = deriveMultiplier(
          input.type.scale(channel) / resultType.scale(channel));
      if (!derived)
        return Failure{derived.error()};
      found = multipliers.emplace(channel, *derived).first;
    }
    int64_t centered = input.values[i] - input.type.zeroPoint(channel);
    int64_t value = resultType.zeroPoint(channel) +
                    applyMultiplier(centered, found->second);
    result.values[i] = static_cast<int32_t>(clampTo(value, lo, hi));
  }
  return result;
}

Result<QTensor> concat(const std::vector<QTensor> &inputs, int64_t axis,
                       const QuantType &resultType) {
  if (inputs.empty())
    return Failure{"concat needs at least one input"};
  Shape shape = inputs.front().shape;
  auto rank = static_cast<int64_t>(shape.size());
  if (axis < 0 || axis >= rank)
    return Failure{"axis out of range"};
  shape[axis] = 0;
  std::vector<QTensor> requantized;
  for (const QTensor &input : inputs) {
    if (input.type.isPerAxis())
      return Failure{"concat inputs must be quantized per tensor"};
    if (static_cast<int64_t>(input.shape.size()) != rank)
      return Failure{"concat inputs must have the same rank"};
    for (int64_t dim = 0; dim < rank; ++dim)
      if (dim != axis && input.shape[dim] != inputs.front().shape[dim])
        return Failure{"concat inputs differ outside the axis"};
    shape[axis] += input.shape[axis];
    // The identity when the types match: s_x / s_y = 1 gives (2^30, 30).
    Result<QTensor> converted = requantize(input, resultType);
    if (!converted)
      return Failure{converted.error()};
    requantized.push_back(std::move(*converted));
  }
  if (auto failure = checkPerTensorResult(resultType, shape))
    return *failure;

  int64_t outer = 1;
  for (int64_t dim = 0; dim < axis; ++dim)
    outer *= shape[dim];
  QTensor result{shape, {}, resultType};
  result.values.reserve(numElements(shape));
  for (int64_t block = 0; block < outer; ++block) {
    for (const QTensor &input : requantized) {
      int64_t blockSize = numElements(input.shape) / outer;
      auto first = input.values.begin() + block * blockSize;
      result.values.insert(result.values.end(), first, first + blockSize);
    }
  }
  return result;
}

} // namespace qcc::ref
