//===- IntegerMath.cpp - contract arithmetic inside linalg bodies ---------===//

#include "IntegerMath.h"

#include "qcc/Dialect/Qcc/Utils/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace qcc {

QuantParams QuantParams::get(quant::QuantizedType type) {
  QuantParams params;
  params.storageMin = type.getStorageTypeMin();
  params.storageMax = type.getStorageTypeMax();
  params.storageWidth = type.getStorageTypeIntegralWidth();
  params.isSigned = type.isSigned();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type)) {
    params.scales.push_back(uniform.getScale());
    params.zeroPoints.push_back(uniform.getZeroPoint());
  } else {
    auto perAxis = cast<quant::UniformQuantizedPerAxisType>(type);
    params.axis = perAxis.getQuantizedDimension();
    llvm::append_range(params.scales, perAxis.getScales());
    llvm::append_range(params.zeroPoints, perAxis.getZeroPoints());
  }
  return params;
}

quant::QuantizedType getQuantizedType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  return dyn_cast<quant::QuantizedType>(type);
}

Value intConstant(OpBuilder &b, Location loc, int64_t value, unsigned width) {
  // Sign-extended: the int64 overload would zero-extend into an i128.
  Type type = b.getIntegerType(width);
  return arith::ConstantIntOp::create(b, loc, type,
                                      APInt(width, value, /*isSigned=*/true,
                                            /*implicitTrunc=*/true));
}

Value extendStorage(OpBuilder &b, Location loc, Value stored,
                    const QuantParams &params, unsigned width) {
  Type type = b.getIntegerType(width);
  if (params.storageWidth == width)
    return stored;
  if (params.isSigned)
    return arith::ExtSIOp::create(b, loc, type, stored);
  return arith::ExtUIOp::create(b, loc, type, stored);
}

Value roundingShiftRight(OpBuilder &b, Location loc, Value value, Value shift) {
  // q = v >> n (floor); r = v - (q << n); round up when r > h or when r == h
  // and q is odd, with h = 1 << (n - 1). Any width: i64, or i128 for the
  // products of int64 accumulators.
  unsigned width = value.getType().getIntOrFloatBitWidth();
  Value one = intConstant(b, loc, 1, width);
  Value quotient = arith::ShRSIOp::create(b, loc, value, shift);
  Value floor = arith::ShLIOp::create(b, loc, quotient, shift);
  Value remainder = arith::SubIOp::create(b, loc, value, floor);
  Value half = arith::ShLIOp::create(b, loc, one,
                                     arith::SubIOp::create(b, loc, shift, one));
  Value above =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, remainder, half);
  Value tie =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, remainder, half);
  Value odd = arith::TruncIOp::create(
      b, loc, b.getI1Type(), arith::AndIOp::create(b, loc, quotient, one));
  Value roundUp = arith::OrIOp::create(b, loc, above,
                                       arith::AndIOp::create(b, loc, tie, odd));
  Value increment =
      arith::ExtUIOp::create(b, loc, b.getIntegerType(width), roundUp);
  return arith::AddIOp::create(b, loc, quotient, increment);
}

Value applyMultiplier(OpBuilder &b, Location loc, Value value, Value multiplier,
                      Value shift) {
  Value product = arith::MulIOp::create(b, loc, value, multiplier);
  return roundingShiftRight(b, loc, product, shift);
}

Value saturateToStorage(OpBuilder &b, Location loc, Value value,
                        Value zeroPoint, int64_t lo, int64_t hi,
                        unsigned storageWidth) {
  unsigned width = value.getType().getIntOrFloatBitWidth();
  Value shifted = arith::AddIOp::create(b, loc, value, zeroPoint);
  Value clamped =
      arith::MaxSIOp::create(b, loc, shifted, intConstant(b, loc, lo, width));
  clamped =
      arith::MinSIOp::create(b, loc, clamped, intConstant(b, loc, hi, width));
  return arith::TruncIOp::create(b, loc, b.getIntegerType(storageWidth),
                                 clamped);
}

LogicalResult getFixedPointMultipliers(Operation *op, ArrayRef<double> reals,
                                       SmallVectorImpl<int64_t> &multipliers,
                                       SmallVectorImpl<int64_t> &shifts) {
  for (double real : reals) {
    std::optional<FixedPointMultiplier> fixed = getFixedPointMultiplier(real);
    if (!fixed)
      return op->emitOpError("rescaling factor ")
             << real << " cannot be represented as a fixed-point multiplier "
             << "(it must be positive, finite and below 2^30)";
    multipliers.push_back(fixed->multiplier);
    shifts.push_back(fixed->shift);
  }
  return success();
}

} // namespace qcc
