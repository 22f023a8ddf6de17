//===- ExpandMath.cpp - self-contained transcendental functions -----------===//

#include "qcc/Transforms/HalfConversion.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/DialectConversion.h"
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
    MLIRContext *context = &getContext();
    // Arithmetic on f16 and bf16 runs in f32 (exact for + - * / and sqrt:
    // f32 has more than twice their precision), leaving only conversions,
    // which the patterns below turn into integer code.
    Type f32 = Float32Type::get(context);
    TypeConverter converter;
    arith::populateEmulateUnsupportedFloatsConversions(
        converter, {Float16Type::get(context), BFloat16Type::get(context)},
        f32);
    RewritePatternSet emulation(context);
    arith::populateEmulateUnsupportedFloatsPatterns(emulation, converter);
    ConversionTarget target(*context);
    arith::populateEmulateUnsupportedFloatsLegality(target, converter);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(emulation))))
      return signalPassFailure();

    RewritePatternSet patterns(context);
    auto everything = [](StringRef) { return true; };
    // Narrow floats are widened to f32 first so that one set of
    // approximations serves every float type the importer produces.
    populateMathF32ExpansionPatterns(patterns, everything);
    populateMathPolynomialApproximationPatterns(patterns, everything);
    // bfloat16 conversions as integer code: LLVM would call compiler-rt's
    // __truncsfbf2, which freestanding targets may lack.
    arith::populateExpandBFloat16Patterns(patterns);
    populateExpandHalfConversionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
