//===- Precision.h - per-op precision choices -------------------*- C++ -*-===//
//
// `qcc.precision` on a float TOSA op tells qcc-quantize in which precision
// to compute it: "int8" (the default: 8-bit activations and weights),
// "int16" (16x8: symmetric int16 activations, int8 weights, int64
// accumulators) or "float" (the op stays float, and qcc-check-integer-path
// accepts it). qcc-assign-precision sets it from lists of names.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_QUANTIZATION_PRECISION_H
#define QCC_QUANTIZATION_PRECISION_H

#include "mlir/IR/Operation.h"

namespace qcc {

inline constexpr llvm::StringLiteral kPrecisionAttrName = "qcc.precision";

/// Fails with an error on `op` when it carries a `qcc.precision` that is not
/// the string "int8", "int16" or "float".
mlir::LogicalResult verifyPrecisionAttr(mlir::Operation *op);

/// Whether `op` is marked `qcc.precision = "float"`.
bool isKeptFloat(mlir::Operation *op);

/// The TOSA ops an ONNX operator type stands for in `--keep-float` and
/// `--int16` lists (`Conv` -> conv2d and depthwise_conv2d, ...); empty for
/// a name that is not such a type.
llvm::ArrayRef<llvm::StringLiteral> getTosaOpsOfOnnxType(llvm::StringRef type);

} // namespace qcc

#endif // QCC_QUANTIZATION_PRECISION_H
