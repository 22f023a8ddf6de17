//===- SoftmaxPatterns.cpp - qcc.softmax to integer linalg ----------------===//
//
// Five linalg ops over the rows [R, N] of the input: the row maximum, the
// tabulated exponentials, their row sum, one int64 reciprocal per row, and
// the elementwise result (see qcc.softmax for the arithmetic).
//
//===----------------------------------------------------------------------===//

#include "GenericBuilder.h"
#include "IntegerMath.h"

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qcc;

namespace {

/// The contract's constants: e_i * floor(2^47 / S) >> 32 = 2^15 e_i / S, the
/// probability in Q15.
constexpr int64_t kReciprocalNumerator = int64_t(1) << 47;
constexpr int64_t kProbabilityShift = 32;
constexpr double kProbabilityScale = 0x1p-15;

/// A row reduction [R, N] -> [R] i32 of `input` starting from `initial`;
/// `combine` gets the element and the accumulator.
static Value buildRowReduction(
    OpBuilder &b, Location loc, Value input, int64_t initial, int64_t rows,
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)> combine) {
  MLIRContext *context = b.getContext();
  Type i32 = b.getI32Type();
  Value init = linalg::FillOp::create(
                   b, loc, intConstant(b, loc, initial, 32),
                   ValueRange{tensor::EmptyOp::create(b, loc, {rows}, i32)})
                   .getResult(0);
  AffineMap element = AffineMap::getMultiDimIdentityMap(2, context);
  AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(0, context)}, context);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{input},
             ValueRange{init}, {element, row},
             {utils::IteratorType::parallel, utils::IteratorType::reduction},
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               linalg::YieldOp::create(nested, loc, combine(nested, loc, args));
             })
      .getResult(0);
}

struct SoftmaxLowering : public OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = op.getInput().getType();
    if (!inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    QuantParams in = QuantParams::get(getQuantizedType(inputType));
    QuantParams out =
        QuantParams::get(getQuantizedType(op.getOutput().getType()));
    SmallVector<int64_t> multiplier, shift;
    if (failed(getFixedPointMultipliers(op, {kProbabilityScale / out.scales[0]},
                                        multiplier, shift)))
      return failure();

    // [..., N] -> [R, N].
    int64_t rank = inputType.getRank();
    int64_t length = inputType.getShape().back();
    int64_t rows = inputType.getNumElements() / length;
    SmallVector<ReassociationIndices> reassociation(2);
    for (int64_t i = 0; i < rank - 1; ++i)
      reassociation[0].push_back(i);
    reassociation[1].push_back(rank - 1);
    if (rank == 1)
      reassociation = {{0, 1}};
    auto rowsType = [&](Type element) {
      return RankedTensorType::get({rows, length}, element);
    };
    Value input = adaptor.getInput();
    Type storage = in.getStorageType(context);
    if (rank == 1)
      input = tensor::ExpandShapeOp::create(rewriter, loc, rowsType(storage),
                                            input, reassociation);
    else if (rank > 2)
      input = tensor::CollapseShapeOp::create(rewriter, loc, rowsType(storage),
                                              input, reassociation);

    Value table = arith::ConstantOp::create(rewriter, loc, op.getExpTable());
    // e = exp_table[max - x] as i32.
    auto weight = [&](OpBuilder &b, Location loc, Value x, Value max) {
      Value d =
          arith::SubIOp::create(b, loc, max, extendStorage(b, loc, x, in, 32));
      Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), d);
      return tensor::ExtractOp::create(b, loc, table, index).getResult();
    };

    Value max = buildRowReduction(
        rewriter, loc, input, in.storageMin, rows,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::MaxSIOp::create(
              b, loc, extendStorage(b, loc, args[0], in, 32), args[1]);
        });
    // The exponentials once, as a tensor: the lookups are the only
    // gathers, and the sum and the result read them as plain vectors.
    AffineMap element = AffineMap::getMultiDimIdentityMap(2, context);
    AffineMap row =
        AffineMap::get(2, 0, {getAffineDimExpr(0, context)}, context);
    Value exps = buildParallelGeneric(
        rewriter, loc, rowsType(rewriter.getI32Type()), ValueRange{input, max},
        {element, row},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return weight(b, loc, args[0], args[1]);
        });
    Value sum = buildRowReduction(
        rewriter, loc, exps, 0, rows,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::AddIOp::create(b, loc, args[1], args[0]);
        });
    Type i64 = rewriter.getI64Type();
    AffineMap identity1 = AffineMap::getMultiDimIdentityMap(1, context);
    Value reciprocal = buildParallelGeneric(
        rewriter, loc, RankedTensorType::get({rows}, i64), sum, identity1,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value wide = arith::ExtSIOp::create(b, loc, i64, args[0]);
          return arith::DivSIOp::create(
              b, loc, intConstant(b, loc, kReciprocalNumerator, 64), wide);
        });

    Value result = buildParallelGeneric(
        rewriter, loc, rowsType(out.getStorageType(context)),
        ValueRange{exps, reciprocal}, {element, row},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value e = arith::ExtSIOp::create(b, loc, i64, args[0]);
          Value probability = roundingShiftRight(
              b, loc, arith::MulIOp::create(b, loc, e, args[1]),
              intConstant(b, loc, kProbabilityShift, 64));
          Value scaled = applyMultiplier(b, loc, probability,
                                         intConstant(b, loc, multiplier[0], 64),
                                         intConstant(b, loc, shift[0], 64));
          return saturateToStorage(
              b, loc, scaled, intConstant(b, loc, out.zeroPoints[0], 64),
              out.storageMin, out.storageMax, out.storageWidth);
        });
    if (rank == 1)
      result = tensor::CollapseShapeOp::create(rewriter, loc, resultType,
                                               result, reassociation);
    else if (rank > 2)
      result = tensor::ExpandShapeOp::create(rewriter, loc, resultType, result,
                                             reassociation);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateQccSoftmaxToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering>(converter, patterns.getContext());
}
