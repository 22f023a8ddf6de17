//===- IntegerArith.cpp - ONNX arithmetic on integer tensors --------------===//

#include "IntegerArith.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace qcc::onnx_import {

/// A tensor of `type` filled with `value` (an integer or float element type).
static Value createSplat(OpBuilder &b, Location loc, RankedTensorType type,
                         const APInt &value) {
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, value));
}

static Value createIntSplat(OpBuilder &b, Location loc, RankedTensorType type,
                            int64_t value) {
  return createSplat(b, loc, type,
                     APInt(type.getElementTypeBitWidth(),
                           static_cast<uint64_t>(value), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
}

static Value createCmp(OpBuilder &b, Location loc, arith::CmpIPredicate pred,
                       Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, loc, pred, lhs, rhs);
}

static Value createSelect(OpBuilder &b, Location loc, Value condition,
                          Value ifTrue, Value ifFalse) {
  return arith::SelectOp::create(b, loc, condition, ifTrue, ifFalse);
}

/// `value` broadcast to `shape` (a no-op when it already has it).
static Value broadcast(OpBuilder &b, Location loc, Value value,
                       ArrayRef<int64_t> shape) {
  return createBroadcastTo(b, loc, value, shape);
}

/// Truncating division or remainder that never traps: a zero divisor gives
/// 0, and for signed types INT_MIN / -1 wraps to INT_MIN (remainder 0).
static Value createSafeDivRem(OpBuilder &b, Location loc, Value lhs, Value rhs,
                              bool isUnsigned, bool isRemainder) {
  auto type = cast<RankedTensorType>(lhs.getType());
  Value zero = createIntSplat(b, loc, type, 0);
  Value one = createIntSplat(b, loc, type, 1);
  Value isZero = createCmp(b, loc, arith::CmpIPredicate::eq, rhs, zero);
  if (isUnsigned) {
    Value divisor = createSelect(b, loc, isZero, one, rhs);
    Value result = isRemainder
                       ? Value(arith::RemUIOp::create(b, loc, lhs, divisor))
                       : Value(arith::DivUIOp::create(b, loc, lhs, divisor));
    return createSelect(b, loc, isZero, zero, result);
  }
  // Dividing by -1 is negation (which wraps for INT_MIN); remainder 0.
  Value minusOne = createIntSplat(b, loc, type, -1);
  Value isMinusOne = createCmp(b, loc, arith::CmpIPredicate::eq, rhs, minusOne);
  Value special = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value divisor = createSelect(b, loc, special, one, rhs);
  Value result = isRemainder
                     ? Value(arith::RemSIOp::create(b, loc, lhs, divisor))
                     : Value(arith::DivSIOp::create(b, loc, lhs, divisor));
  Value negated =
      isRemainder ? zero : Value(arith::SubIOp::create(b, loc, zero, lhs));
  return createSelect(b, loc, isZero, zero,
                      createSelect(b, loc, isMinusOne, negated, result));
}

/// A shift that gives 0 for amounts of the element width or more (LLVM
/// leaves those undefined).
static Value createSafeShift(OpBuilder &b, Location loc, Value lhs, Value rhs,
                             bool isLeft) {
  auto type = cast<RankedTensorType>(lhs.getType());
  Value width = createIntSplat(b, loc, type, type.getElementTypeBitWidth());
  Value inRange = createCmp(b, loc, arith::CmpIPredicate::ult, rhs, width);
  Value zero = createIntSplat(b, loc, type, 0);
  Value amount = createSelect(b, loc, inRange, rhs, zero);
  Value shifted = isLeft ? Value(arith::ShLIOp::create(b, loc, lhs, amount))
                         : Value(arith::ShRUIOp::create(b, loc, lhs, amount));
  return createSelect(b, loc, inRange, shifted, zero);
}

Value createIntegerBinary(OpBuilder &b, Location loc, IntegerBinaryKind kind,
                          Value lhs, Value rhs, ArrayRef<int64_t> shape,
                          bool isUnsigned) {
  lhs = broadcast(b, loc, lhs, shape);
  rhs = broadcast(b, loc, rhs, shape);
  switch (kind) {
  case IntegerBinaryKind::Add:
    return arith::AddIOp::create(b, loc, lhs, rhs);
  case IntegerBinaryKind::Sub:
    return arith::SubIOp::create(b, loc, lhs, rhs);
  case IntegerBinaryKind::Mul:
    return arith::MulIOp::create(b, loc, lhs, rhs);
  case IntegerBinaryKind::Div:
    return createSafeDivRem(b, loc, lhs, rhs, isUnsigned,
                            /*isRemainder=*/false);
  case IntegerBinaryKind::Max:
    return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, lhs, rhs))
                      : Value(arith::MaxSIOp::create(b, loc, lhs, rhs));
  case IntegerBinaryKind::Min:
    return isUnsigned ? Value(arith::MinUIOp::create(b, loc, lhs, rhs))
                      : Value(arith::MinSIOp::create(b, loc, lhs, rhs));
  case IntegerBinaryKind::FMod:
    return createSafeDivRem(b, loc, lhs, rhs, isUnsigned,
                            /*isRemainder=*/true);
  case IntegerBinaryKind::Mod: {
    Value rem = createSafeDivRem(b, loc, lhs, rhs, isUnsigned,
                                 /*isRemainder=*/true);
    if (isUnsigned)
      return rem;
    // Move a nonzero remainder whose sign differs from the divisor's into
    // the divisor's range: r + rhs.
    auto type = cast<RankedTensorType>(lhs.getType());
    Value zero = createIntSplat(b, loc, type, 0);
    Value nonZero = createCmp(b, loc, arith::CmpIPredicate::ne, rem, zero);
    Value remNegative = createCmp(b, loc, arith::CmpIPredicate::slt, rem, zero);
    Value rhsNegative = createCmp(b, loc, arith::CmpIPredicate::slt, rhs, zero);
    Value signsDiffer = arith::XOrIOp::create(b, loc, remNegative, rhsNegative);
    Value adjust = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
    return createSelect(b, loc, adjust, arith::AddIOp::create(b, loc, rem, rhs),
                        rem);
  }
  case IntegerBinaryKind::ShiftLeft:
    return createSafeShift(b, loc, lhs, rhs, /*isLeft=*/true);
  case IntegerBinaryKind::ShiftRight:
    return createSafeShift(b, loc, lhs, rhs, /*isLeft=*/false);
  case IntegerBinaryKind::Pow:
    return math::IPowIOp::create(b, loc, lhs, rhs);
  }
  llvm_unreachable("unknown integer binary kind");
}

Value createIntegerClamp(OpBuilder &b, Location loc, Value input, int64_t min,
                         int64_t max, bool isUnsigned) {
  auto type = cast<RankedTensorType>(input.getType());
  Value lower = createIntSplat(b, loc, type, min);
  Value upper = createIntSplat(b, loc, type, max);
  if (isUnsigned)
    return arith::MinUIOp::create(
        b, loc, arith::MaxUIOp::create(b, loc, input, lower), upper);
  return arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, input, lower), upper);
}

/// Float to integer conversion that truncates toward zero (ONNX Cast) and
/// saturates instead of producing poison: NaN gives 0, values beyond the
/// integer range give its nearest bound.
static Value createFloatToInt(OpBuilder &b, Location loc, Value input,
                              IntegerType target, bool isUnsigned) {
  auto type = cast<RankedTensorType>(input.getType());
  auto floatType = cast<FloatType>(type.getElementType());
  unsigned width = target.getWidth();
  APInt minInt =
      isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width);
  APInt maxInt =
      isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width);
  // The float bounds round toward zero so that they convert exactly.
  auto toFloat = [&](const APInt &value) {
    APFloat result(floatType.getFloatSemantics());
    result.convertFromAPInt(value, !isUnsigned, APFloat::rmTowardZero);
    return DenseElementsAttr::get(type, result);
  };
  Value clamped = arith::MinimumFOp::create(
      b, loc,
      arith::MaximumFOp::create(
          b, loc, input, arith::ConstantOp::create(b, loc, toFloat(minInt))),
      arith::ConstantOp::create(b, loc, toFloat(maxInt)));
  auto resultType = type.clone(target);
  Value converted =
      isUnsigned ? Value(arith::FPToUIOp::create(b, loc, resultType, clamped))
                 : Value(arith::FPToSIOp::create(b, loc, resultType, clamped));
  // Above the largest float below the bound, saturate to the bound itself.
  Value isNaN =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, input, input);
  Value overflow =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, input,
                            arith::ConstantOp::create(b, loc, toFloat(maxInt)));
  Value result = createSelect(
      b, loc, overflow, createSplat(b, loc, resultType, maxInt), converted);
  return createSelect(b, loc, isNaN, createIntSplat(b, loc, resultType, 0),
                      result);
}

Value createConversion(OpBuilder &b, Location loc, Value input,
                       Type elementType, bool isSourceUnsigned,
                       bool isTargetUnsigned) {
  auto type = cast<RankedTensorType>(input.getType());
  Type sourceType = type.getElementType();
  auto resultType = type.clone(elementType);
  if (sourceType == elementType)
    return input;
  auto sourceInt = dyn_cast<IntegerType>(sourceType);
  auto targetInt = dyn_cast<IntegerType>(elementType);
  if (sourceInt && targetInt) {
    // Booleans widen to 0/1; other integers extend by their own signedness.
    if (targetInt.getWidth() < sourceInt.getWidth()) {
      if (targetInt.getWidth() == 1)
        return createCmp(b, loc, arith::CmpIPredicate::ne, input,
                         createIntSplat(b, loc, type, 0));
      return arith::TruncIOp::create(b, loc, resultType, input);
    }
    if (isSourceUnsigned || sourceInt.getWidth() == 1)
      return arith::ExtUIOp::create(b, loc, resultType, input);
    return arith::ExtSIOp::create(b, loc, resultType, input);
  }
  if (sourceInt) {
    if (isSourceUnsigned || sourceInt.getWidth() == 1)
      return arith::UIToFPOp::create(b, loc, resultType, input);
    return arith::SIToFPOp::create(b, loc, resultType, input);
  }
  if (targetInt) {
    if (targetInt.getWidth() == 1) {
      Value zero = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(
              type, APFloat::getZero(
                        cast<FloatType>(sourceType).getFloatSemantics())));
      // NaN is nonzero, so true.
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, input,
                                   zero);
    }
    return createFloatToInt(b, loc, input, targetInt, isTargetUnsigned);
  }
  if (cast<FloatType>(elementType).getWidth() <
      cast<FloatType>(sourceType).getWidth())
    return arith::TruncFOp::create(b, loc, resultType, input);
  return arith::ExtFOp::create(b, loc, resultType, input);
}

/// Checks that inputs 0 and 1 share an element type and broadcast; returns
/// the result shape.
static FailureOr<SmallVector<int64_t>> checkBinaryOperands(NodeContext &node) {
  RankedTensorType lhsType = node.getInputType(0);
  RankedTensorType rhsType = node.getInputType(1);
  if (lhsType.getElementType() != rhsType.getElementType() ||
      node.isInputUnsigned(0) != node.isInputUnsigned(1))
    return node.emitError()
           << "operand element types differ: " << lhsType << " vs " << rhsType;
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(lhsType.getShape(), rhsType.getShape());
  if (!shape)
    return node.emitError() << "operand shapes " << lhsType << " and "
                            << rhsType << " are not broadcast-compatible";
  return *shape;
}

LogicalResult importMod(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = checkBinaryOperands(node);
  FailureOr<int64_t> fmod = node.getIntAttr("fmod", 0);
  if (failed(shape) || failed(fmod))
    return failure();
  if (*fmod != 0 && *fmod != 1)
    return node.emitError() << "'fmod' must be 0 or 1, got " << *fmod;
  Type elementType = node.getInputType(0).getElementType();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value lhs = node.getInputValue(0);
  Value rhs = node.getInputValue(1);
  if (isa<FloatType>(elementType)) {
    if (*fmod != 1)
      return node.emitError() << "floating-point Mod requires fmod = 1";
    lhs = broadcast(b, loc, lhs, *shape);
    rhs = broadcast(b, loc, rhs, *shape);
    node.setOutput(0, arith::RemFOp::create(b, loc, lhs, rhs));
    return success();
  }
  if (!elementType.isInteger() || elementType.isInteger(1))
    return node.emitError() << "unsupported element type " << elementType;
  node.setOutput(
      0, createIntegerBinary(
             b, loc, *fmod ? IntegerBinaryKind::FMod : IntegerBinaryKind::Mod,
             lhs, rhs, *shape, node.isInputUnsigned(0)));
  return success();
}

LogicalResult importBitShift(NodeContext &node) {
  if (failed(node.checkArity(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = checkBinaryOperands(node);
  FailureOr<std::string> direction = node.getStringAttr("direction");
  if (failed(shape) || failed(direction))
    return failure();
  if (*direction != "LEFT" && *direction != "RIGHT")
    return node.emitError()
           << "'direction' must be LEFT or RIGHT, got '" << *direction << "'";
  Type elementType = node.getInputType(0).getElementType();
  if (!elementType.isInteger() || elementType.isInteger(1) ||
      !node.isInputUnsigned(0))
    return node.emitError()
           << "BitShift takes unsigned integers, got " << node.getInputType(0);
  node.setOutput(0, createIntegerBinary(
                        node.getBuilder(), node.getLoc(),
                        *direction == "LEFT" ? IntegerBinaryKind::ShiftLeft
                                             : IntegerBinaryKind::ShiftRight,
                        node.getInputValue(0), node.getInputValue(1), *shape,
                        /*isUnsigned=*/true));
  return success();
}

} // namespace qcc::onnx_import
