//===- QccToLinalg.cpp - the qcc-lower-to-linalg pass ---------------------===//

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"
#include "qcc/Conversion/Passes.h"
#include "qcc/Dialect/Qcc/IR/QccDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace qcc {
#define GEN_PASS_DEF_LOWERQCCTOLINALGPASS
#include "qcc/Conversion/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion(
      [](quant::QuantizedType type) -> Type { return type.getStorageType(); });
  addConversion([](RankedTensorType type) -> Type {
    auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
    if (!quantized)
      return type;
    return RankedTensorType::get(type.getShape(), quantized.getStorageType());
  });
}

namespace {

struct LowerQccToLinalgPass
    : public qcc::impl::LowerQccToLinalgPassBase<LowerQccToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet fusion(context);
    populateQccWeightFusionPatterns(fusion);
    walkAndApplyPatterns(getOperation(), std::move(fusion));

    QuantStorageTypeConverter converter;
    RewritePatternSet patterns(context);
    populateQccElementwiseToLinalgPatterns(converter, patterns);
    populateQccContractionToLinalgPatterns(converter, patterns);
    populateQccPoolingToLinalgPatterns(converter, patterns);
    populateQccSoftmaxToLinalgPatterns(converter, patterns);
    populateQccWeightToLinalgPatterns(converter, patterns);
    populateQccStructuralTypeConversionPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*context);
    target.addIllegalDialect<QccDialect>();
    target.addIllegalOp<quant::StorageCastOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
