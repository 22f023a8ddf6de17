//===- Elementwise.cpp - ONNX elementwise operators to TOSA ---------------===//
//
// Add/Sub/Mul/Div with numpy broadcasting (TOSA needs equal ranks, so the
// lower-rank operand is reshaped), activations, and the pass-through ops
// Identity and Dropout (inference mode).
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

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

  DenseElementsAttr lhsConst = node.getConstantInput(0);
  DenseElementsAttr rhsConst = node.getConstantInput(1);
  constexpr int64_t kMaxFoldedElements = 1 << 16;
  if (lhsConst && rhsConst &&
      lhsType.clone(*shape).getNumElements() <= kMaxFoldedElements) {
    node.setConstantOutput(0, foldBinary(Kind, lhsConst, rhsConst, *shape));
    return success();
  }
  if (failed(node.checkFloatInput(0)))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
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

LogicalResult importClip(NodeContext &node) {
  if (failed(node.checkArity(1, node.getOpset() < 11 ? 1 : 3)) ||
      failed(node.checkFloatInput(0)))
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

/// Identity, and Dropout in inference mode (its optional mask is all true).
LogicalResult importPassThrough(NodeContext &node) {
  if (failed(node.checkArity(1, node.getOp() == "Dropout" ? 3 : 1,
                             node.getOp() == "Dropout" ? 2 : 1)))
    return failure();
  if (node.getOp() == "Dropout" && node.hasInput(2)) {
    DenseElementsAttr training = node.getConstantInput(2);
    if (!training || getIntValues(training).front() != 0)
      return node.emitError()
             << "training_mode must be a constant false for inference";
  }
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
  registry.add("Identity", importPassThrough);
  registry.add("Dropout", importPassThrough);
}

} // namespace qcc::onnx_import
