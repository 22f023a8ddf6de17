//===- FixedPoint.cpp - real multipliers as integer multiplier + shift ----===//

#include "qcc/Dialect/Qcc/Utils/FixedPoint.h"

#include <cmath>

namespace qcc {

std::optional<FixedPointMultiplier> getFixedPointMultiplier(double real) {
  if (!std::isfinite(real) || real <= 0.0)
    return std::nullopt;
  int exponent = 0;
  double fraction = std::frexp(real, &exponent);
  // nearbyint rounds half to even in the default floating-point environment,
  // and fraction * 2^31 is exact, so this is the contract's roundeven.
  auto multiplier =
      static_cast<int64_t>(std::nearbyint(std::ldexp(fraction, 31)));
  if (multiplier == (int64_t{1} << 31)) {
    multiplier = int64_t{1} << 30;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift < 1)
    return std::nullopt;
  if (shift > 63)
    return FixedPointMultiplier{0, 1};
  return FixedPointMultiplier{static_cast<int32_t>(multiplier), shift};
}

double getContractionRescale(double inputScale, double weightScale,
                             double outputScale) {
  float product =
      static_cast<float>(inputScale) * static_cast<float>(weightScale);
  float rescale = product / static_cast<float>(outputScale);
  if (!(rescale > 0.0f))
    return (inputScale * weightScale) / outputScale;
  return rescale;
}

std::optional<int32_t> getMultiplierForShift(double real, int32_t shift) {
  if (!std::isfinite(real) || real < 0.0)
    return std::nullopt;
  double scaled = std::nearbyint(std::ldexp(real, shift));
  if (scaled > 2147483647.0)
    return std::nullopt;
  return static_cast<int32_t>(scaled);
}

int64_t roundingShiftRight(int64_t value, int32_t shift) {
  int64_t quotient = value >> shift;
  int64_t remainder =
      value - static_cast<int64_t>(static_cast<uint64_t>(quotient) << shift);
  int64_t half = int64_t{1} << (shift - 1);
  bool roundUp = remainder > half || (remainder == half && (quotient & 1));
  return quotient + (roundUp ? 1 : 0);
}

} // namespace qcc
