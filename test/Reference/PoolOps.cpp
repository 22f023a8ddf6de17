//===- PoolOps.cpp - max_pool2d and avg_pool2d ----------------------------===//

#include "FixedPoint.h"
#include "OpSupport.h"
#include "Ops.h"

#include <limits>
#include <map>

namespace qcc::ref {

namespace {
/// The in-bounds part of one pooling window.
struct Window {
  int64_t hBegin, hEnd, wBegin, wEnd;
  int64_t count() const { return (hEnd - hBegin) * (wEnd - wBegin); }
};

/// Shape checks and the window geometry shared by both pools.
struct PoolGeometry {
  int64_t batch, height, width, channels, outHeight, outWidth;

  Window window(const Pool2DAttrs &attrs, int64_t oh, int64_t ow) const {
    int64_t h0 = oh * attrs.stride[0] - attrs.pad[0];
    int64_t w0 = ow * attrs.stride[1] - attrs.pad[2];
    return {std::max<int64_t>(h0, 0), std::min(h0 + attrs.kernel[0], height),
            std::max<int64_t>(w0, 0), std::min(w0 + attrs.kernel[1], width)};
  }
  int64_t index(int64_t n, int64_t h, int64_t w, int64_t c) const {
    return ((n * height + h) * width + w) * channels + c;
  }
};
} // namespace

static Result<PoolGeometry> poolGeometry(const QTensor &input,
                                         const Pool2DAttrs &attrs) {
  if (auto failure = checkOperand(input, "input"))
    return *failure;
  if (input.shape.size() != 4 || input.type.isPerAxis())
    return Failure{"pooling needs a per-tensor NHWC input"};
  for (int dim = 0; dim < 2; ++dim)
    if (attrs.kernel[dim] < 1 || attrs.stride[dim] < 1 ||
        attrs.pad[2 * dim] >= attrs.kernel[dim] ||
        attrs.pad[2 * dim + 1] >= attrs.kernel[dim] || attrs.pad[2 * dim] < 0 ||
        attrs.pad[2 * dim + 1] < 0)
      return Failure{"kernel and stride must be positive, pads in "
                     "[0, kernel)"};
  PoolGeometry geometry{
      input.shape[0], input.shape[1], input.shape[2], input.shape[3], 0, 0};
  geometry.outHeight =
      windowOutputSize(geometry.height, attrs.pad[0], attrs.pad[1],
                       attrs.kernel[0], attrs.stride[0], 1);
  geometry.outWidth =
      windowOutputSize(geometry.width, attrs.pad[2], attrs.pad[3],
                       attrs.kernel[1], attrs.stride[1], 1);
  if (geometry.outHeight < 1 || geometry.outWidth < 1)
    return Failure{"the window does not fit the padded input"};
  return geometry;
}

Result<QTensor> maxPool2d(const QTensor &input, const Pool2DAttrs &attrs) {
  Result<PoolGeometry> geometry = poolGeometry(input, attrs);
  if (!geometry)
    return Failure{geometry.error()};
  const PoolGeometry &g = *geometry;
  auto [lo, hi] = saturationRange(input.type, attrs.activation);
  if (lo > hi)
    return Failure{"empty saturation range"};
  QTensor result{
      {g.batch, g.outHeight, g.outWidth, g.channels}, {}, input.type};
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oh = 0; oh < g.outHeight; ++oh)
      for (int64_t ow = 0; ow < g.outWidth; ++ow)
        for (int64_t c = 0; c < g.channels; ++c) {
          // Padding never wins: only in-bounds elements compete, and every
          // window has one since pads are smaller than the kernel.
          Window window = g.window(attrs, oh, ow);
          int64_t best = std::numeric_limits<int64_t>::min();
          for (int64_t h = window.hBegin; h < window.hEnd; ++h)
            for (int64_t w = window.wBegin; w < window.wEnd; ++w)
              best = std::max<int64_t>(best, input.values[g.index(n, h, w, c)]);
          result.values.push_back(static_cast<int32_t>(clampTo(best, lo, hi)));
        }
  return result;
}

Result<QTensor> avgPool2d(const QTensor &input, const QuantType &resultType,
                          const Pool2DAttrs &attrs) {
  Result<PoolGeometry> geometry = poolGeometry(input, attrs);
  if (!geometry)
    return Failure{geometry.error()};
  const PoolGeometry &g = *geometry;
  Shape shape = {g.batch, g.outHeight, g.outWidth, g.channels};
  if (auto failure = checkPerTensorResult(resultType, shape))
    return *failure;
  auto [lo, hi] = saturationRange(resultType, attrs.activation);
  if (lo > hi)
    return Failure{"empty saturation range"};

  // One multiplier per divisor: r_c = s_x / (s_y * c), computed in double.
  std::map<int64_t, FixedPointMultiplier> multipliers;
  auto multiplierFor = [&](int64_t count) -> Result<FixedPointMultiplier> {
    auto found = multipliers.find(count);
    if (found != multipliers.end())
      return found->second;
    Result<FixedPointMultiplier> derived = deriveMultiplier(
        input.type.scale() / (resultType.scale() * static_cast<double>(count)));
    if (derived)
      multipliers.emplace(count, *derived);
    return derived;
  };

  const int64_t inputZero = input.type.zeroPoint();
  QTensor result{shape, {}, resultType};
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oh = 0; oh < g.outHeight; ++oh)
      for (int64_t ow = 0; ow < g.outWidth; ++ow)
        for (int64_t c = 0; c < g.channels; ++c) {
          Window window = g.window(attrs, oh, ow);
          int64_t sum = 0;
          for (int64_t h = window.hBegin; h < window.hEnd; ++h)
            for (int64_t w = window.wBegin; w < window.wEnd; ++w)
              sum += input.values[g.index(n, h, w, c)] - inputZero;
          if (sum < std::numeric_limits<int32_t>::min() ||
              sum > std::numeric_limits<int32_t>::max())
            return Failure{"window sum does not fit int32 (undefined)"};
          int64_t count = attrs.countIncludePad
                              ? attrs.kernel[0] * attrs.kernel[1]
                              : window.count();
          Result<FixedPointMultiplier> multiplier = multiplierFor(count);
          if (!multiplier)
            return Failure{multiplier.error()};
          int64_t value =
              resultType.zeroPoint() + applyMultiplier(sum, *multiplier);
          result.values.push_back(static_cast<int32_t>(clampTo(value, lo, hi)));
        }
  return result;
}

} // namespace qcc::ref
