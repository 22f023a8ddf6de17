//===- Shape.cpp - ONNX shape and data-movement operators to TOSA ---------===//
//
// Reshape, Flatten, Squeeze/Unsqueeze, Transpose, Concat and Gather become
// TOSA data-movement ops, or fold at import time when their data input is a
// constant. Shape, ConstantOfShape, Constant and Cast of constants always
// fold: shapes are static after import, so the int64 shape arithmetic that
// exporters emit (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) never
// reaches the IR.
//
//===----------------------------------------------------------------------===//

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
    known *= dim;
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
  auto resultType = input.getType().clone(elementType);
  if (input.constant) {
    node.setConstantOutput(
        0, getConstantFromDoubles(resultType, getDoubleValues(input.constant)));
    return success();
  }
  if (resultType == input.getType()) {
    node.setOutput(0, input.value);
    return success();
  }
  node.setOutput(0, tosa::CastOp::create(node.getBuilder(), node.getLoc(),
                                         resultType, input.value));
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
    node.setConstantOutput(0, *value);
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
  registry.add("Cast", importCast);
  registry.add("ConstantOfShape", importConstantOfShape);
  registry.add("Constant", importConstant);
}

} // namespace qcc::onnx_import
