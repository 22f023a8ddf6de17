//===- RangeStatistics.cpp - value ranges from observed tensors -----------===//

#include "qcc/Calibration/RangeStatistics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

namespace qcc {

std::optional<CalibrationChoice> parseCalibrationChoice(llvm::StringRef text) {
  CalibrationChoice choice;
  if (text == "minmax")
    return choice;
  if (text == "entropy") {
    choice.method = CalibrationMethod::Entropy;
    return choice;
  }
  if (text == "mse") {
    choice.method = CalibrationMethod::Mse;
    return choice;
  }
  if (!text.consume_front("percentile"))
    return std::nullopt;
  choice.method = CalibrationMethod::Percentile;
  if (text.empty())
    return choice;
  if (!text.consume_front("=") || text.getAsDouble(choice.percentile) ||
      !(choice.percentile >= 50.0 && choice.percentile <= 100.0))
    return std::nullopt;
  return choice;
}

std::string stringifyCalibrationChoice(const CalibrationChoice &choice) {
  switch (choice.method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::Mse:
    return "mse";
  case CalibrationMethod::Percentile:
    break;
  }
  // The shortest spelling that reads back as the same double.
  char buffer[64];
  auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), choice.percentile);
  return "percentile=" + std::string(buffer, result.ptr);
}

std::optional<std::pair<std::string, CalibrationChoice>>
parseCalibrationOverride(llvm::StringRef text) {
  for (size_t equals = text.find('='); equals != llvm::StringRef::npos;
       equals = text.find('=', equals + 1)) {
    if (equals == 0)
      continue;
    if (std::optional<CalibrationChoice> choice =
            parseCalibrationChoice(text.drop_front(equals + 1)))
      return std::make_pair(text.take_front(equals).str(), *choice);
  }
  return std::nullopt;
}

/// numpy's virtual index for quantile `q` in [0, 1] of `n` sorted values
/// (method "linear": alpha = beta = 1), evaluated the way numpy does so that
/// the floor lands on the same element.
static double virtualIndex(uint64_t n, double q) {
  constexpr double alpha = 1.0, beta = 1.0;
  return static_cast<double>(n) * q + (alpha + q * (1.0 - alpha - beta)) - 1.0;
}

/// numpy's `_lerp`: exact at both ends, interpolating from the nearer one.
static double lerp(double a, double b, double t) {
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// The quantiles (in [0, 1]) of the two bounds, spelled as np.percentile's
/// callers spell them (`100 - p`), so that both round alike.
static double highQuantile(double percentile) { return percentile / 100.0; }
static double lowQuantile(double percentile) {
  return (100.0 - percentile) / 100.0;
}

/// The element index below the virtual index, clamped to [0, n - 1].
static uint64_t lowerIndex(uint64_t n, double index) {
  if (index <= 0)
    return 0;
  return std::min(static_cast<uint64_t>(std::floor(index)), n - 1);
}

RangeAccumulator::RangeAccumulator(CalibrationMethod method, double percentile,
                                   uint64_t maxCount)
    : method(method), percentile(percentile),
      min(std::numeric_limits<double>::infinity()),
      max(-std::numeric_limits<double>::infinity()),
      largestCutoff(-std::numeric_limits<double>::infinity()),
      smallestCutoff(std::numeric_limits<double>::infinity()) {
  if (method != CalibrationMethod::Percentile)
    return;
  maxCount = std::max<uint64_t>(maxCount, 1);
  // With fewer values the needed order statistics sit no deeper from either
  // end (the depths grow with n), so sizing for maxCount is enough.
  uint64_t high =
      lowerIndex(maxCount, virtualIndex(maxCount, highQuantile(percentile)));
  uint64_t low =
      lowerIndex(maxCount, virtualIndex(maxCount, lowQuantile(percentile)));
  numLargest = std::min(maxCount, maxCount - high + 1);
  numSmallest = std::min(maxCount, low + 2);
}

void RangeAccumulator::compact() {
  // Keep exactly the needed extremes; everything beyond the cutoffs can be
  // dropped on arrival from now on.
  if (largest.size() > numLargest) {
    std::nth_element(largest.begin(), largest.begin() + (numLargest - 1),
                     largest.end(), std::greater<double>());
    largest.resize(numLargest);
  }
  if (largest.size() == numLargest && numLargest != 0)
    largestCutoff = *std::min_element(largest.begin(), largest.end());
  if (smallest.size() > numSmallest) {
    std::nth_element(smallest.begin(), smallest.begin() + (numSmallest - 1),
                     smallest.end());
    smallest.resize(numSmallest);
  }
  if (smallest.size() == numSmallest && numSmallest != 0)
    smallestCutoff = *std::max_element(smallest.begin(), smallest.end());
}

void RangeAccumulator::addValue(double value) {
  if (!std::isfinite(value)) {
    ++numNonFinite;
    return;
  }
  ++numFinite;
  min = std::min(min, value);
  max = std::max(max, value);
  if (method != CalibrationMethod::Percentile)
    return;
  // A value equal to a cutoff cannot change the multiset of extremes kept.
  if (value > largestCutoff) {
    largest.push_back(value);
    if (largest.size() >= 2 * numLargest + 1024)
      compact();
  }
  if (value < smallestCutoff) {
    smallest.push_back(value);
    if (smallest.size() >= 2 * numSmallest + 1024)
      compact();
  }
}

void RangeAccumulator::add(llvm::ArrayRef<float> values) {
  for (float value : values)
    addValue(value);
}

void RangeAccumulator::add(llvm::ArrayRef<double> values) {
  for (double value : values)
    addValue(value);
}

std::pair<std::vector<double>, std::vector<double>>
RangeAccumulator::takeTails() {
  compact();
  std::sort(largest.begin(), largest.end(), std::greater<double>());
  std::sort(smallest.begin(), smallest.end());
  return {std::move(smallest), std::move(largest)};
}

std::optional<ValueRange> RangeAccumulator::getRange() {
  if (numFinite == 0)
    return std::nullopt;
  if (method != CalibrationMethod::Percentile)
    return ValueRange{min, max};
  auto [low, high] = takeTails();
  std::optional<ValueRange> range =
      percentileRange(numFinite, low, high, percentile);
  smallest = std::move(low);
  largest = std::move(high);
  return range;
}

std::optional<ValueRange> percentileRange(uint64_t n,
                                          llvm::ArrayRef<double> smallest,
                                          llvm::ArrayRef<double> largest,
                                          double percentile) {
  if (n == 0)
    return std::nullopt;
  // The value of ascending rank `rank`, from whichever end keeps it; a rank
  // that neither tail reaches makes the result unavailable.
  bool complete = true;
  auto fromTop = [&](uint64_t rank) {
    uint64_t index = n - 1 - rank;
    if (index >= largest.size()) {
      complete = false;
      return 0.0;
    }
    return largest[index];
  };
  auto fromBottom = [&](uint64_t rank) {
    if (rank >= smallest.size()) {
      complete = false;
      return 0.0;
    }
    return smallest[rank];
  };
  auto quantile = [&](double q, auto element) {
    double index = virtualIndex(n, q);
    uint64_t below = lowerIndex(n, index);
    uint64_t above = std::min(below + 1, n - 1);
    if (index >= static_cast<double>(n - 1))
      return element(n - 1);
    if (index < 0)
      return element(0);
    return lerp(element(below), element(above),
                index - static_cast<double>(below));
  };
  ValueRange range{quantile(lowQuantile(percentile), fromBottom),
                   quantile(highQuantile(percentile), fromTop)};
  if (!complete)
    return std::nullopt;
  return range;
}

} // namespace qcc
