//===- WeightOnly.cpp - Weight-only quantization reference ----------------===//

#include "WeightOnly.h"

#include "FixedPoint.h"

#include <algorithm>
#include <cmath>

namespace qcc::ref {

/// The flat index of the scale of each element of `shape`, row major.
static std::vector<int64_t> blockIndices(const Shape &shape,
                                         const Shape &scalesShape) {
  std::vector<int64_t> result;
  Shape index(shape.size(), 0);
  for (int64_t flat = 0; flat < numElements(shape); ++flat) {
    int64_t block = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      block = block * scalesShape[d] + index[d] / (shape[d] / scalesShape[d]);
    result.push_back(block);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

Result<WeightOnlyWeights> quantizeWeightOnly(const FloatTensor &weights,
                                             const Shape &scalesShape,
                                             int bits) {
  if (bits != 8 && bits != 4)
    return Failure{"bits must be 8 or 4"};
  if (weights.shape.empty() || scalesShape.size() != weights.shape.size())
    return Failure{"scales must have the weight's rank (at least 1)"};
  for (size_t d = 0; d < scalesShape.size(); ++d)
    if (scalesShape[d] < 1 || weights.shape[d] % scalesShape[d] != 0)
      return Failure{"blocks do not tile the weight"};
  double qmax = bits == 8 ? 127.0 : 7.0;
  std::vector<int64_t> blockOf = blockIndices(weights.shape, scalesShape);

  WeightOnlyWeights result;
  result.shape = weights.shape;
  result.bits = bits;
  result.scalesShape = scalesShape;
  std::vector<double> maxAbs(numElements(scalesShape), 0.0);
  for (size_t i = 0; i < weights.values.size(); ++i) {
    double value = weights.values[i];
    if (!std::isfinite(value))
      return Failure{"non-finite weight"};
    maxAbs[blockOf[i]] = std::max(maxAbs[blockOf[i]], std::fabs(value));
  }
  for (double m : maxAbs) {
    float scale = m > 0.0 ? static_cast<float>(m / qmax) : 1.0f;
    if (!(scale > 0.0f) || !std::isfinite(scale))
      return Failure{"scale is not a positive finite f32"};
    result.scales.push_back(scale);
  }

  std::vector<int32_t> q;
  for (size_t i = 0; i < weights.values.size(); ++i) {
    double scaled =
        double(weights.values[i]) / double(result.scales[blockOf[i]]);
    ++roundingStats().roundings;
    if (scaled - std::floor(scaled) == 0.5)
      ++roundingStats().ties;
    q.push_back(
        static_cast<int32_t>(std::clamp(roundHalfEven(scaled), -qmax, qmax)));
  }
  if (bits == 8) {
    result.storage.assign(q.begin(), q.end());
    return result;
  }
  int64_t inner = weights.shape.back();
  int64_t rows = numElements(weights.shape) / inner;
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t j = 0; j < inner; j += 2) {
      uint32_t low = static_cast<uint32_t>(q[row * inner + j]) & 0xF;
      uint32_t high = j + 1 < inner
                          ? static_cast<uint32_t>(q[row * inner + j + 1]) & 0xF
                          : 0;
      result.storage.push_back(static_cast<int8_t>(low | (high << 4)));
    }
  return result;
}

int32_t storedWeight(const WeightOnlyWeights &weights, int64_t flatIndex) {
  if (weights.bits == 8)
    return weights.storage[flatIndex];
  int64_t inner = weights.shape.back();
  int64_t row = flatIndex / inner, column = flatIndex % inner;
  uint8_t byte = static_cast<uint8_t>(
      weights.storage[row * ((inner + 1) / 2) + column / 2]);
  int32_t nibble = column % 2 == 0 ? byte & 0xF : byte >> 4;
  return nibble >= 8 ? nibble - 16 : nibble;
}

FloatTensor dequantizeWeightOnly(const WeightOnlyWeights &weights) {
  std::vector<int64_t> blockOf =
      blockIndices(weights.shape, weights.scalesShape);
  FloatTensor result{weights.shape, {}};
  for (int64_t i = 0; i < numElements(weights.shape); ++i) {
    float q = static_cast<float>(storedWeight(weights, i));
    result.values.push_back(q * weights.scales[blockOf[i]]);
  }
  return result;
}

Result<FloatTensor> floatMatMul(const FloatTensor &a, const FloatTensor &b) {
  if (a.shape.size() != 3 || b.shape.size() != 3 || a.shape[0] != b.shape[0] ||
      a.shape[2] != b.shape[1])
    return Failure{"matmul shapes must be [B, M, K] and [B, K, N]"};
  int64_t batches = a.shape[0], m = a.shape[1], k = a.shape[2], n = b.shape[2];
  FloatTensor result{{batches, m, n}, {}};
  for (int64_t batch = 0; batch < batches; ++batch)
    for (int64_t row = 0; row < m; ++row)
      for (int64_t column = 0; column < n; ++column) {
        float sum = 0.0f;
        for (int64_t i = 0; i < k; ++i) {
          // Separate statements: no contraction into a fused multiply-add.
          float product = a.values[(batch * m + row) * k + i] *
                          b.values[(batch * k + i) * n + column];
          sum = sum + product;
        }
        result.values.push_back(sum);
      }
  return result;
}

} // namespace qcc::ref
