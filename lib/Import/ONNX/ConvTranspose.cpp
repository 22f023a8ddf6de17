//===- ConvTranspose.cpp - ONNX ConvTranspose to TOSA ---------------------===//
//
// A transposed convolution scatters each input element, times the kernel,
// into the output at stride steps. The importer builds the equivalent gather
// instead, which TOSA has and which works for every attribute combination
// (tosa.transpose_conv2d has no dilation, groups or 3-D form, and nothing in
// qcc's pipeline lowers it):
//
//   1. upsample the input by inserting stride - 1 zeros between elements
//      (reshape to a unit dimension after each spatial one, pad it, reshape
//      back);
//   2. pad it by extent - 1 - pad_begin in front and extent - 1 - pad_end +
//      output_padding behind, where extent = (kernel - 1) * dilation + 1
//      (cropping instead where ONNX pads by more than extent - 1);
//   3. run a stride-1 tosa.conv2d / tosa.conv3d with the same dilation and
//      the kernel flipped in every spatial dimension, with input and output
//      channels swapped per group.
//
// Groups become one convolution per group on channel slices, concatenated
// (2-D with one input channel per group: tosa.depthwise_conv2d). 1-D is 2-D
// with H = 1. Constant weights are rearranged at import time.
//
//===----------------------------------------------------------------------===//

#include "ConvPool.h"
#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// The largest attribute value and upsampled size along one dimension.
constexpr int64_t kMaxValue = std::numeric_limits<int32_t>::max();

/// One spatial dimension of a transposed convolution, as the stride-1
/// convolution over the upsampled input that computes it.
struct TransposedDim {
  int64_t input = 1, kernel = 1, stride = 1, dilation = 1, output = 1;
  /// Elements of the upsampled input dropped at its front and back.
  int64_t cropBegin = 0, cropEnd = 0;
  /// Zeros the convolution pads the cropped, upsampled input with.
  int64_t padBegin = 0, padEnd = 0;

  int64_t getUpsampledSize() const { return (input - 1) * stride + 1; }
  int64_t getConvInputSize() const {
    return getUpsampledSize() - cropBegin - cropEnd;
  }
};

/// Reads a per-dimension attribute of `size` values, each at least `min`.
FailureOr<SmallVector<int64_t>> getDimsAttr(NodeContext &node, StringRef name,
                                            size_t size, int64_t defaultValue,
                                            int64_t min) {
  FailureOr<SmallVector<int64_t>> values =
      node.getIntsAttr(name, SmallVector<int64_t>(size, defaultValue));
  if (failed(values))
    return failure();
  if (values->size() != size)
    return node.emitError() << "attribute '" << name << "' must have " << size
                            << " values, got " << values->size();
  // Bounded so that the size arithmetic below cannot overflow.
  for (int64_t v : *values) {
    if (v < min)
      return node.emitError()
             << "attribute '" << name << "' must be "
             << (min > 0 ? "positive" : "non-negative") << ", got " << v;
    if (v > kMaxValue)
      return node.emitError() << "attribute '" << name << "' value " << v
                              << " is too large (at most " << kMaxValue << ")";
  }
  return values;
}

/// The output size and padding of every spatial dimension, from the
/// attributes (ONNX ConvTranspose, opsets 1 to 17).
FailureOr<SmallVector<TransposedDim>> computeDims(NodeContext &node,
                                                  ArrayRef<int64_t> inputSize,
                                                  ArrayRef<int64_t> kernel) {
  size_t rank = inputSize.size();
  FailureOr<SmallVector<int64_t>> strides =
      getDimsAttr(node, "strides", rank, 1, 1);
  FailureOr<SmallVector<int64_t>> dilations =
      getDimsAttr(node, "dilations", rank, 1, 1);
  FailureOr<SmallVector<int64_t>> pads =
      getDimsAttr(node, "pads", 2 * rank, 0, 0);
  FailureOr<SmallVector<int64_t>> outputPadding =
      getDimsAttr(node, "output_padding", rank, 0, 0);
  FailureOr<std::string> autoPad = node.getStringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) ||
      failed(outputPadding) || failed(autoPad))
    return failure();
  if (!llvm::is_contained({"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"},
                          *autoPad))
    return node.emitError() << "unknown auto_pad '" << *autoPad << "'";
  std::optional<SmallVector<int64_t>> outputShape;
  if (node.hasAttr("output_shape")) {
    // Either the spatial sizes or the whole shape; the batch and channel
    // sizes follow from the inputs.
    size_t count = node.findAttr("output_shape")->ints_size();
    FailureOr<SmallVector<int64_t>> shape = getDimsAttr(
        node, "output_shape", count == rank + 2 ? rank + 2 : rank, 1, 1);
    if (failed(shape))
      return failure();
    outputShape.emplace(ArrayRef<int64_t>(*shape).take_back(rank));
  }

  SmallVector<TransposedDim> dims;
  for (size_t i = 0; i < rank; ++i) {
    TransposedDim dim;
    dim.input = inputSize[i];
    dim.kernel = kernel[i];
    dim.stride = (*strides)[i];
    dim.dilation = (*dilations)[i];
    int64_t extraOutput = (*outputPadding)[i];
    if (extraOutput >= std::max(dim.stride, dim.dilation))
      return node.emitError()
             << "output_padding " << extraOutput << " along spatial dimension "
             << i << " must be smaller than the stride (" << dim.stride
             << ") or the dilation (" << dim.dilation << ")";
    if (dim.kernel > kMaxValue)
      return node.emitError() << "kernel size " << dim.kernel
                              << " is too large (at most " << kMaxValue << ")";
    int64_t extent = (dim.kernel - 1) * dim.dilation + 1;
    // The upsampled input (input * stride elements) and the full output
    // must stay within bounds the IR can hold.
    int64_t upsampled, full;
    if (llvm::MulOverflow(dim.input, dim.stride, upsampled) ||
        upsampled > kMaxValue ||
        llvm::AddOverflow(upsampled - dim.stride, extraOutput + extent, full) ||
        full > kMaxValue)
      return node.emitError()
             << "output size along spatial dimension " << i
             << " is too large (input " << dim.input << ", stride "
             << dim.stride << ", kernel extent " << extent << ")";
    int64_t begin = (*pads)[i], end = (*pads)[i + rank];
    std::optional<int64_t> target;
    if (outputShape)
      target = (*outputShape)[i];
    else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER")
      target = dim.input * dim.stride;
    else if (*autoPad == "VALID")
      begin = end = 0;
    if (target) {
      // The padding that trims the full output to the target; a target
      // larger than the full output extends it at the end (where only the
      // bias reaches), as onnxruntime does.
      int64_t total = full - *target;
      if (total >= 0) {
        begin = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
        end = total - begin;
      } else {
        begin = 0;
        end = total;
      }
    }
    dim.output = full - begin - end;
    if (dim.output < 1)
      return node.emitError()
             << "output size " << dim.output << " along spatial dimension " << i
             << " is not positive (the pads " << begin << " and " << end
             << " exceed the full output size " << full << ")";
    dim.padBegin = extent - 1 - begin;
    dim.padEnd = extent - 1 - end + extraOutput;
    dim.cropBegin = std::max<int64_t>(0, -dim.padBegin);
    dim.cropEnd = std::max<int64_t>(0, -dim.padEnd);
    dim.padBegin = std::max<int64_t>(0, dim.padBegin);
    dim.padEnd = std::max<int64_t>(0, dim.padEnd);
    dims.push_back(dim);
  }
  return dims;
}

/// A tensor being rearranged: at import time while it is a constant,
/// otherwise with TOSA ops.
class Rearrangement {
public:
  Rearrangement(OpBuilder &b, Location loc, DenseElementsAttr constant,
                Value value)
      : b(b), loc(loc), constant(constant), value(value) {}

  ArrayRef<int64_t> getShape() const {
    return constant ? cast<ShapedType>(constant.getType()).getShape()
                    : cast<ShapedType>(value.getType()).getShape();
  }

  void reshape(ArrayRef<int64_t> shape) {
    if (constant)
      constant =
          constant.reshape(cast<ShapedType>(constant.getType()).clone(shape));
    else
      value = createReshape(b, loc, value, shape);
  }

  void transpose(ArrayRef<int64_t> perms) {
    if (constant)
      constant = transposeConstant(constant, perms);
    else
      value = createTranspose(b, loc, value, perms);
  }

  /// Reverses the order of the elements along each of `axes`.
  void reverse(ArrayRef<int64_t> axes) {
    if (!constant) {
      for (int64_t axis : axes)
        value = tosa::ReverseOp::create(b, loc, value.getType(), value,
                                        static_cast<uint32_t>(axis));
      return;
    }
    auto type = cast<RankedTensorType>(constant.getType());
    ArrayRef<int64_t> shape = type.getShape();
    SmallVector<Attribute> source(constant.getValues<Attribute>());
    SmallVector<Attribute> result;
    result.reserve(source.size());
    SmallVector<bool> reversed(shape.size(), false);
    for (int64_t axis : axes)
      reversed[axis] = true;
    for (int64_t flat = 0, e = source.size(); flat < e; ++flat) {
      int64_t remainder = flat, from = 0, stride = 1;
      for (int64_t d = shape.size() - 1; d >= 0; --d) {
        int64_t index = remainder % shape[d];
        remainder /= shape[d];
        if (reversed[d])
          index = shape[d] - 1 - index;
        from += index * stride;
        stride *= shape[d];
      }
      result.push_back(source[from]);
    }
    constant = DenseElementsAttr::get(type, result);
  }

  Value get() const { return constant ? createConst(b, loc, constant) : value; }

private:
  OpBuilder &b;
  Location loc;
  DenseElementsAttr constant;
  Value value;
};

/// The channels-last input of the equivalent convolution: `input`
/// ([N, D1..Dn, C]) with stride - 1 zeros between elements, cropped.
Value createUpsampledInput(OpBuilder &b, Location loc, Value input,
                           ArrayRef<TransposedDim> dims) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  SmallVector<int64_t> interleaved = {shape.front()}, padding = {0, 0};
  SmallVector<int64_t> upsampled = {shape.front()}, start = {0},
                       size = {shape.front()};
  for (const TransposedDim &dim : dims) {
    interleaved.append({dim.input, 1});
    padding.append({0, 0, 0, dim.stride - 1});
    upsampled.push_back(dim.input * dim.stride);
    start.push_back(dim.cropBegin);
    size.push_back(dim.getConvInputSize());
  }
  interleaved.push_back(shape.back());
  padding.append({0, 0});
  upsampled.push_back(shape.back());
  start.push_back(0);
  size.push_back(shape.back());
  if (llvm::any_of(dims,
                   [](const TransposedDim &dim) { return dim.stride != 1; })) {
    input = createReshape(b, loc, input, interleaved);
    input = createPad(b, loc, input, padding, 0.0);
    input = createReshape(b, loc, input, upsampled);
  }
  return createSlice(b, loc, input, start, size);
}

/// A stride-1 tosa.conv2d or tosa.conv3d (by the rank of `input`).
Value createConv(OpBuilder &b, Location loc, Value input, Value weight,
                 Value bias, ArrayRef<TransposedDim> dims) {
  Type f32 = b.getF32Type();
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape = {inputType.getDimSize(0)}, pad, stride, dilation;
  for (const TransposedDim &dim : dims) {
    shape.push_back(dim.output);
    pad.append({dim.padBegin, dim.padEnd});
    stride.push_back(1);
    dilation.push_back(dim.dilation);
  }
  shape.push_back(cast<RankedTensorType>(weight.getType()).getDimSize(0));
  auto resultType = RankedTensorType::get(shape, f32);
  Value zp = createZeroPoint(b, loc, f32);
  if (dims.size() == 3)
    return tosa::Conv3DOp::create(
        b, loc, resultType, input, weight, bias, zp, zp,
        b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
        b.getDenseI64ArrayAttr(dilation), TypeAttr::get(f32));
  return tosa::Conv2DOp::create(
      b, loc, resultType, input, weight, bias, zp, zp,
      b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
      b.getDenseI64ArrayAttr(dilation), TypeAttr::get(f32));
}

LogicalResult importConvTranspose(NodeContext &node) {
  if (failed(node.checkArity(2, 3)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)))
    return failure();
  RankedTensorType xType = node.getInputType(0), wType = node.getInputType(1);
  int64_t rank = xType.getRank() - 2;
  if (rank < 1 || rank > 3)
    return node.emitError()
           << "input must have 1 to 3 spatial dimensions (N x C x D1 ... "
              "Dn); got "
           << xType;
  if (wType.getRank() != xType.getRank())
    return node.emitError() << "weight " << wType << " must have rank "
                            << xType.getRank() << " like the input " << xType;
  ArrayRef<int64_t> xShape = xType.getShape(), wShape = wType.getShape();
  int64_t channels = xShape[1];
  FailureOr<int64_t> group = node.getIntAttr("group", 1);
  if (failed(group))
    return failure();
  if (*group <= 0 || channels % *group != 0)
    return node.emitError() << "group " << *group << " must be positive and "
                            << "divide the input channels (" << channels << ")";
  if (wShape[0] != channels)
    return node.emitError() << "weight " << wType << " must have " << channels
                            << " input channels (dimension 0)";
  int64_t groupIn = channels / *group, groupOut = wShape[1];
  int64_t outChannels = groupOut * *group;
  ArrayRef<int64_t> kernel = wShape.drop_front(2);
  if (failed(checkKernelShape(node, kernel)))
    return failure();
  FailureOr<SmallVector<TransposedDim>> dims =
      computeDims(node, xShape.drop_front(2), kernel);
  if (failed(dims))
    return failure();
  FailureOr<Value> maybeBias = getConvBias(node, outChannels);
  if (failed(maybeBias))
    return failure();
  Value bias = *maybeBias;

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type f32 = b.getF32Type();
  SmallVector<int64_t> outputShape = {xShape[0], outChannels};
  for (const TransposedDim &dim : *dims)
    outputShape.push_back(dim.output);
  // The upsampled input and the output must have element counts the IR can
  // hold.
  int64_t upsampledCount = xShape[0] * channels, outputCount = xShape[0];
  bool overflow = llvm::MulOverflow(outputCount, outChannels, outputCount);
  for (const TransposedDim &dim : *dims)
    overflow |= llvm::MulOverflow(upsampledCount, dim.input * dim.stride,
                                  upsampledCount) ||
                llvm::MulOverflow(outputCount, dim.output, outputCount);
  if (overflow)
    return node.emitError() << "the upsampled input or the output "
                            << RankedTensorType::get(outputShape, f32)
                            << " has too many elements";

  if (llvm::any_of(*dims, [](const TransposedDim &dim) {
        return dim.getConvInputSize() < 1;
      })) {
    // The pads crop away every position the input reaches: only the bias
    // is left.
    SmallVector<int64_t> biasShape(outputShape.size(), 1);
    biasShape[1] = outChannels;
    node.setOutput(0, createBroadcastTo(b, loc,
                                        createReshape(b, loc, bias, biasShape),
                                        outputShape));
    return success();
  }

  // Weights [C, M/g, k...] -> [M, k..., C/g], each kernel flipped.
  Rearrangement weight(b, loc, node.getConstantInput(1),
                       node.getConstantInput(1) ? Value()
                                                : node.getInputValue(1));
  SmallVector<int64_t> grouped = {*group, groupIn, groupOut};
  grouped.append(kernel.begin(), kernel.end());
  weight.reshape(grouped);
  SmallVector<int64_t> perms = {0, 2}, spatialAxes;
  for (int64_t i = 0; i < rank; ++i) {
    perms.push_back(3 + i);
    spatialAxes.push_back(2 + i);
  }
  perms.push_back(1);
  weight.transpose(perms);
  weight.reverse(spatialAxes);
  SmallVector<int64_t> ohwi = {outChannels};
  ohwi.append(kernel.begin(), kernel.end());
  ohwi.push_back(groupIn);

  // 1-D runs as 2-D with H = 1.
  Value input = node.getInputValue(0);
  SmallVector<TransposedDim> convDims = *dims;
  if (rank == 1) {
    convDims.insert(convDims.begin(), TransposedDim());
    input = createReshape(b, loc, input, {xShape[0], channels, 1, xShape[2]});
    ohwi.insert(ohwi.begin() + 1, 1);
  }
  int64_t convRank = convDims.size();
  SmallVector<int64_t> toChannelsLast = {0},
                       toChannelsFirst = {0, convRank + 1};
  for (int64_t i = 0; i < convRank; ++i) {
    toChannelsLast.push_back(2 + i);
    toChannelsFirst.push_back(1 + i);
  }
  toChannelsLast.push_back(1);
  input = createUpsampledInput(
      b, loc, createTranspose(b, loc, input, toChannelsLast), convDims);

  Value result;
  if (*group == 1) {
    weight.reshape(ohwi);
    result = createConv(b, loc, input, weight.get(), bias, convDims);
  } else if (groupIn == 1 && convRank == 2) {
    // Depthwise: [C * M/C, kh, kw, 1] -> [C, M/C, kh, kw] -> [kh, kw, C, M/C].
    weight.reshape({channels, groupOut, ohwi[1], ohwi[2]});
    weight.transpose({2, 3, 0, 1});
    auto resultType = RankedTensorType::get(
        {xShape[0], convDims[0].output, convDims[1].output, outChannels}, f32);
    Value zp = createZeroPoint(b, loc, f32);
    result = tosa::DepthwiseConv2DOp::create(
        b, loc, resultType, input, weight.get(), bias, zp, zp,
        b.getDenseI64ArrayAttr({convDims[0].padBegin, convDims[0].padEnd,
                                convDims[1].padBegin, convDims[1].padEnd}),
        b.getDenseI64ArrayAttr({1, 1}),
        b.getDenseI64ArrayAttr({convDims[0].dilation, convDims[1].dilation}),
        TypeAttr::get(f32));
  } else {
    // One convolution per group on channel slices, concatenated.
    weight.reshape(ohwi);
    Value allWeights = weight.get();
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<Value> groups;
    for (int64_t g = 0; g < *group; ++g) {
      SmallVector<int64_t> inStart(convRank + 2, 0),
          inSize(inputType.getShape());
      inStart.back() = g * groupIn;
      inSize.back() = groupIn;
      SmallVector<int64_t> wStart(convRank + 2, 0), wSize(ohwi);
      wStart.front() = g * groupOut;
      wSize.front() = groupOut;
      groups.push_back(createConv(
          b, loc, createSlice(b, loc, input, inStart, inSize),
          createSlice(b, loc, allWeights, wStart, wSize),
          createSlice(b, loc, bias, {g * groupOut}, {groupOut}), convDims));
    }
    SmallVector<int64_t> shape(
        cast<RankedTensorType>(groups.front().getType()).getShape());
    shape.back() = outChannels;
    result = tosa::ConcatOp::create(b, loc, RankedTensorType::get(shape, f32),
                                    groups, b.getI32IntegerAttr(convRank + 1));
  }
  result = createTranspose(b, loc, result, toChannelsFirst);
  node.setOutput(0, createReshape(b, loc, result, outputShape));
  return success();
}

} // namespace

void registerConvTransposeOps(OpRegistry &registry) {
  registry.add("ConvTranspose", importConvTranspose);
}

} // namespace qcc::onnx_import
