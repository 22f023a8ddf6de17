//===- Linear.cpp - ONNX Gemm and MatMul to TOSA --------------------------===//
//
// Both lower to the rank-3 tosa.matmul. MatMul follows numpy semantics: 1-D
// operands gain and then lose a unit dimension, batch dimensions broadcast.
// When only the left operand has batch dimensions (the common activation x
// weight case) they fold into the row dimension instead of tiling weights.
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// Input `index` transposed by `perms`, folded if it is a constant.
Value getTransposedInput(NodeContext &node, unsigned index,
                         ArrayRef<int64_t> perms) {
  if (DenseElementsAttr constant = node.getConstantInput(index))
    return createConst(node.getBuilder(), node.getLoc(),
                       transposeConstant(constant, perms));
  return createTranspose(node.getBuilder(), node.getLoc(),
                         node.getInputValue(index), perms);
}

/// [batch, m, k] x [batch, k, n] -> [batch, m, n].
Value createMatMul3D(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto resultType = lhsType.clone(
      {lhsType.getDimSize(0), lhsType.getDimSize(1), rhsType.getDimSize(2)});
  Value zp = createZeroPoint(b, loc, lhsType.getElementType());
  return tosa::MatMulOp::create(b, loc, resultType, lhs, rhs, zp, zp);
}

Value broadcastBatch(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> batch) {
  int64_t rank = batch.size() + 2;
  input = expandToRank(b, loc, input, rank);
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> multiples(rank, 1), shape(type.getShape());
  bool needsTile = false;
  for (auto [d, extent] : llvm::enumerate(batch)) {
    if (shape[d] != extent) {
      multiples[d] = extent;
      shape[d] = extent;
      needsTile = true;
    }
  }
  if (!needsTile)
    return input;
  auto shapeType = RankedTensorType::get({rank}, b.getIndexType());
  Value multiplesValue = tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(b.getContext(), rank),
      DenseIntElementsAttr::get(shapeType, multiples));
  return tosa::TileOp::create(b, loc, type.clone(shape), input, multiplesValue);
}

LogicalResult importMatMul(NodeContext &node) {
  if (failed(node.checkArity(2, 2)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)))
    return failure();
  RankedTensorType lhsType = node.getInputType(0);
  RankedTensorType rhsType = node.getInputType(1);
  if (lhsType.getRank() < 1 || rhsType.getRank() < 1)
    return node.emitError() << "operands must have rank >= 1, got " << lhsType
                            << " and " << rhsType;
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> lhsShape(lhsType.getShape()),
      rhsShape(rhsType.getShape());
  if (lhsShape.size() == 1)
    lhsShape.insert(lhsShape.begin(), 1);
  if (rhsShape.size() == 1)
    rhsShape.push_back(1);
  int64_t m = lhsShape[lhsShape.size() - 2], k = lhsShape.back();
  int64_t n = rhsShape.back();
  if (rhsShape[rhsShape.size() - 2] != k)
    return node.emitError()
           << "inner dimensions differ: " << lhsType << " x " << rhsType;
  ArrayRef<int64_t> lhsBatch = ArrayRef(lhsShape).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef(rhsShape).drop_back(2);
  std::optional<SmallVector<int64_t>> batch =
      getBroadcastShape(lhsBatch, rhsBatch);
  if (!batch)
    return node.emitError() << "batch dimensions of " << lhsType << " and "
                            << rhsType << " are not broadcast-compatible";
  int64_t batchSize = 1;
  for (int64_t d : *batch)
    batchSize *= d;
  int64_t rhsBatchSize = 1;
  for (int64_t d : rhsBatch)
    rhsBatchSize *= d;

  Value lhs = createReshape(b, loc, node.getInputValue(0), lhsShape);
  Value rhs = createReshape(b, loc, node.getInputValue(1), rhsShape);
  Value product;
  if (rhsBatchSize == 1) {
    lhs = createReshape(b, loc, lhs, {1, batchSize * m, k});
    rhs = createReshape(b, loc, rhs, {1, k, n});
  } else {
    lhs = createReshape(b, loc, broadcastBatch(b, loc, lhs, *batch),
                        {batchSize, m, k});
    rhs = createReshape(b, loc, broadcastBatch(b, loc, rhs, *batch),
                        {batchSize, k, n});
  }
  product = createMatMul3D(b, loc, lhs, rhs);

  SmallVector<int64_t> resultShape(*batch);
  if (lhsType.getRank() > 1)
    resultShape.push_back(m);
  if (rhsType.getRank() > 1)
    resultShape.push_back(n);
  node.setOutput(0, createReshape(b, loc, product, resultShape));
  return success();
}

/// Y = alpha * A' x B' + beta * C.
LogicalResult importGemm(NodeContext &node) {
  if (failed(node.checkArity(2, 3)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)))
    return failure();
  FailureOr<int64_t> transA = node.getIntAttr("transA", 0);
  FailureOr<int64_t> transB = node.getIntAttr("transB", 0);
  FailureOr<float> alpha = node.getFloatAttr("alpha", 1.0f);
  FailureOr<float> beta = node.getFloatAttr("beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  RankedTensorType aType = node.getInputType(0), bType = node.getInputType(1);
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return node.emitError()
           << "A and B must be 2-D, got " << aType << " and " << bType;
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value lhs =
      *transA ? getTransposedInput(node, 0, {1, 0}) : node.getInputValue(0);
  Value rhs =
      *transB ? getTransposedInput(node, 1, {1, 0}) : node.getInputValue(1);
  ArrayRef<int64_t> lhsShape = cast<RankedTensorType>(lhs.getType()).getShape();
  ArrayRef<int64_t> rhsShape = cast<RankedTensorType>(rhs.getType()).getShape();
  int64_t m = lhsShape[0], k = lhsShape[1], n = rhsShape[1];
  if (rhsShape[0] != k)
    return node.emitError() << "inner dimensions differ: A' is " << m << "x"
                            << k << ", B' is " << rhsShape[0] << "x" << n;

  Value result = createMatMul3D(b, loc, createReshape(b, loc, lhs, {1, m, k}),
                                createReshape(b, loc, rhs, {1, k, n}));
  result = createReshape(b, loc, result, {m, n});
  if (*alpha != 1.0f)
    result = createMul(b, loc, result, createF32Splat(b, loc, *alpha, 2));
  if (node.hasInput(2) && *beta != 0.0f) {
    if (failed(node.checkFloatInput(2)))
      return failure();
    RankedTensorType cType = node.getInputType(2);
    std::optional<SmallVector<int64_t>> shape =
        getBroadcastShape({m, n}, cType.getShape());
    if (!shape || *shape != ArrayRef<int64_t>{m, n})
      return node.emitError()
             << "C " << cType << " does not broadcast to " << m << "x" << n;
    Value c;
    if (DenseElementsAttr constant = node.getConstantInput(2);
        constant && *beta != 1.0f) {
      SmallVector<double> values = getDoubleValues(constant);
      for (double &v : values)
        v *= *beta;
      c = createConst(b, loc, getConstantFromDoubles(cType, values));
    } else {
      c = node.getInputValue(2);
      if (*beta != 1.0f)
        c = createMul(b, loc, expandToRank(b, loc, c, 2),
                      createF32Splat(b, loc, *beta, 2));
    }
    c = expandToRank(b, loc, c, 2);
    result = tosa::AddOp::create(b, loc, result.getType(), result, c);
  }
  node.setOutput(0, result);
  return success();
}

} // namespace

void registerLinearOps(OpRegistry &registry) {
  registry.add("Gemm", importGemm);
  registry.add("MatMul", importMatMul);
}

} // namespace qcc::onnx_import
