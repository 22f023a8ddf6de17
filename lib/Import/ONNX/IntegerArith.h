//===- IntegerArith.h - ONNX arithmetic on integer tensors ------*- C++ -*-===//
//
// TOSA's integer arithmetic is signed and 32-bit centred, while ONNX applies
// Add, Div, Max, Mod, BitShift, Pow, ... to every integer type, signed and
// unsigned. These builders emit elementwise `arith`/`math` ops on tensors
// (lowered to linalg.generic with the rest of the model) with the right
// signedness. Every operation is total: division and modulo by zero give 0,
// INT_MIN / -1 wraps, and shifts by the element width or more give 0, so no
// input can trap in the generated code.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_INTEGERARITH_H
#define QCC_LIB_IMPORT_ONNX_INTEGERARITH_H

#include "NodeContext.h"

#include "mlir/IR/Builders.h"

namespace qcc::onnx_import {

enum class IntegerBinaryKind {
  Add,
  Sub,
  Mul,
  /// Truncating division (C and ONNX semantics).
  Div,
  Max,
  Min,
  /// ONNX Mod with fmod = 0: the result takes the divisor's sign.
  Mod,
  /// ONNX Mod with fmod = 1: the result takes the dividend's sign.
  FMod,
  ShiftLeft,
  ShiftRight,
  /// lhs raised to a non-negative integer power (a negative one gives 0,
  /// except for bases 1 and -1).
  Pow,
};

/// `kind` applied elementwise to `lhs` and `rhs`, integer tensors of one
/// element type, broadcast (numpy rules) to `shape`.
mlir::Value createIntegerBinary(mlir::OpBuilder &b, mlir::Location loc,
                                IntegerBinaryKind kind, mlir::Value lhs,
                                mlir::Value rhs, llvm::ArrayRef<int64_t> shape,
                                bool isUnsigned);

/// `input` clamped to [min, max] (integer tensor; bounds in its type).
mlir::Value createIntegerClamp(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value input, int64_t min, int64_t max,
                               bool isUnsigned);

/// `input` converted elementwise to `elementType` (int <-> int, int <->
/// float), with the signedness of the source and target integers.
mlir::Value createConversion(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value input, mlir::Type elementType,
                             bool isSourceUnsigned, bool isTargetUnsigned);

/// ONNX Mod (integers and floats, both fmod modes).
mlir::LogicalResult importMod(NodeContext &node);
/// ONNX BitShift (unsigned integers).
mlir::LogicalResult importBitShift(NodeContext &node);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_INTEGERARITH_H
