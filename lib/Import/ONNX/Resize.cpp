//===- Resize.cpp - ONNX Resize and Upsample to TOSA ----------------------===//
//
// Resize is separable: each resized axis is resampled on its own. For every
// output position along an axis the importer computes, at import time and
// with ONNX's reference formulas, the input positions it reads (1 tap for
// nearest, 2 for linear, 4 for cubic) and their weights. The axis is then
// resampled as sum over taps of tosa.gather(x, tap indices) * tap weights.
// This covers every coordinate_transformation_mode (and the opset-11 alias
// tf_half_pixel_for_nn), nearest_mode,
// cubic_coeff_a, exclude_outside and tf_crop_and_resize's roi and
// extrapolation_value exactly; TOSA's own resize op only knows integer-ratio
// half-pixel and asymmetric grids.
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// The attributes that shape the sampling grid.
struct ResizeMode {
  std::string mode;                // nearest, linear, cubic
  std::string coordinateTransform; // half_pixel, asymmetric, ...
  std::string nearestMode;         // round_prefer_floor, floor, ...
  double cubicCoeffA = -0.75;
  bool excludeOutside = false;
  double extrapolationValue = 0.0;
};

/// How one axis is resampled: per output position, `taps` input indices and
/// weights, and a value added where the position falls outside the input
/// (tf_crop_and_resize).
struct AxisSampling {
  int64_t taps = 0;
  SmallVector<int32_t> indices; // [outSize * taps]
  SmallVector<double> weights;  // [outSize * taps]
  SmallVector<double> extra;    // [outSize]
  bool hasExtra = false;

  bool isIdentity(int64_t inSize) const {
    if (hasExtra || static_cast<int64_t>(extra.size()) != inSize)
      return false;
    for (int64_t o = 0; o < inSize; ++o)
      for (int64_t t = 0; t < taps; ++t) {
        double w = weights[o * taps + t];
        if (w != 0.0 && (indices[o * taps + t] != o || w != 1.0))
          return false;
      }
    return true;
  }
};

/// The input coordinate of output position `x` along an axis. As in ONNX's
/// reference, `outSize` is `scale * inSize` before flooring.
double transformCoordinate(const ResizeMode &mode, double x, double scale,
                           int64_t inSize, double outSize, double roiStart,
                           double roiEnd) {
  const std::string &c = mode.coordinateTransform;
  if (c == "half_pixel")
    return (x + 0.5) / scale - 0.5;
  if (c == "pytorch_half_pixel")
    return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (c == "align_corners")
    return outSize == 1 ? 0.0
                        : x * (inSize - 1) / (outSize - 1);
  if (c == "tf_half_pixel_for_nearest" || c == "tf_half_pixel_for_nn")
    return (x + 0.5) / scale;
  if (c == "tf_crop_and_resize")
    return outSize > 1
               ? roiStart * (inSize - 1) +
                     x * (roiEnd - roiStart) * (inSize - 1) / (outSize - 1)
               : 0.5 * (roiStart + roiEnd) * (inSize - 1);
  return x / scale; // asymmetric
}

int64_t roundNearest(const std::string &nearestMode, double x) {
  double f = std::floor(x);
  if (nearestMode == "floor")
    return f;
  if (nearestMode == "ceil")
    return std::ceil(x);
  if (x - f == 0.5)
    return nearestMode == "round_prefer_ceil" ? f + 1 : f;
  return std::round(x);
}

/// The cubic convolution weights of the 4 taps around a point at fraction
/// `r` past the second tap.
std::array<double, 4> cubicWeights(double r, double a) {
  auto near = [&](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };
  auto far = [&](double d) {
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  };
  return {far(r + 1), near(r), near(1 - r), far(2 - r)};
}

AxisSampling computeSampling(const ResizeMode &mode, int64_t inSize,
                             int64_t outSize, double scale, double roiStart,
                             double roiEnd) {
  AxisSampling s;
  s.taps = mode.mode == "nearest" ? 1 : mode.mode == "linear" ? 2 : 4;
  for (int64_t o = 0; o < outSize; ++o) {
    double x = transformCoordinate(mode, o, scale, inSize, scale * inSize,
                                   roiStart, roiEnd);
    if (mode.coordinateTransform == "tf_crop_and_resize" &&
        (x < 0 || x > inSize - 1)) {
      s.indices.append(s.taps, 0);
      s.weights.append(s.taps, 0.0);
      s.extra.push_back(mode.extrapolationValue);
      s.hasExtra = true;
      continue;
    }
    s.extra.push_back(0.0);
    SmallVector<int64_t, 4> taps;
    SmallVector<double, 4> weights;
    if (mode.mode == "nearest") {
      taps.push_back(roundNearest(mode.nearestMode, x));
      weights.push_back(1.0);
    } else {
      int64_t base = std::floor(x);
      double r = x - base;
      if (mode.mode == "linear") {
        taps = {base, base + 1};
        weights = {1 - r, r};
      } else {
        std::array<double, 4> w = cubicWeights(r, mode.cubicCoeffA);
        taps = {base - 1, base, base + 1, base + 2};
        weights.assign(w.begin(), w.end());
      }
    }
    if (mode.excludeOutside && mode.mode != "nearest") {
      double sum = 0;
      for (auto [tap, w] : llvm::zip_equal(taps, weights)) {
        if (tap < 0 || tap >= inSize)
          w = 0;
        sum += w;
      }
      for (double &w : weights)
        w = sum != 0 ? w / sum : 0;
    }
    for (auto [tap, w] : llvm::zip_equal(taps, weights)) {
      s.indices.push_back(std::clamp<int64_t>(tap, 0, inSize - 1));
      s.weights.push_back(w);
    }
  }
  return s;
}

/// `input` gathered along `axis` at `indices` (one per output position).
Value gatherAlongAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
                      ArrayRef<int32_t> indices) {
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = 1, inner = 1, count = indices.size();
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= shape[d];
  Value values = createReshape(b, loc, input, {outer, shape[axis], inner});
  SmallVector<int32_t> tiled;
  for (int64_t o = 0; o < outer; ++o)
    llvm::append_range(tiled, indices);
  auto indexType = RankedTensorType::get({outer, count}, b.getI32Type());
  Value indexConst = createConst(
      b, loc, DenseElementsAttr::get(indexType, ArrayRef<int32_t>(tiled)));
  Value gathered = tosa::GatherOp::create(
      b, loc, type.clone({outer, count, inner}), values, indexConst);
  SmallVector<int64_t> resultShape(shape);
  resultShape[axis] = count;
  return createReshape(b, loc, gathered, resultShape);
}

Value resampleAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
                   const AxisSampling &s) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t outSize = s.extra.size();
  SmallVector<int64_t> resultShape(type.getShape());
  resultShape[axis] = outSize;
  auto resultType = type.clone(resultShape);
  // Weights broadcast along every other axis.
  SmallVector<int64_t> weightShape(type.getRank(), 1);
  weightShape[axis] = outSize;
  auto weightType = RankedTensorType::get(weightShape, type.getElementType());
  Value result;
  for (int64_t t = 0; t < s.taps; ++t) {
    SmallVector<int32_t> indices;
    SmallVector<double> weights;
    bool allOne = true;
    for (int64_t o = 0; o < outSize; ++o) {
      indices.push_back(s.indices[o * s.taps + t]);
      weights.push_back(s.weights[o * s.taps + t]);
      allOne &= weights.back() == 1.0;
    }
    if (llvm::all_of(weights, [](double w) { return w == 0.0; }))
      continue;
    Value term = gatherAlongAxis(b, loc, input, axis, indices);
    if (!allOne)
      term = createMul(
          b, loc, term,
          createConst(b, loc, getConstantFromDoubles(weightType, weights)));
    result = result ? tosa::AddOp::create(b, loc, resultType, result, term)
                          .getResult()
                    : term;
  }
  if (s.hasExtra || !result) {
    Value extra =
        createConst(b, loc, getConstantFromDoubles(weightType, s.extra));
    result = result ? tosa::AddOp::create(b, loc, resultType, result, extra)
                          .getResult()
                    : createBroadcastTo(b, loc, extra, resultShape);
  }
  return result;
}

/// A constant float input, or an empty list if it is absent or empty (ONNX
/// uses empty tensors for "not given").
FailureOr<SmallVector<double>> getOptionalFloats(NodeContext &node,
                                                 unsigned index,
                                                 StringRef what) {
  if (!node.hasInput(index))
    return SmallVector<double>();
  FailureOr<DenseElementsAttr> values =
      node.getRequiredConstantInput(index, what);
  if (failed(values))
    return failure();
  return getDoubleValues(*values);
}

LogicalResult importResize(NodeContext &node) {
  bool isUpsample = node.getOp() == "Upsample";
  bool isResize10 = !isUpsample && node.getOpset() < 11;
  bool scalesIsAttr = isUpsample && node.getOpset() < 9;
  unsigned maxInputs = scalesIsAttr ? 1 : (isUpsample || isResize10) ? 2 : 4;
  if (failed(node.checkArity(scalesIsAttr ? 1 : node.getOpset() >= 13 ? 1 : 2,
                             maxInputs)) ||
      failed(node.checkFloatInput(0)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();

  ResizeMode mode;
  FailureOr<std::string> modeAttr = node.getStringAttr("mode", "nearest");
  bool legacy = isUpsample || isResize10;
  FailureOr<std::string> transform = node.getStringAttr(
      "coordinate_transformation_mode", legacy ? "asymmetric" : "half_pixel");
  FailureOr<std::string> nearestMode = node.getStringAttr(
      "nearest_mode", legacy ? "floor" : "round_prefer_floor");
  FailureOr<float> cubicCoeffA = node.getFloatAttr("cubic_coeff_a", -0.75f);
  FailureOr<int64_t> excludeOutside = node.getIntAttr("exclude_outside", 0);
  FailureOr<float> extrapolation =
      node.getFloatAttr("extrapolation_value", 0.0f);
  if (failed(modeAttr) || failed(transform) || failed(nearestMode) ||
      failed(cubicCoeffA) || failed(excludeOutside) || failed(extrapolation))
    return failure();
  mode.mode = *modeAttr == "bilinear" ? "linear" : *modeAttr;
  mode.coordinateTransform = *transform;
  mode.nearestMode = *nearestMode;
  mode.cubicCoeffA = *cubicCoeffA;
  mode.excludeOutside = *excludeOutside != 0;
  mode.extrapolationValue = *extrapolation;
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, mode.mode))
    return node.emitError() << "unknown mode '" << *modeAttr << "'";
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_half_pixel_for_nearest",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          mode.coordinateTransform))
    return node.emitError() << "unknown coordinate_transformation_mode '"
                            << mode.coordinateTransform << "'";
  if (!llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          mode.nearestMode))
    return node.emitError()
           << "unknown nearest_mode '" << mode.nearestMode << "'";

  // Scales (and sizes, roi) by input position.
  SmallVector<double> roi, scales, sizes;
  if (scalesIsAttr) {
    FailureOr<SmallVector<float>> attr = node.getFloatsAttr("scales");
    if (failed(attr))
      return failure();
    scales.assign(attr->begin(), attr->end());
  } else {
    unsigned scalesIndex = legacy ? 1 : 2;
    FailureOr<SmallVector<double>> roiValues =
        legacy ? FailureOr<SmallVector<double>>(SmallVector<double>())
               : getOptionalFloats(node, 1, "roi");
    FailureOr<SmallVector<double>> scaleValues =
        getOptionalFloats(node, scalesIndex, "scales");
    FailureOr<SmallVector<double>> sizeValues =
        legacy ? FailureOr<SmallVector<double>>(SmallVector<double>())
               : getOptionalFloats(node, 3, "sizes");
    if (failed(roiValues) || failed(scaleValues) || failed(sizeValues))
      return failure();
    roi = *roiValues;
    scales = *scaleValues;
    sizes = *sizeValues;
  }
  if (scales.empty() == sizes.empty())
    return node.emitError() << "needs exactly one of 'scales' and 'sizes'";
  if (!scales.empty() && static_cast<int64_t>(scales.size()) != rank)
    return node.emitError() << "'scales' has " << scales.size()
                            << " values for rank " << rank;
  if (!sizes.empty() && static_cast<int64_t>(sizes.size()) != rank)
    return node.emitError() << "'sizes' has " << sizes.size()
                            << " values for rank " << rank;
  if (mode.coordinateTransform == "tf_crop_and_resize" &&
      static_cast<int64_t>(roi.size()) != 2 * rank)
    return node.emitError() << "tf_crop_and_resize needs a 'roi' of "
                            << 2 * rank << " values";

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value result = node.getInputValue(0);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t inSize = type.getDimSize(d);
    double scale;
    int64_t outSize;
    // The sampling tables are built at import time, one entry per output
    // position: bound them (and keep the arithmetic far from overflow).
    constexpr double kMaxAxisSize = 1 << 24;
    double extent = scales.empty() ? sizes[d] : std::floor(inSize * scales[d]);
    if (!(extent >= 1 && extent <= kMaxAxisSize))
      return node.emitError() << "axis " << d << " would resize to " << extent
                              << " elements (at most " << kMaxAxisSize
                              << " supported)";
    outSize = static_cast<int64_t>(extent);
    scale = scales.empty() ? static_cast<double>(outSize) / inSize : scales[d];
    if (!(scale > 0))
      return node.emitError() << "axis " << d << " would resize to "
                              << outSize << " elements (scale " << scale
                              << ")";
    double roiStart = roi.empty() ? 0.0 : roi[d];
    double roiEnd = roi.empty() ? 1.0 : roi[d + rank];
    AxisSampling sampling =
        computeSampling(mode, inSize, outSize, scale, roiStart, roiEnd);
    if (sampling.isIdentity(inSize))
      continue;
    result = resampleAxis(b, loc, result, d, sampling);
  }
  node.setOutput(0, result);
  return success();
}

} // namespace

void registerResizeOps(OpRegistry &registry) {
  registry.add("Resize", importResize);
  registry.add("Upsample", importResize);
}

} // namespace qcc::onnx_import
