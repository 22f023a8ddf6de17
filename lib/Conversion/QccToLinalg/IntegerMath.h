//===- IntegerMath.h - contract arithmetic inside linalg bodies -*- C++ -*-===//
//
// Builders for the integer operations of the numerics contract, emitted
// element-wise inside linalg.generic bodies: storage extension, the
// round-half-to-even shift, fixed-point multiplication and saturation.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CONVERSION_QCCTOLINALG_INTEGERMATH_H
#define QCC_LIB_CONVERSION_QCCTOLINALG_INTEGERMATH_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace qcc {

/// Quantization parameters of one tensor, per tensor or per axis.
struct QuantParams {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  /// Quantized axis for per-axis types, -1 for per-tensor.
  int64_t axis = -1;
  int64_t storageMin = 0;
  int64_t storageMax = 0;
  unsigned storageWidth = 0;
  bool isSigned = true;

  static QuantParams get(mlir::quant::QuantizedType type);
  bool isPerTensor() const { return axis < 0; }
  mlir::IntegerType getStorageType(mlir::MLIRContext *context) const {
    return mlir::IntegerType::get(context, storageWidth);
  }
};

/// Returns the quantized element type of a tensor value or type.
mlir::quant::QuantizedType getQuantizedType(mlir::Type type);

/// Sign- or zero-extends a stored value to an integer of `width` bits.
mlir::Value extendStorage(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value stored, const QuantParams &params,
                          unsigned width);

/// An integer constant of `width` bits.
mlir::Value intConstant(mlir::OpBuilder &b, mlir::Location loc, int64_t value,
                        unsigned width);

/// RHE(value, shift) on i64 (or i128) values (the contract's rounding
/// shift); `shift` has the type of `value`.
mlir::Value roundingShiftRight(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value value, mlir::Value shift);

/// RHE(value * multiplier, shift), all i64.
mlir::Value applyMultiplier(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value, mlir::Value multiplier,
                            mlir::Value shift);

/// clamp(zeroPoint + value, lo, hi) truncated to `storageWidth` bits; value
/// and zeroPoint are integers of one width (i64, or i128).
mlir::Value saturateToStorage(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value value, mlir::Value zeroPoint,
                              int64_t lo, int64_t hi, unsigned storageWidth);

/// Fixed-point (M, n) pairs for `reals`, as the contract derives them;
/// emits an error on `op` for a multiplier qcc cannot represent.
mlir::LogicalResult
getFixedPointMultipliers(mlir::Operation *op, llvm::ArrayRef<double> reals,
                         llvm::SmallVectorImpl<int64_t> &multipliers,
                         llvm::SmallVectorImpl<int64_t> &shifts);

/// A linalg.generic requantizing the stored tensor `input` from `in` to
/// `out` (per tensor or per axis), saturating to [lo, hi]: the contract's
/// requantize, shared by qcc.requantize and qcc.concat.
mlir::FailureOr<mlir::Value>
buildRequantize(mlir::OpBuilder &b, mlir::Operation *op, mlir::Value input,
                const QuantParams &in, const QuantParams &out,
                mlir::RankedTensorType resultType, int64_t lo, int64_t hi);

} // namespace qcc

#endif // QCC_LIB_CONVERSION_QCCTOLINALG_INTEGERMATH_H
