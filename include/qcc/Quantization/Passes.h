//===- Passes.h - qcc quantizer passes --------------------------*- C++ -*-===//

#ifndef QCC_QUANTIZATION_PASSES_H
#define QCC_QUANTIZATION_PASSES_H

#include "qcc/Dialect/Qcc/IR/QccDialect.h"
#include "qcc/Quantization/Scheme.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace qcc {

#define GEN_PASS_DECL
#include "qcc/Quantization/Passes.h.inc"

/// Moves element-wise ops with constant operands in front of transposes and
/// reshapes, and folds per-channel mul/add into convolutions and matmuls.
void populateFoldAffinePatterns(mlir::RewritePatternSet &patterns);

/// Whether `module` states its own quantization (a QDQ model): some value
/// dequantized by `qcc.dequantize` feeds an op other than `func.return`, and
/// no other qcc op exists yet (qcc has not quantized it already).
bool isPreQuantizedModel(mlir::ModuleOp module);

/// Whether `op` only moves the elements of its first operand (reshape,
/// transpose, slice, identity, gather, tile, reverse), so that it works on
/// quantized values as on floats. Pads, which also add a value, are not.
bool isDataMovement(mlir::Operation *op);

/// Data movement (see isDataMovement) and pads with a representable value
/// moved to the integer side of per-tensor quantize and dequantize ops.
void populateQuantizedDataMovementPatterns(mlir::RewritePatternSet &patterns);

/// Cleanup after quantization: quantize/dequantize pairs, requantize
/// formation, data movement hoisted into the integer domain.
void populateQuantizationCleanupPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "qcc/Quantization/Passes.h.inc"

} // namespace qcc

#endif // QCC_QUANTIZATION_PASSES_H
