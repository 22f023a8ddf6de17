//===- WeightPatterns.cpp - qcc.dequantized_constant to linalg ------------===//
//
// A weight-only quantized constant becomes its integer storage and scales as
// arith.constant and one parallel linalg.generic that dequantizes it:
//
//   w[i] = f32(q[i]) * scales[i_0 floordiv b_0, ..., i_r floordiv b_r]
//
// For 4-bit storage the generic reads byte (..., j floordiv 2) and picks the
// low nibble for even j and the high one for odd j, sign-extended with an
// arithmetic shift. The dequantized tensor is a full f32 buffer that the
// float consumer (matmul, convolution) reads; after bufferization it lives
// in the caller's workspace. The object stores only the integers and the
// scales; each call pays one pass over the weights to expand them.
//
//===----------------------------------------------------------------------===//

#include "GenericBuilder.h"

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace qcc;

namespace {

struct DequantizedConstantLowering
    : public OpConversionPattern<DequantizedConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizedConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    RankedTensorType resultType = op.getOutput().getType();
    ArrayRef<int64_t> shape = resultType.getShape();
    unsigned rank = resultType.getRank();
    auto scalesType = cast<RankedTensorType>(op.getScales().getType());
    bool packed = op.getBits() == 4;

    Value storage = arith::ConstantOp::create(rewriter, loc, op.getStorage());
    Value scales = arith::ConstantOp::create(rewriter, loc, op.getScales());

    SmallVector<AffineExpr> storageExprs, scaleExprs;
    for (unsigned d = 0; d < rank; ++d) {
      AffineExpr dim = getAffineDimExpr(d, context);
      storageExprs.push_back(packed && d + 1 == rank ? dim.floorDiv(2) : dim);
      int64_t blocks = scalesType.getDimSize(d);
      int64_t block = shape[d] / blocks;
      if (blocks == 1)
        scaleExprs.push_back(getAffineConstantExpr(0, context));
      else if (block == 1)
        scaleExprs.push_back(dim);
      else
        scaleExprs.push_back(dim.floorDiv(block));
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, storageExprs, context),
        AffineMap::get(rank, 0, scaleExprs, context)};

    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {storage, scales}, maps,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) -> Value {
          Value q = args[0];
          if (packed) {
            // Even j: shift the low nibble up first; odd j: the high nibble
            // is already on top. An arithmetic shift by 4 sign-extends.
            Value four = arith::ConstantIntOp::create(b, nestedLoc, 4, 8);
            Value j = linalg::IndexOp::create(b, nestedLoc, rank - 1);
            Value one = arith::ConstantIndexOp::create(b, nestedLoc, 1);
            Value zero = arith::ConstantIndexOp::create(b, nestedLoc, 0);
            Value parity = arith::AndIOp::create(b, nestedLoc, j, one);
            Value even = arith::CmpIOp::create(
                b, nestedLoc, arith::CmpIPredicate::eq, parity, zero);
            Value lowUp = arith::ShLIOp::create(b, nestedLoc, q, four);
            Value top = arith::SelectOp::create(b, nestedLoc, even, lowUp, q);
            q = arith::ShRSIOp::create(b, nestedLoc, top, four);
          }
          Value real = arith::SIToFPOp::create(b, nestedLoc, b.getF32Type(), q);
          return arith::MulFOp::create(b, nestedLoc, real, args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateQccWeightToLinalgPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<DequantizedConstantLowering>(converter, patterns.getContext());
}
