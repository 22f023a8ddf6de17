//===- RangeStatistics.h - value ranges from observed tensors ---*- C++ -*-===//
//
// Reduces every value a tensor takes over all calibration samples to a range
// [low, high]:
//
//   minmax      low = min(x), high = max(x).
//   percentile  low = P(100 - p), high = P(p), where P(q) is the q-th
//               percentile of all values of the tensor over all samples,
//               with numpy's default ("linear") definition: for the n values
//               sorted ascending, v[0..n-1], and h = (n - 1) q / 100,
//               P(q) = v[floor(h)] + (h - floor(h)) (v[floor(h)+1] -
//               v[floor(h)]). That is np.percentile(x, [100 - p, p]) up to
//               the rounding of the interpolation. p lies in [50, 100];
//               p = 100 gives minmax.
//
// NaN and infinite values are left out of both methods and counted, so that
// one overflow does not turn a range into [-inf, inf]; callers report them.
//
// The histogram methods, entropy and mse, are in TensorStatistics.h: they
// need min and max first and take a second pass over the values.
//
// The percentile method is exact, not a histogram estimate: it keeps only
// the values that can still become one of the two order statistics it
// needs, i.e. the (1 - p/100) n + 2 largest and as many smallest values,
// memory proportional to (100 - p)% of all values observed (0.02% of them
// for p = 99.99). Results depend only on the values and the order they are
// added in, never on threads or addresses.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_RANGESTATISTICS_H
#define QCC_CALIBRATION_RANGESTATISTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qcc {

enum class CalibrationMethod { MinMax, Percentile, Entropy, Mse };

/// How one tensor's values become a range: a method and, for percentile,
/// its p.
struct CalibrationChoice {
  CalibrationMethod method = CalibrationMethod::MinMax;
  double percentile = 99.99;
};

/// Parses `minmax`, `percentile` (p = 99.99), `percentile=<p>` with
/// 50 <= p <= 100, `entropy` or `mse`; none for anything else.
std::optional<CalibrationChoice> parseCalibrationChoice(llvm::StringRef text);

/// The spelling parseCalibrationChoice reads back (`percentile=99.99`).
std::string stringifyCalibrationChoice(const CalibrationChoice &choice);

/// A per-tensor override, `<name>=<method>`: the name is everything before
/// the first `=` that is followed by a method parseCalibrationChoice
/// accepts, so names may contain `=`. None when there is no such `=` or the
/// name is empty.
std::optional<std::pair<std::string, CalibrationChoice>>
parseCalibrationOverride(llvm::StringRef text);

/// A closed range of real values.
struct ValueRange {
  double low;
  double high;
};

class RangeAccumulator {
public:
  /// `maxCount` bounds how many values will be added in all; the percentile
  /// method sizes what it keeps from it. `percentile` is ignored by minmax.
  RangeAccumulator(CalibrationMethod method, double percentile,
                   uint64_t maxCount);

  void add(llvm::ArrayRef<float> values);
  void add(llvm::ArrayRef<double> values);

  /// The range of the finite values added so far; none if there was none.
  std::optional<ValueRange> getRange();

  /// How many NaN or infinite values were left out.
  uint64_t getNumNonFinite() const { return numNonFinite; }
  /// How many finite values were added; their extremes (when there were
  /// any).
  uint64_t getNumFinite() const { return numFinite; }
  double getMin() const { return min; }
  double getMax() const { return max; }

  /// Percentile only: the kept extremes, the smallest ascending and the
  /// largest descending (what percentileRange takes).
  std::pair<std::vector<double>, std::vector<double>> takeTails();

private:
  void addValue(double value);
  void compact();

  CalibrationMethod method;
  double percentile;
  uint64_t numFinite = 0;
  uint64_t numNonFinite = 0;
  double min, max;

  /// Percentile only: candidates for the upper and lower order statistics,
  /// how many of each are needed, and the value below (above) which a new
  /// value can no longer be among the largest (smallest) ones.
  std::vector<double> largest, smallest;
  uint64_t numLargest = 0, numSmallest = 0;
  double largestCutoff, smallestCutoff;
};

/// The range from the (100 - p)-th to the p-th percentile of `numFinite`
/// values of which `smallest` (ascending) and `largest` (descending) are the
/// extremes. None when the tails are too short to hold the order statistics
/// p needs, or numFinite is 0.
std::optional<ValueRange> percentileRange(uint64_t numFinite,
                                          llvm::ArrayRef<double> smallest,
                                          llvm::ArrayRef<double> largest,
                                          double percentile);

} // namespace qcc

#endif // QCC_CALIBRATION_RANGESTATISTICS_H
