//===- Logical.cpp - ONNX comparisons, logical operators and Where --------===//
//
// Equal/Greater/Less/GreaterOrEqual/LessOrEqual on float or integer tensors
// and Not/And/Or/Xor on bool tensors map to the TOSA comparison and logical
// ops (Less and LessOrEqual swap their operands), with numpy broadcasting
// (operands are reshaped to a common rank). Where is tosa.select. IsNaN,
// IsInf and Sign are composed from comparisons and selects. When every input
// is a constant (the shape arithmetic of exported graphs), the result folds
// at import time so that it can feed operands that must be constants.
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <string>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// Results larger than this are computed at run time even when every input
/// is a constant.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// Checks that input `index` holds bools.
LogicalResult checkBoolInput(NodeContext &node, unsigned index) {
  if (node.getInputType(index).getElementType().isInteger(1))
    return success();
  return node.emitError() << "input #" << index
                          << " must be a bool tensor, got "
                          << node.getInputType(index);
}

/// Checks that input `index` holds floats or signless (treated as signed)
/// integers; with `allowBool`, bools too.
LogicalResult checkNumericOrBoolInput(NodeContext &node, unsigned index,
                                      bool allowBool) {
  Type elementType = node.getInputType(index).getElementType();
  if (isa<FloatType>(elementType) || (elementType.isSignlessInteger() &&
                                      (allowBool || !elementType.isInteger(1))))
    return success();
  return node.emitError() << "input #" << index << " has unsupported type "
                          << node.getInputType(index);
}

/// Checks that input `index` holds floats.
LogicalResult checkAnyFloatInput(NodeContext &node, unsigned index) {
  if (isa<FloatType>(node.getInputType(index).getElementType()))
    return success();
  return node.emitError() << "input #" << index << " must be a float tensor, "
                          << "got " << node.getInputType(index);
}

/// The numpy broadcast of the shapes of `inputs`, or failure.
FailureOr<SmallVector<int64_t>>
getInputsBroadcastShape(NodeContext &node, ArrayRef<unsigned> inputs) {
  SmallVector<int64_t> shape;
  for (unsigned index : inputs) {
    std::optional<SmallVector<int64_t>> next =
        getBroadcastShape(shape, node.getInputType(index).getShape());
    if (!next) {
      InFlightDiagnostic diag = node.emitError() << "operand shapes ";
      for (auto [position, i] : llvm::enumerate(inputs)) {
        if (position > 0)
          diag << (position + 1 == inputs.size() ? " and " : ", ");
        diag << node.getInputType(i);
      }
      return diag << " are not broadcast-compatible";
    }
    shape = *next;
  }
  return shape;
}

/// Whether every input in `inputs` is a constant and a result of `shape` is
/// small enough to fold.
bool canFold(NodeContext &node, ArrayRef<unsigned> inputs,
             ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  return count <= kMaxFoldedElements &&
         llvm::all_of(inputs, [&](unsigned index) {
           return static_cast<bool>(node.getConstantInput(index));
         });
}

/// For each element of the row-major result of shape `resultShape`, the
/// offset of the element of a tensor of shape `shape` that numpy
/// broadcasting maps to it.
SmallVector<int64_t> getBroadcastOffsets(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size();
  int64_t lead = rank - static_cast<int64_t>(shape.size());
  int64_t count = 1;
  for (int64_t extent : resultShape)
    count *= extent;
  SmallVector<int64_t> offsets;
  offsets.reserve(count);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int64_t d = lead; d < rank; ++d) {
      int64_t extent = shape[d - lead];
      offset = offset * extent + (extent == 1 ? 0 : index[d]);
    }
    offsets.push_back(offset);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < resultShape[d])
        break;
      index[d] = 0;
    }
  }
  return offsets;
}

/// The offsets of constant input `index` under broadcasting to `shape`.
SmallVector<int64_t> getInputOffsets(NodeContext &node, unsigned index,
                                     ArrayRef<int64_t> shape) {
  return getBroadcastOffsets(node.getInputType(index).getShape(), shape);
}

/// The values of bool constant input `index`.
SmallVector<bool> getBoolValues(NodeContext &node, unsigned index) {
  return SmallVector<bool>(node.getConstantInput(index).getValues<bool>());
}

/// Sets output 0 to a bool constant of `shape` holding `values`.
void setBoolOutput(NodeContext &node, ArrayRef<int64_t> shape,
                   ArrayRef<bool> values) {
  auto type = RankedTensorType::get(shape, node.getBuilder().getI1Type());
  node.setConstantOutput(0, DenseElementsAttr::get(type, values));
}

/// The SSA values of `inputs`, reshaped to `rank` for a broadcasting TOSA op.
SmallVector<Value> getExpandedInputs(NodeContext &node,
                                     ArrayRef<unsigned> inputs, int64_t rank) {
  SmallVector<Value> values;
  for (unsigned index : inputs)
    values.push_back(expandToRank(node.getBuilder(), node.getLoc(),
                                  node.getInputValue(index), rank));
  return values;
}

/// The element type of input `index` as ONNX sees it, quoted ('ui8' for
/// unsigned bytes).
std::string getTypeName(NodeContext &node, unsigned index) {
  std::string name;
  llvm::raw_string_ostream os(name);
  Type elementType = node.getInputType(index).getElementType();
  os << "'";
  if (node.isInputUnsigned(index))
    os << "ui" << elementType.getIntOrFloatBitWidth();
  else
    os << elementType;
  os << "'";
  return name;
}

/// The values of an integer constant, zero-extended.
SmallVector<uint64_t> getUnsignedValues(DenseElementsAttr values) {
  SmallVector<uint64_t> result;
  for (const APInt &value : values.getValues<APInt>())
    result.push_back(value.getZExtValue());
  return result;
}

/// `input` (integers) with the sign bit flipped.
Value flipSignBit(OpBuilder &b, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  unsigned width = type.getElementTypeBitWidth();
  auto maskType = RankedTensorType::get(SmallVector<int64_t>(type.getRank(), 1),
                                        type.getElementType());
  Value mask = createConst(
      b, loc,
      DenseElementsAttr::get(maskType, APInt::getSignedMinValue(width)));
  return tosa::BitwiseXorOp::create(b, loc, type, input, mask);
}

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

enum class CompareKind { Equal, Greater, Less, GreaterOrEqual, LessOrEqual };

template <typename T> bool compare(CompareKind kind, T lhs, T rhs) {
  switch (kind) {
  case CompareKind::Equal:
    return lhs == rhs;
  case CompareKind::Greater:
    return lhs > rhs;
  case CompareKind::Less:
    return lhs < rhs;
  case CompareKind::GreaterOrEqual:
    return lhs >= rhs;
  case CompareKind::LessOrEqual:
    return lhs <= rhs;
  }
  llvm_unreachable("unknown comparison");
}

template <typename T>
SmallVector<bool> foldCompare(CompareKind kind, ArrayRef<T> lhs,
                              ArrayRef<T> rhs, ArrayRef<int64_t> lhsOffsets,
                              ArrayRef<int64_t> rhsOffsets) {
  SmallVector<bool> result;
  for (auto [l, r] : llvm::zip_equal(lhsOffsets, rhsOffsets))
    result.push_back(compare(kind, lhs[l], rhs[r]));
  return result;
}

template <CompareKind Kind> LogicalResult importCompare(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  // Equal also compares bools (from opset 11).
  bool allowBool = Kind == CompareKind::Equal;
  if (failed(checkNumericOrBoolInput(node, 0, allowBool)) ||
      failed(checkNumericOrBoolInput(node, 1, allowBool)))
    return failure();
  Type elementType = node.getInputType(0).getElementType();
  bool isUnsigned = node.isInputUnsigned(0);
  if (node.getInputType(1).getElementType() != elementType ||
      node.isInputUnsigned(1) != isUnsigned)
    return node.emitError()
           << "operand element types differ: " << getTypeName(node, 0) << " vs "
           << getTypeName(node, 1);
  FailureOr<SmallVector<int64_t>> shape = getInputsBroadcastShape(node, {0, 1});
  if (failed(shape))
    return failure();

  if (canFold(node, {0, 1}, *shape)) {
    SmallVector<int64_t> lhsOffsets = getInputOffsets(node, 0, *shape);
    SmallVector<int64_t> rhsOffsets = getInputOffsets(node, 1, *shape);
    DenseElementsAttr lhs = node.getConstantInput(0);
    DenseElementsAttr rhs = node.getConstantInput(1);
    SmallVector<bool> result;
    if (isa<FloatType>(elementType))
      result =
          foldCompare<double>(Kind, getDoubleValues(lhs), getDoubleValues(rhs),
                              lhsOffsets, rhsOffsets);
    else if (isUnsigned)
      result =
          foldCompare<uint64_t>(Kind, getUnsignedValues(lhs),
                                getUnsignedValues(rhs), lhsOffsets, rhsOffsets);
    else
      result = foldCompare<int64_t>(Kind, getIntValues(lhs), getIntValues(rhs),
                                    lhsOffsets, rhsOffsets);
    setBoolOutput(node, *shape, result);
    return success();
  }

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<Value> operands = getExpandedInputs(node, {0, 1}, shape->size());
  Value lhs = operands[0], rhs = operands[1];
  // Flipping the sign bit maps the unsigned order onto the signed one that
  // the TOSA comparisons use.
  if (isUnsigned && Kind != CompareKind::Equal) {
    lhs = flipSignBit(b, loc, lhs);
    rhs = flipSignBit(b, loc, rhs);
  }
  // Less and LessOrEqual are Greater and GreaterOrEqual with swapped
  // operands.
  if (Kind == CompareKind::Less || Kind == CompareKind::LessOrEqual)
    std::swap(lhs, rhs);
  auto type = RankedTensorType::get(*shape, b.getI1Type());
  Value result;
  if (Kind == CompareKind::Equal)
    result = tosa::EqualOp::create(b, loc, type, lhs, rhs);
  else if (Kind == CompareKind::Greater || Kind == CompareKind::Less)
    result = tosa::GreaterOp::create(b, loc, type, lhs, rhs);
  else
    result = tosa::GreaterEqualOp::create(b, loc, type, lhs, rhs);
  node.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Logical operators
//===----------------------------------------------------------------------===//

enum class LogicalKind { And, Or, Xor };

bool applyLogical(LogicalKind kind, bool lhs, bool rhs) {
  switch (kind) {
  case LogicalKind::And:
    return lhs && rhs;
  case LogicalKind::Or:
    return lhs || rhs;
  case LogicalKind::Xor:
    return lhs != rhs;
  }
  llvm_unreachable("unknown logical operator");
}

template <LogicalKind Kind> LogicalResult importLogical(NodeContext &node) {
  if (failed(node.checkArity(2, 2)) || failed(checkBoolInput(node, 0)) ||
      failed(checkBoolInput(node, 1)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = getInputsBroadcastShape(node, {0, 1});
  if (failed(shape))
    return failure();

  if (canFold(node, {0, 1}, *shape)) {
    SmallVector<bool> lhs = getBoolValues(node, 0);
    SmallVector<bool> rhs = getBoolValues(node, 1);
    SmallVector<bool> result;
    for (auto [l, r] : llvm::zip_equal(getInputOffsets(node, 0, *shape),
                                       getInputOffsets(node, 1, *shape)))
      result.push_back(applyLogical(Kind, lhs[l], rhs[r]));
    setBoolOutput(node, *shape, result);
    return success();
  }

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<Value> operands = getExpandedInputs(node, {0, 1}, shape->size());
  auto type = RankedTensorType::get(*shape, b.getI1Type());
  Value result;
  switch (Kind) {
  case LogicalKind::And:
    result = tosa::LogicalAndOp::create(b, loc, type, operands[0], operands[1]);
    break;
  case LogicalKind::Or:
    result = tosa::LogicalOrOp::create(b, loc, type, operands[0], operands[1]);
    break;
  case LogicalKind::Xor:
    result = tosa::LogicalXorOp::create(b, loc, type, operands[0], operands[1]);
    break;
  }
  node.setOutput(0, result);
  return success();
}

LogicalResult importNot(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(checkBoolInput(node, 0)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (canFold(node, {0}, type.getShape())) {
    SmallVector<bool> values = getBoolValues(node, 0);
    for (auto &&value : values)
      value = !value;
    setBoolOutput(node, type.getShape(), values);
    return success();
  }
  node.setOutput(0, tosa::LogicalNotOp::create(node.getBuilder(), node.getLoc(),
                                               type, node.getInputValue(0)));
  return success();
}

/// condition ? X : Y, all three broadcast.
LogicalResult importWhere(NodeContext &node) {
  if (failed(node.checkArity(3, 3)) || failed(checkBoolInput(node, 0)))
    return failure();
  Type elementType = node.getInputType(1).getElementType();
  bool isUnsigned = node.isInputUnsigned(1);
  if (node.getInputType(2).getElementType() != elementType ||
      node.isInputUnsigned(2) != isUnsigned)
    return node.emitError()
           << "X and Y element types differ: " << getTypeName(node, 1) << " vs "
           << getTypeName(node, 2);
  FailureOr<SmallVector<int64_t>> shape =
      getInputsBroadcastShape(node, {0, 1, 2});
  if (failed(shape))
    return failure();
  auto type = RankedTensorType::get(*shape, elementType);

  if (canFold(node, {0, 1, 2}, *shape)) {
    SmallVector<bool> condition = getBoolValues(node, 0);
    SmallVector<Attribute> onTrue(
        node.getConstantInput(1).getValues<Attribute>());
    SmallVector<Attribute> onFalse(
        node.getConstantInput(2).getValues<Attribute>());
    SmallVector<int64_t> conditionOffsets = getInputOffsets(node, 0, *shape);
    SmallVector<int64_t> trueOffsets = getInputOffsets(node, 1, *shape);
    SmallVector<int64_t> falseOffsets = getInputOffsets(node, 2, *shape);
    SmallVector<Attribute> result;
    for (auto [c, t, f] :
         llvm::zip_equal(conditionOffsets, trueOffsets, falseOffsets))
      result.push_back(condition[c] ? onTrue[t] : onFalse[f]);
    node.setConstantOutput(0, DenseElementsAttr::get(type, result), isUnsigned);
    return success();
  }

  SmallVector<Value> operands =
      getExpandedInputs(node, {0, 1, 2}, shape->size());
  node.setOutput(0,
                 tosa::SelectOp::create(node.getBuilder(), node.getLoc(), type,
                                        operands[0], operands[1], operands[2]),
                 isUnsigned);
  return success();
}

//===----------------------------------------------------------------------===//
// Float classification and Sign
//===----------------------------------------------------------------------===//

/// A rank-matched splat of `value` with the element type of `like`.
Value createSplatLike(NodeContext &node, Value like, double value) {
  auto type = cast<RankedTensorType>(like.getType());
  return createScalarSplat(node.getBuilder(), node.getLoc(), value,
                           type.getElementType(), type.getRank());
}

/// x != x.
LogicalResult importIsNaN(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(checkAnyFloatInput(node, 0)))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  auto type = node.getInputType(0).clone(b.getI1Type());
  Value isOrdered = tosa::EqualOp::create(b, loc, type, input, input);
  node.setOutput(0, tosa::LogicalNotOp::create(b, loc, type, isOrdered));
  return success();
}

/// |x| == inf, x == inf or x == -inf, as the attributes select.
LogicalResult importIsInf(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(checkAnyFloatInput(node, 0)))
    return failure();
  FailureOr<int64_t> detectNegative = node.getIntAttr("detect_negative", 1);
  FailureOr<int64_t> detectPositive = node.getIntAttr("detect_positive", 1);
  if (failed(detectNegative) || failed(detectPositive))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  auto type = node.getInputType(0).clone(b.getI1Type());
  if (!*detectNegative && !*detectPositive) {
    node.setConstantOutput(0, DenseElementsAttr::get(type, false));
    return success();
  }
  double infinity = std::numeric_limits<double>::infinity();
  if (*detectNegative && *detectPositive)
    input = tosa::AbsOp::create(b, loc, input.getType(), input);
  Value target =
      createSplatLike(node, input, *detectPositive ? infinity : -infinity);
  node.setOutput(0, tosa::EqualOp::create(b, loc, type, input, target));
  return success();
}

/// x > 0 ? 1 : (x < 0 ? -1 : x), which keeps zeros and NaNs; unsigned x
/// is 0 or 1.
LogicalResult importSign(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) ||
      failed(checkNumericOrBoolInput(node, 0, /*allowBool=*/false)))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  RankedTensorType type = node.getInputType(0);
  auto boolType = type.clone(b.getI1Type());
  Value zero = createSplatLike(node, input, 0.0);
  Value one = createSplatLike(node, input, 1.0);
  if (node.isInputUnsigned(0)) {
    // x == 0 ? x : 1.
    Value isZero = tosa::EqualOp::create(b, loc, boolType, input, zero);
    node.setOutput(0, tosa::SelectOp::create(b, loc, type, isZero, input, one));
    return success();
  }
  Value isPositive = tosa::GreaterOp::create(b, loc, boolType, input, zero);
  Value isNegative = tosa::GreaterOp::create(b, loc, boolType, zero, input);
  Value negative = tosa::SelectOp::create(
      b, loc, type, isNegative, createSplatLike(node, input, -1.0), input);
  node.setOutput(
      0, tosa::SelectOp::create(b, loc, type, isPositive, one, negative));
  return success();
}

} // namespace

void registerLogicalOps(OpRegistry &registry) {
  registry.add("Equal", importCompare<CompareKind::Equal>);
  registry.add("Greater", importCompare<CompareKind::Greater>);
  registry.add("Less", importCompare<CompareKind::Less>);
  registry.add("GreaterOrEqual", importCompare<CompareKind::GreaterOrEqual>);
  registry.add("LessOrEqual", importCompare<CompareKind::LessOrEqual>);
  registry.add("And", importLogical<LogicalKind::And>);
  registry.add("Or", importLogical<LogicalKind::Or>);
  registry.add("Xor", importLogical<LogicalKind::Xor>);
  registry.add("Not", importNot);
  registry.add("Where", importWhere);
  registry.add("IsNaN", importIsNaN);
  registry.add("IsInf", importIsInf);
  registry.add("Sign", importSign);
}

} // namespace qcc::onnx_import
