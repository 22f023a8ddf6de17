//===- TensorStatistics.h - what calibration measures per tensor -*- C++
//-*-===//
//
// Everything calibration keeps about one tensor's values over all samples,
// enough to derive the range of every method (and what a profile stores,
// Profile.h):
//
//   numFinite, numNonFinite   how many finite and NaN/infinite values
//   min, max                  the finite extremes (numFinite > 0)
//   smallest, largest         the exact tails for percentiles (ascending,
//                             descending), RangeStatistics.h
//   numZeros                  how many values were exactly 0 (+0 or -0)
//   histogram                 kHistogramBins equal bins over
//                             [lo, hi] = [min(min, 0), max(max, 0)]
//   absHistogram              kHistogramBins equal bins of |x| over
//                             [0, A], A = max(|min|, |max|)
//   absPointMasses            per bin of absHistogram, how many of its
//                             values are one repeated value (below)
//
// Both histograms count the finite values other than 0: a value that is
// exactly 0 is exactly representable in every range qcc quantizes to (the
// range always contains 0 and the zero point is an integer), so it costs
// no error for any choice and the methods leave it out. A value x goes to
// bin floor(t * kHistogramBins), t = (x - lo) / (hi - lo) (resp. |x| / A),
// evaluated in double and clamped to the last bin, so that x = hi counts.
//
// Point masses: a value that occurs many times exactly (the constant
// background of an image, and what a convolution makes of it: one value per
// channel) is a spike in its bin. Each bin of absHistogram runs a
// Boyer-Moore majority vote over its values of |x| in calibration order;
// absPointMasses[j] is the vote's final count when it is at least 2, else
// 0. It is at most the number of times the winning value occurs, at least
// 2f - n when one value fills f of the bin's n values, and n when all are
// equal; a bin of distinct values has 0.
//
// The histogram methods choose a range from these counts, assuming the
// values of a bin are spread uniformly over it:
//
//   entropy  TensorRT's KL-divergence calibration on absHistogram (with
//            L = 128 quantization levels for a tensor with both signs, 256
//            for a one-sided one): the threshold T is the bin edge
//            i * A / 2048 (L <= i <= 2048) minimizing KL(P || Q), P the
//            first i bins with everything above folded into bin i - 1, Q
//            those i bins quantized to L levels and expanded back. A point
//            mass stays in its bin in Q (quantization maps it to one value;
//            only the rest of a level's count is spread), so that spikes
//            do not make every wide level look lossy. The range is
//            [max(min, -T), min(max, T)]. See docs/Numerics.md.
//   mse      on histogram, the range [a, b] (a <= 0 <= b bin edges)
//            minimizing the expected squared error of the 256-level grid
//            over [a, b]: clipping error (x - b)^2, (x - a)^2 outside, plus
//            s^2 / 12 per value inside, s = (b - a) / 255.
//
// A tensor with min == max (all-zero or constant) gets [min, max] from both.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_TENSORSTATISTICS_H
#define QCC_CALIBRATION_TENSORSTATISTICS_H

#include "qcc/Calibration/RangeStatistics.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qcc {

inline constexpr unsigned kHistogramBins = 2048;

struct TensorStatistics {
  uint64_t numFinite = 0;
  uint64_t numNonFinite = 0;
  double min = 0.0;
  double max = 0.0;
  std::vector<double> smallest;
  std::vector<double> largest;
  uint64_t numZeros = 0;
  /// Empty when no histogram was collected; kHistogramBins counts otherwise.
  std::vector<uint64_t> histogram;
  std::vector<uint64_t> absHistogram;
  /// Empty with the histograms; kHistogramBins counts, each 0 or in
  /// [2, absHistogram[j]], otherwise.
  std::vector<uint64_t> absPointMasses;

  /// The span of `histogram`: [min(min, 0), max(max, 0)].
  double histogramLow() const { return min < 0.0 ? min : 0.0; }
  double histogramHigh() const { return max > 0.0 ? max : 0.0; }
  /// The span of `absHistogram`: [0, max(|min|, |max|)].
  double absHistogramHigh() const;
};

/// Second pass of calibration: fills the histograms of `statistics`, whose
/// min and max (of the same values) are already known.
class HistogramAccumulator {
public:
  explicit HistogramAccumulator(TensorStatistics &statistics);

  void add(llvm::ArrayRef<float> values);
  void add(llvm::ArrayRef<double> values);

private:
  void addValue(double value);

  TensorStatistics &statistics;
  double low, span, absSpan;
  /// Per bin of absHistogram, the majority vote's candidate |x| and count.
  std::vector<double> candidates;
  std::vector<uint64_t> votes;
};

/// Entropy calibration: over `absHistogram` (kHistogramBins bins) with its
/// `pointMasses` (the same length, or empty for none), the number of bins i
/// in [levels, bins] whose threshold minimizes the KL divergence (ties: the
/// largest i). `levels` is 128 or 256.
unsigned selectEntropyBins(llvm::ArrayRef<uint64_t> absHistogram,
                           llvm::ArrayRef<uint64_t> pointMasses,
                           unsigned levels);

/// KL(P || Q) of candidate `bins` (see above); +inf when Q is 0 where P is
/// not. Exposed for tests.
double entropyDivergence(llvm::ArrayRef<uint64_t> absHistogram,
                         llvm::ArrayRef<uint64_t> pointMasses, unsigned bins,
                         unsigned levels);

/// MSE calibration over `histogram` spanning [low, high] (low <= 0 <= high):
/// the bin edges (lowEdge, highEdge), a = low + (high - low) lowEdge / bins,
/// b likewise, a <= 0 <= b, lowEdge < highEdge, of least expected squared
/// error with `steps` quantization steps over [a, b] (ties: the widest).
struct MseChoice {
  unsigned lowEdge;
  unsigned highEdge;
  /// The expected squared error summed over the counted values.
  double error;
};
MseChoice selectMseEdges(llvm::ArrayRef<uint64_t> histogram, double low,
                         double high, unsigned steps = 255);

/// The range `choice` gives `statistics`. None with a reason in `why` when
/// there is no finite value, or the statistics lack what the method needs
/// (the histograms, or tails deep enough for the percentile).
std::optional<ValueRange> computeRange(const TensorStatistics &statistics,
                                       const CalibrationChoice &choice,
                                       std::string *why = nullptr);

} // namespace qcc

#endif // QCC_CALIBRATION_TENSORSTATISTICS_H
