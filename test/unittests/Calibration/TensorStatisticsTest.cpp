//===- TensorStatisticsTest.cpp - histograms, entropy and mse -------------===//
//
// The entropy and mse choices on synthetic histograms, against numbers from
// histogram_reference.py (numpy, written from the definitions in
// docs/Numerics.md, not from this code) and against cases worked out by
// hand; histogram binning; degenerate tensors; method parsing; and the
// profile's JSON round trip.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/TensorStatistics.h"
#include "qcc/Calibration/Profile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace qcc;

namespace {

/// histogram_reference.py's laplace(): floor(total * exp(-(j + 0.5) /
/// scale)) per bin, plus `outliers` in the last bin.
std::vector<uint64_t> laplace(double scale, double total, uint64_t outliers) {
  std::vector<uint64_t> counts(kHistogramBins);
  for (unsigned j = 0; j < kHistogramBins; ++j)
    counts[j] =
        static_cast<uint64_t>(std::floor(total * std::exp(-(j + 0.5) / scale)));
  counts.back() += outliers;
  return counts;
}

/// histogram_reference.py's gaussian() over [low, high].
std::vector<uint64_t> gaussian(double low, double high, double mean,
                               double sigma, double total) {
  std::vector<uint64_t> counts(kHistogramBins);
  for (unsigned j = 0; j < kHistogramBins; ++j) {
    double center = low + (high - low) * ((j + 0.5) / kHistogramBins);
    double z = (center - mean) / sigma;
    counts[j] =
        static_cast<uint64_t>(std::floor(total * std::exp(-0.5 * z * z)));
  }
  return counts;
}

TEST(Entropy, MatchesNumpyReference) {
  // histogram_reference.py: 640, 763, 2048.
  std::vector<uint64_t> decay = laplace(60.0, 1e6, 3);
  EXPECT_EQ(selectEntropyBins(decay, {}, 128), 640u);
  EXPECT_EQ(selectEntropyBins(decay, {}, 256), 763u);
  // A slow decay that fills the whole histogram is not clipped.
  EXPECT_EQ(selectEntropyBins(laplace(400.0, 1e5, 0), {}, 128), 2048u);
}

TEST(Entropy, ByHand) {
  // Equal counts everywhere: without clipping, every level's 16 (or 8) bins
  // are equal, so Q = P and the divergence is exactly 0; any clipping
  // piles the tail into one bin. No clipping wins.
  std::vector<uint64_t> flat(kHistogramBins, 7);
  EXPECT_EQ(entropyDivergence(flat, {}, 2048, 128), 0.0);
  EXPECT_GT(entropyDivergence(flat, {}, 1024, 128), 0.0);
  EXPECT_EQ(selectEntropyBins(flat, {}, 128), 2048u);

  // 1000 values in each of bins 0..299 and one outlier in bin 2047. For a
  // candidate i = 1000 the last level holds bins 993..999, all empty, while
  // P puts the outlier in bin 999: Q is 0 where P is not, KL = inf. At
  // i = 2048 the outlier has a level of its own and Q = P: KL = 0, so an
  // isolated outlier is kept (numpy reference: 2048 for 128 and 256).
  std::vector<uint64_t> block(kHistogramBins, 0);
  std::fill(block.begin(), block.begin() + 300, 1000);
  block.back() = 1;
  EXPECT_TRUE(std::isinf(entropyDivergence(block, {}, 1000, 128)));
  EXPECT_EQ(entropyDivergence(block, {}, 2048, 128), 0.0);
  EXPECT_EQ(selectEntropyBins(block, {}, 128), 2048u);
  EXPECT_EQ(selectEntropyBins(block, {}, 256), 2048u);

  // Two bins, levels = 2, i = 2: each bin is its own level, KL = 0. With
  // 4 bins [3, 1, 0, 0] and i = 2 the same. By the definition with P =
  // [0.75, 0.25] and i = 4, levels = 2: level 0 = bins 0, 1 (sum 4, both
  // nonzero, q = 2 each), level 1 = bins 2, 3 (empty): KL = 0.75 ln(0.75 /
  // 0.5) + 0.25 ln(0.25 / 0.5).
  std::vector<uint64_t> small = {3, 1, 0, 0};
  EXPECT_EQ(entropyDivergence(small, {}, 2, 2), 0.0);
  EXPECT_NEAR(entropyDivergence(small, {}, 4, 2),
              0.75 * std::log(1.5) + 0.25 * std::log(0.5), 1e-15);
}

/// histogram_reference.py's spikes(): a ReLU-like decay floor(2e4 exp(-(j +
/// 0.5) / 100)) with 200000 more values in each of 9 bins, all of them one
/// repeated value (the point masses).
std::pair<std::vector<uint64_t>, std::vector<uint64_t>> spikes() {
  std::vector<uint64_t> counts = laplace(100.0, 2e4, 0);
  std::vector<uint64_t> masses(kHistogramBins, 0);
  for (unsigned bin : {46, 50, 98, 127, 146, 158, 170, 187, 222}) {
    counts[bin] += 200000;
    masses[bin] = 200000;
  }
  return {counts, masses};
}

TEST(Entropy, PointMassesMatchNumpyReference) {
  // histogram_reference.py. Without point masses, spreading each spike over
  // its level's bins costs so much that KL picks the narrow thresholds that
  // keep the spikes apart (341 of 2048 bins with 256 levels, 188 with 128)
  // and clips the dense tail above them (bins up to 989 are nonzero). With
  // them, the choice is that of the decay alone (990 and 989) or next to it.
  auto [counts, masses] = spikes();
  EXPECT_EQ(selectEntropyBins(counts, {}, 256), 341u);
  EXPECT_EQ(selectEntropyBins(counts, {}, 128), 188u);
  EXPECT_EQ(selectEntropyBins(counts, masses, 256), 990u);
  EXPECT_EQ(selectEntropyBins(counts, masses, 128), 988u);
  std::vector<uint64_t> decay = laplace(100.0, 2e4, 0);
  EXPECT_EQ(selectEntropyBins(decay, {}, 256), 990u);
  EXPECT_EQ(selectEntropyBins(decay, {}, 128), 989u);
  // No point masses is the same as zero point masses.
  std::vector<uint64_t> zeros(kHistogramBins, 0);
  EXPECT_EQ(selectEntropyBins(counts, zeros, 256), 341u);
}

TEST(Entropy, PointMassesByHand) {
  // 4 bins, 2 levels, i = 4: level 0 is bins 0 and 1 with P = [5, 1]. Plain
  // KL spreads the 6 values evenly: Q = [3, 3], KL = 5/6 ln(5/3) + 1/6
  // ln(1/3). With 4 of bin 0's values one repeated value, Q keeps those 4
  // in bin 0 and spreads the other 2 over bins 0 and 1 (both still nonzero
  // without the point mass): Q = [5, 1] = P, KL = 0.
  std::vector<uint64_t> counts = {5, 1, 0, 0};
  EXPECT_NEAR(entropyDivergence(counts, {}, 4, 2),
              5.0 / 6 * std::log(5.0 / 3) + 1.0 / 6 * std::log(1.0 / 3), 1e-15);
  EXPECT_EQ(entropyDivergence(counts, {4, 0, 0, 0}, 4, 2), 0.0);
  // A bin that is all one value takes nothing of the spread: P = [4, 2],
  // point mass 4 in bin 0, the 2 others go to bin 1 alone: Q = P.
  EXPECT_EQ(entropyDivergence({4, 2, 0, 0}, {4, 0, 0, 0}, 4, 2), 0.0);
  // A clipped point mass is an outlier like any other: with i = 2 bin 2's
  // 6 values go to P's last bin whether they are one value or not, P =
  // [1, 7], Q = [1, 1]: KL = 1/8 ln(1/8 / 1/2) + 7/8 ln(7/8 / 1/2).
  double clipped = 0.125 * std::log(0.25) + 0.875 * std::log(1.75);
  EXPECT_NEAR(entropyDivergence({1, 1, 6, 0}, {0, 0, 6, 0}, 2, 2), clipped,
              1e-15);
  EXPECT_NEAR(entropyDivergence({1, 1, 6, 0}, {}, 2, 2), clipped, 1e-15);
}

TEST(Mse, MatchesNumpyReference) {
  // histogram_reference.py: (39, 1012) and (0, 653).
  std::vector<uint64_t> normal = gaussian(-1.0, 3.0, 0.0, 0.25, 1e5);
  normal.back() += 2;
  MseChoice choice = selectMseEdges(normal, -1.0, 3.0);
  EXPECT_EQ(choice.lowEdge, 39u);
  EXPECT_EQ(choice.highEdge, 1012u);

  choice = selectMseEdges(laplace(60.0, 1e6, 3), 0.0, 8.0);
  EXPECT_EQ(choice.lowEdge, 0u);
  EXPECT_EQ(choice.highEdge, 653u);
}

TEST(Mse, ByHand) {
  // 50 values uniform in bin 0 of [0, 1]: the range [0, w] (w = 1/2048)
  // clips nothing and costs 50 (w/255)^2 / 12; every wider range costs
  // more noise, and there is nothing narrower.
  std::vector<uint64_t> one(kHistogramBins, 0);
  one[0] = 50;
  MseChoice choice = selectMseEdges(one, 0.0, 1.0);
  EXPECT_EQ(choice.lowEdge, 0u);
  EXPECT_EQ(choice.highEdge, 1u);
  double step = (1.0 / 2048) / 255;
  EXPECT_NEAR(choice.error, 50 * step * step / 12, 1e-25);

  // 10 values uniform in the last bin of [0, 1]: clipping them to the edge
  // below, 1 - w, costs 10 ((w/2)^2 + w^2/12) = 10 w^2 / 3 with nothing
  // left inside; keeping them costs 10 (1/255)^2 / 12, 16 times more.
  std::vector<uint64_t> top(kHistogramBins, 0);
  top.back() = 10;
  choice = selectMseEdges(top, 0.0, 1.0);
  EXPECT_EQ(choice.highEdge, 2047u);
  double w = 1.0 / 2048;
  EXPECT_NEAR(choice.error, 10 * w * w / 3, 1e-18);
}

/// Statistics of `values` as calibration measures them.
TensorStatistics measure(const std::vector<float> &values) {
  RangeAccumulator accumulator(CalibrationMethod::Percentile, 99,
                               values.size());
  accumulator.add(values);
  TensorStatistics statistics;
  statistics.numFinite = accumulator.getNumFinite();
  statistics.numNonFinite = accumulator.getNumNonFinite();
  statistics.min = accumulator.getMin();
  statistics.max = accumulator.getMax();
  std::tie(statistics.smallest, statistics.largest) = accumulator.takeTails();
  if (statistics.numFinite) {
    HistogramAccumulator histograms(statistics);
    histograms.add(values);
  }
  return statistics;
}

TEST(Histogram, Binning) {
  // [-1, 3]: -1 is bin 0, 3 (t = 1) the last bin, 1 is t = 0.5: bin 1024;
  // |x| over [0, 3]: 1 is t = 1/3, bin floor(682.67) = 682. Zeros and NaN
  // stay out.
  TensorStatistics statistics = measure({-1.0f, 0.0f, 3.0f, 1.0f, -0.0f, NAN});
  EXPECT_EQ(statistics.numFinite, 5u);
  EXPECT_EQ(statistics.numNonFinite, 1u);
  EXPECT_EQ(statistics.numZeros, 2u);
  std::vector<uint64_t> expected(kHistogramBins, 0);
  expected[0] = expected[1024] = expected[2047] = 1;
  EXPECT_EQ(statistics.histogram, expected);
  std::vector<uint64_t> expectedAbs(kHistogramBins, 0);
  expectedAbs[682] = 2; // |-1| and 1
  expectedAbs[2047] = 1;
  EXPECT_EQ(statistics.absHistogram, expectedAbs);
}

TEST(Histogram, PointMassesByHand) {
  // |x| over [0, 2]: 1 is bin 1024, 0.5 and 0.5001 bin 512, 0.75 and 0.7501
  // bin 768, 1.5 bin 1536, 2 bin 2047. Bin 1024 holds five 1s (-1 counts
  // as 1): count 5. Bin 512 votes 0.5 (1), 0.5001 (0), 0.5 (1), 0.5 (2):
  // count 2. Bin 768: 0.75 (1), 0.7501 (0): no point mass; so are the
  // single values of bins 1536 and 2047.
  TensorStatistics statistics =
      measure({2.0f, 1.0f, 0.5f, 1.0f, 0.5001f, 1.0f, 0.75f, 1.5f, 0.5f, -1.0f,
               0.7501f, 0.5f, 1.0f, 0.0f});
  std::vector<uint64_t> expected(kHistogramBins, 0);
  expected[1024] = 5;
  expected[512] = 2;
  EXPECT_EQ(statistics.absPointMasses, expected);
  EXPECT_EQ(statistics.absHistogram[512], 4u);
  EXPECT_EQ(statistics.absHistogram[768], 2u);
}

/// histogram_reference.py's spiky_relu(): 20000 exponential quantiles
/// -ln((i + 0.5) / 20000) and, after every second one, one of 9 repeated
/// values 0.17 + 0.08 k.
std::vector<float> spikyRelu() {
  const int n = 20000;
  std::vector<float> values;
  for (int i = 0; i < n; ++i) {
    values.push_back(static_cast<float>(-std::log((i + 0.5) / n)));
    if (i % 2 == 0)
      values.push_back(static_cast<float>(0.17 + 0.08 * ((i / 2) % 9)));
  }
  return values;
}

TEST(Histogram, EntropyKeepsTheTailOfASpikyTensor) {
  // histogram_reference.py: the 9 repeated values are point masses in bins
  // 32, 48, ..., 156 with these vote counts; without them KL would choose
  // 722 bins (T = 3.74, clipping 477 of the 30000 values), with them it
  // keeps the whole sparse tail up to the maximum -ln(0.5 / 20000).
  std::vector<float> values = spikyRelu();
  TensorStatistics statistics = measure(values);
  std::vector<uint64_t> expected(kHistogramBins, 0);
  const std::pair<unsigned, uint64_t> masses[] = {
      {32, 1025},  {48, 1030},  {63, 1036},  {79, 1042}, {94, 1048},
      {110, 1053}, {125, 1057}, {141, 1062}, {156, 1065}};
  for (auto [bin, count] : masses)
    expected[bin] = count;
  EXPECT_EQ(statistics.absPointMasses, expected);
  EXPECT_EQ(selectEntropyBins(statistics.absHistogram, {}, 256), 722u);
  EXPECT_EQ(selectEntropyBins(statistics.absHistogram,
                              statistics.absPointMasses, 256),
            2048u);
  std::optional<ValueRange> range =
      computeRange(statistics, {CalibrationMethod::Entropy, 0});
  ASSERT_TRUE(range);
  EXPECT_EQ(range->low, statistics.min);
  EXPECT_EQ(range->high, statistics.max);
  EXPECT_EQ(range->high,
            static_cast<double>(static_cast<float>(-std::log(0.5 / 20000))));
}

TEST(Histogram, DegenerateTensors) {
  CalibrationChoice entropy{CalibrationMethod::Entropy, 0};
  CalibrationChoice mse{CalibrationMethod::Mse, 0};
  for (const CalibrationChoice &choice : {entropy, mse}) {
    // All zero: nothing in the histograms, the range is [0, 0].
    std::optional<ValueRange> range =
        computeRange(measure({0.0f, 0.0f, 0.0f}), choice);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->low, 0.0);
    EXPECT_EQ(range->high, 0.0);
    // Constant: the constant itself, although the uniform-in-bin model
    // would clip the last bin.
    range = computeRange(measure({2.5f, 2.5f}), choice);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->low, 2.5);
    EXPECT_EQ(range->high, 2.5);
    // No finite value: no range, and why.
    TensorStatistics none;
    none.numNonFinite = 3;
    std::string why;
    EXPECT_FALSE(computeRange(none, choice, &why));
    EXPECT_EQ(why, "it took no finite value");
    // A histogram method without histograms.
    TensorStatistics bare = measure({1.0f, 2.0f});
    bare.histogram.clear();
    EXPECT_FALSE(computeRange(bare, choice, &why));
    EXPECT_EQ(why, "it has no histogram");
  }
}

TEST(Histogram, RangesOfADenseTwoSidedTensor) {
  // 20000 values at the quantiles of a Laplace distribution, +-ln(N / (i +
  // 0.5)): the tails are dense, so both methods clip them, and the range
  // stays inside [min, max] and around 0.
  std::vector<float> values;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    float x = static_cast<float>(std::log(n / (i + 0.5)));
    values.push_back(x);
    values.push_back(-x);
  }
  TensorStatistics statistics = measure(values);
  for (CalibrationMethod method :
       {CalibrationMethod::Entropy, CalibrationMethod::Mse}) {
    std::optional<ValueRange> range = computeRange(statistics, {method, 0});
    ASSERT_TRUE(range);
    EXPECT_GT(range->low, statistics.min);
    EXPECT_LT(range->high, statistics.max);
    EXPECT_LT(range->low, 0.0);
    EXPECT_GT(range->high, 0.0);
  }
}

TEST(Percentile, FromTails) {
  // 0..100: the tails kept for p = 99 give p = 99 and p = 99.5, not p = 90.
  std::vector<float> values;
  for (int i = 100; i >= 0; --i)
    values.push_back(i);
  TensorStatistics statistics = measure(values);
  std::optional<ValueRange> range =
      computeRange(statistics, {CalibrationMethod::Percentile, 99});
  ASSERT_TRUE(range);
  EXPECT_EQ(range->low, 1.0);
  EXPECT_EQ(range->high, 99.0);
  EXPECT_TRUE(computeRange(statistics, {CalibrationMethod::Percentile, 99.5}));
  std::string why;
  EXPECT_FALSE(
      computeRange(statistics, {CalibrationMethod::Percentile, 90}, &why));
  EXPECT_NE(why.find("too few for percentile=90"), std::string::npos) << why;
}

TEST(CalibrationChoice, Parsing) {
  auto choice = parseCalibrationChoice("percentile");
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->method, CalibrationMethod::Percentile);
  EXPECT_EQ(choice->percentile, 99.99);
  EXPECT_EQ(stringifyCalibrationChoice(*choice), "percentile=99.99");
  choice = parseCalibrationChoice("percentile=99.9");
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->percentile, 99.9);
  EXPECT_EQ(parseCalibrationChoice("entropy")->method,
            CalibrationMethod::Entropy);
  EXPECT_EQ(parseCalibrationChoice("mse")->method, CalibrationMethod::Mse);
  EXPECT_EQ(stringifyCalibrationChoice(*parseCalibrationChoice("mse")), "mse");
  for (const char *bad : {"", "median", "percentile=20", "percentile=",
                          "percentile99", "percentile=100.5", "MSE"})
    EXPECT_FALSE(parseCalibrationChoice(bad)) << bad;

  auto override = parseCalibrationOverride("conv1=percentile=99.9");
  ASSERT_TRUE(override);
  EXPECT_EQ(override->first, "conv1");
  EXPECT_EQ(override->second.percentile, 99.9);
  // The name runs to the first '=' followed by a method.
  override = parseCalibrationOverride("a=b=mse");
  ASSERT_TRUE(override);
  EXPECT_EQ(override->first, "a=b");
  EXPECT_EQ(override->second.method, CalibrationMethod::Mse);
  for (const char *bad : {"conv1", "=mse", "conv1=", "conv1=median"})
    EXPECT_FALSE(parseCalibrationOverride(bad)) << bad;
}

class ProfileTest : public ::testing::Test {
protected:
  ProfileTest() {
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &context, [this](mlir::Diagnostic &diag) {
          diagnostics += diag.str() + "\n";
          return mlir::success();
        });
  }
  mlir::Location loc() { return mlir::UnknownLoc::get(&context); }

  mlir::MLIRContext context;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

TEST_F(ProfileTest, RoundTripIsExact) {
  CalibrationProfile profile;
  profile.samples = 3;
  // 3.4e38 three times: a point mass of 3 in the last bin of |x|.
  std::vector<float> values = {0.1f,        -1e-30f, 3.4e38f, 0.0f,
                               1.0f / 3.0f, 3.4e38f, -3.4e38f};
  profile.tensors.emplace_back("x \"quoted\"", measure(values));
  ASSERT_EQ(profile.tensors[0].second.absPointMasses.back(), 3u);
  TensorStatistics empty;
  empty.numNonFinite = 4;
  profile.tensors.emplace_back("empty", empty);

  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("profile", "json", path));
  ASSERT_TRUE(succeeded(writeCalibrationProfile(profile, path, loc())))
      << diagnostics;
  auto read = readCalibrationProfile(path, loc());
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(succeeded(read)) << diagnostics;
  EXPECT_EQ(read->samples, 3);
  ASSERT_EQ(read->tensors.size(), 2u);
  for (auto [expected, actual] : llvm::zip(profile.tensors, read->tensors)) {
    EXPECT_EQ(expected.first, actual.first);
    const TensorStatistics &a = expected.second, &b = actual.second;
    EXPECT_EQ(a.numFinite, b.numFinite);
    EXPECT_EQ(a.numNonFinite, b.numNonFinite);
    EXPECT_EQ(a.numZeros, b.numZeros);
    EXPECT_EQ(a.min, b.min);
    EXPECT_EQ(a.max, b.max);
    EXPECT_EQ(a.smallest, b.smallest);
    EXPECT_EQ(a.largest, b.largest);
    EXPECT_EQ(a.histogram, b.histogram);
    EXPECT_EQ(a.absHistogram, b.absHistogram);
    EXPECT_EQ(a.absPointMasses, b.absPointMasses);
  }
}

TEST_F(ProfileTest, NonFiniteLiteralsNameTheirField) {
  // Python's json writes NaN and Infinity bare; they are bad values of the
  // field, not a syntax error. A "NaN" inside a name is just text.
  const char *text = R"({"format": "qcc-calibration-profile", "version": 2,
    "samples": 1, "histogram_bins": 2048, "tensors": [
    {"name": "NaN Infinity", "finite": 1, "nonfinite": 0, "zeros": 0,
     "min": NaN, "max": Infinity}]})";
  EXPECT_TRUE(failed(parseCalibrationProfile(text, "p.json", loc())));
  EXPECT_NE(diagnostics.find("calibration profile 'p.json': tensor 'NaN "
                             "Infinity': 'min' is NaN"),
            std::string::npos)
      << diagnostics;
}

} // namespace
