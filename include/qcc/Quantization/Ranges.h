//===- Ranges.h - value ranges recorded on the IR ---------------*- C++ -*-===//
//
// Calibration and static propagation record the observed or implied range of
// a float value as `qcc.range = array<f64: min, max>`: on the defining op
// when it has one result (`qcc.ranges`, one array per result, otherwise) and
// as an argument attribute for function arguments.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_QUANTIZATION_RANGES_H
#define QCC_QUANTIZATION_RANGES_H

#include "mlir/IR/Value.h"

#include <optional>

namespace qcc {

struct RealRange {
  double min;
  double max;
};

constexpr llvm::StringLiteral kRangeAttrName = "qcc.range";
constexpr llvm::StringLiteral kRangesAttrName = "qcc.ranges";

std::optional<RealRange> getValueRange(mlir::Value value);
void setValueRange(mlir::Value value, RealRange range);

} // namespace qcc

#endif // QCC_QUANTIZATION_RANGES_H
