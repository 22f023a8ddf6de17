//===- ConvPool.cpp - ONNX convolution and pooling to TOSA ----------------===//
//
// ONNX convolutions and pools work on NCHW; TOSA's on NHWC. Each op is
// wrapped in a pair of tosa.transpose ops so the graph keeps ONNX's NCHW
// shapes (the canonicalizer cancels back-to-back pairs). Constant weights are
// rearranged at import time: OIHW -> OHWI for conv2d, [C*M,1,kh,kw] ->
// [kh,kw,C,M] for depthwise_conv2d.
//
// TOSA requires the padded extent minus the kernel extent to be a multiple
// of the stride. ONNX floors (or ceils) instead, so the importer trims unused
// trailing padding or input rows (floor mode), or extends the trailing
// padding (ceil mode, which TOSA pools do not count in averages).
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <limits>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

constexpr int64_t kNCHWToNHWC[] = {0, 2, 3, 1};
constexpr int64_t kNHWCToNCHW[] = {0, 3, 1, 2};

/// The 2-D sliding window of one conv or pool, in TOSA terms.
struct Window2D {
  SmallVector<int64_t> kernel, stride, dilation, output;
  /// TOSA pad order: top, bottom, left, right.
  SmallVector<int64_t> pad;
  /// Trailing input rows/columns no window reaches; sliced off.
  SmallVector<int64_t> trimmed = {0, 0};
  /// Trailing padding added for ceil_mode, beyond the ONNX pads.
  SmallVector<int64_t> ceilPadding = {0, 0};
};

LogicalResult checkPositive(NodeContext &node, StringRef name,
                            ArrayRef<int64_t> values, size_t expectedSize) {
  if (values.size() != expectedSize)
    return node.emitError() << "attribute '" << name << "' must have "
                            << expectedSize << " values, got " << values.size();
  for (int64_t v : values)
    if (v <= 0)
      return node.emitError()
             << "attribute '" << name << "' must be positive, got " << v;
  return success();
}

FailureOr<Window2D> computeWindow(NodeContext &node,
                                  ArrayRef<int64_t> inputSize,
                                  ArrayRef<int64_t> kernel, bool ceilMode) {
  Window2D window;
  window.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t>> strides =
      node.getIntsAttr("strides", SmallVector<int64_t>{1, 1});
  FailureOr<SmallVector<int64_t>> dilations =
      node.getIntsAttr("dilations", SmallVector<int64_t>{1, 1});
  FailureOr<SmallVector<int64_t>> pads =
      node.getIntsAttr("pads", SmallVector<int64_t>{0, 0, 0, 0});
  FailureOr<std::string> autoPad = node.getStringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad) ||
      failed(checkPositive(node, "strides", *strides, 2)) ||
      failed(checkPositive(node, "dilations", *dilations, 2)) ||
      failed(checkPositive(node, "kernel_shape", kernel, 2)))
    return failure();
  if (pads->size() != 4)
    return node.emitError()
           << "attribute 'pads' must have 4 values, got " << pads->size();
  for (int64_t p : *pads)
    if (p < 0)
      return node.emitError()
             << "negative padding " << p << " is not supported";
  if (!llvm::is_contained({"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"},
                          *autoPad))
    return node.emitError() << "unknown auto_pad '" << *autoPad << "'";
  // Bounded so that the window arithmetic below cannot overflow.
  constexpr int64_t kMaxWindowValue = std::numeric_limits<int32_t>::max();
  for (ArrayRef<int64_t> values :
       {ArrayRef<int64_t>(*strides), ArrayRef<int64_t>(*dilations), kernel,
        ArrayRef<int64_t>(*pads)})
    for (int64_t v : values)
      if (v > kMaxWindowValue)
        return node.emitError() << "window size, stride, dilation or padding "
                                << v << " is too large (at most "
                                << kMaxWindowValue << ")";

  window.stride = *strides;
  window.dilation = *dilations;
  window.pad.resize(4);
  for (int i = 0; i < 2; ++i) {
    int64_t in = inputSize[i], s = (*strides)[i];
    int64_t extent = (kernel[i] - 1) * (*dilations)[i] + 1;
    // ONNX pads are [begin_h, begin_w, end_h, end_w].
    int64_t begin = (*pads)[i], end = (*pads)[i + 2];
    if (*autoPad == "VALID") {
      begin = end = 0;
    } else if (*autoPad != "NOTSET") {
      int64_t out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in);
      int64_t small = total / 2;
      begin = *autoPad == "SAME_UPPER" ? small : total - small;
      end = total - begin;
    }
    int64_t span = in + begin + end - extent;
    if (span < 0)
      return node.emitError()
             << "kernel extent " << extent << " exceeds the padded input size "
             << in + begin + end;
    int64_t out = span / s + 1;
    // Ceil mode adds a partial window, unless it would start in the end
    // padding (ONNX follows PyTorch here).
    if (ceilMode && span % s != 0 && out * s < in + begin)
      ++out;
    window.output.push_back(out);
    // The end padding the last window needs; negative if it stops short of
    // the input's end, whose unreached rows are then sliced off.
    int64_t needed = (out - 1) * s + extent - in - begin;
    if (needed >= 0) {
      window.ceilPadding[i] = std::max<int64_t>(0, needed - end);
      end = needed;
    } else {
      end = 0;
      window.trimmed[i] = -needed;
    }
    window.pad[2 * i] = begin;
    window.pad[2 * i + 1] = end;
  }
  return window;
}

/// NCHW `input` -> NHWC, minus the rows/columns the window never reaches.
Value toWindowedNHWC(OpBuilder &b, Location loc, Value input,
                     const Window2D &window) {
  Value nhwc = createTranspose(b, loc, input, kNCHWToNHWC);
  auto type = cast<RankedTensorType>(nhwc.getType());
  SmallVector<int64_t> size(type.getShape());
  size[1] -= window.trimmed[0];
  size[2] -= window.trimmed[1];
  return createSlice(b, loc, nhwc, {0, 0, 0, 0}, size);
}

LogicalResult checkRank4(NodeContext &node, unsigned index, StringRef what) {
  RankedTensorType type = node.getInputType(index);
  if (type.getRank() != 4)
    return node.emitError() << what << " must be 4-D (NCHW); got " << type
                            << " (only 2-D spatial operators are supported)";
  return success();
}

/// Reshapes then transposes a weight tensor, at import time if it is a
/// constant.
Value rearrangeWeights(NodeContext &node, unsigned index,
                       ArrayRef<int64_t> shape, ArrayRef<int64_t> perms) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  if (DenseElementsAttr constant = node.getConstantInput(index)) {
    auto type = cast<RankedTensorType>(constant.getType());
    DenseElementsAttr reshaped = constant.reshape(type.clone(shape));
    return createConst(b, loc, transposeConstant(reshaped, perms));
  }
  return createTranspose(
      b, loc, createReshape(b, loc, node.getInputValue(index), shape), perms);
}

LogicalResult importConv(NodeContext &node) {
  if (failed(node.checkArity(2, 3)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)) || failed(checkRank4(node, 0, "input")) ||
      failed(checkRank4(node, 1, "weight")))
    return failure();
  ArrayRef<int64_t> xShape = node.getInputType(0).getShape();
  ArrayRef<int64_t> wShape = node.getInputType(1).getShape();
  int64_t channels = xShape[1], outChannels = wShape[0];
  FailureOr<int64_t> group = node.getIntAttr("group", 1);
  if (failed(group))
    return failure();
  if (*group <= 0 || channels % *group != 0 || outChannels % *group != 0)
    return node.emitError() << "group " << *group << " must be positive and "
                            << "divide the input channels (" << channels
                            << ") and output channels (" << outChannels << ")";
  if (wShape[1] != channels / *group)
    return node.emitError()
           << "weight " << node.getInputType(1) << " does not match "
           << channels << " input channels in " << *group << " group(s)";
  SmallVector<int64_t> kernel = {wShape[2], wShape[3]};
  if (node.hasAttr("kernel_shape")) {
    FailureOr<SmallVector<int64_t>> declared = node.getIntsAttr("kernel_shape");
    if (failed(declared))
      return failure();
    if (*declared != ArrayRef<int64_t>(kernel))
      return node.emitError() << "kernel_shape does not match the weight "
                              << node.getInputType(1);
  }
  FailureOr<Window2D> window =
      computeWindow(node, xShape.drop_front(2), kernel, /*ceilMode=*/false);
  if (failed(window))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type f32 = b.getF32Type();
  Value bias;
  if (node.hasInput(2)) {
    if (node.getInputType(2).getShape() != ArrayRef<int64_t>{outChannels})
      return node.emitError() << "bias " << node.getInputType(2)
                              << " must have shape [" << outChannels << "]";
    bias = node.getInputValue(2);
  } else {
    bias = createConst(b, loc,
                       DenseElementsAttr::get(
                           RankedTensorType::get({outChannels}, f32), 0.0f));
  }
  Value input = toWindowedNHWC(b, loc, node.getInputValue(0), *window);
  Value zp = createZeroPoint(b, loc, f32);
  auto resultType = RankedTensorType::get(
      {xShape[0], window->output[0], window->output[1], outChannels}, f32);
  DenseI64ArrayAttr pad = b.getDenseI64ArrayAttr(window->pad);
  DenseI64ArrayAttr stride = b.getDenseI64ArrayAttr(window->stride);
  DenseI64ArrayAttr dilation = b.getDenseI64ArrayAttr(window->dilation);
  TypeAttr accType = TypeAttr::get(f32);

  Value result;
  if (*group == 1) {
    Value weight = rearrangeWeights(node, 1, wShape, kNCHWToNHWC);
    result = tosa::Conv2DOp::create(b, loc, resultType, input, weight, bias, zp,
                                    zp, pad, stride, dilation, accType);
  } else if (*group == channels) {
    // Depthwise: [C*M, 1, kh, kw] -> [C, M, kh, kw] -> [kh, kw, C, M].
    int64_t multiplier = outChannels / channels;
    Value weight = rearrangeWeights(
        node, 1, {channels, multiplier, kernel[0], kernel[1]}, {2, 3, 0, 1});
    result =
        tosa::DepthwiseConv2DOp::create(b, loc, resultType, input, weight, bias,
                                        zp, zp, pad, stride, dilation, accType);
  } else {
    // Grouped: one conv2d per group on channel slices, then concatenate.
    Value weight = rearrangeWeights(node, 1, wShape, kNCHWToNHWC);
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t groupIn = channels / *group, groupOut = outChannels / *group;
    auto groupType = resultType.clone(
        {xShape[0], window->output[0], window->output[1], groupOut});
    SmallVector<Value> groups;
    for (int64_t g = 0; g < *group; ++g) {
      SmallVector<int64_t> inSize(inputType.getShape());
      inSize[3] = groupIn;
      Value groupInput =
          createSlice(b, loc, input, {0, 0, 0, g * groupIn}, inSize);
      Value groupWeight =
          createSlice(b, loc, weight, {g * groupOut, 0, 0, 0},
                      {groupOut, kernel[0], kernel[1], groupIn});
      Value groupBias = createSlice(b, loc, bias, {g * groupOut}, {groupOut});
      groups.push_back(tosa::Conv2DOp::create(b, loc, groupType, groupInput,
                                              groupWeight, groupBias, zp, zp,
                                              pad, stride, dilation, accType));
    }
    result = tosa::ConcatOp::create(b, loc, resultType, groups,
                                    b.getI32IntegerAttr(3));
  }
  node.setOutput(0, createTranspose(b, loc, result, kNHWCToNCHW));
  return success();
}

enum class PoolKind { Max, Average, GlobalMax, GlobalAverage };

template <PoolKind Kind> LogicalResult importPool(NodeContext &node) {
  constexpr bool isGlobal =
      Kind == PoolKind::GlobalMax || Kind == PoolKind::GlobalAverage;
  constexpr bool isMax = Kind == PoolKind::Max || Kind == PoolKind::GlobalMax;
  if (failed(node.checkArity(1, 1, Kind == PoolKind::Max ? 2 : 1)) ||
      failed(node.checkFloatInput(0)) || failed(checkRank4(node, 0, "input")))
    return failure();
  if (node.getNumOutputs() > 1 && !node.getNode().output(1).empty())
    return node.emitError() << "the Indices output is not supported";
  ArrayRef<int64_t> xShape = node.getInputType(0).getShape();

  SmallVector<int64_t> kernel = {xShape[2], xShape[3]};
  bool ceilMode = false, countIncludePad = false;
  if (!isGlobal) {
    FailureOr<SmallVector<int64_t>> kernelAttr =
        node.getIntsAttr("kernel_shape");
    FailureOr<int64_t> ceil = node.getIntAttr("ceil_mode", 0);
    if (failed(kernelAttr) || failed(ceil))
      return failure();
    kernel = *kernelAttr;
    ceilMode = *ceil != 0;
    if (!isMax) {
      FailureOr<int64_t> include = node.getIntAttr("count_include_pad", 0);
      if (failed(include))
        return failure();
      countIncludePad = *include != 0;
    }
  }
  FailureOr<Window2D> window = [&]() -> FailureOr<Window2D> {
    if (!isGlobal)
      return computeWindow(node, xShape.drop_front(2), kernel, ceilMode);
    Window2D global;
    global.kernel.assign(kernel);
    global.stride = {1, 1};
    global.dilation = {1, 1};
    global.output = {1, 1};
    global.pad = {0, 0, 0, 0};
    return global;
  }();
  if (failed(window))
    return failure();
  if (window->dilation != ArrayRef<int64_t>{1, 1})
    return node.emitError() << "dilated pooling is not supported";

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type f32 = b.getF32Type();
  Value input = toWindowedNHWC(b, loc, node.getInputValue(0), *window);
  SmallVector<int64_t> pad = window->pad;
  if (countIncludePad && llvm::any_of(pad, [](int64_t p) { return p; })) {
    // Materialize the ONNX pads as zeros so the average counts them; only
    // ceil-mode padding stays implicit (ONNX does not count it either).
    SmallVector<int64_t> explicitPad = {0,      0,
                                        pad[0], pad[1] - window->ceilPadding[0],
                                        pad[2], pad[3] - window->ceilPadding[1],
                                        0,      0};
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> paddedShape(inputType.getShape());
    for (int d = 0; d < 4; ++d)
      paddedShape[d] += explicitPad[2 * d] + explicitPad[2 * d + 1];
    auto shapeType = RankedTensorType::get({8}, b.getIndexType());
    Value padding = tosa::ConstShapeOp::create(
        b, loc, tosa::shapeType::get(b.getContext(), 8),
        DenseIntElementsAttr::get(shapeType, explicitPad));
    input = tosa::PadOp::create(b, loc, inputType.clone(paddedShape), input,
                                padding, createZeroPoint(b, loc, f32));
    pad = {0, window->ceilPadding[0], 0, window->ceilPadding[1]};
  }
  auto resultType = RankedTensorType::get(
      {xShape[0], window->output[0], window->output[1], xShape[1]}, f32);
  DenseI64ArrayAttr kernelAttr = b.getDenseI64ArrayAttr(window->kernel);
  DenseI64ArrayAttr strideAttr = b.getDenseI64ArrayAttr(window->stride);
  DenseI64ArrayAttr padAttr = b.getDenseI64ArrayAttr(pad);
  Value result;
  if (isMax) {
    result = tosa::MaxPool2dOp::create(b, loc, resultType, input, kernelAttr,
                                       strideAttr, padAttr);
  } else {
    Value zp = createZeroPoint(b, loc, f32);
    result =
        tosa::AvgPool2dOp::create(b, loc, resultType, input, zp, zp, kernelAttr,
                                  strideAttr, padAttr, TypeAttr::get(f32));
  }
  node.setOutput(0, createTranspose(b, loc, result, kNHWCToNCHW));
  return success();
}

} // namespace

void registerConvPoolOps(OpRegistry &registry) {
  registry.add("Conv", importConv);
  registry.add("MaxPool", importPool<PoolKind::Max>);
  registry.add("AveragePool", importPool<PoolKind::Average>);
  registry.add("GlobalMaxPool", importPool<PoolKind::GlobalMax>);
  registry.add("GlobalAveragePool", importPool<PoolKind::GlobalAverage>);
}

} // namespace qcc::onnx_import
