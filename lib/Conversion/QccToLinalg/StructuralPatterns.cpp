//===- StructuralPatterns.cpp - type-only conversions ---------------------===//
//
// Ops that only move or reshape data work on any element type: after type
// conversion they are rebuilt unchanged on the storage type. quant.scast,
// the bridge between integer and quantized tensors, disappears.
//
//===----------------------------------------------------------------------===//

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace qcc;

namespace {

struct StorageCastLowering : public OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (resultType != adaptor.getInput().getType())
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Rebuilds a data-movement op with converted operand and result types.
struct ElementTypeAgnosticLowering : public ConversionPattern {
  ElementTypeAgnosticLowering(const TypeConverter &converter,
                              MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          context) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isElementTypeAgnostic(op) || op->getNumRegions() != 0)
      return rewriter.notifyMatchFailure(op, "not a data-movement op");
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return rewriter.notifyMatchFailure(op, "unconvertible result type");
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs(), op->getSuccessors());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

} // namespace

bool qcc::isElementTypeAgnostic(Operation *op) {
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::ExtractSliceOp, tensor::InsertSliceOp, tensor::CastOp,
             tensor::EmptyOp, tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp,
             tosa::IdentityOp, tosa::TileOp, tosa::GatherOp, tosa::ReverseOp,
             tosa::PadOp>(op);
}

void qcc::populateQccStructuralTypeConversionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<StorageCastLowering, ElementTypeAgnosticLowering>(
      converter, patterns.getContext());
}
