//===- Cleanup.cpp - remove quantization boundaries between layers --------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"

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

/// op(dequantize(x)) -> dequantize(op(x)) for ops that only move data, so
/// reshapes and transposes between layers run on integers.
struct HoistDataMovement : public RewritePattern {
  HoistDataMovement(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp,
             tosa::IdentityOp>(op))
      return rewriter.notifyMatchFailure(op, "not data movement");
    auto dequantize = op->getOperand(0).getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "not fed by a dequantize");
    Value quantized = dequantize.getInput();
    Type element = cast<RankedTensorType>(quantized.getType()).getElementType();
    if (!isa<quant::UniformQuantizedType>(element))
      return rewriter.notifyMatchFailure(op, "per-axis quantization");
    IRMapping mapping;
    mapping.map(op->getOperand(0), quantized);
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
    if (!producer || !producer->hasOneUse() ||
        !isa<tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp,
             tosa::IdentityOp>(producer))
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

void qcc::populateQuantizedDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<HoistDataMovement, SinkQuantizeIntoDataMovement>(
      patterns.getContext());
}

void qcc::populateQuantizationCleanupPatterns(RewritePatternSet &patterns) {
  patterns.add<RequantizeFromPair>(patterns.getContext());
  populateQuantizedDataMovementPatterns(patterns);
  QuantizeOp::getCanonicalizationPatterns(patterns, patterns.getContext());
}
