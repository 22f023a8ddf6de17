//===- HalfConversion.h - f16 conversions as integer code -------*- C++ -*-===//
//
// Patterns that rewrite scalar `arith.extf` from f16 and `arith.truncf` to
// f16 into integer operations on the bit patterns, so that no target needs
// the compiler runtime's half-precision helpers.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TRANSFORMS_HALFCONVERSION_H
#define QCC_TRANSFORMS_HALFCONVERSION_H

#include "mlir/IR/PatternMatch.h"

namespace qcc {

void populateExpandHalfConversionPatterns(mlir::RewritePatternSet &patterns);

} // namespace qcc

#endif // QCC_TRANSFORMS_HALFCONVERSION_H
