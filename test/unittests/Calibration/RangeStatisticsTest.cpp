//===- RangeStatisticsTest.cpp - minmax and exact percentiles -------------===//
//
// Property test: on random data of many sizes, added in random chunks, the
// bounded-memory percentile equals the percentile of the fully sorted data
// computed by the textbook definition (numpy's "linear" method); plus hand
// computed cases and the treatment of NaN and infinities.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/RangeStatistics.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace qcc;

namespace {

/// np.percentile(values, q) with the default method, written from its
/// documentation: h = (n - 1) q / 100, interpolate between neighbours.
double referencePercentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  double h = (values.size() - 1) * (q / 100.0);
  size_t below = static_cast<size_t>(std::floor(h));
  size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (h - below) * (values[above] - values[below]);
}

ValueRange rangeOf(CalibrationMethod method, double p,
                   const std::vector<float> &values) {
  RangeAccumulator accumulator(method, p, values.size());
  accumulator.add(values);
  std::optional<ValueRange> range = accumulator.getRange();
  EXPECT_TRUE(range.has_value());
  return range.value_or(ValueRange{0, 0});
}

TEST(RangeStatistics, MinMax) {
  ValueRange range =
      rangeOf(CalibrationMethod::MinMax, 0, {0.5f, -3.0f, 2.0f, 1.0f});
  EXPECT_EQ(range.low, -3.0);
  EXPECT_EQ(range.high, 2.0);
}

TEST(RangeStatistics, PercentileByHand) {
  // 0, 1, ..., 100: the p-th percentile is p itself.
  std::vector<float> values;
  for (int i = 100; i >= 0; --i)
    values.push_back(i);
  ValueRange range = rangeOf(CalibrationMethod::Percentile, 99, values);
  EXPECT_EQ(range.low, 1.0);
  EXPECT_EQ(range.high, 99.0);
  // 0, 10, 20, 30: h = 3 * 0.9 = 2.7 -> 20 + 0.7 * 10 = 27; low: h = 0.3 -> 3.
  range = rangeOf(CalibrationMethod::Percentile, 90, {30, 0, 20, 10});
  EXPECT_NEAR(range.low, 3.0, 1e-12);
  EXPECT_NEAR(range.high, 27.0, 1e-12);
  // p = 100 is minmax; a single value is its own range.
  range = rangeOf(CalibrationMethod::Percentile, 100, {4, -1, 7});
  EXPECT_EQ(range.low, -1.0);
  EXPECT_EQ(range.high, 7.0);
  range = rangeOf(CalibrationMethod::Percentile, 99.99, {2.5f});
  EXPECT_EQ(range.low, 2.5);
  EXPECT_EQ(range.high, 2.5);
}

TEST(RangeStatistics, PercentileMatchesFullSort) {
  std::mt19937 rng(1234);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  for (double p : {50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    for (size_t n : {1u, 2u, 3u, 10u, 101u, 1000u, 5000u, 100000u}) {
      std::vector<float> values(n);
      for (float &value : values)
        value = normal(rng);
      // Duplicates and outliers.
      if (n > 10) {
        values[3] = values[4];
        values[n / 2] = 1000.0f;
        values[n / 3] = -1000.0f;
      }
      RangeAccumulator accumulator(CalibrationMethod::Percentile, p, n);
      for (size_t start = 0; start < n;) {
        size_t size = std::min<size_t>(1 + rng() % 700, n - start);
        accumulator.add(llvm::ArrayRef(values).slice(start, size));
        start += size;
      }
      std::optional<ValueRange> range = accumulator.getRange();
      ASSERT_TRUE(range.has_value());
      std::vector<double> asDouble(values.begin(), values.end());
      double low = referencePercentile(asDouble, 100.0 - p);
      double high = referencePercentile(asDouble, p);
      double tolerance = 1e-9 * (1.0 + std::fabs(low) + std::fabs(high));
      EXPECT_NEAR(range->low, low, tolerance) << "p=" << p << " n=" << n;
      EXPECT_NEAR(range->high, high, tolerance) << "p=" << p << " n=" << n;
    }
  }
}

TEST(RangeStatistics, FewerValuesThanAnnounced) {
  // maxCount is an upper bound: sizing for more values stays exact.
  std::vector<float> values = {5, 1, 4, 2, 3};
  RangeAccumulator accumulator(CalibrationMethod::Percentile, 75, 1000);
  accumulator.add(values);
  std::optional<ValueRange> range = accumulator.getRange();
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->low, 2.0);
  EXPECT_EQ(range->high, 4.0);
}

TEST(RangeStatistics, NonFiniteValuesAreLeftOut) {
  for (CalibrationMethod method :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile}) {
    RangeAccumulator accumulator(method, 100, 5);
    accumulator.add(std::vector<float>{1, NAN, -INFINITY, 3, INFINITY});
    std::optional<ValueRange> range = accumulator.getRange();
    ASSERT_TRUE(range.has_value());
    EXPECT_EQ(range->low, 1.0);
    EXPECT_EQ(range->high, 3.0);
    EXPECT_EQ(accumulator.getNumNonFinite(), 3u);

    RangeAccumulator onlyNaN(method, 100, 2);
    onlyNaN.add(std::vector<double>{NAN, NAN});
    EXPECT_FALSE(onlyNaN.getRange().has_value());
    EXPECT_EQ(onlyNaN.getNumNonFinite(), 2u);
  }
}

} // namespace
