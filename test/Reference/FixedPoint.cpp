//===- FixedPoint.cpp - Rounding and fixed-point multipliers --------------===//

#include "FixedPoint.h"

#include <cassert>
#include <cmath>
#include <string>

namespace qcc::ref {

// RHE relies on `>>` being an arithmetic shift (floor division) for negative
// values, which every compiler qcc supports guarantees (and C++20 requires).
static_assert((int64_t(-3) >> 1) == -2, "arithmetic right shift required");

RoundingStats &roundingStats() {
  static RoundingStats stats;
  return stats;
}

template <typename Float>
static Float roundHalfEvenImpl(Float value, Float integralLimit) {
  // Beyond 2^(mantissa bits) every value is integral; this also passes NaN
  // and infinities through.
  if (!(std::fabs(value) < integralLimit))
    return value;
  Float floor = std::floor(value);
  // Exact: the fraction is made of low-order bits of `value` itself.
  Float fraction = value - floor;
  if (fraction < Float(0.5))
    return floor;
  if (fraction > Float(0.5))
    return floor + 1;
  return std::fmod(floor, Float(2)) == 0 ? floor : floor + 1;
}

double roundHalfEven(double value) { return roundHalfEvenImpl(value, 0x1p52); }

float roundHalfEven(float value) { return roundHalfEvenImpl(value, 0x1p23f); }

int64_t roundingRightShift(int64_t value, int shift) {
  assert(shift >= 1 && shift <= 63 && "RHE shift out of range");
  int64_t quotient = value >> shift;
  // The remainder lies in [0, 2^shift); computing it in uint64 keeps
  // `quotient << 63` well defined.
  uint64_t remainder =
      static_cast<uint64_t>(value) - (static_cast<uint64_t>(quotient) << shift);
  uint64_t half = uint64_t(1) << (shift - 1);
  bool tie = remainder == half;
  RoundingStats &stats = roundingStats();
  ++stats.roundings;
  stats.ties += tie;
  bool roundUp = remainder > half || (tie && (quotient & 1));
  return quotient + (roundUp ? 1 : 0);
}

Result<FixedPointMultiplier> deriveMultiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    return Failure{"multiplier " + std::to_string(real) +
                   " is not positive and finite"};
  int exponent = 0;
  double fraction = std::frexp(real, &exponent);
  // fraction * 2^31 is exact in double; only the rounding to an integer loses
  // bits.
  int64_t multiplier =
      static_cast<int64_t>(roundHalfEven(std::ldexp(fraction, 31)));
  if (multiplier == (int64_t(1) << 31)) {
    multiplier = int64_t(1) << 30;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift > 63)
    return FixedPointMultiplier{0, 1};
  if (shift < 1)
    return Failure{"multiplier " + std::to_string(real) +
                   " is 2^30 or more (compile-time error)"};
  return FixedPointMultiplier{multiplier, shift};
}

int64_t applyMultiplier(int64_t value, FixedPointMultiplier multiplier) {
  int64_t product = 0;
  [[maybe_unused]] bool overflow =
      __builtin_mul_overflow(value, multiplier.multiplier, &product);
  assert(!overflow && "v * M must be exact in int64");
  return roundingRightShift(product, multiplier.shift);
}

__int128 applyMultiplierWide(int64_t value, FixedPointMultiplier multiplier) {
  // |v| < 2^63 and M <= 2^31: the product fits in 128 bits.
  __int128 product = static_cast<__int128>(value) * multiplier.multiplier;
  int shift = multiplier.shift;
  __int128 quotient = product >> shift;
  unsigned __int128 remainder =
      static_cast<unsigned __int128>(product) -
      (static_cast<unsigned __int128>(quotient) << shift);
  unsigned __int128 half = static_cast<unsigned __int128>(1) << (shift - 1);
  bool tie = remainder == half;
  RoundingStats &stats = roundingStats();
  ++stats.roundings;
  stats.ties += tie;
  bool roundUp = remainder > half || (tie && (quotient & 1));
  return quotient + (roundUp ? 1 : 0);
}

Result<SharedShiftMultipliers> deriveSharedShiftMultipliers(double lhsRatio,
                                                            double rhsRatio) {
  bool lhsIsLarger = lhsRatio >= rhsRatio;
  Result<FixedPointMultiplier> larger =
      deriveMultiplier(lhsIsLarger ? lhsRatio : rhsRatio);
  if (!larger)
    return Failure{larger.error()};
  int shift = larger->shift;
  double smallerRatio = lhsIsLarger ? rhsRatio : lhsRatio;
  if (!(smallerRatio > 0.0) || !std::isfinite(smallerRatio))
    return Failure{"multiplier is not positive and finite"};
  // r' * 2^n is exact in double (a power-of-two scaling), so the only
  // rounding is roundeven.
  auto smaller =
      static_cast<int64_t>(roundHalfEven(std::ldexp(smallerRatio, shift)));
  SharedShiftMultipliers result;
  result.shift = shift;
  result.lhsMultiplier = lhsIsLarger ? larger->multiplier : smaller;
  result.rhsMultiplier = lhsIsLarger ? smaller : larger->multiplier;
  return result;
}

} // namespace qcc::ref
