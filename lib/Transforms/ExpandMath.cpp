//===- ExpandMath.cpp - self-contained transcendental functions -----------===//

#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qcc {
#define GEN_PASS_DEF_EXPANDMATHPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

struct ExpandMathPass : public qcc::impl::ExpandMathPassBase<ExpandMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto everything = [](StringRef) { return true; };
    // Narrow floats are widened to f32 first so that one set of
    // approximations serves every float type the importer produces.
    populateMathF32ExpansionPatterns(patterns, everything);
    populateMathPolynomialApproximationPatterns(patterns, everything);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
