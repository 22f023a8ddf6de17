//===- Histogram.h - histograms of values of unknown extent -----*- C++ -*-===//
//
// The report draws every tensor's values as a histogram, measured in one
// pass over the samples, before their extent is known. Bins have a width
// w = 2^e and are anchored at zero: bin i holds [i * w, (i + 1) * w). When a
// value falls outside the bins kept, e grows and pairs of bins merge, which
// is exact, until all values seen fit in at most kMaxBins bins. The result
// is therefore the histogram with the smallest such width, whatever the
// order of the values: the same data gives the same bins. (The width is at
// least 2^-40 of the largest magnitude seen, which bounds the bin indices
// when all values are equal.)
//
//===----------------------------------------------------------------------===//

#ifndef QCC_REPORT_HISTOGRAM_H
#define QCC_REPORT_HISTOGRAM_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace qcc {

class Histogram {
public:
  static constexpr int64_t kMaxBins = 128;

  /// Adds the finite values of `values`; NaN and infinities are counted
  /// apart.
  void add(llvm::ArrayRef<float> values);

  int64_t getCount() const { return count; }
  int64_t getNumNonFinite() const { return nonFinite; }
  /// The extremes of the finite values (meaningless while getCount() is 0).
  double getMin() const { return min; }
  double getMax() const { return max; }
  /// The bin width, 2^e.
  double getBinWidth() const;
  /// Where the first bin starts (a multiple of the bin width).
  double getStart() const;
  /// Counts of consecutive bins from getStart(); the first and the last are
  /// not empty.
  llvm::ArrayRef<int64_t> getCounts() const { return counts; }

private:
  /// Bin index of `value` at width 2^exponent.
  static int64_t binOf(double value, int exponent);
  /// The smallest exponent >= `exponent` at which [low, high] fits in
  /// kMaxBins bins and bin indices stay small.
  static int fitExponent(double low, double high, int exponent);
  /// Merges the bins until the width is 2^newExponent.
  void coarsen(int newExponent);

  int64_t count = 0;
  int64_t nonFinite = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  int exponent = std::numeric_limits<int>::min();
  int64_t firstBin = 0;
  std::vector<int64_t> counts;
};

} // namespace qcc

#endif // QCC_REPORT_HISTOGRAM_H
