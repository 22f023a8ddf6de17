//===- HalfConversion.cpp - f16 <-> f32 conversions as integer code -------===//
//
// Targets without native half-precision conversions (x86-64 without F16C,
// riscv64 without Zfh) get `__extendhfsf2`/`__truncsfhf2` calls from LLVM,
// which freestanding programs and older compiler runtimes (GCC 12's libgcc
// on riscv64) lack. These patterns spell both conversions in integer
// arithmetic on the bit patterns, with IEEE semantics: round to nearest even,
// subnormals, infinities and NaNs (quieted, payload kept where it fits).
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/HalfConversion.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// Scalar builder helpers over i32 values.
struct I32Builder {
  PatternRewriter &rewriter;
  Location loc;

  Value constant(uint32_t value) {
    return arith::ConstantOp::create(
        rewriter, loc, rewriter.getI32IntegerAttr(static_cast<int32_t>(value)));
  }
  Value bitAnd(Value a, uint32_t mask) {
    return arith::AndIOp::create(rewriter, loc, a, constant(mask));
  }
  Value bitOr(Value a, Value b) {
    return arith::OrIOp::create(rewriter, loc, a, b);
  }
  Value shl(Value a, unsigned amount) {
    return arith::ShLIOp::create(rewriter, loc, a, constant(amount));
  }
  Value shr(Value a, unsigned amount) {
    return arith::ShRUIOp::create(rewriter, loc, a, constant(amount));
  }
  Value add(Value a, Value b) {
    return arith::AddIOp::create(rewriter, loc, a, b);
  }
  Value sub(Value a, Value b) {
    return arith::SubIOp::create(rewriter, loc, a, b);
  }
  Value cmp(arith::CmpIPredicate predicate, Value a, uint32_t b) {
    return arith::CmpIOp::create(rewriter, loc, predicate, a, constant(b));
  }
  Value select(Value condition, Value a, Value b) {
    return arith::SelectOp::create(rewriter, loc, condition, a, b);
  }
  Value toFloat(Value bits) {
    return arith::BitcastOp::create(rewriter, loc, rewriter.getF32Type(), bits);
  }
  Value toBits(Value value) {
    return arith::BitcastOp::create(rewriter, loc, rewriter.getI32Type(),
                                    value);
  }
};

/// f16 -> f32 (and wider, through f32, which is exact).
struct ExpandHalfExtF : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    Type inType = op.getIn().getType();
    Type outType = op.getType();
    if (!inType.isF16() || !isa<FloatType>(outType) ||
        cast<FloatType>(outType).getWidth() < 32)
      return rewriter.notifyMatchFailure(op, "not a scalar f16 extension");
    I32Builder b{rewriter, op.getLoc()};
    Value half = arith::BitcastOp::create(rewriter, op.getLoc(),
                                          rewriter.getI16Type(), op.getIn());
    Value h = arith::ExtUIOp::create(rewriter, op.getLoc(),
                                     rewriter.getI32Type(), half);
    Value sign = b.shl(b.bitAnd(h, 0x8000), 16);
    Value exponent = b.bitAnd(b.shr(h, 10), 0x1F);
    Value mantissa = b.bitAnd(h, 0x3FF);
    // Normal numbers: rebias the exponent by 127 - 15.
    Value normal = b.bitOr(b.shl(b.add(exponent, b.constant(112)), 23),
                           b.shl(mantissa, 13));
    // Infinities and NaNs keep their payload.
    Value special = b.bitOr(b.constant(0x7F800000), b.shl(mantissa, 13));
    // Subnormals and zeros: mantissa * 2^-24, exact in f32.
    Value subnormalValue = arith::MulFOp::create(
        rewriter, op.getLoc(),
        arith::UIToFPOp::create(rewriter, op.getLoc(), rewriter.getF32Type(),
                                mantissa),
        arith::ConstantOp::create(rewriter, op.getLoc(),
                                  rewriter.getF32FloatAttr(0x1p-24f)));
    Value subnormal = b.toBits(subnormalValue);
    Value magnitude =
        b.select(b.cmp(arith::CmpIPredicate::eq, exponent, 0), subnormal,
                 b.select(b.cmp(arith::CmpIPredicate::eq, exponent, 0x1F),
                          special, normal));
    Value result = b.toFloat(b.bitOr(magnitude, sign));
    if (!outType.isF32())
      result = arith::ExtFOp::create(rewriter, op.getLoc(), outType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// f32 -> f16 with round to nearest even (f64 sources round to f32 first).
struct ExpandHalfTruncF : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type inType = op.getIn().getType();
    if (!op.getType().isF16() || !isa<FloatType>(inType) ||
        op.getRoundingmodeAttr())
      return rewriter.notifyMatchFailure(op, "not a plain scalar f16 trunc");
    I32Builder b{rewriter, op.getLoc()};
    Value in = op.getIn();
    if (!inType.isF32())
      in = arith::TruncFOp::create(rewriter, op.getLoc(), rewriter.getF32Type(),
                                   in);
    Value bits = b.toBits(in);
    Value sign = b.shr(b.bitAnd(bits, 0x80000000), 16);
    Value magnitude = b.bitAnd(bits, 0x7FFFFFFF);

    // At or above 2^16 (and infinities, NaNs): infinity, or a quiet NaN
    // with the top of the payload.
    Value nan =
        b.bitOr(b.constant(0x7E00), b.bitAnd(b.shr(magnitude, 13), 0x3FF));
    Value overflow =
        b.select(b.cmp(arith::CmpIPredicate::ugt, magnitude, 0x7F800000), nan,
                 b.constant(0x7C00));
    // Below 2^-14, the half subnormal range: adding 0.5 makes the f32 adder
    // align the mantissa at 2^-24 granularity and round to nearest even.
    constexpr uint32_t kDenormMagic = ((127 - 15) + (23 - 10) + 1) << 23;
    Value subnormalSum =
        arith::AddFOp::create(rewriter, op.getLoc(), b.toFloat(magnitude),
                              b.toFloat(b.constant(kDenormMagic)));
    Value subnormal = b.sub(b.toBits(subnormalSum), b.constant(kDenormMagic));
    // Normal: rebias, then round the 13 dropped bits to nearest even.
    Value oddBit = b.bitAnd(b.shr(magnitude, 13), 1);
    Value rebiased = b.add(magnitude, b.constant(((15u - 127u) << 23) + 0xFFF));
    Value normal = b.shr(b.add(rebiased, oddBit), 13);

    Value result = b.select(
        b.cmp(arith::CmpIPredicate::uge, magnitude, (127 + 16) << 23), overflow,
        b.select(b.cmp(arith::CmpIPredicate::ult, magnitude, 113 << 23),
                 subnormal, normal));
    result = b.bitOr(result, sign);
    Value half = arith::TruncIOp::create(rewriter, op.getLoc(),
                                         rewriter.getI16Type(), result);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, rewriter.getF16Type(),
                                                  half);
    return success();
  }
};

} // namespace

void qcc::populateExpandHalfConversionPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandHalfExtF, ExpandHalfTruncF>(patterns.getContext());
}
