//===- Cleanup.cpp - remove quantization boundaries between layers --------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/Quantization/GivenConstant.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

namespace {

/// quantize(dequantize(x : A)) : B -> requantize(x) : A -> B. Identical types
/// are handled by QuantizeOp's folder.
struct RequantizeFromPair : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "not fed by a dequantize");
    auto source = dequantize.getInput();
    if (source.getType() == op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "left to the folder");
    auto resultElement = op.getOutput().getType().getElementType();
    if (isa<quant::UniformQuantizedPerAxisType>(resultElement))
      return rewriter.notifyMatchFailure(op, "per-axis activations");
    rewriter.replaceOpWithNewOp<RequantizeOp>(
        op, op.getOutput().getType(), source, IntegerAttr(), IntegerAttr());
    return success();
  }
};

/// The stored form of a pad's float constant in `type`, when the constant is
/// exactly representable there (zero always is: it is z).
static std::optional<int64_t>
getStoredPadValue(tosa::PadOp pad, quant::UniformQuantizedType type) {
  std::optional<double> real = matchSplatFloat(pad.getPadConst());
  if (!real)
    return std::nullopt;
  double stored = *real / type.getScale() + type.getZeroPoint();
  if (stored != std::nearbyint(stored) || stored < type.getStorageTypeMin() ||
      stored > type.getStorageTypeMax())
    return std::nullopt;
  return static_cast<int64_t>(stored);
}

/// The pad constant `value` stored in `type`, as a quantized tensor<1>.
static Value createStoredPadConst(PatternRewriter &rewriter, Location loc,
                                  quant::UniformQuantizedType type,
                                  int64_t value) {
  unsigned width = type.getStorageTypeIntegralWidth();
  auto storageType = RankedTensorType::get({1}, rewriter.getIntegerType(width));
  Value stored = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(storageType,
                             APInt(width, value, /*isSigned=*/true)));
  return quant::StorageCastOp::create(rewriter, loc,
                                      RankedTensorType::get({1}, type), stored);
}

/// op(dequantize(x)) -> dequantize(op(x)) for ops that only move data, so
/// reshapes, transposes, slices, gathers (nearest resizes) and pads between
/// layers run on integers.
struct HoistDataMovement : public RewritePattern {
  HoistDataMovement(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    auto pad = dyn_cast<tosa::PadOp>(op);
    if (!isDataMovement(op) && !pad)
      return rewriter.notifyMatchFailure(op, "not data movement");
    auto dequantize = op->getOperand(0).getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "not fed by a dequantize");
    Value quantized = dequantize.getInput();
    Type element = cast<RankedTensorType>(quantized.getType()).getElementType();
    auto perTensor = dyn_cast<quant::UniformQuantizedType>(element);
    if (!perTensor)
      return rewriter.notifyMatchFailure(op, "per-axis quantization");
    IRMapping mapping;
    mapping.map(op->getOperand(0), quantized);
    if (pad) {
      // Padding holds the pad value in the input's type.
      std::optional<int64_t> stored = getStoredPadValue(pad, perTensor);
      if (!stored)
        return rewriter.notifyMatchFailure(op, "pad value not representable");
      mapping.map(
          pad.getPadConst(),
          createStoredPadConst(rewriter, op->getLoc(), perTensor, *stored));
    }
    Operation *moved = rewriter.clone(*op, mapping);
    auto floatType = cast<RankedTensorType>(op->getResult(0).getType());
    moved->getResult(0).setType(floatType.clone(element));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, floatType,
                                              moved->getResult(0));
    return success();
  }
};

/// quantize(op(x)) -> op(quantize(x)) for data movement, so that model
/// inputs are quantized first and moved as integers.
struct SinkQuantizeIntoDataMovement : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Operation *producer = op.getInput().getDefiningOp();
    if (!producer || !producer->hasOneUse() || !isDataMovement(producer))
      return rewriter.notifyMatchFailure(op, "not fed by data movement");
    Type element = op.getOutput().getType().getElementType();
    if (!isa<quant::UniformQuantizedType>(element))
      return rewriter.notifyMatchFailure(op, "per-axis quantization");
    Value input = producer->getOperand(0);
    auto inputType = cast<RankedTensorType>(input.getType());
    rewriter.setInsertionPoint(producer);
    Value quantized = QuantizeOp::create(rewriter, op.getLoc(),
                                         inputType.clone(element), input);
    IRMapping mapping;
    mapping.map(input, quantized);
    Operation *moved = rewriter.clone(*producer, mapping);
    moved->getResult(0).setType(op.getOutput().getType());
    rewriter.replaceOp(op, moved->getResults());
    rewriter.eraseOp(producer);
    return success();
  }
};

} // namespace

bool qcc::isDataMovement(Operation *op) {
  // A gather moves its values (operand 0) by run-time or constant indices.
  return isa<tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp,
             tosa::IdentityOp, tosa::GatherOp, tosa::TileOp, tosa::ReverseOp>(
      op);
}

void qcc::populateQuantizedDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<HoistDataMovement, SinkQuantizeIntoDataMovement>(
      patterns.getContext());
}

void qcc::populateQuantizationCleanupPatterns(RewritePatternSet &patterns) {
  patterns.add<RequantizeFromPair>(patterns.getContext());
  populateQuantizedDataMovementPatterns(patterns);
  QuantizeOp::getCanonicalizationPatterns(patterns, patterns.getContext());
}
