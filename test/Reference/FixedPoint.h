//===- FixedPoint.h - Rounding and fixed-point multipliers ------*- C++ -*-===//
//
// The one rounding rule (round half to even) and the fixed-point multipliers
// (M, n) of qcc's numerics contract, written from the contract alone.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_FIXEDPOINT_H
#define QCC_TEST_REFERENCE_FIXEDPOINT_H

#include "Tensor.h"

#include <cstdint>

namespace qcc::ref {

/// Rounds to the nearest integer, ties to even, whatever the floating-point
/// rounding mode. NaN and infinities are returned unchanged.
double roundHalfEven(double value);
float roundHalfEven(float value);

/// RHE(v, n): v / 2^n rounded half to even, exact for every int64 v;
/// 1 <= n <= 63.
int64_t roundingRightShift(int64_t value, int shift);

/// A positive real multiplier r as M * 2^-n.
struct FixedPointMultiplier {
  int64_t multiplier = 0;
  int shift = 1;
};

/// The contract's (M, n) for `real`: frexp, M = roundeven(f * 2^31),
/// renormalized when M reaches 2^31; (0, 1) below 2^-32; a failure when r >=
/// 2^30 (n < 1, a compile-time error in qcc) or when r is not positive and
/// finite.
Result<FixedPointMultiplier> deriveMultiplier(double real);

/// apply(v, M, n) = RHE(v * M, n), the product exact in int64.
int64_t applyMultiplier(int64_t value, FixedPointMultiplier multiplier);

/// apply(v, M, n) for the int64 accumulators of 16-bit activations: the
/// product v * M and the rounding shift are exact in 128 bits.
__int128 applyMultiplierWide(int64_t value, FixedPointMultiplier multiplier);

/// The multipliers of `add`: both operands share the shift n of the larger
/// ratio; the other multiplier is roundeven(r' * 2^n) and may be 0.
struct SharedShiftMultipliers {
  int64_t lhsMultiplier = 0;
  int64_t rhsMultiplier = 0;
  int shift = 1;
};
Result<SharedShiftMultipliers> deriveSharedShiftMultipliers(double lhsRatio,
                                                            double rhsRatio);

/// Counts of data-path roundings (RHE and float quantization) and of those
/// that were exact ties. Bit-exact tests report them to show that ties, the
/// cases most likely to differ between implementations, were exercised.
/// Multiplier derivation and table building are not counted.
struct RoundingStats {
  uint64_t roundings = 0;
  uint64_t ties = 0;
};
RoundingStats &roundingStats();

} // namespace qcc::ref

#endif // QCC_TEST_REFERENCE_FIXEDPOINT_H
