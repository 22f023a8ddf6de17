//===- QuantizeDynamic.cpp - run-time activation quantization -------------===//
//
// Transformer-style models have activation ranges that vary from input to
// input, so a calibrated range fits badly; dynamic quantization measures the
// range of each matmul's input on every call instead. The rewrite is in
// float TOSA plus arith/math on tensors, so the ordinary lowering handles it.
//
//===----------------------------------------------------------------------===//

#include "qcc/Quantization/Passes.h"
#include "qcc/Quantization/Scheme.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace qcc {
#define GEN_PASS_DEF_QUANTIZEDYNAMICPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;

namespace {

/// A tensor of `type` filled with the f32 `value`.
Value createF32Splat(OpBuilder &b, Location loc, RankedTensorType type,
                     float value) {
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, value));
}

/// max|x| over all of `x` ([N, M, K]), as a [1, 1, 1] tensor.
Value createMaxAbs(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  Value result = tosa::AbsOp::create(b, loc, type, x);
  for (int32_t axis = 0; axis < 3; ++axis) {
    auto current = cast<RankedTensorType>(result.getType());
    SmallVector<int64_t> shape(current.getShape());
    shape[axis] = 1;
    result = tosa::ReduceMaxOp::create(b, loc, current.clone(shape), result,
                                       b.getI32IntegerAttr(axis));
  }
  return result;
}

LogicalResult quantizeMatMul(tosa::MatMulOp matmul) {
  auto aType = cast<RankedTensorType>(matmul.getA().getType());
  auto bType = cast<RankedTensorType>(matmul.getB().getType());
  // Constant weights, possibly through a reshape (the canonicalizer leaves
  // reshapes of constants with several users, e.g. a shared weight).
  DenseElementsAttr weights;
  Value weightValue = matmul.getB();
  if (auto reshape = weightValue.getDefiningOp<tosa::ReshapeOp>())
    weightValue = reshape.getInput1();
  if (!matchPattern(weightValue, m_Constant(&weights)) ||
      !bType.hasStaticShape())
    return failure();
  weights = weights.reshape(bType);
  if (!aType.getElementType().isF32() || !bType.getElementType().isF32() ||
      !bType.hasStaticShape() || !aType.hasStaticShape())
    return failure();
  SmallVector<float> values(weights.getValues<float>());
  if (!llvm::all_of(values, [](float v) { return std::isfinite(v); }))
    return failure();

  OpBuilder b(matmul);
  Location loc = matmul.getLoc();
  MLIRContext *context = b.getContext();
  // Weights: per output column (the last axis of [N, K, C]).
  qcc::QuantizedWeights quantized =
      qcc::quantizeWeights(context, values, bType.getShape(), 2);
  auto i8Weights = bType.clone(b.getI8Type());
  Value weightConst = tosa::ConstOp::create(
      b, loc, i8Weights,
      DenseElementsAttr::get(i8Weights, ArrayRef<int8_t>(quantized.values)));
  int64_t columns = bType.getDimSize(2);
  SmallVector<float> weightScales;
  for (double scale : quantized.scales)
    weightScales.push_back(static_cast<float>(scale));
  auto scaleType = RankedTensorType::get({1, 1, columns}, b.getF32Type());
  Value weightScale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scaleType, ArrayRef<float>(weightScales)));

  // Activation scale, per call: max|x| / 127, or 1 for an all-zero input.
  auto unitType = RankedTensorType::get({1, 1, 1}, b.getF32Type());
  Value maxAbs = createMaxAbs(b, loc, matmul.getA());
  Value zero = createF32Splat(b, loc, unitType, 0.0f);
  Value isZero =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, maxAbs, zero);
  Value scale = arith::SelectOp::create(
      b, loc, isZero, createF32Splat(b, loc, unitType, 1.0f),
      arith::DivFOp::create(b, loc, maxAbs,
                            createF32Splat(b, loc, unitType, 127.0f)));

  // q = clamp(roundeven(x / s), -127, 127), as int8.
  auto fullShape = aType.getShape();
  // `value` (unit dimensions where `shape` has others) tiled to `shape`.
  auto broadcastScale = [&](Value value, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> multiples;
    for (auto [extent, target] : llvm::zip_equal(type.getShape(), shape))
      multiples.push_back(extent == target ? 1 : target);
    return tosa::TileOp::create(
        b, loc, type.clone(shape), value,
        tosa::ConstShapeOp::create(
            b, loc, tosa::shapeType::get(context, 3),
            DenseIntElementsAttr::get(
                RankedTensorType::get({3}, b.getIndexType()), multiples)));
  };

  Value scaled = arith::DivFOp::create(b, loc, matmul.getA(),
                                       broadcastScale(scale, fullShape));
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  Value clamped = arith::MinimumFOp::create(
      b, loc,
      arith::MaximumFOp::create(b, loc, rounded,
                                createF32Splat(b, loc, aType, -127.0f)),
      createF32Splat(b, loc, aType, 127.0f));
  // Through i32: a direct f32 -> i8 conversion vectorizes on RISC-V V to a
  // narrowing vfncvt.rtz, which the qemu-user that tests cross builds
  // aborts on; the values are already clamped, so truncation is exact.
  Value q = arith::TruncIOp::create(
      b, loc, aType.clone(b.getI8Type()),
      arith::FPToSIOp::create(b, loc, aType.clone(b.getI32Type()), clamped));

  // int8 x int8 -> int32, then back to float with s_x * s_w[c].
  auto resultType = cast<RankedTensorType>(matmul.getType());
  auto i8ZeroType = RankedTensorType::get({1}, b.getI8Type());
  Value zp = tosa::ConstOp::create(
      b, loc, i8ZeroType,
      DenseElementsAttr::get(i8ZeroType, static_cast<int8_t>(0)));
  Value accumulators = tosa::MatMulOp::create(
      b, loc, resultType.clone(b.getI32Type()), q, weightConst, zp, zp);
  Value multiplier = arith::MulFOp::create(
      b, loc, broadcastScale(scale, {1, 1, columns}), weightScale);
  Value result = arith::MulFOp::create(
      b, loc, arith::SIToFPOp::create(b, loc, resultType, accumulators),
      broadcastScale(multiplier, resultType.getShape()));
  matmul.getResult().replaceAllUsesWith(result);
  matmul.erase();
  return success();
}

struct QuantizeDynamicPass
    : public qcc::impl::QuantizeDynamicPassBase<QuantizeDynamicPass> {
  void runOnOperation() override {
    SmallVector<tosa::MatMulOp> matmuls;
    getOperation().walk([&](tosa::MatMulOp op) { matmuls.push_back(op); });
    for (tosa::MatMulOp matmul : matmuls)
      (void)quantizeMatMul(matmul);
  }
};

} // namespace
