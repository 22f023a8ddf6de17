//===- TensorStatistics.cpp - histograms, entropy and mse ranges ----------===//

#include "qcc/Calibration/TensorStatistics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qcc {

double TensorStatistics::absHistogramHigh() const {
  return std::max(std::fabs(min), std::fabs(max));
}

HistogramAccumulator::HistogramAccumulator(TensorStatistics &statistics)
    : statistics(statistics), low(statistics.histogramLow()),
      span(statistics.histogramHigh() - statistics.histogramLow()),
      absSpan(statistics.absHistogramHigh()) {
  statistics.numZeros = 0;
  statistics.histogram.assign(kHistogramBins, 0);
  statistics.absHistogram.assign(kHistogramBins, 0);
  statistics.absPointMasses.assign(kHistogramBins, 0);
  candidates.assign(kHistogramBins, 0.0);
  votes.assign(kHistogramBins, 0);
}

/// The bin of `t` in [0, 1]: floor(t * bins), the last bin for t = 1 (and
/// for anything out of [0, 1], which min and max exclude).
static unsigned binOf(double t) {
  double scaled = t * kHistogramBins;
  if (!(scaled >= 0.0))
    return 0;
  if (scaled >= kHistogramBins - 1)
    return kHistogramBins - 1;
  return static_cast<unsigned>(scaled);
}

void HistogramAccumulator::addValue(double value) {
  if (!std::isfinite(value))
    return;
  if (value == 0.0) {
    ++statistics.numZeros;
    return;
  }
  // A nonzero value makes both spans positive.
  ++statistics.histogram[binOf((value - low) / span)];
  double magnitude = std::fabs(value);
  unsigned bin = binOf(magnitude / absSpan);
  ++statistics.absHistogram[bin];

  // The bin's majority vote (Boyer-Moore); a count of 2 or more is a point
  // mass.
  uint64_t &count = votes[bin];
  if (count == 0)
    candidates[bin] = magnitude;
  if (candidates[bin] == magnitude)
    ++count;
  else
    --count;
  statistics.absPointMasses[bin] = count >= 2 ? count : 0;
}

void HistogramAccumulator::add(llvm::ArrayRef<float> values) {
  for (float value : values)
    addValue(value);
}

void HistogramAccumulator::add(llvm::ArrayRef<double> values) {
  for (double value : values)
    addValue(value);
}

double entropyDivergence(llvm::ArrayRef<uint64_t> absHistogram,
                         llvm::ArrayRef<uint64_t> pointMasses, unsigned bins,
                         unsigned levels) {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  auto pointMass = [&](unsigned j) {
    return pointMasses.empty() ? 0.0 : static_cast<double>(pointMasses[j]);
  };
  // P: the first `bins` counts, the outliers added to the last one.
  double totalP = 0.0, totalQ = 0.0;
  for (uint64_t count : absHistogram)
    totalP += static_cast<double>(count);
  for (uint64_t count : absHistogram.take_front(bins))
    totalQ += static_cast<double>(count);
  if (totalQ == 0.0)
    return infinity;
  double outliers = totalP - totalQ;
  auto reference = [&](unsigned j) {
    double count = static_cast<double>(absHistogram[j]);
    return j == bins - 1 ? count + outliers : count;
  };

  // Q: bin j belongs to level floor(j * levels / bins). A point mass stays
  // in its bin; the rest of a level's count (without the outliers) is spread
  // evenly over the level's bins where P without the point mass is nonzero.
  double divergence = 0.0;
  for (unsigned level = 0; level < levels; ++level) {
    unsigned begin = (uint64_t(level) * bins + levels - 1) / levels;
    unsigned end = (uint64_t(level + 1) * bins + levels - 1) / levels;
    double spread = 0.0;
    unsigned nonzero = 0;
    for (unsigned j = begin; j < end; ++j) {
      spread += static_cast<double>(absHistogram[j]) - pointMass(j);
      nonzero += reference(j) - pointMass(j) != 0.0;
    }
    for (unsigned j = begin; j < end; ++j) {
      double p = reference(j);
      if (p == 0.0)
        continue;
      double rest = p - pointMass(j) != 0.0 ? spread / nonzero : 0.0;
      double q = (rest + pointMass(j)) / totalQ;
      if (q == 0.0)
        return infinity;
      p /= totalP;
      divergence += p * std::log(p / q);
    }
  }
  return divergence;
}

unsigned selectEntropyBins(llvm::ArrayRef<uint64_t> absHistogram,
                           llvm::ArrayRef<uint64_t> pointMasses,
                           unsigned levels) {
  unsigned numBins = absHistogram.size();
  unsigned best = numBins;
  double bestDivergence = std::numeric_limits<double>::infinity();
  for (unsigned bins = std::min(levels, numBins); bins <= numBins; ++bins) {
    double divergence =
        entropyDivergence(absHistogram, pointMasses, bins, levels);
    if (divergence <= bestDivergence) {
      bestDivergence = divergence;
      best = bins;
    }
  }
  return best;
}

/// Bin edge `k` of `bins` equal bins over [low, high].
static double edgeOf(double low, double high, unsigned k, unsigned bins) {
  return low + (high - low) * (static_cast<double>(k) / bins);
}

MseChoice selectMseEdges(llvm::ArrayRef<uint64_t> histogram, double low,
                         double high, unsigned steps) {
  unsigned bins = histogram.size();
  double width = (high - low) / bins;
  double binVariance = width * width / 12.0;
  auto center = [&](unsigned j) {
    return low + (high - low) * ((j + 0.5) / bins);
  };
  // The error of clipping every value of bin j to t, values uniform in the
  // bin: E[(x - t)^2] = (center - t)^2 + width^2 / 12.
  auto clipError = [&](unsigned j, double t) {
    double offset = center(j) - t;
    return static_cast<double>(histogram[j]) * (offset * offset + binVariance);
  };

  std::vector<double> clipLow(bins + 1, 0.0), clipHigh(bins + 1, 0.0);
  std::vector<uint64_t> below(bins + 1, 0);
  for (unsigned k = 0; k < bins; ++k)
    below[k + 1] = below[k] + histogram[k];
  std::vector<unsigned> lowEdges, highEdges;
  for (unsigned k = 0; k <= bins; ++k) {
    double edge = edgeOf(low, high, k, bins);
    if (edge <= 0.0) {
      lowEdges.push_back(k);
      for (unsigned j = 0; j < k; ++j)
        if (histogram[j])
          clipLow[k] += clipError(j, edge);
    }
    if (edge >= 0.0) {
      highEdges.push_back(k);
      for (unsigned j = k; j < bins; ++j)
        if (histogram[j])
          clipHigh[k] += clipError(j, edge);
    }
  }

  MseChoice best{0, bins, std::numeric_limits<double>::infinity()};
  for (unsigned lowEdge : lowEdges) {
    double a = edgeOf(low, high, lowEdge, bins);
    for (unsigned highEdge : llvm::reverse(highEdges)) {
      if (highEdge <= lowEdge)
        break;
      double step = (edgeOf(low, high, highEdge, bins) - a) / steps;
      double inside = static_cast<double>(below[highEdge] - below[lowEdge]);
      double error =
          clipLow[lowEdge] + clipHigh[highEdge] + inside * step * step / 12.0;
      if (error < best.error)
        best = {lowEdge, highEdge, error};
    }
  }
  return best;
}

/// [a, b] (which contains 0) within the observed [min, max]; [a, b] itself
/// when they do not meet.
static ValueRange clipToObserved(double a, double b,
                                 const TensorStatistics &statistics) {
  ValueRange range{std::max(statistics.min, a), std::min(statistics.max, b)};
  if (range.low > range.high)
    return ValueRange{a, b};
  return range;
}

std::optional<ValueRange> computeRange(const TensorStatistics &statistics,
                                       const CalibrationChoice &choice,
                                       std::string *why) {
  auto fail = [&](const llvm::Twine &reason) -> std::optional<ValueRange> {
    if (why)
      *why = reason.str();
    return std::nullopt;
  };
  if (statistics.numFinite == 0)
    return fail("it took no finite value");
  ValueRange observed{statistics.min, statistics.max};
  switch (choice.method) {
  case CalibrationMethod::MinMax:
    return observed;
  case CalibrationMethod::Percentile: {
    std::optional<ValueRange> range =
        percentileRange(statistics.numFinite, statistics.smallest,
                        statistics.largest, choice.percentile);
    if (!range)
      return fail(
          "its kept extremes (" + llvm::Twine(statistics.smallest.size()) +
          " smallest, " + llvm::Twine(statistics.largest.size()) +
          " largest) are too few for " + stringifyCalibrationChoice(choice));
    return range;
  }
  case CalibrationMethod::Entropy:
  case CalibrationMethod::Mse:
    break;
  }
  // All-zero and constant tensors: nothing to clip.
  if (statistics.min == statistics.max)
    return observed;
  if (statistics.histogram.size() != kHistogramBins ||
      statistics.absHistogram.size() != kHistogramBins ||
      statistics.absPointMasses.size() != kHistogramBins)
    return fail("it has no histogram");

  if (choice.method == CalibrationMethod::Entropy) {
    bool twoSided = statistics.min < 0.0 && statistics.max > 0.0;
    unsigned bins =
        selectEntropyBins(statistics.absHistogram, statistics.absPointMasses,
                          twoSided ? 128 : 256);
    double threshold = statistics.absHistogramHigh() *
                       (static_cast<double>(bins) / kHistogramBins);
    return clipToObserved(statistics.min < 0.0 ? -threshold : 0.0,
                          statistics.max > 0.0 ? threshold : 0.0, statistics);
  }
  double low = statistics.histogramLow(), high = statistics.histogramHigh();
  MseChoice best = selectMseEdges(statistics.histogram, low, high);
  return clipToObserved(edgeOf(low, high, best.lowEdge, kHistogramBins),
                        edgeOf(low, high, best.highEdge, kHistogramBins),
                        statistics);
}

} // namespace qcc
