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
// Pools over one spatial dimension are 2-D pools with H = 1. TOSA has no 3-D
// or dilated pools and no arg-max output, so those are built from strided
// tensor.extract_slice windows of the padded NCHW input, one spatial axis at
// a time: the max and the sum over a box are separable. MaxPool's Indices
// output rides along as int64 flattened input positions, kept where a later
// tap is strictly greater, so ties resolve to the first position in
// row-major window order as in the ONNX reference.
//
//===----------------------------------------------------------------------===//

#include "ConvPool.h"
#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <limits>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

constexpr int64_t kNCHWToNHWC[] = {0, 2, 3, 1};
constexpr int64_t kNHWCToNCHW[] = {0, 3, 1, 2};

/// The sliding window of one conv or pool over the spatial dimensions.
struct Window {
  SmallVector<int64_t> kernel, stride, dilation, output;
  /// (begin, end) padding per dimension, as far as the windows reach: for
  /// 2-D, TOSA's top, bottom, left, right.
  SmallVector<int64_t> pad;
  /// Trailing input rows/columns no window reaches; sliced off.
  SmallVector<int64_t> trimmed;
  /// Trailing padding added for ceil_mode, beyond the ONNX pads.
  SmallVector<int64_t> ceilPadding;

  size_t getRank() const { return kernel.size(); }
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

FailureOr<Window> computeWindow(NodeContext &node, ArrayRef<int64_t> inputSize,
                                ArrayRef<int64_t> kernel, bool ceilMode) {
  size_t rank = inputSize.size();
  Window window;
  window.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t>> strides =
      node.getIntsAttr("strides", SmallVector<int64_t>(rank, 1));
  FailureOr<SmallVector<int64_t>> dilations =
      node.getIntsAttr("dilations", SmallVector<int64_t>(rank, 1));
  FailureOr<SmallVector<int64_t>> pads =
      node.getIntsAttr("pads", SmallVector<int64_t>(2 * rank, 0));
  FailureOr<std::string> autoPad = node.getStringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad) ||
      failed(checkPositive(node, "strides", *strides, rank)) ||
      failed(checkPositive(node, "dilations", *dilations, rank)) ||
      failed(checkPositive(node, "kernel_shape", kernel, rank)))
    return failure();
  if (pads->size() != 2 * rank)
    return node.emitError() << "attribute 'pads' must have " << 2 * rank
                            << " values, got " << pads->size();
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
        return node.emitError()
               << "window size, stride, dilation or padding " << v
               << " is too large (at most " << kMaxWindowValue << ")";

  window.stride = *strides;
  window.dilation = *dilations;
  window.pad.assign(2 * rank, 0);
  window.trimmed.assign(rank, 0);
  window.ceilPadding.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    int64_t in = inputSize[i], s = (*strides)[i];
    int64_t extent = (kernel[i] - 1) * (*dilations)[i] + 1;
    // ONNX pads are [begin_0, begin_1, ..., end_0, end_1, ...].
    int64_t begin = (*pads)[i], end = (*pads)[i + rank];
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

/// The window of a global pool over `inputSize`.
Window getGlobalWindow(ArrayRef<int64_t> inputSize) {
  Window window;
  size_t rank = inputSize.size();
  window.kernel.assign(inputSize.begin(), inputSize.end());
  window.stride.assign(rank, 1);
  window.dilation.assign(rank, 1);
  window.output.assign(rank, 1);
  window.pad.assign(2 * rank, 0);
  window.trimmed.assign(rank, 0);
  window.ceilPadding.assign(rank, 0);
  return window;
}

/// `window` with a leading unit spatial dimension: a 1-D window as 2-D.
Window prependUnitDim(const Window &window) {
  Window result = window;
  for (SmallVector<int64_t> *values :
       {&result.kernel, &result.stride, &result.dilation, &result.output})
    values->insert(values->begin(), 1);
  result.pad.insert(result.pad.begin(), {0, 0});
  result.trimmed.insert(result.trimmed.begin(), 0);
  result.ceilPadding.insert(result.ceilPadding.begin(), 0);
  return result;
}

/// NCHW `input` -> NHWC, minus the rows/columns the window never reaches.
Value toWindowedNHWC(OpBuilder &b, Location loc, Value input,
                     const Window &window) {
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
  if (failed(checkKernelShape(node, kernel)))
    return failure();
  FailureOr<Window> window =
      computeWindow(node, xShape.drop_front(2), kernel, /*ceilMode=*/false);
  if (failed(window))
    return failure();
  FailureOr<Value> bias = getConvBias(node, outChannels);
  if (failed(bias))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type f32 = b.getF32Type();
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
    result = tosa::Conv2DOp::create(b, loc, resultType, input, weight, *bias,
                                    zp, zp, pad, stride, dilation, accType);
  } else if (*group == channels) {
    // Depthwise: [C*M, 1, kh, kw] -> [C, M, kh, kw] -> [kh, kw, C, M].
    int64_t multiplier = outChannels / channels;
    Value weight = rearrangeWeights(
        node, 1, {channels, multiplier, kernel[0], kernel[1]}, {2, 3, 0, 1});
    result = tosa::DepthwiseConv2DOp::create(b, loc, resultType, input, weight,
                                             *bias, zp, zp, pad, stride,
                                             dilation, accType);
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
      Value groupBias = createSlice(b, loc, *bias, {g * groupOut}, {groupOut});
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

RankedTensorType getType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// `lhs + rhs` with TOSA broadcasting (equal ranks).
Value createAdd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(getType(lhs).getShape(), getType(rhs).getShape());
  return tosa::AddOp::create(b, loc, getType(lhs).clone(*shape), lhs, rhs);
}

/// `input` with the sign bit of every element flipped. This maps unsigned
/// integers onto signed ones of the same order, and back.
Value flipSignBit(OpBuilder &b, Location loc, Value input) {
  RankedTensorType type = getType(input);
  auto bitType = RankedTensorType::get(SmallVector<int64_t>(type.getRank(), 1),
                                       type.getElementType());
  APInt signBit =
      APInt::getSignMask(type.getElementType().getIntOrFloatBitWidth());
  Value bit = createConst(b, loc, DenseElementsAttr::get(bitType, signBit));
  return tosa::BitwiseXorOp::create(b, loc, type, input, bit);
}

/// The value max pooling pads with: below every element of `type`.
double getPoolPadValue(Type type) {
  if (auto integer = dyn_cast<IntegerType>(type))
    return -std::ldexp(1.0, integer.getWidth() - 1);
  return -std::numeric_limits<double>::infinity();
}

/// A 2-D pool of NCHW `input` with tosa.max_pool2d / tosa.avg_pool2d.
Value createTosaPool(OpBuilder &b, Location loc, Value input,
                     const Window &window, bool isMax, bool countIncludePad) {
  input = toWindowedNHWC(b, loc, input, window);
  Type elementType = getType(input).getElementType();
  SmallVector<int64_t> pad = window.pad;
  if (countIncludePad && llvm::any_of(pad, [](int64_t p) { return p; })) {
    // Materialize the ONNX pads as zeros so the average counts them; only
    // ceil-mode padding stays implicit (ONNX does not count it either).
    input = createPad(b, loc, input,
                      {0, 0, pad[0], pad[1] - window.ceilPadding[0], pad[2],
                       pad[3] - window.ceilPadding[1], 0, 0},
                      0.0);
    pad = {0, window.ceilPadding[0], 0, window.ceilPadding[1]};
  }
  int64_t batch = getType(input).getDimSize(0);
  int64_t channels = getType(input).getDimSize(3);
  auto resultType = RankedTensorType::get(
      {batch, window.output[0], window.output[1], channels}, elementType);
  DenseI64ArrayAttr kernelAttr = b.getDenseI64ArrayAttr(window.kernel);
  DenseI64ArrayAttr strideAttr = b.getDenseI64ArrayAttr(window.stride);
  DenseI64ArrayAttr padAttr = b.getDenseI64ArrayAttr(pad);
  Value result;
  if (isMax) {
    result = tosa::MaxPool2dOp::create(b, loc, resultType, input, kernelAttr,
                                       strideAttr, padAttr);
  } else {
    Value zp = createZeroPoint(b, loc, elementType);
    result = tosa::AvgPool2dOp::create(b, loc, resultType, input, zp, zp,
                                       kernelAttr, strideAttr, padAttr,
                                       TypeAttr::get(elementType));
  }
  return createTranspose(b, loc, result, kNHWCToNCHW);
}

/// Every `stride`-th of `size` elements of `input` along `axis`, from
/// `offset`.
Value createStridedSlice(OpBuilder &b, Location loc, Value input, int64_t axis,
                         int64_t offset, int64_t size, int64_t stride) {
  RankedTensorType type = getType(input);
  if (offset == 0 && stride == 1 && size == type.getDimSize(axis))
    return input;
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
  for (int64_t extent : type.getShape())
    sizes.push_back(b.getIndexAttr(extent));
  offsets[axis] = b.getIndexAttr(offset);
  sizes[axis] = b.getIndexAttr(size);
  strides[axis] = b.getIndexAttr(stride);
  return tensor::ExtractSliceOp::create(b, loc, input, offsets, sizes, strides);
}

/// A pool's results: the pooled values and, for MaxPool's second output,
/// the flattened input position of each maximum.
struct PoolResult {
  Value values, indices;
};

/// Pools NC... `input` (any number of spatial dimensions, any dilation) from
/// strided slices of its padded copy, one spatial axis at a time: per axis,
/// the max (or sum) over the kernel taps, each tap one strided slice. With
/// `storageOrder`, also tracks where each maximum came from: the flattened
/// NC... index with row-major (0) or column-major (1) spatial dimensions.
PoolResult createSlicedPool(OpBuilder &b, Location loc, Value input,
                            const Window &window, bool isMax,
                            bool countIncludePad,
                            std::optional<int64_t> storageOrder) {
  ArrayRef<int64_t> inputShape = getType(input).getShape();
  ArrayRef<int64_t> spatial = inputShape.drop_front(2);
  int64_t rank = window.getRank();
  Type elementType = getType(input).getElementType();
  SmallVector<int64_t> padding = {0, 0, 0, 0};
  padding.append(window.pad);
  Value values = createPad(b, loc, input, padding,
                           isMax ? getPoolPadValue(elementType) : 0.0);

  // What one step along each spatial dimension adds to a flattened index.
  SmallVector<int64_t> multiplier(rank, 1);
  for (int64_t i = 0; i < rank; ++i)
    for (int64_t j = 0; j < rank; ++j)
      if (storageOrder == 0 ? j > i : j < i)
        multiplier[i] *= spatial[j];

  Value indices;
  for (int64_t i = rank - 1; i >= 0; --i) {
    int64_t axis = i + 2;
    SmallVector<int64_t> shape(getType(values).getShape());
    if (!storageOrder && window.kernel[i] == 1 && window.stride[i] == 1 &&
        window.output[i] == shape[axis])
      continue;
    shape[axis] = window.output[i];
    Value best, bestIndex;
    for (int64_t tap = 0; tap < window.kernel[i]; ++tap) {
      int64_t offset = tap * window.dilation[i];
      Value candidate = createStridedSlice(b, loc, values, axis, offset,
                                           window.output[i], window.stride[i]);
      Value candidateIndex;
      if (storageOrder) {
        // This tap's input coordinate along the axis, scaled into the
        // flattened index, plus what the axes already pooled contribute.
        SmallVector<int64_t> positionShape(rank + 2, 1);
        positionShape[axis] = window.output[i];
        SmallVector<int64_t> positions;
        for (int64_t o = 0; o < window.output[i]; ++o)
          positions.push_back(
              (o * window.stride[i] + offset - window.pad[2 * i]) *
              multiplier[i]);
        candidateIndex = createConst(
            b, loc, getI64Constant(b.getContext(), positionShape, positions));
        if (indices)
          candidateIndex =
              createAdd(b, loc,
                        createStridedSlice(b, loc, indices, axis, offset,
                                           window.output[i], window.stride[i]),
                        candidateIndex);
      }
      if (!best) {
        best = candidate;
        bestIndex = candidateIndex;
      } else if (storageOrder) {
        // Strictly greater: the first maximum in window order wins.
        Value greater = tosa::GreaterOp::create(
            b, loc, getType(best).clone(b.getI1Type()), candidate, best);
        best = tosa::SelectOp::create(b, loc, getType(best), greater, candidate,
                                      best);
        bestIndex =
            tosa::SelectOp::create(b, loc, getType(best).clone(b.getI64Type()),
                                   greater, candidateIndex, bestIndex);
      } else if (isMax) {
        best = tosa::MaximumOp::create(b, loc, getType(best), best, candidate);
      } else {
        best = tosa::AddOp::create(b, loc, getType(best), best, candidate);
      }
    }
    values = best;
    if (storageOrder)
      indices = createBroadcastTo(b, loc, bestIndex, shape);
  }

  if (!isMax) {
    // Divide by the number of taps each window counts: those inside the
    // input, or inside the input and its ONNX pads (never the ceil-mode
    // padding). The count is a product over the axes.
    SmallVector<int64_t> countShape = {1, 1};
    countShape.append(window.output);
    SmallVector<double> reciprocals = {1.0};
    for (int64_t i = 0; i < rank; ++i) {
      int64_t lo = countIncludePad ? -window.pad[2 * i] : 0;
      int64_t hi =
          spatial[i] +
          (countIncludePad ? window.pad[2 * i + 1] - window.ceilPadding[i] : 0);
      SmallVector<double> next;
      for (double r : reciprocals)
        for (int64_t o = 0; o < window.output[i]; ++o) {
          int64_t count = 0;
          for (int64_t tap = 0; tap < window.kernel[i]; ++tap) {
            int64_t position = o * window.stride[i] + tap * window.dilation[i] -
                               window.pad[2 * i];
            count += position >= lo && position < hi;
          }
          next.push_back(r / std::max<int64_t>(count, 1));
        }
      reciprocals = std::move(next);
    }
    Value scale = createConst(
        b, loc,
        getConstantFromDoubles(RankedTensorType::get(countShape, elementType),
                               reciprocals));
    values = createMul(b, loc, values, scale);
  }

  if (storageOrder) {
    // The batch and channel part of the flattened index.
    int64_t planeSize = 1;
    for (int64_t extent : spatial)
      planeSize *= extent;
    SmallVector<int64_t> baseShape(rank + 2, 1), base;
    baseShape[0] = inputShape[0];
    baseShape[1] = inputShape[1];
    for (int64_t plane = 0; plane < inputShape[0] * inputShape[1]; ++plane)
      base.push_back(plane * planeSize);
    indices = createAdd(
        b, loc, indices,
        createConst(b, loc, getI64Constant(b.getContext(), baseShape, base)));
  }
  return {values, indices};
}

/// Checks the pooled input: f32, or for MaxPool also 8-bit integers.
LogicalResult checkPoolInput(NodeContext &node, bool allowIntegers) {
  if (allowIntegers && node.getInputType(0).getElementType().isInteger(8))
    return success();
  return node.checkFloatInput(0);
}

template <PoolKind Kind> LogicalResult importPool(NodeContext &node) {
  constexpr bool isGlobal =
      Kind == PoolKind::GlobalMax || Kind == PoolKind::GlobalAverage;
  constexpr bool isMax = Kind == PoolKind::Max || Kind == PoolKind::GlobalMax;
  if (failed(node.checkArity(1, 1, Kind == PoolKind::Max ? 2 : 1)) ||
      failed(checkPoolInput(node, Kind == PoolKind::Max)))
    return failure();
  RankedTensorType inputType = node.getInputType(0);
  if (inputType.getRank() < 3 || inputType.getRank() > 5)
    return node.emitError()
           << "input must have 1 to 3 spatial dimensions (N x C x D1 ... "
              "Dn); got "
           << inputType;
  ArrayRef<int64_t> xShape = inputType.getShape();
  ArrayRef<int64_t> spatial = xShape.drop_front(2);
  bool withIndices =
      node.getNumOutputs() > 1 && !node.getNode().output(1).empty();

  bool ceilMode = false, countIncludePad = false;
  std::optional<int64_t> storageOrder;
  FailureOr<Window> window = getGlobalWindow(spatial);
  if (!isGlobal) {
    FailureOr<SmallVector<int64_t>> kernel = node.getIntsAttr("kernel_shape");
    FailureOr<int64_t> ceil = node.getIntAttr("ceil_mode", 0);
    if (failed(kernel) || failed(ceil))
      return failure();
    ceilMode = *ceil != 0;
    if (!isMax) {
      FailureOr<int64_t> include = node.getIntAttr("count_include_pad", 0);
      if (failed(include))
        return failure();
      countIncludePad = *include != 0;
    }
    if (withIndices) {
      FailureOr<int64_t> order = node.getIntAttr("storage_order", 0);
      if (failed(order))
        return failure();
      if (*order != 0 && *order != 1)
        return node.emitError()
               << "storage_order must be 0 or 1, got " << *order;
      storageOrder = *order;
    }
    window = computeWindow(node, spatial, *kernel, ceilMode);
    if (failed(window))
      return failure();
  }

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  // Unsigned integers pool as signed ones with the sign bit flipped.
  bool isUnsigned = inputType.getElementType().isInteger() &&
                    (node.isInputUnsigned(0) ||
                     inputType.getElementType().isUnsignedInteger());
  if (isUnsigned)
    input = flipSignBit(b, loc, input);
  SmallVector<int64_t> outputShape(xShape.take_front(2));
  outputShape.append(window->output);

  PoolResult result;
  bool isDilated =
      llvm::any_of(window->dilation, [](int64_t d) { return d != 1; });
  if (isGlobal) {
    // Any reshape of the spatial dimensions keeps a global window global.
    int64_t rows = 1;
    for (int64_t extent : spatial.drop_back())
      rows *= extent;
    input = createReshape(b, loc, input,
                          {xShape[0], xShape[1], rows, spatial.back()});
    result.values = createTosaPool(
        b, loc, input, getGlobalWindow({rows, spatial.back()}), isMax, false);
  } else if (!withIndices && !isDilated && spatial.size() <= 2) {
    Window window2D = *window;
    if (spatial.size() == 1) {
      input =
          createReshape(b, loc, input, {xShape[0], xShape[1], 1, spatial[0]});
      window2D = prependUnitDim(*window);
    }
    result.values =
        createTosaPool(b, loc, input, window2D, isMax, countIncludePad);
  } else {
    result = createSlicedPool(b, loc, input, *window, isMax, countIncludePad,
                              storageOrder);
  }
  result.values = createReshape(b, loc, result.values, outputShape);
  if (isUnsigned)
    result.values = flipSignBit(b, loc, result.values);
  node.setOutput(0, result.values);
  if (withIndices)
    node.setOutput(1, result.indices);
  return success();
}

} // namespace

LogicalResult checkKernelShape(NodeContext &node, ArrayRef<int64_t> kernel) {
  if (!node.hasAttr("kernel_shape"))
    return success();
  FailureOr<SmallVector<int64_t>> declared = node.getIntsAttr("kernel_shape");
  if (failed(declared))
    return failure();
  if (ArrayRef<int64_t>(*declared) != kernel)
    return node.emitError()
           << "kernel_shape does not match the weight " << node.getInputType(1);
  return success();
}

FailureOr<Value> getConvBias(NodeContext &node, int64_t channels) {
  if (node.hasInput(2)) {
    if (failed(node.checkFloatInput(2)))
      return failure();
    if (node.getInputType(2).getShape() != ArrayRef<int64_t>{channels})
      return node.emitError() << "bias " << node.getInputType(2)
                              << " must have shape [" << channels << "]";
    return node.getInputValue(2);
  }
  OpBuilder &b = node.getBuilder();
  return createConst(
      b, node.getLoc(),
      DenseElementsAttr::get(RankedTensorType::get({channels}, b.getF32Type()),
                             0.0f));
}

void registerConvPoolOps(OpRegistry &registry) {
  registry.add("Conv", importConv);
  registry.add("MaxPool", importPool<PoolKind::Max>);
  registry.add("AveragePool", importPool<PoolKind::Average>);
  registry.add("GlobalMaxPool", importPool<PoolKind::GlobalMax>);
  registry.add("GlobalAveragePool", importPool<PoolKind::GlobalAverage>);
}

} // namespace qcc::onnx_import
