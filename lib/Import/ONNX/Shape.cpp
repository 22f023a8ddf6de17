//===- Shape.cpp - ONNX shape and data-movement operators to TOSA ---------===//
//
// Reshape, Flatten, Squeeze/Unsqueeze, Transpose, Concat, Gather, Slice and
// Split become TOSA data-movement ops, or fold at import time when their data
// input is a constant. Expand and Tile become tosa.tile; Pad becomes
// tosa.pad (constant mode) or slices, reversals and concatenations (reflect
// and edge modes). Shape, ConstantOfShape, Constant and Cast of constants
// always fold: shapes are static after import, so the int64 shape arithmetic
// that exporters emit (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) never
// reaches the IR.
//
//===----------------------------------------------------------------------===//

#include "IntegerArith.h"
#include "OpRegistry.h"
#include "TensorConversion.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// Sets output 0 to input 0 reshaped to `shape`, folding constants.
void setReshapedOutput(NodeContext &node, ArrayRef<int64_t> shape) {
  const TensorValue &input = node.getInput(0);
  if (DenseElementsAttr constant = input.constant) {
    node.setConstantOutput(0, constant.reshape(input.getType().clone(shape)));
    return;
  }
  node.setOutput(
      0, createReshape(node.getBuilder(), node.getLoc(), input.value, shape));
}

LogicalResult importReshape(NodeContext &node) {
  bool shapeIsAttr = node.getOpset() < 5;
  if (failed(node.checkArity(shapeIsAttr ? 1 : 2, shapeIsAttr ? 1 : 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> requested =
      shapeIsAttr ? node.getIntsAttr("shape")
                  : node.getConstantIntsInput(1, "shape");
  FailureOr<int64_t> allowZero = node.getIntAttr("allowzero", 0);
  if (failed(requested) || failed(allowZero))
    return failure();
  ArrayRef<int64_t> inputShape = node.getInputType(0).getShape();
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  int64_t known = 1;
  for (auto [i, dim] : llvm::enumerate(*requested)) {
    if (dim == 0 && !*allowZero) {
      if (i >= inputShape.size())
        return node.emitError()
               << "shape entry " << i << " copies a dimension the input lacks";
      dim = inputShape[i];
    } else if (dim == -1) {
      if (inferred)
        return node.emitError() << "shape has more than one -1";
      inferred = i;
      shape.push_back(1);
      continue;
    } else if (dim <= 0) {
      return node.emitError() << "invalid shape entry " << dim;
    }
    shape.push_back(dim);
    if (llvm::MulOverflow(known, dim, known))
      return node.emitError() << "shape entries multiply to more elements "
                                 "than int64_t holds";
  }
  int64_t count = node.getInputType(0).getNumElements();
  if (inferred) {
    if (known == 0 || count % known != 0)
      return node.emitError() << "cannot infer the -1 dimension: " << count
                              << " elements do not divide by " << known;
    shape[*inferred] = count / known;
  } else if (known != count) {
    return node.emitError()
           << "cannot reshape " << node.getInputType(0) << " (" << count
           << " elements) to " << known << " elements";
  }
  setReshapedOutput(node, shape);
  return success();
}

LogicalResult importFlatten(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  ArrayRef<int64_t> shape = node.getInputType(0).getShape();
  int64_t rank = shape.size();
  // Flatten's axis may equal the rank.
  if (*axisAttr < -rank || *axisAttr > rank)
    return node.emitError()
           << "axis " << *axisAttr << " is out of range for rank " << rank;
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= shape[d];
  setReshapedOutput(node, {outer, inner});
  return success();
}

/// Normalizes `axes` against `rank` and checks for duplicates.
FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &node, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  llvm::SmallBitVector seen(rank);
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    if (seen.test(*normalized))
      return node.emitError() << "axis " << axis << " is repeated";
    seen.set(*normalized);
    result.push_back(*normalized);
  }
  return result;
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an input from then.
FailureOr<std::optional<SmallVector<int64_t>>>
getAxesOperand(NodeContext &node) {
  if (node.getOpset() < 13) {
    if (!node.hasAttr("axes"))
      return std::optional<SmallVector<int64_t>>();
    FailureOr<SmallVector<int64_t>> axes = node.getIntsAttr("axes");
    if (failed(axes))
      return failure();
    return std::optional<SmallVector<int64_t>>(*axes);
  }
  if (!node.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> axes = node.getConstantIntsInput(1, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}

LogicalResult importSqueeze(NodeContext &node) {
  if (failed(node.checkArity(1, node.getOpset() < 13 ? 1 : 2)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxesOperand(node);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> shape = node.getInputType(0).getShape();
  llvm::SmallBitVector squeezed(shape.size());
  if (*axes) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, **axes, shape.size());
    if (failed(normalized))
      return failure();
    for (int64_t axis : *normalized) {
      if (shape[axis] != 1)
        return node.emitError()
               << "cannot squeeze axis " << axis << " of size " << shape[axis];
      squeezed.set(axis);
    }
  } else {
    for (auto [d, extent] : llvm::enumerate(shape))
      if (extent == 1)
        squeezed.set(d);
  }
  SmallVector<int64_t> result;
  for (auto [d, extent] : llvm::enumerate(shape))
    if (!squeezed.test(d))
      result.push_back(extent);
  setReshapedOutput(node, result);
  return success();
}

LogicalResult importUnsqueeze(NodeContext &node) {
  if (failed(node.checkArity(node.getOpset() < 13 ? 1 : 2,
                             node.getOpset() < 13 ? 1 : 2)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxesOperand(node);
  if (failed(axes))
    return failure();
  if (!*axes)
    return node.emitError() << "missing required 'axes'";
  ArrayRef<int64_t> shape = node.getInputType(0).getShape();
  int64_t rank = shape.size() + (*axes)->size();
  FailureOr<SmallVector<int64_t>> normalized =
      normalizeAxes(node, **axes, rank);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> result;
  const int64_t *next = shape.begin();
  for (int64_t d = 0; d < rank; ++d)
    result.push_back(llvm::is_contained(*normalized, d) ? 1 : *next++);
  setReshapedOutput(node, result);
  return success();
}

LogicalResult importTranspose(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  int64_t rank = node.getInputType(0).getRank();
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  FailureOr<SmallVector<int64_t>> perm = node.getIntsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  if (static_cast<int64_t>(perm->size()) != rank)
    return node.emitError()
           << "perm has " << perm->size() << " entries for rank " << rank;
  llvm::SmallBitVector seen(rank);
  for (int64_t p : *perm) {
    if (p < 0 || p >= rank || seen.test(p))
      return node.emitError()
             << "perm is not a permutation of [0, " << rank << ")";
    seen.set(p);
  }
  const TensorValue &input = node.getInput(0);
  if (input.constant) {
    node.setConstantOutput(0, transposeConstant(input.constant, *perm));
    return success();
  }
  node.setOutput(
      0, createTranspose(node.getBuilder(), node.getLoc(), input.value, *perm));
  return success();
}

/// Concatenates constants along `axis` at import time.
DenseElementsAttr foldConcat(ArrayRef<DenseElementsAttr> inputs, int64_t axis,
                             RankedTensorType resultType) {
  // Row-major: the result is, for each outer index, each input's block.
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= resultType.getDimSize(d);
  SmallVector<SmallVector<Attribute>> values;
  for (DenseElementsAttr input : inputs)
    values.emplace_back(input.getValues<Attribute>());
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o) {
    for (const SmallVector<Attribute> &v : values) {
      int64_t block = v.size() / outer;
      llvm::append_range(result, ArrayRef(v).slice(o * block, block));
    }
  }
  return DenseElementsAttr::get(resultType, result);
}

LogicalResult importConcat(NodeContext &node) {
  if (failed(node.checkArity(1, node.getNumInputs())))
    return failure();
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis");
  if (failed(axisAttr))
    return failure();
  RankedTensorType firstType = node.getInputType(0);
  int64_t rank = firstType.getRank();
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(firstType.getShape());
  shape[*axis] = 0;
  bool allConstant = true;
  for (unsigned i = 0; i < node.getNumInputs(); ++i) {
    if (!node.hasInput(i))
      return node.emitError() << "input #" << i << " is omitted";
    RankedTensorType type = node.getInputType(i);
    bool compatible = type.getRank() == rank &&
                      type.getElementType() == firstType.getElementType();
    for (int64_t d = 0; compatible && d < rank; ++d)
      compatible = d == *axis || type.getDimSize(d) == shape[d];
    if (!compatible)
      return node.emitError() << "input " << type << " does not match "
                              << firstType << " outside axis " << *axis;
    shape[*axis] += type.getDimSize(*axis);
    allConstant &= static_cast<bool>(node.getConstantInput(i));
  }
  auto resultType = firstType.clone(shape);
  if (allConstant) {
    SmallVector<DenseElementsAttr> constants;
    for (unsigned i = 0; i < node.getNumInputs(); ++i)
      constants.push_back(node.getConstantInput(i));
    node.setConstantOutput(0, foldConcat(constants, *axis, resultType));
    return success();
  }
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < node.getNumInputs(); ++i)
    inputs.push_back(node.getInputValue(i));
  OpBuilder &b = node.getBuilder();
  node.setOutput(0, tosa::ConcatOp::create(b, node.getLoc(), resultType, inputs,
                                           b.getI32IntegerAttr(*axis)));
  return success();
}

LogicalResult importShape(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  ArrayRef<int64_t> shape = node.getInputType(0).getShape();
  int64_t rank = shape.size();
  FailureOr<int64_t> start = node.getIntAttr("start", 0);
  FailureOr<int64_t> end = node.getIntAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  // Shape-15 clamps start/end into [0, rank] after adding rank to negatives.
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t first = clampIndex(*start), last = clampIndex(*end);
  ArrayRef<int64_t> dims =
      last > first ? shape.slice(first, last - first) : ArrayRef<int64_t>();
  node.setConstantOutput(0, getI64Constant(node.getContext(),
                                           {static_cast<int64_t>(dims.size())},
                                           dims));
  return success();
}

/// Gather with indices known only at run time (token ids, class labels):
/// tosa.gather over the data viewed as [outer, extent, inner]. ONNX leaves
/// out-of-range indices undefined; they are clamped into range so that no
/// input can make the generated code read outside its buffers.
LogicalResult importRuntimeGather(NodeContext &node, int64_t axis) {
  RankedTensorType dataType = node.getInputType(0);
  RankedTensorType indicesType = node.getInputType(1);
  Type indexElementType = indicesType.getElementType();
  if (!indexElementType.isInteger(32) && !indexElementType.isInteger(64))
    return node.emitError()
           << "indices must be int32 or int64, got " << indicesType;
  ArrayRef<int64_t> dataShape = dataType.getShape();
  int64_t extent = dataShape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= dataShape[d];
  for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
    inner *= dataShape[d];
  int64_t count = indicesType.getNumElements();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  // Negative indices count from the end; then clamp to [0, extent).
  Value indices = createReshape(b, loc, node.getInputValue(1), {1, count});
  auto flatType = cast<RankedTensorType>(indices.getType());
  Value zero = createScalarSplat(b, loc, 0, indexElementType, 2);
  Value isNegative = tosa::GreaterOp::create(
      b, loc, flatType.clone(b.getI1Type()), zero, indices);
  Value wrapped = tosa::SelectOp::create(
      b, loc, flatType, isNegative,
      tosa::AddOp::create(
          b, loc, flatType, indices,
          createScalarSplat(b, loc, extent, indexElementType, 2)),
      indices);
  auto i32Type = flatType.clone(b.getI32Type());
  Value narrowed = indexElementType.isInteger(32)
                       ? wrapped
                       : tosa::CastOp::create(
                             b, loc, i32Type,
                             tosa::ClampOp::create(
                                 b, loc, flatType, wrapped,
                                 b.getIntegerAttr(indexElementType, 0),
                                 b.getIntegerAttr(indexElementType, extent - 1))
                                 .getResult())
                             .getResult();
  Value clamped =
      tosa::ClampOp::create(b, loc, i32Type, narrowed, b.getI32IntegerAttr(0),
                            b.getI32IntegerAttr(extent - 1));
  Value tiled = createTile(b, loc, clamped, {outer, 1});
  Value values =
      createReshape(b, loc, node.getInputValue(0), {outer, extent, inner});
  Value gathered = tosa::GatherOp::create(
      b, loc, dataType.clone({outer, count, inner}), values, tiled);
  SmallVector<int64_t> resultShape(dataShape.take_front(axis));
  llvm::append_range(resultShape, indicesType.getShape());
  llvm::append_range(resultShape, dataShape.drop_front(axis + 1));
  node.setOutput(0, createReshape(b, loc, gathered, resultShape));
  return success();
}

LogicalResult importGather(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  RankedTensorType dataType = node.getInputType(0);
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, dataType.getRank());
  if (failed(axis))
    return failure();
  // Many indices are cheaper as one gather than as a slice per index.
  constexpr int64_t kMaxSlicedIndices = 16;
  if (!node.getConstantInput(1) ||
      (!node.getConstantInput(0) &&
       node.getInputType(1).getNumElements() > kMaxSlicedIndices))
    return importRuntimeGather(node, *axis);
  FailureOr<SmallVector<int64_t>> indices =
      node.getConstantIntsInput(1, "indices");
  if (failed(indices))
    return failure();
  int64_t extent = dataType.getDimSize(*axis);
  for (int64_t &index : *indices) {
    if (index < -extent || index >= extent)
      return node.emitError() << "index " << index
                              << " is out of range for axis size " << extent;
    if (index < 0)
      index += extent;
  }
  ArrayRef<int64_t> dataShape = dataType.getShape();
  SmallVector<int64_t> resultShape(dataShape.take_front(*axis));
  llvm::append_range(resultShape, node.getInputType(1).getShape());
  llvm::append_range(resultShape, dataShape.drop_front(*axis + 1));
  auto resultType = dataType.clone(resultShape);

  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < *axis; ++d)
    outer *= dataShape[d];
  for (int64_t d = *axis + 1; d < dataType.getRank(); ++d)
    inner *= dataShape[d];
  if (DenseElementsAttr data = node.getConstantInput(0)) {
    SmallVector<Attribute> values(data.getValues<Attribute>());
    SmallVector<Attribute> result;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t index : *indices)
        llvm::append_range(result, ArrayRef(values).slice(
                                       (o * extent + index) * inner, inner));
    node.setConstantOutput(0, DenseElementsAttr::get(resultType, result));
    return success();
  }
  // Runtime data, constant indices: one slice per index, concatenated.
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value data = node.getInputValue(0);
  SmallVector<Value> slices;
  for (int64_t index : *indices) {
    SmallVector<int64_t> start(dataType.getRank(), 0);
    SmallVector<int64_t> size(dataShape);
    start[*axis] = index;
    size[*axis] = 1;
    slices.push_back(createSlice(b, loc, data, start, size));
  }
  SmallVector<int64_t> gatheredShape(dataShape);
  gatheredShape[*axis] = indices->size();
  Value gathered =
      slices.size() == 1
          ? slices.front()
          : tosa::ConcatOp::create(b, loc, dataType.clone(gatheredShape),
                                   slices, b.getI32IntegerAttr(*axis))
                .getResult();
  node.setOutput(0, createReshape(b, loc, gathered, resultShape));
  return success();
}

/// The elements of `constant` at `start + i * step` along each dimension,
/// `counts[d]` of them, computed at import time.
DenseElementsAttr sliceConstant(DenseElementsAttr constant,
                                ArrayRef<int64_t> start, ArrayRef<int64_t> step,
                                ArrayRef<int64_t> counts) {
  auto type = cast<RankedTensorType>(constant.getType());
  auto resultType = type.clone(counts);
  if (constant.isSplat())
    return constant.resizeSplat(resultType);
  int64_t rank = type.getRank();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * type.getDimSize(d + 1);
  SmallVector<Attribute> values(constant.getValues<Attribute>());
  SmallVector<Attribute> result;
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset += (start[d] + index[d] * step[d]) * strides[d];
    result.push_back(values[offset]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < counts[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(resultType, result);
}

/// `count` elements of `input` along `axis` from `start` every `step` (which
/// may be negative), with TOSA slice, reverse, pad and reshape.
Value createStridedSlice(OpBuilder &b, Location loc, Value input, int64_t axis,
                         int64_t start, int64_t step, int64_t count) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t extent = type.getDimSize(axis);
  if (step < 0) {
    input =
        tosa::ReverseOp::create(b, loc, type, input, b.getI32IntegerAttr(axis));
    start = extent - 1 - start;
    step = -step;
  }
  SmallVector<int64_t> begin(type.getRank(), 0), size(type.getShape());
  begin[axis] = start;
  size[axis] = std::min((count - 1) * step + 1, extent - start);
  Value sliced = createSlice(b, loc, input, begin, size);
  if (step == 1)
    return sliced;
  // Pad to count * step elements, split the axis into [count, step] and keep
  // the first of each step.
  SmallVector<int64_t> padding(2 * type.getRank(), 0);
  padding[2 * axis + 1] = count * step - size[axis];
  Value padded = createPad(b, loc, sliced, padding, 0.0);
  SmallVector<int64_t> split(type.getShape());
  split[axis] = count;
  split.insert(split.begin() + axis + 1, step);
  Value reshaped = createReshape(b, loc, padded, split);
  SmallVector<int64_t> splitBegin(split.size(), 0), splitSize(split);
  splitSize[axis + 1] = 1;
  Value strided = createSlice(b, loc, reshaped, splitBegin, splitSize);
  SmallVector<int64_t> resultShape(type.getShape());
  resultShape[axis] = count;
  return createReshape(b, loc, strided, resultShape);
}

/// Sets output `index` to input 0 sliced by `start`, `step`, `counts` (one
/// entry per dimension).
void setSlicedOutput(NodeContext &node, unsigned index, ArrayRef<int64_t> start,
                     ArrayRef<int64_t> step, ArrayRef<int64_t> counts) {
  if (DenseElementsAttr constant = node.getConstantInput(0)) {
    node.setConstantOutput(index, sliceConstant(constant, start, step, counts));
    return;
  }
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value result = node.getInputValue(0);
  for (auto [axis, extent] : llvm::enumerate(node.getInputType(0).getShape()))
    if (start[axis] != 0 || step[axis] != 1 || counts[axis] != extent)
      result = createStridedSlice(b, loc, result, axis, start[axis], step[axis],
                                  counts[axis]);
  node.setOutput(index, result);
}

LogicalResult importSlice(NodeContext &node) {
  bool inputsAreAttrs = node.getOpset() < 10;
  if (failed(node.checkArity(inputsAreAttrs ? 1 : 3, inputsAreAttrs ? 1 : 5)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> starts =
      inputsAreAttrs ? node.getIntsAttr("starts")
                     : node.getConstantIntsInput(1, "starts");
  FailureOr<SmallVector<int64_t>> ends =
      inputsAreAttrs ? node.getIntsAttr("ends")
                     : node.getConstantIntsInput(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> defaultAxes;
  for (size_t i = 0; i < starts->size(); ++i)
    defaultAxes.push_back(i);
  FailureOr<SmallVector<int64_t>> axes =
      inputsAreAttrs     ? node.getIntsAttr("axes", defaultAxes)
      : node.hasInput(3) ? node.getConstantIntsInput(3, "axes")
                         : FailureOr<SmallVector<int64_t>>(defaultAxes);
  FailureOr<SmallVector<int64_t>> steps =
      !inputsAreAttrs && node.hasInput(4)
          ? node.getConstantIntsInput(4, "steps")
          : FailureOr<SmallVector<int64_t>>(
                SmallVector<int64_t>(starts->size(), 1));
  if (failed(axes) || failed(steps))
    return failure();
  if (ends->size() != starts->size() || axes->size() != starts->size() ||
      steps->size() != starts->size())
    return node.emitError() << "starts, ends, axes and steps differ in length";
  FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(node, *axes, rank);
  if (failed(normalized))
    return failure();

  SmallVector<int64_t> start(rank, 0), step(rank, 1), counts(type.getShape());
  for (auto [i, axis] : llvm::enumerate(*normalized)) {
    int64_t extent = type.getDimSize(axis);
    int64_t s = (*starts)[i], e = (*ends)[i], st = (*steps)[i];
    if (st == 0)
      return node.emitError() << "step 0 on axis " << axis;
    s = s < 0 ? s + extent : s;
    e = e < 0 ? e + extent : e;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, extent);
      e = std::clamp<int64_t>(e, 0, extent);
    } else {
      s = std::clamp<int64_t>(s, 0, extent - 1);
      e = std::clamp<int64_t>(e, -1, extent - 1);
    }
    int64_t count = std::max<int64_t>(0, st > 0 ? (e - s + st - 1) / st
                                                : (s - e - st - 1) / -st);
    // Empty slices only occur in import-time shape arithmetic.
    if (count == 0 && !node.getConstantInput(0))
      return node.emitError() << "slice of axis " << axis
                              << " is empty (empty tensors are not supported)";
    start[axis] = s;
    step[axis] = st;
    counts[axis] = count;
  }
  setSlicedOutput(node, 0, start, step, counts);
  return success();
}

LogicalResult importSplit(NodeContext &node) {
  bool splitIsInput = node.getOpset() >= 13;
  if (failed(node.checkArity(1, splitIsInput ? 2 : 1, node.getNumOutputs())))
    return failure();
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, type.getRank());
  if (failed(axis))
    return failure();
  int64_t extent = type.getDimSize(*axis);
  unsigned numOutputs = node.getNumOutputs();
  if (numOutputs == 0)
    return node.emitError() << "has no outputs";
  SmallVector<int64_t> sizes;
  if (splitIsInput && node.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> split =
        node.getConstantIntsInput(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (!splitIsInput && node.hasAttr("split")) {
    FailureOr<SmallVector<int64_t>> split = node.getIntsAttr("split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else {
    if (extent % numOutputs != 0)
      return node.emitError()
             << "axis size " << extent << " does not split evenly into "
             << numOutputs << " outputs";
    sizes.assign(numOutputs, extent / numOutputs);
  }
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size <= 0)
      return node.emitError() << "split size " << size
                              << " is not positive (empty tensors are not "
                                 "supported)";
    total += size;
  }
  if (sizes.size() != numOutputs || total != extent)
    return node.emitError() << "split sizes must be " << numOutputs
                            << " values summing to the axis size " << extent;
  int64_t rank = type.getRank();
  SmallVector<int64_t> start(rank, 0), step(rank, 1), counts(type.getShape());
  for (auto [i, size] : llvm::enumerate(sizes)) {
    counts[*axis] = size;
    setSlicedOutput(node, i, start, step, counts);
    start[*axis] += size;
  }
  return success();
}

/// Broadcasts input 0 to `shape` (Expand) or repeats it (Tile).
LogicalResult importExpand(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> requested =
      node.getConstantIntsInput(1, "shape");
  if (failed(requested))
    return failure();
  RankedTensorType type = node.getInputType(0);
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(type.getShape(), *requested);
  if (!shape || llvm::is_contained(*shape, 0))
    return node.emitError()
           << "cannot expand " << type << " to shape ["
           << llvm::make_range(requested->begin(), requested->end()) << "]";
  DenseElementsAttr constant = node.getConstantInput(0);
  if (constant && constant.isSplat()) {
    node.setConstantOutput(0, constant.resizeSplat(type.clone(*shape)));
    return success();
  }
  node.setOutput(0, createBroadcastTo(node.getBuilder(), node.getLoc(),
                                      node.getInputValue(0), *shape));
  return success();
}

LogicalResult importTile(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> repeats =
      node.getConstantIntsInput(1, "repeats");
  if (failed(repeats))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (static_cast<int64_t>(repeats->size()) != type.getRank())
    return node.emitError() << "repeats has " << repeats->size()
                            << " values for rank " << type.getRank();
  for (int64_t repeat : *repeats)
    if (repeat <= 0)
      return node.emitError() << "repeat " << repeat
                              << " is not positive (empty tensors are not "
                                 "supported)";
  node.setOutput(0, createTile(node.getBuilder(), node.getLoc(),
                               node.getInputValue(0), *repeats));
  return success();
}

/// Pads `input` along `axis` by copies of its edge (edge mode) or its mirror
/// image without the edge (reflect mode).
Value createEdgePad(OpBuilder &b, Location loc, Value input, int64_t axis,
                    int64_t before, int64_t after, bool reflect) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank(), extent = type.getDimSize(axis);
  SmallVector<int64_t> begin(rank, 0), size(type.getShape());
  auto sliceAxis = [&](int64_t from, int64_t count) {
    begin[axis] = from;
    size[axis] = count;
    return createSlice(b, loc, input, begin, size);
  };
  auto reverse = [&](Value v) {
    return tosa::ReverseOp::create(b, loc, v.getType(), v,
                                   b.getI32IntegerAttr(axis))
        .getResult();
  };
  auto repeat = [&](Value v, int64_t times) {
    SmallVector<int64_t> multiples(rank, 1);
    multiples[axis] = times;
    return createTile(b, loc, v, multiples);
  };
  SmallVector<Value> parts;
  if (before > 0)
    parts.push_back(reflect ? reverse(sliceAxis(1, before))
                            : repeat(sliceAxis(0, 1), before));
  parts.push_back(input);
  if (after > 0)
    parts.push_back(reflect ? reverse(sliceAxis(extent - 1 - after, after))
                            : repeat(sliceAxis(extent - 1, 1), after));
  if (parts.size() == 1)
    return input;
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] += before + after;
  return tosa::ConcatOp::create(b, loc, type.clone(shape), parts,
                                b.getI32IntegerAttr(axis));
}

LogicalResult importPad(NodeContext &node) {
  bool padsAreAttr = node.getOpset() < 11;
  if (failed(node.checkArity(1, padsAreAttr ? 1 : 3)))
    return failure();
  FailureOr<std::string> mode = node.getStringAttr("mode", "constant");
  if (failed(mode))
    return failure();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge")
    return node.emitError() << "unknown mode '" << *mode << "'";
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> pads =
      padsAreAttr ? node.getIntsAttr(node.getOpset() < 2 ? "paddings" : "pads")
                  : node.getConstantIntsInput(1, "pads");
  if (failed(pads))
    return failure();
  if (static_cast<int64_t>(pads->size()) != 2 * rank)
    return node.emitError()
           << "pads has " << pads->size() << " values, expected " << 2 * rank;
  double value = 0.0;
  if (padsAreAttr) {
    FailureOr<float> attr = node.getFloatAttr("value", 0.0f);
    if (failed(attr))
      return failure();
    value = *attr;
  } else if (node.hasInput(2)) {
    FailureOr<DenseElementsAttr> constant =
        node.getRequiredConstantInput(2, "constant_value");
    if (failed(constant))
      return failure();
    if (constant->getNumElements() != 1)
      return node.emitError() << "constant_value must be a scalar";
    value = getDoubleValues(*constant).front();
  }

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value result = node.getInputValue(0);
  // Negative pads crop first. ONNX orders pads [begin..., end...]; TOSA
  // wants (begin, end) pairs.
  SmallVector<int64_t> begin(rank, 0), size(type.getShape()), padding;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = (*pads)[d], after = (*pads)[d + rank];
    begin[d] = std::max<int64_t>(0, -before);
    size[d] -= begin[d] + std::max<int64_t>(0, -after);
    if (size[d] <= 0)
      return node.emitError() << "pads crop axis " << d << " to nothing";
    padding.push_back(std::max<int64_t>(0, before));
    padding.push_back(std::max<int64_t>(0, after));
  }
  result = createSlice(b, loc, result, begin, size);
  if (*mode == "constant") {
    node.setOutput(0, createPad(b, loc, result, padding, value));
    return success();
  }
  bool reflect = *mode == "reflect";
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = padding[2 * d], after = padding[2 * d + 1];
    if (reflect && (before >= size[d] || after >= size[d]))
      return node.emitError() << "reflect padding of axis " << d
                              << " must be smaller than its size " << size[d];
    result = createEdgePad(b, loc, result, d, before, after, reflect);
  }
  node.setOutput(0, result);
  return success();
}

LogicalResult importSize(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  node.setConstantOutput(0,
                         getI64Constant(node.getContext(), {},
                                        node.getInputType(0).getNumElements()));
  return success();
}

LogicalResult importCast(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  FailureOr<int64_t> to = node.getIntAttr("to");
  if (failed(to))
    return failure();
  Type elementType = convertElementType(*to, node.getContext());
  if (!elementType)
    return node.emitError()
           << "unsupported target type " << getElementTypeName(*to);
  const TensorValue &input = node.getInput(0);
  bool isUnsigned = isUnsignedElementType(*to);
  auto resultType = input.getType().clone(elementType);
  // Folding goes through doubles: exact for the shape arithmetic it serves.
  if (input.constant && !input.isUnsigned && !isUnsigned &&
      !elementType.isInteger(1)) {
    node.setConstantOutput(
        0, getConstantFromDoubles(resultType, getDoubleValues(input.constant)),
        false);
    return success();
  }
  node.setOutput(0,
                 createConversion(node.getBuilder(), node.getLoc(),
                                  node.getInputValue(0), elementType,
                                  input.isUnsigned, isUnsigned),
                 isUnsigned);
  return success();
}

LogicalResult importConstantOfShape(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = node.getConstantIntsInput(0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t dim : *shape)
    if (dim < 0)
      return node.emitError() << "negative dimension " << dim;
  DenseElementsAttr value;
  if (node.hasAttr("value")) {
    FailureOr<DenseElementsAttr> attr = node.getTensorAttr("value");
    if (failed(attr))
      return failure();
    if (attr->getNumElements() != 1)
      return node.emitError() << "'value' must hold one element";
    value = *attr;
  } else {
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, node.getBuilder().getF32Type()), 0.0f);
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  node.setConstantOutput(
      0, DenseElementsAttr::get(type, value.getValues<Attribute>()[0]));
  return success();
}

LogicalResult importConstant(NodeContext &node) {
  if (failed(node.checkArity(0, 0)))
    return failure();
  OpBuilder &b = node.getBuilder();
  if (node.hasAttr("value")) {
    FailureOr<DenseElementsAttr> value = node.getTensorAttr("value");
    if (failed(value))
      return failure();
    node.setConstantOutput(
        0, *value,
        isUnsignedElementType(node.findAttr("value")->t().data_type()));
    return success();
  }
  if (node.hasAttr("value_float")) {
    FailureOr<float> value = node.getFloatAttr("value_float");
    if (failed(value))
      return failure();
    node.setConstantOutput(
        0, DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                  *value));
    return success();
  }
  if (node.hasAttr("value_floats")) {
    FailureOr<SmallVector<float>> values = node.getFloatsAttr("value_floats");
    if (failed(values))
      return failure();
    auto type = RankedTensorType::get({static_cast<int64_t>(values->size())},
                                      b.getF32Type());
    node.setConstantOutput(0, DenseElementsAttr::get(type, ArrayRef(*values)));
    return success();
  }
  if (node.hasAttr("value_int")) {
    FailureOr<int64_t> value = node.getIntAttr("value_int");
    if (failed(value))
      return failure();
    node.setConstantOutput(0, getI64Constant(node.getContext(), {}, *value));
    return success();
  }
  if (node.hasAttr("value_ints")) {
    FailureOr<SmallVector<int64_t>> values = node.getIntsAttr("value_ints");
    if (failed(values))
      return failure();
    node.setConstantOutput(
        0, getI64Constant(node.getContext(),
                          {static_cast<int64_t>(values->size())}, *values));
    return success();
  }
  return node.emitError() << "needs one of the attributes 'value', "
                             "'value_float(s)' or 'value_int(s)' (sparse and "
                             "string constants are not supported)";
}

} // namespace

void registerShapeOps(OpRegistry &registry) {
  registry.add("Reshape", importReshape);
  registry.add("Flatten", importFlatten);
  registry.add("Squeeze", importSqueeze);
  registry.add("Unsqueeze", importUnsqueeze);
  registry.add("Transpose", importTranspose);
  registry.add("Concat", importConcat);
  registry.add("Shape", importShape);
  registry.add("Gather", importGather);
  registry.add("Slice", importSlice);
  registry.add("Split", importSplit);
  registry.add("Expand", importExpand);
  registry.add("Tile", importTile);
  registry.add("Pad", importPad);
  registry.add("Size", importSize);
  registry.add("Cast", importCast);
  registry.add("ConstantOfShape", importConstantOfShape);
  registry.add("Constant", importConstant);
}

} // namespace qcc::onnx_import
