//===- ElementwiseCluster.h - float functions of one tensor ----*- C++ -*-===//
//
// Activation functions reach qcc decomposed: hard-swish is
// `x * clamp(x * (1/6) + 0.5, 0, 1)`, SiLU `x * sigmoid(x)`, GELU
// `x * 0.5 * (1 + erf(x / sqrt(2)))`, the attention scaling `x * c`. Each is
// a connected group of elementwise TOSA ops whose only non-constant input is
// one tensor and which only one value leaves. Over an 8-bit input such a
// group is a function of 256 values: qcc-quantize evaluates it at compile
// time into one `qcc.lookup` table, whatever the functions are.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_QUANTIZATION_ELEMENTWISECLUSTER_H
#define QCC_QUANTIZATION_ELEMENTWISECLUSTER_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace qcc {

/// Elementwise float ops computing `output = f(input)` elementwise.
struct ElementwiseCluster {
  mlir::Value input;
  /// The ops in program order.
  llvm::SmallVector<mlir::Operation *> ops;
  /// The one value used outside the cluster.
  mlir::Value output;

  /// `f(x)` in double precision; none when an op has no value there (a NaN).
  std::optional<double> evaluate(double x) const;
};

/// Whether `mul` multiplies without a shift (the float form).
bool hasNoShift(mlir::tosa::MulOp mul);

/// The cluster that starts at `seed` (an elementwise op with one
/// non-constant operand) and grows through the users of its values; the
/// seed alone when more than one value would leave the grown cluster. None
/// when `seed` cannot start one.
std::optional<ElementwiseCluster> findElementwiseCluster(mlir::Operation *seed);

} // namespace qcc

#endif // QCC_QUANTIZATION_ELEMENTWISECLUSTER_H
