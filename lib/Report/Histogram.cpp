//===- Histogram.cpp - histograms of values of unknown extent -------------===//

#include "qcc/Report/Histogram.h"

#include <algorithm>
#include <cmath>

namespace qcc {

/// floor(a / 2^shift) for any sign of a.
static int64_t floorShift(int64_t a, int shift) {
  // Bin indices stay below 2^42 in magnitude (fitExponent).
  if (shift > 62)
    return a >= 0 ? 0 : -1;
  int64_t divisor = int64_t(1) << shift;
  return a >= 0 ? a / divisor : -((-a + divisor - 1) / divisor);
}

int64_t Histogram::binOf(double value, int exponent) {
  // Scaling by a power of two is exact, so the bin is too.
  return static_cast<int64_t>(std::floor(std::ldexp(value, -exponent)));
}

int Histogram::fitExponent(double low, double high, int exponent) {
  double magnitude = std::max(std::fabs(low), std::fabs(high));
  int smallest = (magnitude > 0.0 ? std::ilogb(magnitude) : 0) - 40;
  exponent = std::max(exponent, smallest);
  // No width below span / (2 * kMaxBins) fits: start there.
  if (high > low)
    exponent =
        std::max(exponent, std::ilogb((high - low) / double(kMaxBins)) - 1);
  while (binOf(high, exponent) - binOf(low, exponent) + 1 > kMaxBins)
    ++exponent;
  return exponent;
}

void Histogram::coarsen(int newExponent) {
  int shift = newExponent - exponent;
  int64_t lastBin = firstBin + static_cast<int64_t>(counts.size()) - 1;
  int64_t newFirst = floorShift(firstBin, shift);
  std::vector<int64_t> merged(floorShift(lastBin, shift) - newFirst + 1, 0);
  for (auto [offset, binCount] : llvm::enumerate(counts))
    merged[floorShift(firstBin + int64_t(offset), shift) - newFirst] +=
        binCount;
  counts = std::move(merged);
  firstBin = newFirst;
  exponent = newExponent;
}

void Histogram::add(llvm::ArrayRef<float> values) {
  double low = min, high = max;
  int64_t finite = 0;
  for (float value : values) {
    if (!std::isfinite(value)) {
      ++nonFinite;
      continue;
    }
    low = std::min(low, double(value));
    high = std::max(high, double(value));
    ++finite;
  }
  if (finite == 0)
    return;

  int fitted = fitExponent(low, high, exponent);
  if (counts.empty()) {
    exponent = fitted;
    firstBin = binOf(low, exponent);
    counts.assign(binOf(high, exponent) - firstBin + 1, 0);
  } else {
    if (fitted > exponent)
      coarsen(fitted);
    int64_t newFirst = binOf(low, exponent);
    if (newFirst < firstBin) {
      counts.insert(counts.begin(), firstBin - newFirst, 0);
      firstBin = newFirst;
    }
    int64_t size = binOf(high, exponent) - firstBin + 1;
    if (size > static_cast<int64_t>(counts.size()))
      counts.resize(size, 0);
  }
  min = low;
  max = high;
  count += finite;
  for (float value : values)
    if (std::isfinite(value))
      ++counts[binOf(value, exponent) - firstBin];
}

double Histogram::getBinWidth() const {
  return counts.empty() ? 0.0 : std::ldexp(1.0, exponent);
}

double Histogram::getStart() const {
  return counts.empty() ? 0.0 : std::ldexp(double(firstBin), exponent);
}

} // namespace qcc
