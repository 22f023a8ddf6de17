//===- Scheme.cpp - how qcc chooses quantization parameters ---------------===//

#include "qcc/Quantization/Scheme.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;

namespace qcc {

/// Scales are rounded to f32: the type ONNX, TFLite and the generated C
/// header store them in, so that a model exported with qcc's parameters
/// (QDQ) describes exactly the same integer computation.
static double roundToF32(double scale) {
  return static_cast<double>(static_cast<float>(scale));
}

/// How far beyond the calibrated magnitude an int16 activation's range
/// reaches.
static constexpr double kInt16Headroom = 2.0;

quant::UniformQuantizedType
getActivationType(MLIRContext *context, RealRange range, ActivationKind kind) {
  double lo = std::min(range.min, 0.0);
  double hi = std::max(range.max, 0.0);
  Builder builder(context);
  if (kind == ActivationKind::Int16) {
    // Symmetric: s = 2 max|x| / 32767, z = 0, the full storage range. The
    // factor 2 is headroom: calibration sees a few hundred samples, and
    // values beyond their range saturate on new data (squeeze-and-excitation
    // vectors see one value per image and channel). 16 bits afford it: one
    // bit costs 6 dB of a ~90 dB quantization SQNR, while saturation took
    // EfficientNet's 16x8 logits from 29.8 dB on the calibration images to
    // 21.2 dB on the test images (31.6 dB with the headroom).
    double magnitude = kInt16Headroom * std::max(-lo, hi);
    if (!(magnitude > 0.0) || !std::isfinite(magnitude))
      magnitude = 1.0;
    return quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, builder.getIntegerType(16),
        builder.getF32Type(), roundToF32(magnitude / 32767.0), 0, -32768,
        32767);
  }
  double span = hi - lo;
  // A value that is always zero still needs a valid scale; any works.
  if (!(span > 0.0) || !std::isfinite(span)) {
    lo = 0.0;
    span = 1.0;
  }
  double scale = roundToF32(span / 255.0);
  bool isUnsigned = kind == ActivationKind::UInt8;
  double qmin = isUnsigned ? 0.0 : -128.0, qmax = qmin + 255.0;
  double zeroPoint = std::nearbyint(qmin - lo / scale);
  zeroPoint = std::clamp(zeroPoint, qmin, qmax);
  return quant::UniformQuantizedType::get(
      isUnsigned ? 0 : quant::QuantizationFlags::Signed, builder.getI8Type(),
      builder.getF32Type(), scale, static_cast<int64_t>(zeroPoint),
      static_cast<int64_t>(qmin), static_cast<int64_t>(qmax));
}

SmallVector<double> getBiasScaleFloors(ArrayRef<double> bias, int64_t channels,
                                       double inputScale) {
  SmallVector<double> floors(channels, 0.0);
  if (bias.empty() || !(inputScale > 0.0))
    return floors;
  for (int64_t c = 0; c < channels; ++c) {
    double magnitude = std::fabs(bias[bias.size() == 1 ? 0 : c]);
    if (std::isfinite(magnitude))
      floors[c] = magnitude / (inputScale * 0x1p30);
  }
  return floors;
}

QuantizedWeights quantizeWeights(MLIRContext *context, ArrayRef<float> values,
                                 ArrayRef<int64_t> shape, int64_t axis,
                                 ArrayRef<double> minScales) {
  int64_t channels = axis < 0 ? 1 : shape[axis];
  int64_t inner = 1;
  for (size_t d = axis < 0 ? shape.size() : axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  auto channelOf = [&](size_t index) -> int64_t {
    return axis < 0 ? 0 : (static_cast<int64_t>(index) / inner) % channels;
  };

  SmallVector<double> maxAbs(channels, 0.0);
  for (auto [index, value] : llvm::enumerate(values))
    maxAbs[channelOf(index)] =
        std::max(maxAbs[channelOf(index)], std::fabs(double(value)));
  QuantizedWeights result;
  for (auto [c, m] : llvm::enumerate(maxAbs)) {
    double scale = m > 0.0 ? m / 127.0 : 1.0;
    // A per-tensor scale takes the largest floor of the channels.
    double floor = 0.0;
    if (axis < 0)
      for (double f : minScales)
        floor = std::max(floor, f);
    else if (!minScales.empty())
      floor = minScales[minScales.size() == 1 ? 0 : c];
    scale = roundToF32(std::max(scale, floor));
    // Rounding to f32 may have gone below the floor.
    if (scale < floor)
      scale = std::nextafter(static_cast<float>(scale), INFINITY);
    result.scales.push_back(scale);
  }
  for (auto [index, value] : llvm::enumerate(values)) {
    double q = std::nearbyint(double(value) / result.scales[channelOf(index)]);
    result.values.push_back(static_cast<int8_t>(std::clamp(q, -127.0, 127.0)));
  }

  Builder builder(context);
  if (axis < 0) {
    result.type = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, builder.getI8Type(),
        builder.getF32Type(), result.scales[0], 0, -127, 127);
  } else {
    result.type = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, builder.getI8Type(),
        builder.getF32Type(), result.scales, SmallVector<int64_t>(channels, 0),
        axis, -127, 127);
  }
  return result;
}

std::optional<int64_t> quantizeBias(double value, double scale, unsigned bits) {
  double q = std::nearbyint(value / scale);
  // -2^(bits-1) <= q < 2^(bits-1), both bounds exact in double.
  double limit = std::ldexp(1.0, static_cast<int>(bits) - 1);
  if (!std::isfinite(q) || q < -limit || q >= limit)
    return std::nullopt;
  return static_cast<int64_t>(q);
}

} // namespace qcc
