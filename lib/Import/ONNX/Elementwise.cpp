//===- Elementwise.cpp - ONNX elementwise operators to TOSA ---------------===//
//
// Add/Sub/Mul/Div/Pow with numpy broadcasting (TOSA needs equal ranks, so
// the lower-rank operand is reshaped), the variadic Max/Min/Sum/Mean,
// unary math, activations (those TOSA lacks are composed from exp, select and
// clamp), and the pass-through ops Identity and Dropout (inference mode).
//
//===----------------------------------------------------------------------===//

#include "IntegerArith.h"
#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

enum class BinaryKind { Add, Sub, Mul, Div };

double applyBinary(BinaryKind kind, double lhs, double rhs, bool isInteger) {
  switch (kind) {
  case BinaryKind::Add:
    return lhs + rhs;
  case BinaryKind::Sub:
    return lhs - rhs;
  case BinaryKind::Mul:
    return lhs * rhs;
  case BinaryKind::Div:
    if (isInteger)
      return rhs == 0 ? 0 : std::trunc(lhs / rhs);
    return lhs / rhs;
  }
  llvm_unreachable("unknown binary kind");
}

/// Folds a binary op on two constants (shape arithmetic in exported graphs).
DenseElementsAttr foldBinary(BinaryKind kind, DenseElementsAttr lhs,
                             DenseElementsAttr rhs,
                             ArrayRef<int64_t> resultShape) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  SmallVector<double> lhsValues = getDoubleValues(lhs);
  SmallVector<double> rhsValues = getDoubleValues(rhs);
  auto resultType = lhsType.clone(resultShape);
  int64_t rank = resultShape.size();
  // Maps a result index to an operand offset under broadcasting.
  auto offsetIn = [&](ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
    int64_t offset = 0;
    int64_t lead = rank - static_cast<int64_t>(shape.size());
    for (int64_t d = lead; d < rank; ++d) {
      int64_t extent = shape[d - lead];
      offset = offset * extent + (extent == 1 ? 0 : index[d]);
    }
    return offset;
  };
  bool isInteger = isa<IntegerType>(lhsType.getElementType());
  SmallVector<double> result;
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    result.push_back(
        applyBinary(kind, lhsValues[offsetIn(index, lhsType.getShape())],
                    rhsValues[offsetIn(index, rhsType.getShape())], isInteger));
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < resultShape[d])
        break;
      index[d] = 0;
    }
  }
  return getConstantFromDoubles(resultType, result);
}

template <BinaryKind Kind> LogicalResult importBinary(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  RankedTensorType lhsType = node.getInputType(0);
  RankedTensorType rhsType = node.getInputType(1);
  if (lhsType.getElementType() != rhsType.getElementType())
    return node.emitError()
           << "operand element types differ: " << lhsType.getElementType()
           << " vs " << rhsType.getElementType();
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(lhsType.getShape(), rhsType.getShape());
  if (!shape)
    return node.emitError() << "operand shapes " << lhsType << " and "
                            << rhsType << " are not broadcast-compatible";

  bool isUnsigned = node.isInputUnsigned(0);
  if (isUnsigned != node.isInputUnsigned(1))
    return node.emitError() << "operands differ in signedness";

  // Folding works on signed values (shape arithmetic is int64).
  DenseElementsAttr lhsConst = node.getConstantInput(0);
  DenseElementsAttr rhsConst = node.getConstantInput(1);
  constexpr int64_t kMaxFoldedElements = 1 << 16;
  if (lhsConst && rhsConst && !isUnsigned &&
      lhsType.clone(*shape).getNumElements() <= kMaxFoldedElements) {
    node.setConstantOutput(0, foldBinary(Kind, lhsConst, rhsConst, *shape));
    return success();
  }

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type elementType = lhsType.getElementType();
  if (elementType.isInteger() && !elementType.isInteger(1)) {
    constexpr IntegerBinaryKind kIntegerKinds[] = {
        IntegerBinaryKind::Add, IntegerBinaryKind::Sub, IntegerBinaryKind::Mul,
        IntegerBinaryKind::Div};
    node.setOutput(
        0, createIntegerBinary(b, loc, kIntegerKinds[static_cast<int>(Kind)],
                               node.getInputValue(0), node.getInputValue(1),
                               *shape, isUnsigned));
    return success();
  }
  if (!isa<FloatType>(elementType))
    return node.emitError() << "unsupported element type " << elementType;
  int64_t rank = shape->size();
  Value lhs = expandToRank(b, loc, node.getInputValue(0), rank);
  Value rhs = expandToRank(b, loc, node.getInputValue(1), rank);
  auto resultType = lhsType.clone(*shape);
  Value result;
  switch (Kind) {
  case BinaryKind::Add:
    result = tosa::AddOp::create(b, loc, resultType, lhs, rhs);
    break;
  case BinaryKind::Sub:
    result = tosa::SubOp::create(b, loc, resultType, lhs, rhs);
    break;
  case BinaryKind::Mul:
    result = createMul(b, loc, lhs, rhs);
    break;
  case BinaryKind::Div: {
    Value reciprocal = tosa::ReciprocalOp::create(b, loc, rhs.getType(), rhs);
    result = createMul(b, loc, lhs, reciprocal);
    break;
  }
  }
  node.setOutput(0, result);
  return success();
}

/// Ops that map 1:1 to a TOSA unary op with the same type.
template <typename TosaOp> LogicalResult importUnary(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(node.checkFloatInput(0)))
    return failure();
  Value input = node.getInputValue(0);
  node.setOutput(0, TosaOp::create(node.getBuilder(), node.getLoc(),
                                   input.getType(), input));
  return success();
}

Value createClamp(NodeContext &node, Value input, float min, float max) {
  OpBuilder &b = node.getBuilder();
  return tosa::ClampOp::create(
      b, node.getLoc(), input.getType(), input, b.getF32FloatAttr(min),
      b.getF32FloatAttr(max),
      tosa::NanPropagationModeAttr::get(b.getContext(),
                                        tosa::NanPropagationMode::PROPAGATE));
}

LogicalResult importRelu(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(node.checkFloatInput(0)))
    return failure();
  node.setOutput(0, createClamp(node, node.getInputValue(0), 0.0f,
                                std::numeric_limits<float>::max()));
  return success();
}

/// Reads one Clip bound: an attribute before opset 11, an optional constant
/// input from opset 11 on.
FailureOr<float> getClipBound(NodeContext &node, StringRef name,
                              unsigned inputIndex, float defaultValue) {
  if (node.getOpset() < 11)
    return node.getFloatAttr(name, defaultValue);
  if (!node.hasInput(inputIndex))
    return defaultValue;
  FailureOr<DenseElementsAttr> bound =
      node.getRequiredConstantInput(inputIndex, name);
  if (failed(bound))
    return failure();
  if (bound->getNumElements() != 1)
    return node.emitError()
           << "'" << name << "' must be a scalar, got " << bound->getType();
  return static_cast<float>(getDoubleValues(*bound).front());
}

/// Clip of an integer tensor (opset 12 on): the bounds are constants of the
/// input's type, defaulting to its range.
LogicalResult importIntegerClip(NodeContext &node) {
  auto elementType = cast<IntegerType>(node.getInputType(0).getElementType());
  bool isUnsigned = node.isInputUnsigned(0);
  unsigned width = elementType.getWidth();
  APInt bounds[] = {
      isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width),
      isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width)};
  for (unsigned i = 0; i < 2; ++i) {
    if (!node.hasInput(i + 1))
      continue;
    StringRef name = i == 0 ? "min" : "max";
    FailureOr<DenseElementsAttr> bound =
        node.getRequiredConstantInput(i + 1, name);
    if (failed(bound))
      return failure();
    if (bound->getNumElements() != 1 || bound->getElementType() != elementType)
      return node.emitError() << "'" << name << "' must be a scalar of the "
                              << "input's type, got " << bound->getType();
    bounds[i] = *bound->getValues<APInt>().begin();
  }
  if (isUnsigned ? bounds[0].ugt(bounds[1]) : bounds[0].sgt(bounds[1]))
    return node.emitError() << "min is greater than max";
  auto asInt64 = [&](const APInt &v) {
    return isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                      : v.getSExtValue();
  };
  node.setOutput(0, createIntegerClamp(
                        node.getBuilder(), node.getLoc(), node.getInputValue(0),
                        asInt64(bounds[0]), asInt64(bounds[1]), isUnsigned));
  return success();
}

LogicalResult importClip(NodeContext &node) {
  if (failed(node.checkArity(1, node.getOpset() < 11 ? 1 : 3)))
    return failure();
  Type elementType = node.getInputType(0).getElementType();
  if (node.getOpset() >= 12 && elementType.isInteger() &&
      !elementType.isInteger(1))
    return importIntegerClip(node);
  if (failed(node.checkFloatInput(0)))
    return failure();
  FailureOr<float> min =
      getClipBound(node, "min", 1, std::numeric_limits<float>::lowest());
  FailureOr<float> max =
      getClipBound(node, "max", 2, std::numeric_limits<float>::max());
  if (failed(min) || failed(max))
    return failure();
  if (*min > *max)
    return node.emitError()
           << "min " << *min << " is greater than max " << *max;
  node.setOutput(0, createClamp(node, node.getInputValue(0), *min, *max));
  return success();
}

/// x >= 0 ? x : alpha * x.
LogicalResult importLeakyRelu(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(node.checkFloatInput(0)))
    return failure();
  FailureOr<float> alpha = node.getFloatAttr("alpha", 0.01f);
  if (failed(alpha))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  auto type = cast<RankedTensorType>(input.getType());
  Value zero = createF32Splat(b, loc, 0.0f, type.getRank());
  Value isPositive = tosa::GreaterEqualOp::create(
      b, loc, type.clone(b.getI1Type()), input, zero);
  Value scaled =
      createMul(b, loc, input, createF32Splat(b, loc, *alpha, type.getRank()));
  node.setOutput(
      0, tosa::SelectOp::create(b, loc, type, isPositive, input, scaled));
  return success();
}

/// `lhs` and `rhs` reshaped to a common rank for a broadcasting TOSA op.
std::pair<Value, Value> expandToCommonRank(OpBuilder &b, Location loc,
                                           Value lhs, Value rhs) {
  int64_t rank = std::max(cast<RankedTensorType>(lhs.getType()).getRank(),
                          cast<RankedTensorType>(rhs.getType()).getRank());
  return {expandToRank(b, loc, lhs, rank), expandToRank(b, loc, rhs, rank)};
}

/// The type a broadcasting op on `lhs` and `rhs` produces, with `elementType`.
RankedTensorType getBroadcastType(Value lhs, Value rhs, Type elementType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(lhsType.getShape(), rhsType.getShape());
  return RankedTensorType::get(*shape, elementType);
}

LogicalResult checkBroadcastable(NodeContext &node, unsigned lhs,
                                 unsigned rhs) {
  if (!getBroadcastShape(node.getInputType(lhs).getShape(),
                         node.getInputType(rhs).getShape()))
    return node.emitError()
           << "operand shapes " << node.getInputType(lhs) << " and "
           << node.getInputType(rhs) << " are not broadcast-compatible";
  return success();
}

/// Checks that input `index` holds floats or signless integers.
LogicalResult checkNumericInput(NodeContext &node, unsigned index) {
  Type elementType = node.getInputType(index).getElementType();
  if (isa<FloatType>(elementType) ||
      (elementType.isSignlessInteger() && !elementType.isInteger(1)))
    return success();
  return node.emitError() << "input #" << index << " has unsupported type "
                          << node.getInputType(index);
}

enum class VariadicKind { Max, Min, Sum, Mean };

/// Max/Min/Sum/Mean of one or more broadcast-compatible inputs.
template <VariadicKind Kind> LogicalResult importVariadic(NodeContext &node) {
  if (failed(node.checkArity(1, std::max(1u, node.getNumInputs()))))
    return failure();
  Type elementType = node.getInputType(0).getElementType();
  for (unsigned i = 0; i < node.getNumInputs(); ++i) {
    if (!node.hasInput(i))
      return node.emitError() << "input #" << i << " is omitted";
    if (failed(checkNumericInput(node, i)))
      return failure();
    if (node.getInputType(i).getElementType() != elementType)
      return node.emitError() << "input #" << i << " " << node.getInputType(i)
                              << " differs in element type from input #0";
    if (failed(checkBroadcastable(node, 0, i)))
      return failure();
  }
  if (Kind == VariadicKind::Mean && !isa<FloatType>(elementType))
    return node.emitError() << "Mean needs float inputs";
  bool isUnsigned = node.isInputUnsigned(0);
  for (unsigned i = 1; i < node.getNumInputs(); ++i)
    if (node.isInputUnsigned(i) != isUnsigned)
      return node.emitError()
             << "input #" << i << " differs in signedness from input #0";
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value result = node.getInputValue(0);
  if (isa<IntegerType>(elementType)) {
    // TOSA's integer maximum/minimum are signed; arith has both.
    constexpr IntegerBinaryKind kIntegerKinds[] = {
        IntegerBinaryKind::Max, IntegerBinaryKind::Min, IntegerBinaryKind::Add,
        IntegerBinaryKind::Add};
    for (unsigned i = 1; i < node.getNumInputs(); ++i) {
      Value next = node.getInputValue(i);
      std::optional<SmallVector<int64_t>> shape =
          getBroadcastShape(cast<RankedTensorType>(result.getType()).getShape(),
                            node.getInputType(i).getShape());
      if (!shape)
        return node.emitError() << "inputs are not broadcast-compatible";
      result =
          createIntegerBinary(b, loc, kIntegerKinds[static_cast<int>(Kind)],
                              result, next, *shape, isUnsigned);
    }
    node.setOutput(0, result);
    return success();
  }
  for (unsigned i = 1; i < node.getNumInputs(); ++i) {
    auto [lhs, rhs] = expandToCommonRank(b, loc, result, node.getInputValue(i));
    std::optional<SmallVector<int64_t>> shape =
        getBroadcastShape(cast<RankedTensorType>(lhs.getType()).getShape(),
                          cast<RankedTensorType>(rhs.getType()).getShape());
    if (!shape)
      return node.emitError() << "inputs are not broadcast-compatible";
    auto type = RankedTensorType::get(*shape, elementType);
    switch (Kind) {
    case VariadicKind::Max:
      result = tosa::MaximumOp::create(b, loc, type, lhs, rhs);
      break;
    case VariadicKind::Min:
      result = tosa::MinimumOp::create(b, loc, type, lhs, rhs);
      break;
    case VariadicKind::Sum:
    case VariadicKind::Mean:
      result = tosa::AddOp::create(b, loc, type, lhs, rhs);
      break;
    }
  }
  if (Kind == VariadicKind::Mean && node.getNumInputs() > 1) {
    int64_t rank = cast<RankedTensorType>(result.getType()).getRank();
    result = createMul(b, loc, result,
                       createScalarSplat(b, loc, 1.0 / node.getNumInputs(),
                                         elementType, rank));
  }
  node.setOutput(0, result);
  return success();
}

/// x ^ y for integer x: exact integer powers for an integer exponent; a
/// float exponent is applied in f64 and the result truncated to x's type.
LogicalResult importIntegerPow(NodeContext &node) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type elementType = node.getInputType(0).getElementType();
  Type exponentType = node.getInputType(1).getElementType();
  bool isUnsigned = node.isInputUnsigned(0);
  std::optional<SmallVector<int64_t>> shape = getBroadcastShape(
      node.getInputType(0).getShape(), node.getInputType(1).getShape());
  Value base = node.getInputValue(0);
  Value exponent = node.getInputValue(1);
  if (isa<IntegerType>(exponentType)) {
    exponent = createConversion(b, loc, exponent, elementType,
                                node.isInputUnsigned(1), isUnsigned);
    node.setOutput(0, createIntegerBinary(b, loc, IntegerBinaryKind::Pow, base,
                                          exponent, *shape, isUnsigned));
    return success();
  }
  Type f64 = b.getF64Type();
  base = createBroadcastTo(
      b, loc, createConversion(b, loc, base, f64, isUnsigned, false), *shape);
  exponent = createBroadcastTo(
      b, loc, createConversion(b, loc, exponent, f64, false, false), *shape);
  Value power = math::PowFOp::create(b, loc, base, exponent);
  node.setOutput(
      0, createConversion(b, loc, power, elementType, false, isUnsigned));
  return success();
}

/// x ^ y for float x; an integer exponent is converted to x's type.
LogicalResult importPow(NodeContext &node) {
  if (failed(node.checkArity(2, 2)) || failed(checkNumericInput(node, 0)) ||
      failed(checkNumericInput(node, 1)) ||
      failed(checkBroadcastable(node, 0, 1)))
    return failure();
  if (isa<IntegerType>(node.getInputType(0).getElementType()))
    return importIntegerPow(node);
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type elementType = node.getInputType(0).getElementType();
  auto exponentType = node.getInputType(1).clone(elementType);
  Value exponent;
  if (DenseElementsAttr constant = node.getConstantInput(1);
      constant && !node.isInputUnsigned(1))
    exponent = createConst(
        b, loc,
        getConstantFromDoubles(exponentType, getDoubleValues(constant)));
  else if (node.getInputType(1).getElementType() != elementType)
    exponent = createConversion(b, loc, node.getInputValue(1), elementType,
                                node.isInputUnsigned(1), false);
  else
    exponent = node.getInputValue(1);
  auto [base, power] =
      expandToCommonRank(b, loc, node.getInputValue(0), exponent);
  node.setOutput(
      0, tosa::PowOp::create(b, loc, getBroadcastType(base, power, elementType),
                             base, power));
  return success();
}

/// -x; folds constants (the shape arithmetic of expanded functions negates
/// int64 axes).
LogicalResult importNeg(NodeContext &node) {
  if (failed(node.checkArity(1, 1)))
    return failure();
  if (DenseElementsAttr constant = node.getConstantInput(0)) {
    SmallVector<double> values = getDoubleValues(constant);
    for (double &v : values)
      v = -v;
    node.setConstantOutput(
        0, getConstantFromDoubles(cast<RankedTensorType>(constant.getType()),
                                  values));
    return success();
  }
  if (failed(node.checkFloatInput(0)))
    return failure();
  Value input = node.getInputValue(0);
  node.setOutput(0, tosa::NegateOp::create(node.getBuilder(), node.getLoc(),
                                           input.getType(), input));
  return success();
}

/// sqrt(x) = 1 / rsqrt(x); sqrt(0) = 1 / inf = 0.
LogicalResult importSqrt(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(node.checkFloatInput(0)))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  Value rsqrt = tosa::RsqrtOp::create(b, loc, input.getType(), input);
  node.setOutput(0, tosa::ReciprocalOp::create(b, loc, input.getType(), rsqrt));
  return success();
}

/// Round to nearest, ties to even (ONNX Round); TOSA has no such op.
LogicalResult importRound(NodeContext &node) {
  if (failed(node.checkArity(1, 1)) || failed(checkNumericInput(node, 0)))
    return failure();
  if (!isa<FloatType>(node.getInputType(0).getElementType()))
    return node.emitError() << "Round takes floats, got "
                            << node.getInputType(0);
  node.setOutput(0, math::RoundEvenOp::create(node.getBuilder(), node.getLoc(),
                                              node.getInputValue(0)));
  return success();
}

/// Builds the elementwise activations TOSA has no op for. Every helper takes
/// and returns values of the input's type; constants are rank-matched splats.
class ActivationBuilder {
public:
  ActivationBuilder(NodeContext &node, Value input)
      : b(node.getBuilder()), loc(node.getLoc()), input(input),
        type(cast<RankedTensorType>(input.getType())) {}

  Value getInput() const { return input; }
  Value splat(double value) {
    return createScalarSplat(b, loc, value, type.getElementType(),
                             type.getRank());
  }
  Value add(Value lhs, Value rhs) {
    return tosa::AddOp::create(b, loc, type, lhs, rhs);
  }
  Value sub(Value lhs, Value rhs) {
    return tosa::SubOp::create(b, loc, type, lhs, rhs);
  }
  Value mul(Value lhs, Value rhs) { return createMul(b, loc, lhs, rhs); }
  Value scale(Value value, double factor) {
    return factor == 1.0 ? value : mul(value, splat(factor));
  }
  Value exp(Value value) { return tosa::ExpOp::create(b, loc, type, value); }
  Value log(Value value) { return tosa::LogOp::create(b, loc, type, value); }
  Value abs(Value value) { return tosa::AbsOp::create(b, loc, type, value); }
  Value reciprocal(Value value) {
    return tosa::ReciprocalOp::create(b, loc, type, value);
  }
  Value clamp(Value value, float min, float max) {
    return tosa::ClampOp::create(
        b, loc, type, value, b.getF32FloatAttr(min), b.getF32FloatAttr(max),
        tosa::NanPropagationModeAttr::get(b.getContext(),
                                          tosa::NanPropagationMode::PROPAGATE));
  }
  Value maximum(Value lhs, Value rhs) {
    return tosa::MaximumOp::create(b, loc, type, lhs, rhs);
  }
  Value minimum(Value lhs, Value rhs) {
    return tosa::MinimumOp::create(b, loc, type, lhs, rhs);
  }
  /// lhs > rhs, as i1.
  Value greater(Value lhs, Value rhs) {
    return tosa::GreaterOp::create(b, loc, type.clone(b.getI1Type()), lhs, rhs);
  }
  Value select(Value condition, Value onTrue, Value onFalse) {
    return tosa::SelectOp::create(b, loc, type, condition, onTrue, onFalse);
  }

private:
  OpBuilder &b;
  Location loc;
  Value input;
  RankedTensorType type;
};

/// Reads the float attributes `names` (with their defaults), then sets the
/// node's output to `build(activation builder, attribute values)`.
template <typename BuildFn>
LogicalResult importActivation(NodeContext &node,
                               ArrayRef<std::pair<StringRef, float>> attributes,
                               BuildFn build) {
  if (failed(node.checkArity(1, 1)) || failed(node.checkFloatInput(0)))
    return failure();
  SmallVector<double> values;
  for (auto [name, defaultValue] : attributes) {
    FailureOr<float> value = node.getFloatAttr(name, defaultValue);
    if (failed(value))
      return failure();
    values.push_back(*value);
  }
  ActivationBuilder builder(node, node.getInputValue(0));
  node.setOutput(0, build(builder, ArrayRef<double>(values)));
  return success();
}

/// x > 0 ? x : alpha * (exp(x) - 1).
LogicalResult importElu(NodeContext &node) {
  return importActivation(
      node, {{"alpha", 1.0f}}, [](ActivationBuilder &a, ArrayRef<double> v) {
        Value x = a.getInput();
        Value negative = a.scale(a.sub(a.exp(x), a.splat(1.0)), v[0]);
        return a.select(a.greater(x, a.splat(0.0)), x, negative);
      });
}

/// gamma * (x > 0 ? x : alpha * (exp(x) - 1)).
LogicalResult importSelu(NodeContext &node) {
  return importActivation(
      node,
      {{"alpha", 1.67326319217681884765625f},
       {"gamma", 1.05070102214813232421875f}},
      [](ActivationBuilder &a, ArrayRef<double> v) {
        Value x = a.getInput();
        Value negative = a.scale(a.sub(a.exp(x), a.splat(1.0)), v[0]);
        return a.scale(a.select(a.greater(x, a.splat(0.0)), x, negative), v[1]);
      });
}

/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
LogicalResult importCelu(NodeContext &node) {
  return importActivation(
      node, {{"alpha", 1.0f}}, [](ActivationBuilder &a, ArrayRef<double> v) {
        Value x = a.getInput();
        Value zero = a.splat(0.0);
        Value negative =
            a.scale(a.sub(a.exp(a.scale(x, 1.0 / v[0])), a.splat(1.0)), v[0]);
        return a.add(a.maximum(zero, x), a.minimum(zero, negative));
      });
}

/// clamp(alpha * x + beta, 0, 1).
LogicalResult importHardSigmoid(NodeContext &node) {
  return importActivation(node, {{"alpha", 0.2f}, {"beta", 0.5f}},
                          [](ActivationBuilder &a, ArrayRef<double> v) {
                            Value linear = a.add(a.scale(a.getInput(), v[0]),
                                                 a.splat(v[1]));
                            return a.clamp(linear, 0.0f, 1.0f);
                          });
}

/// x * clamp(x / 6 + 1/2, 0, 1).
LogicalResult importHardSwish(NodeContext &node) {
  return importActivation(node, {}, [](ActivationBuilder &a, ArrayRef<double>) {
    Value x = a.getInput();
    Value gate =
        a.clamp(a.add(a.scale(x, 1.0 / 6.0), a.splat(0.5)), 0.0f, 1.0f);
    return a.mul(x, gate);
  });
}

/// log(exp(x) + 1).
LogicalResult importSoftplus(NodeContext &node) {
  return importActivation(node, {}, [](ActivationBuilder &a, ArrayRef<double>) {
    return a.log(a.add(a.exp(a.getInput()), a.splat(1.0)));
  });
}

/// x / (1 + |x|).
LogicalResult importSoftsign(NodeContext &node) {
  return importActivation(node, {}, [](ActivationBuilder &a, ArrayRef<double>) {
    Value x = a.getInput();
    return a.mul(x, a.reciprocal(a.add(a.abs(x), a.splat(1.0))));
  });
}

/// x > alpha ? x : 0.
LogicalResult importThresholdedRelu(NodeContext &node) {
  return importActivation(
      node, {{"alpha", 1.0f}}, [](ActivationBuilder &a, ArrayRef<double> v) {
        Value x = a.getInput();
        return a.select(a.greater(x, a.splat(v[0])), x, a.splat(0.0));
      });
}

/// x < 0 ? slope * x : x, with `slope` broadcast to x's shape.
LogicalResult importPRelu(NodeContext &node) {
  if (failed(node.checkArity(2, 2)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(type.getShape(), node.getInputType(1).getShape());
  if (!shape || *shape != type.getShape())
    return node.emitError() << "slope " << node.getInputType(1)
                            << " does not broadcast to the input " << type;
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value slope = expandToRank(b, loc, node.getInputValue(1), type.getRank());
  ActivationBuilder a(node, node.getInputValue(0));
  Value x = a.getInput();
  node.setOutput(0, a.select(a.greater(x, a.splat(0.0)), x, a.mul(x, slope)));
  return success();
}

/// Whether a Dropout node drops nothing: inference mode, or training mode
/// with ratio 0. Training with a nonzero ratio draws random masks, which a
/// compiled inference model has no business doing.
LogicalResult checkDropoutIsIdentity(NodeContext &node) {
  if (!node.hasInput(2))
    return success();
  FailureOr<DenseElementsAttr> training =
      node.getRequiredConstantInput(2, "training_mode");
  if (failed(training))
    return failure();
  if (training->getNumElements() != 1)
    return node.emitError() << "'training_mode' must be a scalar";
  if (getIntValues(*training).front() == 0)
    return success();
  FailureOr<DenseElementsAttr> ratio =
      node.getRequiredConstantInput(1, "ratio");
  if (failed(ratio))
    return failure();
  if (ratio->getNumElements() != 1 || !isa<FloatType>(ratio->getElementType()))
    return node.emitError() << "'ratio' must be a float scalar";
  if (getDoubleValues(*ratio).front() != 0.0)
    return node.emitError() << "training-mode Dropout with a nonzero ratio "
                               "draws random masks; export the model for "
                               "inference (training_mode = false)";
  return success();
}

/// Identity, and Dropout that drops nothing (its optional mask is all true).
LogicalResult importPassThrough(NodeContext &node) {
  if (failed(node.checkArity(1, node.getOp() == "Dropout" ? 3 : 1,
                             node.getOp() == "Dropout" ? 2 : 1)))
    return failure();
  if (node.getOp() == "Dropout" && failed(checkDropoutIsIdentity(node)))
    return failure();
  const TensorValue &input = node.getInput(0);
  if (input.constant)
    node.setConstantOutput(0, input.constant);
  else
    node.setOutput(0, input.value);
  if (node.getNumOutputs() > 1) {
    auto maskType = input.getType().clone(node.getBuilder().getI1Type());
    node.setConstantOutput(1, DenseElementsAttr::get(maskType, true));
  }
  return success();
}

} // namespace

void registerElementwiseOps(OpRegistry &registry) {
  registry.add("Add", importBinary<BinaryKind::Add>);
  registry.add("Sub", importBinary<BinaryKind::Sub>);
  registry.add("Mul", importBinary<BinaryKind::Mul>);
  registry.add("Div", importBinary<BinaryKind::Div>);
  registry.add("Relu", importRelu);
  registry.add("LeakyRelu", importLeakyRelu);
  registry.add("Clip", importClip);
  registry.add("Sigmoid", importUnary<tosa::SigmoidOp>);
  registry.add("Tanh", importUnary<tosa::TanhOp>);
  registry.add("Exp", importUnary<tosa::ExpOp>);
  registry.add("Log", importUnary<tosa::LogOp>);
  registry.add("Abs", importUnary<tosa::AbsOp>);
  registry.add("Floor", importUnary<tosa::FloorOp>);
  registry.add("Ceil", importUnary<tosa::CeilOp>);
  registry.add("Reciprocal", importUnary<tosa::ReciprocalOp>);
  registry.add("Sin", importUnary<tosa::SinOp>);
  registry.add("Cos", importUnary<tosa::CosOp>);
  registry.add("Erf", importUnary<tosa::ErfOp>);
  registry.add("Neg", importNeg);
  registry.add("Sqrt", importSqrt);
  registry.add("Round", importRound);
  registry.add("Pow", importPow);
  registry.add("Mod", importMod);
  registry.add("BitShift", importBitShift);
  registry.add("Max", importVariadic<VariadicKind::Max>);
  registry.add("Min", importVariadic<VariadicKind::Min>);
  registry.add("Sum", importVariadic<VariadicKind::Sum>);
  registry.add("Mean", importVariadic<VariadicKind::Mean>);
  registry.add("Elu", importElu);
  registry.add("Selu", importSelu);
  registry.add("Celu", importCelu);
  registry.add("HardSigmoid", importHardSigmoid);
  registry.add("HardSwish", importHardSwish);
  registry.add("Softplus", importSoftplus);
  registry.add("Softsign", importSoftsign);
  registry.add("ThresholdedRelu", importThresholdedRelu);
  registry.add("PRelu", importPRelu);
  registry.add("Identity", importPassThrough);
  registry.add("Dropout", importPassThrough);
}

} // namespace qcc::onnx_import
