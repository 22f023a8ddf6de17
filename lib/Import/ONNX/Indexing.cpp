//===- Indexing.cpp - ONNX index-producing and index-consuming ops --------===//
//
// ArgMax/ArgMin become tosa.argmax (ArgMin of the negated or bit-inverted
// input; select_last_index reverses the axis and mirrors the result), and
// Hardmax compares that argmax with an iota. Trilu selects against a mask
// built from the diagonal offset k, CumSum is a log-step (Hillis-Steele)
// prefix sum of shifted slices, GatherElements is tosa.gather on the input
// transposed to put the gathered axis innermost, and OneHot compares the
// indices with an iota. DepthToSpace and SpaceToDepth are reshape, transpose,
// reshape (folded when the input is a constant).
//
//===----------------------------------------------------------------------===//

#include "IntegerArith.h"
#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// Checks that input `index` holds signless integers other than bools
/// (treated as signed) or, with `allowFloat`, floats.
LogicalResult checkIntegerInput(NodeContext &node, unsigned index,
                                bool allowFloat) {
  Type elementType = node.getInputType(index).getElementType();
  bool isInteger = elementType.isSignlessInteger() && !elementType.isInteger(1);
  if (isInteger || (allowFloat && isa<FloatType>(elementType)))
    return success();
  return node.emitError() << "input #" << index << " must hold "
                          << (allowFloat ? "numbers" : "integer indices")
                          << ", got " << node.getInputType(index);
}

/// The `axis` attribute (`defaultValue` when absent) normalized into
/// [0, rank).
FailureOr<int64_t> getAxisAttr(NodeContext &node, int64_t defaultValue,
                               int64_t rank) {
  FailureOr<int64_t> axis = node.getIntAttr("axis", defaultValue);
  if (failed(axis))
    return failure();
  return node.normalizeAxis(*axis, rank);
}

/// Checks that input `index` has elements: the generated code takes no empty
/// tensors.
LogicalResult checkNotEmpty(NodeContext &node, unsigned index) {
  if (node.getInputType(index).getNumElements() != 0)
    return success();
  return node.emitError() << "input #" << index << " "
                          << node.getInputType(index)
                          << " is empty (empty tensors are not supported)";
}

/// `shape` with `extent` inserted at `axis`.
SmallVector<int64_t> insertDim(ArrayRef<int64_t> shape, int64_t axis,
                               int64_t extent) {
  SmallVector<int64_t> result(shape);
  result.insert(result.begin() + axis, extent);
  return result;
}

/// `shape` without dimension `axis`.
SmallVector<int64_t> eraseDim(ArrayRef<int64_t> shape, int64_t axis) {
  SmallVector<int64_t> result(shape);
  result.erase(result.begin() + axis);
  return result;
}

/// A constant of rank `rank` and element type `elementType` holding
/// 0, 1, ..., extent - 1 along `axis` (every other dimension is 1).
Value createIota(OpBuilder &b, Location loc, int64_t rank, int64_t axis,
                 int64_t extent, Type elementType) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = extent;
  SmallVector<double> values;
  for (int64_t i = 0; i < extent; ++i)
    values.push_back(i);
  return createConst(b, loc,
                     getConstantFromDoubles(
                         RankedTensorType::get(shape, elementType), values));
}

/// A rank-matched splat of `value` with the element type of `like`.
Value createSplatLike(OpBuilder &b, Location loc, Value like, double value) {
  auto type = cast<RankedTensorType>(like.getType());
  return createScalarSplat(b, loc, value, type.getElementType(),
                           type.getRank());
}

/// `index < 0 ? index + extent : index` for an integer tensor.
Value wrapNegativeIndices(OpBuilder &b, Location loc, Value index,
                          int64_t extent) {
  auto type = cast<RankedTensorType>(index.getType());
  Value zero = createSplatLike(b, loc, index, 0.0);
  Value isNegative =
      tosa::GreaterOp::create(b, loc, type.clone(b.getI1Type()), zero, index);
  Value wrapped = tosa::AddOp::create(b, loc, type, index,
                                      createSplatLike(b, loc, index, extent));
  return tosa::SelectOp::create(b, loc, type, isNegative, wrapped, index);
}

//===----------------------------------------------------------------------===//
// ArgMax, ArgMin, Hardmax
//===----------------------------------------------------------------------===//

/// The index of the first maximum of `input` along `axis` as `elementType`,
/// with `axis` dropped.
Value createArgMax(OpBuilder &b, Location loc, Value input, int64_t axis,
                   Type elementType) {
  auto type = cast<RankedTensorType>(input.getType());
  auto resultType =
      RankedTensorType::get(eraseDim(type.getShape(), axis), elementType);
  return tosa::ArgMaxOp::create(b, loc, resultType, input,
                                b.getI32IntegerAttr(axis));
}

template <bool IsMin> LogicalResult importArgExtremum(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) ||
      failed(checkIntegerInput(node, 0, /*allowFloat=*/true)) ||
      failed(checkNotEmpty(node, 0)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  FailureOr<int64_t> axis = getAxisAttr(node, 0, type.getRank());
  FailureOr<int64_t> keepDims = node.getIntAttr("keepdims", 1);
  FailureOr<int64_t> selectLastIndex = node.getIntAttr("select_last_index", 0);
  if (failed(axis) || failed(keepDims) || failed(selectLastIndex))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  if (isa<FloatType>(type.getElementType())) {
    // The minimum of x is the maximum of -x.
    if (IsMin)
      input = tosa::NegateOp::create(b, loc, type, input);
  } else {
    // Integers are XORed with a mask: all ones reverses their order (~x is
    // -x - 1, without overflow) and the sign bit maps the unsigned order
    // onto the signed one tosa.argmax uses.
    unsigned width = type.getElementTypeBitWidth();
    APInt mask = IsMin ? APInt::getAllOnes(width) : APInt::getZero(width);
    if (node.isInputUnsigned(0))
      mask ^= APInt::getSignedMinValue(width);
    if (!mask.isZero()) {
      auto maskType = RankedTensorType::get(
          SmallVector<int64_t>(type.getRank(), 1), type.getElementType());
      input = tosa::BitwiseXorOp::create(
          b, loc, type, input,
          createConst(b, loc, DenseElementsAttr::get(maskType, mask)));
    }
  }
  // tosa.argmax picks the first extremum: the last one is the first of the
  // reversed axis, at extent - 1 - index.
  if (*selectLastIndex)
    input = tosa::ReverseOp::create(b, loc, type, input,
                                    b.getI32IntegerAttr(*axis));
  Value index = createArgMax(b, loc, input, *axis, b.getI64Type());
  if (*selectLastIndex) {
    Value last = createSplatLike(b, loc, index, type.getDimSize(*axis) - 1);
    index = tosa::SubOp::create(b, loc, index.getType(), last, index);
  }
  if (*keepDims) {
    SmallVector<int64_t> shape(type.getShape());
    shape[*axis] = 1;
    index = createReshape(b, loc, index, shape);
  }
  node.setOutput(0, index, /*isUnsigned=*/false);
  return success();
}

/// 1 at the first maximum along the axis, 0 elsewhere. Before opset 13 the
/// input is coerced to 2-D at the axis and the maximum taken along the
/// flattened trailing dimensions.
LogicalResult importHardmax(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(checkNotEmpty(node, 0)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return node.emitError() << "input must be a float tensor, got " << type;
  bool coerceTo2D = node.getOpset() < 13;
  FailureOr<int64_t> axis =
      getAxisAttr(node, coerceTo2D ? 1 : -1, type.getRank());
  if (failed(axis))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  if (coerceTo2D) {
    int64_t outer = 1, inner = 1;
    for (auto [d, extent] : llvm::enumerate(type.getShape()))
      (static_cast<int64_t>(d) < *axis ? outer : inner) *= extent;
    input = createReshape(b, loc, input, {outer, inner});
    axis = 1;
  }
  auto workType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> keptShape(workType.getShape());
  keptShape[*axis] = 1;
  Value index = createReshape(
      b, loc, createArgMax(b, loc, input, *axis, b.getI32Type()), keptShape);
  Value iota = createIota(b, loc, workType.getRank(), *axis,
                          workType.getDimSize(*axis), b.getI32Type());
  Value isMax =
      tosa::EqualOp::create(b, loc, workType.clone(b.getI1Type()), index, iota);
  Value result = tosa::SelectOp::create(b, loc, workType, isMax,
                                        createSplatLike(b, loc, input, 1.0),
                                        createSplatLike(b, loc, input, 0.0));
  node.setOutput(0, createReshape(b, loc, result, type.getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// Trilu, CumSum
//===----------------------------------------------------------------------===//

/// Keeps the elements on and above (upper) or on and below (lower) the k-th
/// diagonal of the two innermost dimensions and zeroes the others.
LogicalResult importTrilu(NodeContext &node) {
  if (failed(node.checkArity(1, 2)) || failed(checkNotEmpty(node, 0)))
    return failure();
  FailureOr<int64_t> upper = node.getIntAttr("upper", 1);
  if (failed(upper))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();
  if (rank < 2)
    return node.emitError() << "input must have rank 2 or more, got " << type;
  int64_t rows = type.getDimSize(rank - 2), columns = type.getDimSize(rank - 1);
  if (node.hasInput(1)) {
    if (failed(checkIntegerInput(node, 1, /*allowFloat=*/false)))
      return failure();
    if (node.getInputType(1).getNumElements() != 1)
      return node.emitError()
             << "k must hold one value, got " << node.getInputType(1);
  }

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> maskShape(rank - 2, 1);
  maskShape.append({rows, columns});
  // The mask keeps column - row >= k (upper) or column - row <= k (lower).
  auto keeps = [&](int64_t offset, int64_t k) {
    return *upper ? offset >= k : offset <= k;
  };
  Value mask;
  DenseElementsAttr kConstant =
      node.hasInput(1) ? node.getConstantInput(1) : DenseElementsAttr();
  if (!node.hasInput(1) || kConstant) {
    int64_t k = kConstant ? getIntValues(kConstant).front() : 0;
    SmallVector<bool> values;
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t column = 0; column < columns; ++column)
        values.push_back(keeps(column - row, k));
    mask = createConst(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get(maskShape, b.getI1Type()),
                               ArrayRef<bool>(values)));
  } else {
    // A k known only at run time is compared with the constant offsets.
    Type kType = node.getInputType(1).getElementType();
    SmallVector<double> offsets;
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t column = 0; column < columns; ++column)
        offsets.push_back(column - row);
    Value offset =
        createConst(b, loc,
                    getConstantFromDoubles(
                        RankedTensorType::get(maskShape, kType), offsets));
    Value k = createReshape(b, loc, node.getInputValue(1),
                            SmallVector<int64_t>(rank, 1));
    auto maskType = RankedTensorType::get(maskShape, b.getI1Type());
    mask = *upper ? tosa::GreaterEqualOp::create(b, loc, maskType, offset, k)
                  : tosa::GreaterEqualOp::create(b, loc, maskType, k, offset);
  }
  Value input = node.getInputValue(0);
  node.setOutput(0,
                 tosa::SelectOp::create(b, loc, type, mask, input,
                                        createSplatLike(b, loc, input, 0.0)));
  return success();
}

/// `input` moved `shift` places towards higher indices along `axis`, with
/// zeros shifted in.
Value createShiftAlong(OpBuilder &b, Location loc, Value input, int64_t axis,
                       int64_t shift) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> start(type.getRank(), 0), size(type.getShape());
  size[axis] -= shift;
  Value kept = createSlice(b, loc, input, start, size);
  SmallVector<int64_t> padding(2 * type.getRank(), 0);
  padding[2 * axis] = shift;
  return createPad(b, loc, kept, padding, 0.0);
}

LogicalResult importCumSum(NodeContext &node) {
  if (failed(node.checkArity(2, 2)) ||
      failed(checkIntegerInput(node, 0, /*allowFloat=*/true)) ||
      failed(checkNotEmpty(node, 0)))
    return failure();
  FailureOr<SmallVector<int64_t>> axisValues =
      node.getConstantIntsInput(1, "axis");
  FailureOr<int64_t> exclusive = node.getIntAttr("exclusive", 0);
  FailureOr<int64_t> reverse = node.getIntAttr("reverse", 0);
  if (failed(axisValues) || failed(exclusive) || failed(reverse))
    return failure();
  if (axisValues->size() != 1)
    return node.emitError()
           << "axis must hold one value, got " << axisValues->size();
  RankedTensorType type = node.getInputType(0);
  FailureOr<int64_t> axis =
      node.normalizeAxis(axisValues->front(), type.getRank());
  if (failed(axis))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  int64_t extent = type.getDimSize(*axis);
  auto reverseAxis = [&](Value v) -> Value {
    return tosa::ReverseOp::create(b, loc, type, v, b.getI32IntegerAttr(*axis));
  };
  Value sum = node.getInputValue(0);
  if (*reverse)
    sum = reverseAxis(sum);
  if (*exclusive && extent == 1) {
    sum = createConst(
        b, loc,
        DenseElementsAttr::get(type, b.getZeroAttr(type.getElementType())));
  } else if (*exclusive) {
    sum = createShiftAlong(b, loc, sum, *axis, 1);
  }
  // After the step with shift s, each element holds the sum of the 2s
  // elements ending at it.
  for (int64_t shift = 1; shift < extent; shift *= 2)
    sum = tosa::AddOp::create(b, loc, type, sum,
                              createShiftAlong(b, loc, sum, *axis, shift));
  if (*reverse)
    sum = reverseAxis(sum);
  node.setOutput(0, sum);
  return success();
}

//===----------------------------------------------------------------------===//
// GatherElements, OneHot
//===----------------------------------------------------------------------===//

/// out[i...] = data[i... with i[axis] replaced by indices[i...]].
LogicalResult importGatherElements(NodeContext &node) {
  if (failed(node.checkArity(2, 2)) ||
      failed(checkIntegerInput(node, 1, /*allowFloat=*/false)) ||
      failed(checkNotEmpty(node, 0)) || failed(checkNotEmpty(node, 1)))
    return failure();
  RankedTensorType dataType = node.getInputType(0);
  RankedTensorType indicesType = node.getInputType(1);
  if (node.isInputUnsigned(1))
    return node.emitError()
           << "indices must be int32 or int64, got unsigned " << indicesType;
  int64_t rank = dataType.getRank();
  if (indicesType.getRank() != rank)
    return node.emitError() << "indices " << indicesType
                            << " must have the rank of the data " << dataType;
  FailureOr<int64_t> axis = getAxisAttr(node, 0, rank);
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && indicesType.getDimSize(d) > dataType.getDimSize(d))
      return node.emitError()
             << "indices " << indicesType << " exceed the data " << dataType
             << " in dimension " << d;
  // Move the axis innermost, view the rest as a batch, and gather rows:
  // values [batch, extent, 1], indices [batch, count].
  SmallVector<int64_t> perms, inverse(rank);
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis)
      perms.push_back(d);
  perms.push_back(*axis);
  for (auto [i, p] : llvm::enumerate(perms))
    inverse[p] = i;
  int64_t extent = dataType.getDimSize(*axis);
  // Constant indices are checked and wrapped at import time.
  DenseElementsAttr constantIndices = node.getConstantInput(1);
  if (constantIndices) {
    SmallVector<double> wrapped;
    for (int64_t index : getIntValues(constantIndices)) {
      if (index < -extent || index >= extent)
        return node.emitError() << "index " << index
                                << " is out of range for axis size " << extent;
      wrapped.push_back(index < 0 ? index + extent : index);
    }
    constantIndices =
        transposeConstant(getConstantFromDoubles(indicesType, wrapped), perms);
  }
  SmallVector<int64_t> outShape = permuteShape(indicesType.getShape(), perms);
  int64_t batch = 1;
  for (int64_t extentOut : ArrayRef(outShape).drop_back())
    batch *= extentOut;
  int64_t count = outShape.back();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value data = createTranspose(b, loc, node.getInputValue(0), perms);
  SmallVector<int64_t> dataSize(outShape);
  dataSize.back() = extent;
  data = createSlice(b, loc, data, SmallVector<int64_t>(rank, 0), dataSize);
  data = createReshape(b, loc, data, {batch, extent, 1});
  Value indices;
  if (constantIndices) {
    indices = createConst(
        b, loc, constantIndices.reshape(indicesType.clone({batch, count})));
  } else {
    indices = createTranspose(b, loc, node.getInputValue(1), perms);
    indices = createReshape(b, loc, indices, {batch, count});
    // Out-of-range run-time indices are clamped so that they never read
    // outside the data.
    indices = wrapNegativeIndices(b, loc, indices, extent);
    auto indexType = cast<RankedTensorType>(indices.getType());
    indices = tosa::MaximumOp::create(b, loc, indexType, indices,
                                      createSplatLike(b, loc, indices, 0.0));
    indices =
        tosa::MinimumOp::create(b, loc, indexType, indices,
                                createSplatLike(b, loc, indices, extent - 1));
  }
  Value gathered = tosa::GatherOp::create(
      b, loc, dataType.clone({batch, count, 1}), data, indices);
  gathered = createReshape(b, loc, gathered, outShape);
  node.setOutput(0, createTranspose(b, loc, gathered, inverse));
  return success();
}

/// output[..., i, ...] = indices[...] == i ? on : off, where i runs over the
/// new axis of size depth.
LogicalResult importOneHot(NodeContext &node) {
  if (failed(node.checkArity(3, 3)) ||
      failed(checkIntegerInput(node, 0, /*allowFloat=*/true)) ||
      failed(checkNotEmpty(node, 0)))
    return failure();
  FailureOr<DenseElementsAttr> depthConstant =
      node.getRequiredConstantInput(1, "depth");
  if (failed(depthConstant))
    return failure();
  if (depthConstant->getNumElements() != 1)
    return node.emitError()
           << "depth must hold one value, got " << depthConstant->getType();
  int64_t depth = getIntValues(*depthConstant).front();
  RankedTensorType indicesType = node.getInputType(0);
  int64_t elementCount = indicesType.getNumElements();
  if (depth < 1)
    return node.emitError() << "depth must be positive, got " << depth;
  if (llvm::MulOverflow(elementCount, depth, elementCount))
    return node.emitError() << "depth " << depth << " makes the output of "
                            << indicesType << " too large";
  RankedTensorType valuesType = node.getInputType(2);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != 2)
    return node.emitError()
           << "values must hold [off_value, on_value], got " << valuesType;
  int64_t rank = indicesType.getRank() + 1;
  FailureOr<int64_t> axis = getAxisAttr(node, -1, rank);
  if (failed(axis))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  // Float indices truncate toward zero, as a cast to int64 does.
  Value indices =
      createConversion(b, loc, node.getInputValue(0), b.getI64Type(),
                       node.isInputUnsigned(0), /*isTargetUnsigned=*/false);
  indices = wrapNegativeIndices(b, loc, indices, depth);
  indices = createReshape(b, loc, indices,
                          insertDim(indicesType.getShape(), *axis, 1));
  Value iota = createIota(b, loc, rank, *axis, depth, b.getI64Type());
  SmallVector<int64_t> shape = insertDim(indicesType.getShape(), *axis, depth);
  Value isOn = tosa::EqualOp::create(
      b, loc, RankedTensorType::get(shape, b.getI1Type()), indices, iota);

  // off_value and on_value as rank-matched single elements.
  SmallVector<int64_t> unitShape(rank, 1);
  auto getValue = [&](int64_t position) -> Value {
    if (DenseElementsAttr values = node.getConstantInput(2))
      return createConst(
          b, loc,
          DenseElementsAttr::get(valuesType.clone(unitShape),
                                 values.getValues<Attribute>()[position]));
    Value element = createSlice(b, loc, node.getInputValue(2), {position}, {1});
    return createReshape(b, loc, element, unitShape);
  };
  node.setOutput(0,
                 tosa::SelectOp::create(b, loc, valuesType.clone(shape), isOn,
                                        getValue(1), getValue(0)),
                 node.isInputUnsigned(2));
  return success();
}

//===----------------------------------------------------------------------===//
// DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

/// Sets output 0 to input 0 reshaped to `split`, transposed by `perms` and
/// reshaped to `shape`, folding constants.
void setRearrangedOutput(NodeContext &node, ArrayRef<int64_t> split,
                         ArrayRef<int64_t> perms, ArrayRef<int64_t> shape) {
  RankedTensorType type = node.getInputType(0);
  if (DenseElementsAttr constant = node.getConstantInput(0)) {
    DenseElementsAttr moved =
        transposeConstant(constant.reshape(type.clone(split)), perms);
    node.setConstantOutput(0, moved.reshape(type.clone(shape)));
    return;
  }
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value result = createReshape(b, loc, node.getInputValue(0), split);
  result = createTranspose(b, loc, result, perms);
  node.setOutput(0, createReshape(b, loc, result, shape));
}

/// The blocksize attribute and the NCHW dimensions of input 0.
FailureOr<std::pair<int64_t, SmallVector<int64_t>>>
getBlockSizeAndShape(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(checkNotEmpty(node, 0)))
    return failure();
  FailureOr<int64_t> blockSize = node.getIntAttr("blocksize");
  if (failed(blockSize))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (type.getRank() != 4)
    return node.emitError() << "input must have rank 4 (NCHW), got " << type;
  int64_t square;
  if (*blockSize < 1 || llvm::MulOverflow(*blockSize, *blockSize, square))
    return node.emitError() << "invalid blocksize " << *blockSize;
  return std::make_pair(*blockSize, SmallVector<int64_t>(type.getShape()));
}

LogicalResult importDepthToSpace(NodeContext &node) {
  FailureOr<std::pair<int64_t, SmallVector<int64_t>>> params =
      getBlockSizeAndShape(node);
  if (failed(params))
    return failure();
  FailureOr<std::string> mode = node.getStringAttr("mode", "DCR");
  if (failed(mode))
    return failure();
  if (*mode != "DCR" && *mode != "CRD")
    return node.emitError() << "unknown mode '" << *mode << "'";
  int64_t block = params->first;
  ArrayRef<int64_t> shape = params->second;
  int64_t n = shape[0], c = shape[1], h = shape[2], w = shape[3];
  int64_t height, width;
  if (c % (block * block) != 0 || llvm::MulOverflow(h, block, height) ||
      llvm::MulOverflow(w, block, width))
    return node.emitError()
           << "cannot move blocks of " << block << "x" << block << " out of "
           << c << " channels of " << node.getInputType(0);
  int64_t channels = c / (block * block);
  if (*mode == "DCR")
    setRearrangedOutput(node, {n, block, block, channels, h, w},
                        {0, 3, 4, 1, 5, 2}, {n, channels, height, width});
  else
    setRearrangedOutput(node, {n, channels, block, block, h, w},
                        {0, 1, 4, 2, 5, 3}, {n, channels, height, width});
  return success();
}

LogicalResult importSpaceToDepth(NodeContext &node) {
  FailureOr<std::pair<int64_t, SmallVector<int64_t>>> params =
      getBlockSizeAndShape(node);
  if (failed(params))
    return failure();
  int64_t block = params->first;
  ArrayRef<int64_t> shape = params->second;
  int64_t n = shape[0], c = shape[1], h = shape[2], w = shape[3];
  int64_t channels;
  if (h % block != 0 || w % block != 0 ||
      llvm::MulOverflow(c, block * block, channels))
    return node.emitError() << "cannot split " << node.getInputType(0)
                            << " into blocks of " << block << "x" << block;
  setRearrangedOutput(node, {n, c, h / block, block, w / block, block},
                      {0, 3, 5, 1, 2, 4}, {n, channels, h / block, w / block});
  return success();
}

} // namespace

void registerIndexingOps(OpRegistry &registry) {
  registry.add("ArgMax", importArgExtremum</*IsMin=*/false>);
  registry.add("ArgMin", importArgExtremum</*IsMin=*/true>);
  registry.add("Hardmax", importHardmax);
  registry.add("Trilu", importTrilu);
  registry.add("CumSum", importCumSum);
  registry.add("GatherElements", importGatherElements);
  registry.add("OneHot", importOneHot);
  registry.add("DepthToSpace", importDepthToSpace);
  registry.add("SpaceToDepth", importSpaceToDepth);
}

} // namespace qcc::onnx_import
