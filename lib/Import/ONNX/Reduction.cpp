//===- Reduction.cpp - ONNX Reduce* operators to TOSA ---------------------===//
//
// Each Reduce* op becomes one TOSA reduction per axis (TOSA reduces a single
// axis and keeps it as a unit dimension), bracketed by elementwise ops for
// the composite reductions (L1, L2, SumSquare, LogSum, LogSumExp, Mean), and
// a reshape that drops the reduced axes when keepdims=0. The axes come from
// an attribute, or from a constant input for ReduceSum from opset 13 on.
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;

namespace qcc::onnx_import {
namespace {

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  SumSquare,
  LogSum,
  LogSumExp
};

/// Whether `kind` only makes sense on floats.
bool needsFloat(ReduceKind kind) {
  return kind != ReduceKind::Sum && kind != ReduceKind::Max &&
         kind != ReduceKind::Min && kind != ReduceKind::Prod;
}

/// The reduced axes, normalized and sorted, or nullopt when the op is the
/// identity (no axes and noop_with_empty_axes=1).
FailureOr<std::optional<SmallVector<int64_t>>>
getReducedAxes(NodeContext &node, int64_t rank) {
  bool axesAreInput = node.getOp() == "ReduceSum" && node.getOpset() >= 13;
  FailureOr<int64_t> noopWithEmptyAxes =
      node.getIntAttr("noop_with_empty_axes", 0);
  if (failed(noopWithEmptyAxes))
    return failure();
  SmallVector<int64_t> axes;
  if (axesAreInput && node.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> values =
        node.getConstantIntsInput(1, "axes");
    if (failed(values))
      return failure();
    axes = *values;
  } else if (!axesAreInput && node.hasAttr("axes")) {
    FailureOr<SmallVector<int64_t>> values = node.getIntsAttr("axes");
    if (failed(values))
      return failure();
    axes = *values;
  }
  if (axes.empty()) {
    if (*noopWithEmptyAxes)
      return std::optional<SmallVector<int64_t>>();
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
    return std::optional<SmallVector<int64_t>>(axes);
  }
  llvm::SmallBitVector seen(rank);
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank, "axes");
    if (failed(normalized))
      return failure();
    if (seen.test(*normalized))
      return node.emitError() << "axis " << axis << " is repeated";
    seen.set(*normalized);
    axis = *normalized;
  }
  llvm::sort(axes);
  return std::optional<SmallVector<int64_t>>(axes);
}

/// Reduces `input` over `axes` with the TOSA reduction `TosaOp`, keeping the
/// reduced axes.
template <typename TosaOp>
Value createReduce(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    input = TosaOp::create(b, loc, type.clone(shape), input,
                           b.getI32IntegerAttr(axis));
  }
  return input;
}

template <ReduceKind Kind> LogicalResult importReduce(NodeContext &node) {
  bool axesAreInput = node.getOp() == "ReduceSum" && node.getOpset() >= 13;
  if (failed(node.checkArity(1, axesAreInput ? 2 : 1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  Type elementType = type.getElementType();
  if (needsFloat(Kind) ? !isa<FloatType>(elementType)
                       : !isa<FloatType>(elementType) &&
                             (!elementType.isSignlessInteger() ||
                              elementType.isInteger(1)))
    return node.emitError() << "unsupported input type " << type;
  FailureOr<int64_t> keepDims = node.getIntAttr("keepdims", 1);
  FailureOr<std::optional<SmallVector<int64_t>>> axes =
      getReducedAxes(node, type.getRank());
  if (failed(keepDims) || failed(axes))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  if (!*axes) {
    node.setOutput(0, input);
    return success();
  }
  ArrayRef<int64_t> reduced = **axes;
  int64_t count = 1;
  for (int64_t axis : reduced)
    count *= type.getDimSize(axis);
  auto square = [&](Value v) { return createMul(b, loc, v, v); };

  Value result;
  switch (Kind) {
  case ReduceKind::Sum:
    result = createReduceSum(b, loc, input, reduced);
    break;
  case ReduceKind::Mean:
    result = createReduceSum(b, loc, input, reduced);
    result = createMul(
        b, loc, result,
        createScalarSplat(b, loc, 1.0 / count, elementType, type.getRank()));
    break;
  case ReduceKind::Max:
    result = createReduce<tosa::ReduceMaxOp>(b, loc, input, reduced);
    break;
  case ReduceKind::Min:
    result = createReduce<tosa::ReduceMinOp>(b, loc, input, reduced);
    break;
  case ReduceKind::Prod:
    result = createReduce<tosa::ReduceProductOp>(b, loc, input, reduced);
    break;
  case ReduceKind::L1:
    result = createReduceSum(b, loc, tosa::AbsOp::create(b, loc, type, input),
                             reduced);
    break;
  case ReduceKind::L2: {
    Value sum = createReduceSum(b, loc, square(input), reduced);
    // sqrt(s) = 1 / rsqrt(s), which is 0 for s = 0.
    Value rsqrt = tosa::RsqrtOp::create(b, loc, sum.getType(), sum);
    result = tosa::ReciprocalOp::create(b, loc, sum.getType(), rsqrt);
    break;
  }
  case ReduceKind::SumSquare:
    result = createReduceSum(b, loc, square(input), reduced);
    break;
  case ReduceKind::LogSum: {
    Value sum = createReduceSum(b, loc, input, reduced);
    result = tosa::LogOp::create(b, loc, sum.getType(), sum);
    break;
  }
  case ReduceKind::LogSumExp: {
    // max + log(sum(exp(x - max))) cannot overflow.
    Value max = createReduce<tosa::ReduceMaxOp>(b, loc, input, reduced);
    Value shifted = tosa::SubOp::create(b, loc, type, input, max);
    Value exp = tosa::ExpOp::create(b, loc, type, shifted);
    Value sum = createReduceSum(b, loc, exp, reduced);
    Value log = tosa::LogOp::create(b, loc, sum.getType(), sum);
    result = tosa::AddOp::create(b, loc, sum.getType(), log, max);
    break;
  }
  }
  if (!*keepDims) {
    SmallVector<int64_t> shape;
    for (auto [d, extent] : llvm::enumerate(type.getShape()))
      if (!llvm::is_contained(reduced, static_cast<int64_t>(d)))
        shape.push_back(extent);
    result = createReshape(b, loc, result, shape);
  }
  node.setOutput(0, result);
  return success();
}

} // namespace

void registerReductionOps(OpRegistry &registry) {
  registry.add("ReduceSum", importReduce<ReduceKind::Sum>);
  registry.add("ReduceMean", importReduce<ReduceKind::Mean>);
  registry.add("ReduceMax", importReduce<ReduceKind::Max>);
  registry.add("ReduceMin", importReduce<ReduceKind::Min>);
  registry.add("ReduceProd", importReduce<ReduceKind::Prod>);
  registry.add("ReduceL1", importReduce<ReduceKind::L1>);
  registry.add("ReduceL2", importReduce<ReduceKind::L2>);
  registry.add("ReduceSumSquare", importReduce<ReduceKind::SumSquare>);
  registry.add("ReduceLogSum", importReduce<ReduceKind::LogSum>);
  registry.add("ReduceLogSumExp", importReduce<ReduceKind::LogSumExp>);
}

} // namespace qcc::onnx_import
