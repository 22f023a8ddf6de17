//===- ElementwisePatterns.cpp - element-wise qcc ops to linalg -----------===//
//
// quantize, dequantize, requantize, clamp, lookup, add and mul become one
// all-parallel linalg.generic each. Per-axis parameters are small constant
// vectors read through a map on the quantized axis; per-tensor parameters
// use the same path with a map to element 0, so both share one body.
//
//===----------------------------------------------------------------------===//

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

/// Per-element parameter vectors broadcast over `rank` loops.
struct ParameterInputs {
  SmallVector<Value> values;
  SmallVector<AffineMap> maps;

  void add(OpBuilder &b, Location loc, ArrayRef<int64_t> vector, unsigned width,
           unsigned rank, int64_t axis) {
    values.push_back(createIntVector(b, loc, vector, width));
    maps.push_back(getParameterMap(b.getContext(), rank, axis));
  }
  void addF32(OpBuilder &b, Location loc, ArrayRef<double> vector,
              unsigned rank, int64_t axis) {
    values.push_back(createF32Vector(b, loc, vector));
    maps.push_back(getParameterMap(b.getContext(), rank, axis));
  }
};

struct QuantizeLowering : public OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    QuantParams params =
        QuantParams::get(getQuantizedType(op.getOutput().getType()));
    unsigned rank = resultType.getRank();
    if (!op.getInput().getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "only f32 input is lowered");
    // The rounding below is exact for |x / s| < 2^22, which clamping to the
    // storage range guarantees only for storage of at most 16 bits.
    if (params.storageWidth > 16)
      return op.emitOpError("quantizing to ")
             << params.storageWidth << "-bit storage is not supported";

    ParameterInputs inputs;
    inputs.values.push_back(adaptor.getInput());
    inputs.maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    SmallVector<double> lows, highs;
    for (int64_t zp : params.zeroPoints) {
      lows.push_back(static_cast<double>(params.storageMin - zp));
      highs.push_back(static_cast<double>(params.storageMax - zp));
    }
    inputs.addF32(rewriter, loc, params.scales, rank, params.axis);
    inputs.add(rewriter, loc, params.zeroPoints, 32, rank, params.axis);
    inputs.addF32(rewriter, loc, lows, rank, params.axis);
    inputs.addF32(rewriter, loc, highs, rank, params.axis);

    unsigned width = params.storageWidth;
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, inputs.values, inputs.maps,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value x = args[0], scale = args[1], zp = args[2], lo = args[3],
                hi = args[4];
          Value scaled = arith::DivFOp::create(b, loc, x, scale);
          // Clamping before rounding is equivalent for integer bounds and
          // keeps the conversion below in range.
          Value clamped = arith::MaximumFOp::create(b, loc, scaled, lo);
          clamped = arith::MinimumFOp::create(b, loc, clamped, hi);
          // |clamped| < 2^22, where adding and subtracting 1.5 * 2^23 rounds
          // to the nearest integer, ties to even, on every IEEE target
          // without a libm call.
          Value magic =
              arith::ConstantOp::create(b, loc, b.getF32FloatAttr(12582912.0f));
          Value rounded = arith::SubFOp::create(
              b, loc, arith::AddFOp::create(b, loc, clamped, magic), magic);
          Value isNaN =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
          Value zero =
              arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
          rounded = arith::SelectOp::create(b, loc, isNaN, zero, rounded);
          Value asInt =
              arith::FPToSIOp::create(b, loc, b.getI32Type(), rounded);
          Value stored = arith::AddIOp::create(b, loc, asInt, zp);
          return arith::TruncIOp::create(b, loc, b.getIntegerType(width),
                                         stored);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering : public OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = op.getOutput().getType();
    if (!resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "only f32 output is lowered");
    QuantParams params =
        QuantParams::get(getQuantizedType(op.getInput().getType()));
    unsigned rank = resultType.getRank();

    ParameterInputs inputs;
    inputs.values.push_back(adaptor.getInput());
    inputs.maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    inputs.addF32(rewriter, loc, params.scales, rank, params.axis);
    inputs.add(rewriter, loc, params.zeroPoints, 32, rank, params.axis);
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, inputs.values, inputs.maps,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value q = extendStorage(b, loc, args[0], params, 32);
          Value centered = arith::SubIOp::create(b, loc, q, args[2]);
          Value real =
              arith::SIToFPOp::create(b, loc, b.getF32Type(), centered);
          return arith::MulFOp::create(b, loc, real, args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

FailureOr<Value> qcc::buildRequantize(OpBuilder &b, Operation *op, Value input,
                                      const QuantParams &in,
                                      const QuantParams &out,
                                      RankedTensorType resultType, int64_t lo,
                                      int64_t hi) {
  Location loc = op->getLoc();
  unsigned rank = resultType.getRank();
  int64_t axis = in.isPerTensor() ? out.axis : in.axis;
  size_t channels = std::max(in.scales.size(), out.scales.size());

  SmallVector<double> reals;
  SmallVector<int64_t> inZps, outZps;
  for (size_t c = 0; c < channels; ++c) {
    size_t i = in.isPerTensor() ? 0 : c, o = out.isPerTensor() ? 0 : c;
    reals.push_back(in.scales[i] / out.scales[o]);
    inZps.push_back(in.zeroPoints[i]);
    outZps.push_back(out.zeroPoints[o]);
  }
  SmallVector<int64_t> multipliers, shifts;
  if (failed(getFixedPointMultipliers(op, reals, multipliers, shifts)))
    return failure();

  ParameterInputs inputs;
  inputs.values.push_back(input);
  inputs.maps.push_back(b.getMultiDimIdentityMap(rank));
  for (ArrayRef<int64_t> vector :
       {ArrayRef<int64_t>(inZps), ArrayRef<int64_t>(outZps),
        ArrayRef<int64_t>(multipliers), ArrayRef<int64_t>(shifts)})
    inputs.add(b, loc, vector, 64, rank, channels == 1 ? -1 : axis);
  return buildParallelGeneric(
      b, loc, resultType, inputs.values, inputs.maps,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value x = extendStorage(nested, loc, args[0], in, 64);
        Value centered = arith::SubIOp::create(nested, loc, x, args[1]);
        Value scaled = applyMultiplier(nested, loc, centered, args[3], args[4]);
        return saturateToStorage(nested, loc, scaled, args[2], lo, hi,
                                 out.storageWidth);
      });
}

namespace {

struct RequantizeLowering : public OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    std::pair<int64_t, int64_t> range = op.getSaturationRange();
    FailureOr<Value> result = buildRequantize(
        rewriter, op, adaptor.getInput(),
        QuantParams::get(getQuantizedType(op.getInput().getType())),
        QuantParams::get(getQuantizedType(op.getOutput().getType())),
        resultType, range.first, range.second);
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct ClampLowering : public OpConversionPattern<ClampOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ClampOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    QuantParams params =
        QuantParams::get(getQuantizedType(op.getInput().getType()));
    auto lo = static_cast<int64_t>(op.getMin());
    auto hi = static_cast<int64_t>(op.getMax());
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, adaptor.getInput(),
        rewriter.getMultiDimIdentityMap(resultType.getRank()),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value x = extendStorage(b, loc, args[0], params, 64);
          return saturateToStorage(b, loc, x, intConstant(b, loc, 0, 64), lo,
                                   hi, params.storageWidth);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LookupLowering : public OpConversionPattern<LookupOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LookupOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    QuantParams in =
        QuantParams::get(getQuantizedType(op.getInput().getType()));
    auto table = cast<DenseElementsAttr>(op.getTable());
    auto tableType = RankedTensorType::get({table.getNumElements()},
                                           resultType.getElementType());
    Value tableValue = arith::ConstantOp::create(
        rewriter, loc,
        table.getType() == tableType
            ? table
            : table.bitcast(tableType.getElementType()));
    QuantParams out =
        QuantParams::get(getQuantizedType(op.getOutput().getType()));
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, adaptor.getInput(),
        rewriter.getMultiDimIdentityMap(resultType.getRank()),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (in.storageWidth == 16)
            return interpolate(b, loc, args[0], tableValue, in, out);
          Value x = extendStorage(b, loc, args[0], in, 32);
          Value offset = arith::SubIOp::create(
              b, loc, x, intConstant(b, loc, in.storageMin, 32));
          Value index =
              arith::IndexCastOp::create(b, loc, b.getIndexType(), offset);
          return tensor::ExtractOp::create(b, loc, tableValue, index);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// The int16 contract: u = x + 32768, i = u >> 7, f = u & 127,
  /// y = RHE(128 * T[i] + f * (T[i + 1] - T[i]), 7). The result lies between
  /// two entries, so it needs no saturation.
  static Value interpolate(OpBuilder &b, Location loc, Value stored,
                           Value table, const QuantParams &in,
                           const QuantParams &out) {
    Value x = extendStorage(b, loc, stored, in, 64);
    Value u = arith::AddIOp::create(b, loc, x, intConstant(b, loc, 32768, 64));
    Value i = arith::ShRUIOp::create(b, loc, u, intConstant(b, loc, 7, 64));
    Value f = arith::AndIOp::create(b, loc, u, intConstant(b, loc, 127, 64));
    auto entry = [&](Value position) {
      Value index =
          arith::IndexCastOp::create(b, loc, b.getIndexType(), position);
      Value stored = tensor::ExtractOp::create(b, loc, table, index);
      return extendStorage(b, loc, stored, out, 64);
    };
    Value lo = entry(i);
    Value hi =
        entry(arith::AddIOp::create(b, loc, i, intConstant(b, loc, 1, 64)));
    Value step =
        arith::MulIOp::create(b, loc, f, arith::SubIOp::create(b, loc, hi, lo));
    Value sum = arith::AddIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, lo, intConstant(b, loc, 7, 64)),
        step);
    Value y = roundingShiftRight(b, loc, sum, intConstant(b, loc, 7, 64));
    return arith::TruncIOp::create(b, loc, b.getIntegerType(out.storageWidth),
                                   y);
  }
};

/// add and mul: per-tensor operands broadcast numpy-style, combined in int64
/// by `Derived::combine` (given the centered operands x - z) and saturated
/// into the result's storage.
template <typename OpTy, typename Derived>
struct BinaryLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getOutput().getType()));
    QuantParams a = QuantParams::get(getQuantizedType(op.getLhs().getType()));
    QuantParams b = QuantParams::get(getQuantizedType(op.getRhs().getType()));
    QuantParams y =
        QuantParams::get(getQuantizedType(op.getOutput().getType()));
    FailureOr<typename Derived::Factors> factors =
        Derived::getFactors(op, a.scales[0], b.scales[0], y.scales[0]);
    if (failed(factors))
      return failure();

    std::pair<int64_t, int64_t> range = op.getSaturationRange();
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineMap> maps = {
        getBroadcastMap(context, op.getLhs().getType().getShape(),
                        resultType.getShape()),
        getBroadcastMap(context, op.getRhs().getType().getShape(),
                        resultType.getShape())};
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {adaptor.getLhs(), adaptor.getRhs()}, maps,
        [&](OpBuilder &builder, Location loc, ValueRange args) -> Value {
          auto centered = [&](Value stored, const QuantParams &params) {
            Value x = extendStorage(builder, loc, stored, params, 64);
            return arith::SubIOp::create(
                builder, loc, x,
                intConstant(builder, loc, params.zeroPoints[0], 64));
          };
          Value scaled = Derived::combine(builder, loc, centered(args[0], a),
                                          centered(args[1], b), *factors);
          return saturateToStorage(
              builder, loc, scaled,
              intConstant(builder, loc, y.zeroPoints[0], 64), range.first,
              range.second, y.storageWidth);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AddLowering : public BinaryLowering<AddOp, AddLowering> {
  using BinaryLowering::BinaryLowering;

  /// Both operands on one shift: the larger factor normalized, the other
  /// rounded onto the same shift.
  struct Factors {
    int64_t lhs, rhs, shift;
  };

  static FailureOr<Factors> getFactors(AddOp op, double sa, double sb,
                                       double sy) {
    double ra = sa / sy, rb = sb / sy;
    SmallVector<int64_t> multipliers, shifts;
    if (failed(getFixedPointMultipliers(op, {std::max(ra, rb)}, multipliers,
                                        shifts)))
      return failure();
    auto shift = static_cast<int32_t>(shifts[0]);
    std::optional<int32_t> ma = getMultiplierForShift(ra, shift);
    std::optional<int32_t> mb = getMultiplierForShift(rb, shift);
    if (!ma || !mb)
      return op.emitOpError("operand rescaling factors cannot share a shift");
    return Factors{*ma, *mb, shift};
  }

  static Value combine(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       const Factors &factors) {
    Value sum = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, lhs,
                              intConstant(b, loc, factors.lhs, 64)),
        arith::MulIOp::create(b, loc, rhs,
                              intConstant(b, loc, factors.rhs, 64)));
    return roundingShiftRight(b, loc, sum,
                              intConstant(b, loc, factors.shift, 64));
  }
};

struct MulLowering : public BinaryLowering<MulOp, MulLowering> {
  using BinaryLowering::BinaryLowering;

  struct Factors {
    int64_t multiplier, shift;
  };

  static FailureOr<Factors> getFactors(MulOp op, double sa, double sb,
                                       double sy) {
    SmallVector<int64_t> multipliers, shifts;
    if (failed(getFixedPointMultipliers(op, {(sa * sb) / sy}, multipliers,
                                        shifts)))
      return failure();
    return Factors{multipliers[0], shifts[0]};
  }

  static Value combine(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       const Factors &factors) {
    Value product = arith::MulIOp::create(b, loc, lhs, rhs);
    return applyMultiplier(b, loc, product,
                           intConstant(b, loc, factors.multiplier, 64),
                           intConstant(b, loc, factors.shift, 64));
  }
};

} // namespace

void qcc::populateQccElementwiseToLinalgPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering,
               ClampLowering, LookupLowering, AddLowering, MulLowering>(
      converter, patterns.getContext());
}
