//===- FuseElementwise.cpp - element-wise fusion that keeps epilogues -----===//
//
// Upstream's element-wise fusion (`linalg-fuse-elementwise-ops`) with one
// exception: a requantizing epilogue (`qcc.requantize_epilogue`) is never
// fused with its producers or consumers. The CPU code generation stage fuses
// it into the contraction's micro-kernel instead, which it can only do while
// the epilogue is its own op with its attribute. Upstream's splat folding is
// left out for the same reason: it rebuilds the epilogue without its
// attribute and asks no control function first.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qcc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;

namespace {

/// Whether `op` is a named linalg op with reduction loops: a contraction,
/// convolution or pooling that the code generation stage recognizes by name.
static bool isNamedReduction(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && !isa<linalg::GenericOp>(op) &&
         linalgOp.getNumReductionLoops() != 0;
}

/// Whether `producer`'s body divides or calls a math function: work worth
/// doing once per element it produces, not once per element that reads it.
static bool hasCostlyBody(Operation *producer) {
  bool costly = false;
  producer->walk([&](Operation *op) {
    if (isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::FloorDivSIOp, arith::DivFOp,
            arith::RemFOp>(op) ||
        (op->getDialect() && op->getDialect()->getNamespace() == "math"))
      costly = true;
  });
  return costly;
}

/// Whether fusing `fused` into its owner would compute the producer's
/// elements more than once where that costs: its indexing map leaves out
/// some of the owner's parallel loops (an activation broadcast along a
/// matmul's N, a per-row reciprocal broadcast along the row), and the owner
/// reduces or the producer divides or calls a math function.
static bool recomputesProducer(OpOperand *fused) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  Operation *producer = fused->get().getDefiningOp();
  if (!consumer || !producer ||
      (consumer.getNumReductionLoops() == 0 && !hasCostlyBody(producer)))
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(fused);
  SmallVector<utils::IteratorType> iterators = consumer.getIteratorTypesArray();
  for (auto [dim, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::parallel && !map.isFunctionOfDim(dim))
      return true;
  return false;
}

/// Whether fusing through `fused` (an operand of its consumer) is allowed:
/// upstream's default (a producer with one user), never into or out of a
/// requantizing epilogue or a named contraction (both are the code
/// generation stage's to fuse into micro-kernels), and never when the fused
/// producer would be recomputed for every element of a reduction's output or,
/// if it divides or calls a math function, of any broadcast.
static bool allowFusion(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  Operation *owner = fused->getOwner();
  if (!producer || !producer->hasOneUse())
    return false;
  if (isNamedReduction(producer) || isNamedReduction(owner) ||
      recomputesProducer(fused))
    return false;
  return !qcc::getRequantizeEpilogue(producer) &&
         !qcc::getRequantizeEpilogue(owner);
}

/// Fuses an element-wise producer into its consumer generic.
struct FuseElementwiseProducer : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (!linalg::areElementwiseOpsFusable(&operand) || !allowFusion(&operand))
        continue;
      Operation *producer = operand.get().getDefiningOp();
      FailureOr<linalg::ElementwiseOpFusionResult> fusion =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fusion))
        return rewriter.notifyMatchFailure(consumer, "fusion failed");
      for (auto [original, replacement] : fusion->replacements)
        rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
          return use.get().getDefiningOp() != producer;
        });
      rewriter.eraseOp(consumer);
      return success();
    }
    return rewriter.notifyMatchFailure(consumer, "no fusable producer");
  }
};

/// An all-parallel generic that never reads its init gets a fresh
/// tensor.empty as init, so that bufferization need not copy the old one.
struct DropUnreadInit : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumParallelLoops() != op.getNumLoops() ||
        !op.hasPureTensorSemantics())
      return failure();
    bool changed = false;
    rewriter.startOpModification(op);
    for (OpOperand &init : op.getDpsInitsMutable()) {
      if (op.payloadUsesValueFromOperand(&init) ||
          init.get().getDefiningOp<tensor::EmptyOp>())
        continue;
      auto type = cast<RankedTensorType>(init.get().getType());
      if (!type.hasStaticShape())
        continue;
      init.set(tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(),
                                       type.getElementType()));
      changed = true;
    }
    if (!changed) {
      rewriter.cancelOpModification(op);
      return failure();
    }
    rewriter.finalizeOpModification(op);
    return success();
  }
};

struct FuseElementwisePass
    : public qcc::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FuseElementwiseProducer, DropUnreadInit>(context);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, allowFusion);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    // Constant weights are transposed at compile time.
    linalg::populateConstantFoldLinalgOperations(patterns, allowFusion);
    // Top-down, as upstream's pass does, for compile time.
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      return signalPassFailure();
  }
};

} // namespace
