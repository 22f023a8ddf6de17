//===- WeightPatterns.cpp - qcc.dequantized_constant to linalg ------------===//
//
// A weight-only quantized constant becomes its integer storage and scales as
// arith.constant and one parallel linalg.generic that dequantizes it:
//
//   w[i] = f32(q[i]) * scales[i_0 floordiv b_0, ..., i_r floordiv b_r]
//
// For 4-bit storage the generic reads byte (..., j floordiv 2) and picks the
// low nibble for even j and the high one for odd j, sign-extended with an
// arithmetic shift.
//
// A tosa.matmul whose right operand is such a constant is lowered with the
// dequantization inside its contraction: each multiply-add reads the stored
// integer and its scale, so the f32 weights never exist in memory and the
// workspace holds no copy of them. The reduction runs in the same order
// with the same roundings as a matmul over the expanded weights, so results
// are unchanged. Other consumers (convolutions) read a full f32 tensor that
// one parallel generic expands into the caller's workspace on each call.
//
//===----------------------------------------------------------------------===//

#include "GenericBuilder.h"

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace qcc;

namespace {

/// The affine expressions, over the dimensions `dims` of the constant's
/// indices, that address its storage and its scales.
struct WeightAccess {
  SmallVector<AffineExpr> storage, scales;
};

static WeightAccess getWeightAccess(DequantizedConstantOp op,
                                    ArrayRef<AffineExpr> dims) {
  ArrayRef<int64_t> shape = op.getOutput().getType().getShape();
  auto scalesType = cast<RankedTensorType>(op.getScales().getType());
  bool packed = op.getBits() == 4;
  MLIRContext *context = op.getContext();
  WeightAccess access;
  for (auto [d, dim] : llvm::enumerate(dims)) {
    access.storage.push_back(packed && d + 1 == dims.size() ? dim.floorDiv(2)
                                                            : dim);
    int64_t blocks = scalesType.getDimSize(d);
    int64_t block = shape[d] / blocks;
    if (blocks == 1)
      access.scales.push_back(getAffineConstantExpr(0, context));
    else if (block == 1)
      access.scales.push_back(dim);
    else
      access.scales.push_back(dim.floorDiv(block));
  }
  return access;
}

/// f32(q) * scale for the stored byte `q` of the element whose innermost
/// index is loop dimension `innerDim` (which nibble, for 4-bit storage).
static Value buildDequantizedElement(OpBuilder &b, Location loc, Value q,
                                     Value scale, bool packed,
                                     unsigned innerDim) {
  if (packed) {
    // Even j: shift the low nibble up first; odd j: the high nibble is
    // already on top. An arithmetic shift by 4 sign-extends.
    Value four = arith::ConstantIntOp::create(b, loc, 4, 8);
    Value j = linalg::IndexOp::create(b, loc, innerDim);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value parity = arith::AndIOp::create(b, loc, j, one);
    Value even =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, parity, zero);
    Value lowUp = arith::ShLIOp::create(b, loc, q, four);
    Value top = arith::SelectOp::create(b, loc, even, lowUp, q);
    q = arith::ShRSIOp::create(b, loc, top, four);
  }
  Value real = arith::SIToFPOp::create(b, loc, b.getF32Type(), q);
  return arith::MulFOp::create(b, loc, real, scale);
}

struct DequantizedConstantLowering
    : public OpConversionPattern<DequantizedConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizedConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    RankedTensorType resultType = op.getOutput().getType();
    unsigned rank = resultType.getRank();
    bool packed = op.getBits() == 4;

    Value storage = arith::ConstantOp::create(rewriter, loc, op.getStorage());
    Value scales = arith::ConstantOp::create(rewriter, loc, op.getScales());
    SmallVector<AffineExpr> dims;
    for (unsigned d = 0; d < rank; ++d)
      dims.push_back(getAffineDimExpr(d, context));
    WeightAccess access = getWeightAccess(op, dims);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, access.storage, context),
        AffineMap::get(rank, 0, access.scales, context)};
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {storage, scales}, maps,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) -> Value {
          return buildDequantizedElement(b, nestedLoc, args[0], args[1], packed,
                                         rank - 1);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// tosa.matmul(a, dequantized_constant) -> one contraction that dequantizes
/// each weight where it multiplies it:
///
///   out[b, m, n] = sum_k a[b, m, k] * (f32(q[b, k, n]) * s[...])
///
/// accumulated from 0.0 in order of k, as the matmul over the expanded
/// weights is. Runs before the dialect conversion (tosa.matmul is legal
/// there); a constant left without users is erased.
struct MatMulOfDequantizedConstant : public OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto weights = op.getB().getDefiningOp<DequantizedConstantOp>();
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!weights || !resultType || !resultType.getElementType().isF32() ||
        !op.getA().getType().getElementType().isF32() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a weight-only matmul");
    // Float matmuls have zero points of 0 (TOSA requires it).
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    Value storage =
        arith::ConstantOp::create(rewriter, loc, weights.getStorage());
    Value scales =
        arith::ConstantOp::create(rewriter, loc, weights.getScales());
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(0.0f));
    Value init =
        linalg::FillOp::create(rewriter, loc, zero,
                               tensor::EmptyOp::create(rewriter, loc,
                                                       resultType.getShape(),
                                                       rewriter.getF32Type())
                                   .getResult())
            .getResult(0);
    // Loop dimensions (b, m, n, k); the weights are indexed (b, k, n).
    AffineExpr b = getAffineDimExpr(0, context),
               m = getAffineDimExpr(1, context),
               n = getAffineDimExpr(2, context),
               k = getAffineDimExpr(3, context);
    WeightAccess access = getWeightAccess(weights, {b, k, n});
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {b, m, k}, context),
        AffineMap::get(4, 0, access.storage, context),
        AffineMap::get(4, 0, access.scales, context),
        AffineMap::get(4, 0, {b, m, n}, context)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::parallel, utils::IteratorType::reduction};
    bool packed = weights.getBits() == 4;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{op.getA(), storage, scales},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          Value w = buildDequantizedElement(nested, nestedLoc, args[1], args[2],
                                            packed, /*innerDim=*/2);
          Value product = arith::MulFOp::create(nested, nestedLoc, args[0], w);
          Value sum =
              arith::AddFOp::create(nested, nestedLoc, args[3], product);
          linalg::YieldOp::create(nested, nestedLoc, sum);
        });
    rewriter.replaceOp(op, generic.getResults());
    if (weights->use_empty())
      rewriter.eraseOp(weights);
    return success();
  }
};

} // namespace

void qcc::populateQccWeightFusionPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulOfDequantizedConstant>(patterns.getContext());
}

void qcc::populateQccWeightToLinalgPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<DequantizedConstantLowering>(converter, patterns.getContext());
}
