//===- PoolingPatterns.cpp - pooling and concat to integer linalg ---------===//

#include "GenericBuilder.h"
#include "IntegerMath.h"

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/Dialect/Qcc/Utils/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qcc;

namespace {

/// Pads an NHWC storage tensor spatially with `value` (a stored integer).
static Value padSpatially(OpBuilder &b, Location loc, Value input,
                          ArrayRef<int64_t> pad, const QuantParams &params,
                          int64_t value) {
  if (llvm::all_of(pad, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  Type storage = type.getElementType();
  Value padValue = arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(storage, APInt(params.storageWidth, value,
                                      /*isSigned=*/true)));
  auto paddedType = RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1) + pad[0] + pad[1],
       type.getDimSize(2) + pad[2] + pad[3], type.getDimSize(3)},
      storage);
  MLIRContext *context = b.getContext();
  return tensor::PadOp::create(
      b, loc, paddedType, input,
      getAsIndexOpFoldResult(context, {0, pad[0], pad[2], 0}),
      getAsIndexOpFoldResult(context, {0, pad[1], pad[3], 0}), padValue);
}

/// A window reduction over a padded NHWC input: loops n, oh, ow, c | kh, kw.
static Value buildWindowReduction(
    OpBuilder &b, Location loc, Value padded, Value init,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0,
                     {d(0), d(1) * stride[0] + d(4), d(2) * stride[1] + d(5),
                      d(3)},
                     context),
      AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, context)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);
  // The kernel extent is carried by the loop bounds, which linalg infers
  // from an operand: pass a kernel-shaped dummy tensor as the first input.
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getI8Type());
  maps.insert(maps.begin(), AffineMap::get(6, 0, {d(4), d(5)}, context));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{window, padded},
      ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        linalg::YieldOp::create(nested, loc,
                                combine(nested, loc, args[1], args[2]));
      });
  return generic.getResult(0);
}

struct MaxPool2DLowering : public OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    QuantParams params =
        QuantParams::get(getQuantizedType(op.getInput().getType()));
    // The storage minimum never beats a real element, so padding with it
    // keeps padding out of the result.
    Value padded = padSpatially(rewriter, loc, adaptor.getInput(),
                                op.getPad(), params, params.storageMin);
    Value minimum = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getIntegerAttr(resultType.getElementType(),
                                APInt(params.storageWidth, params.storageMin,
                                      /*isSigned=*/true)));
    Value init = linalg::FillOp::create(
                     rewriter, loc, minimum,
                     ValueRange{tensor::EmptyOp::create(
                         rewriter, loc, resultType.getShape(),
                         resultType.getElementType())})
                     .getResult(0);
    std::pair<int64_t, int64_t> range = op.getSaturationRange();
    int64_t lo = range.first, hi = range.second;
    Value result = buildWindowReduction(
        rewriter, loc, padded, init, op.getKernel(), op.getStride(),
        [&](OpBuilder &b, Location loc, Value element, Value best) -> Value {
          Value wideElement = extendStorage(b, loc, element, params, 32);
          Value wideBest = extendStorage(b, loc, best, params, 32);
          Value larger = arith::MaxSIOp::create(b, loc, wideElement, wideBest);
          return arith::TruncIOp::create(b, loc, element.getType(), larger);
        });
    if (lo > params.storageMin || hi < params.storageMax)
      result = buildParallelGeneric(
          rewriter, loc, resultType, result,
          rewriter.getMultiDimIdentityMap(4),
          [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
            Value x = extendStorage(b, loc, args[0], params, 64);
            return saturateToStorage(b, loc, x, intConstant(b, loc, 0, 64),
                                     lo, hi, params.storageWidth);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AvgPool2DLowering : public OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = op.getInput().getType();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    if (!inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    QuantParams x = QuantParams::get(getQuantizedType(inputType));
    QuantParams y = QuantParams::get(getQuantizedType(op.getOutput().getType()));
    ArrayRef<int64_t> kernel = op.getKernel(), stride = op.getStride(),
                      pad = op.getPad();
    int64_t height = inputType.getDimSize(1), width = inputType.getDimSize(2);
    int64_t oh = resultType.getDimSize(1), ow = resultType.getDimSize(2);

    // One multiplier per output position: s_x / (s_y * count), where count
    // depends on how much of the window lies in the input.
    SmallVector<int64_t> multipliers, shifts;
    SmallVector<double> reals;
    for (int64_t i = 0; i < oh; ++i) {
      for (int64_t j = 0; j < ow; ++j) {
        auto inBounds = [](int64_t start, int64_t k, int64_t size) {
          int64_t first = std::max<int64_t>(start, 0);
          int64_t last = std::min<int64_t>(start + k, size);
          return std::max<int64_t>(last - first, 0);
        };
        int64_t count =
            op.getCountIncludePad()
                ? kernel[0] * kernel[1]
                : inBounds(i * stride[0] - pad[0], kernel[0], height) *
                      inBounds(j * stride[1] - pad[2], kernel[1], width);
        reals.push_back(x.scales[0] /
                        (y.scales[0] * static_cast<double>(count)));
      }
    }
    if (failed(getFixedPointMultipliers(op, reals, multipliers, shifts)))
      return failure();

    // Padding holds z_x, so it adds nothing to the sum of (x - z_x).
    Value padded = padSpatially(rewriter, loc, adaptor.getInput(), pad, x,
                                x.zeroPoints[0]);
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getI32Type());
    Value zero = intConstant(rewriter, loc, 0, 32);
    Value init = linalg::FillOp::create(
                     rewriter, loc, zero,
                     ValueRange{tensor::EmptyOp::create(
                         rewriter, loc, accType.getShape(),
                         rewriter.getI32Type())})
                     .getResult(0);
    Value sum = buildWindowReduction(
        rewriter, loc, padded, init, kernel, stride,
        [&](OpBuilder &b, Location loc, Value element, Value acc) -> Value {
          Value wide = extendStorage(b, loc, element, x, 32);
          Value centered = arith::SubIOp::create(
              b, loc, wide, intConstant(b, loc, x.zeroPoints[0], 32));
          return arith::AddIOp::create(b, loc, acc, centered);
        });

    auto table = [&](ArrayRef<int64_t> values) {
      auto type = RankedTensorType::get({oh, ow}, rewriter.getI64Type());
      SmallVector<APInt> elements;
      for (int64_t value : values)
        elements.push_back(APInt(64, value, /*isSigned=*/true));
      return arith::ConstantOp::create(rewriter, loc,
                                       DenseElementsAttr::get(type, elements));
    };
    Value m = table(multipliers), n = table(shifts);
    auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
    AffineMap positionMap = AffineMap::get(4, 0, {d(1), d(2)}, context);
    std::pair<int64_t, int64_t> range = op.getSaturationRange();
    int64_t lo = range.first, hi = range.second;
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {sum, m, n},
        {rewriter.getMultiDimIdentityMap(4), positionMap, positionMap},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value wide = arith::ExtSIOp::create(b, loc, b.getI64Type(), args[0]);
          Value scaled = applyMultiplier(b, loc, wide, args[1], args[2]);
          return saturateToStorage(b, loc, scaled,
                                   intConstant(b, loc, y.zeroPoints[0], 64),
                                   lo, hi, y.storageWidth);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConcatLowering : public OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    QuantParams y = QuantParams::get(getQuantizedType(op.getOutput().getType()));
    int64_t axis = op.getAxis();
    unsigned rank = resultType.getRank();

    Value result = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           resultType.getElementType());
    int64_t offset = 0;
    for (auto [original, converted] :
         llvm::zip(op.getInputs(), adaptor.getInputs())) {
      auto inputType = cast<RankedTensorType>(original.getType());
      Value part = converted;
      if (inputType.getElementType() != op.getOutput().getType().getElementType()) {
        auto partType = RankedTensorType::get(inputType.getShape(),
                                              resultType.getElementType());
        FailureOr<Value> requantized = buildRequantize(
            rewriter, op, converted,
            QuantParams::get(getQuantizedType(inputType)), y, partType,
            y.storageMin, y.storageMax);
        if (failed(requantized))
          return failure();
        part = *requantized;
      }
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes;
      for (int64_t size : inputType.getShape())
        sizes.push_back(rewriter.getIndexAttr(size));
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(rewriter, loc, part, result,
                                             offsets, sizes, strides);
      offset += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateQccPoolingToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering, ConcatLowering>(
      converter, patterns.getContext());
}
