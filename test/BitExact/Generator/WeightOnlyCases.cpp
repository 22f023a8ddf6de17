//===- WeightOnlyCases.cpp - weight-only quantized matmul cases -----------===//
//
// A float tosa.matmul whose weight is a float constant: qcc quantizes the
// weight at compile time (--quantize=weight-only-int8/int4, optionally
// --weight-block-size) and the compiled code computes the float matmul with
// the dequantized weight. The reference quantizes, unpacks, dequantizes and
// sums in the order of the contract, so the results must match bit for bit.
//
//===----------------------------------------------------------------------===//

#include "Cases.h"

#include <cmath>

namespace qcc::bitexact {

using namespace qcc::ref;

namespace {

enum class WeightVariant { Grid, Random, ZeroColumns, Batched, Count };

const char *weightVariantName(WeightVariant variant) {
  static const char *names[] = {"grid", "random", "zero-columns", "batched"};
  return names[static_cast<int>(variant)];
}

/// A random f32 with a short mantissa, sign and exponent in [lo, hi].
float randomFloat(Random &random, int lo, int hi) {
  double value =
      std::ldexp(random.mantissa(12), static_cast<int>(random.uniform(lo, hi)));
  return static_cast<float>(random.percent(50) ? -value : value);
}

Result<Case> makeWeightOnlyCase(Random &random, int64_t index, int bits,
                                int64_t blockSize) {
  auto variant = static_cast<WeightVariant>(
      index % static_cast<int64_t>(WeightVariant::Count));
  int64_t batches = variant == WeightVariant::Batched ? 2 : 1;
  int64_t m = random.uniform(1, 4);
  int64_t k =
      blockSize ? blockSize * random.uniform(1, 4) : random.uniform(1, 40);
  int64_t n = random.uniform(1, 13);
  int64_t blocksPerColumn = blockSize ? k / blockSize : 1;
  int64_t qmax = bits == 8 ? 127 : 7;

  FloatTensor a{{batches, m, k}, {}};
  for (int64_t i = 0; i < batches * m * k; ++i)
    a.values.push_back(random.percent(10) ? 0.0f : randomFloat(random, -4, 2));

  // Weights; in the grid variant every block holds multiples of half its
  // scale 2^e and one element of magnitude qmax * 2^e, so that s = 2^e
  // exactly and w / s hits exact ties.
  FloatTensor w{{batches, k, n}, {}};
  std::vector<int> exponents(batches * blocksPerColumn * n);
  for (int &e : exponents)
    e = static_cast<int>(random.uniform(-9, -2));
  std::vector<bool> zeroColumn(n, false);
  if (variant == WeightVariant::ZeroColumns)
    for (int64_t j = 0; j < n; ++j)
      zeroColumn[j] = random.percent(30);
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t row = 0; row < k; ++row)
      for (int64_t j = 0; j < n; ++j) {
        int64_t block =
            (b * blocksPerColumn + row / (k / blocksPerColumn)) * n + j;
        float value;
        if (zeroColumn[j])
          value = 0.0f;
        else if (variant == WeightVariant::Grid)
          value = static_cast<float>(std::ldexp(
              static_cast<double>(random.uniform(-2 * qmax, 2 * qmax)) / 2.0,
              exponents[block]));
        else
          value = random.percent(5) ? 0.0f : randomFloat(random, -8, 1);
        w.values.push_back(value);
      }
  if (variant == WeightVariant::Grid)
    for (int64_t b = 0; b < batches; ++b)
      for (int64_t blockRow = 0; blockRow < blocksPerColumn; ++blockRow)
        for (int64_t j = 0; j < n; ++j) {
          int64_t rows = k / blocksPerColumn;
          int64_t row = blockRow * rows + random.uniform(0, rows - 1);
          int64_t block = (b * blocksPerColumn + blockRow) * n + j;
          double peak = std::ldexp(static_cast<double>(qmax), exponents[block]);
          w.values[(b * k + row) * n + j] =
              static_cast<float>(random.percent(50) ? -peak : peak);
        }

  Result<WeightOnlyWeights> quantized =
      quantizeWeightOnly(w, {batches, blocksPerColumn, n}, bits);
  if (!quantized)
    return Failure{quantized.error()};
  Result<FloatTensor> expected =
      floatMatMul(a, dequantizeWeightOnly(*quantized));
  if (!expected)
    return Failure{expected.error()};

  Case result;
  result.summary =
      std::string(weightVariantName(variant)) + " int" + std::to_string(bits) +
      (blockSize ? " block " + std::to_string(blockSize) : "") + ": " +
      describeShape(a.shape) + " x " + describeShape(w.shape);
  result.opName = "tosa.matmul";
  FloatTensor zeroPoint{{1}, {0.0f}};
  result.operands = {Operand{std::move(a)}, Operand{std::move(w), true},
                     Operand{zeroPoint, true}, Operand{zeroPoint, true}};
  result.expected = std::move(*expected);
  return result;
}

} // namespace

Result<Case> makeWeightOnlyInt8Case(Random &random, int64_t index) {
  return makeWeightOnlyCase(random, index, 8, 0);
}
Result<Case> makeWeightOnlyInt4Case(Random &random, int64_t index) {
  return makeWeightOnlyCase(random, index, 4, 0);
}
Result<Case> makeWeightOnlyInt8Block16Case(Random &random, int64_t index) {
  return makeWeightOnlyCase(random, index, 8, 16);
}
Result<Case> makeWeightOnlyInt4Block16Case(Random &random, int64_t index) {
  return makeWeightOnlyCase(random, index, 4, 16);
}

} // namespace qcc::bitexact
