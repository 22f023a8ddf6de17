//===- ElementwiseOps.cpp - add, mul, clamp, lookup -----------------------===//

#include "FixedPoint.h"
#include "OpSupport.h"
#include "Ops.h"

#include <functional>

namespace qcc::ref {

std::optional<Shape> broadcastShapes(const Shape &lhs, const Shape &rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // Align trailing dimensions; missing leading dimensions act as 1.
    int64_t l = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t r = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    if (l != r && l != 1 && r != 1)
      return std::nullopt;
    result[rank - 1 - i] = l == 1 ? r : l;
  }
  return result;
}

/// Strides that read `shape` as if broadcast to `resultShape`: 0 along
/// broadcast dimensions.
static Shape broadcastStrides(const Shape &shape, const Shape &resultShape) {
  Shape own = rowMajorStrides(shape);
  Shape strides(resultShape.size(), 0);
  size_t offset = resultShape.size() - shape.size();
  for (size_t dim = 0; dim < shape.size(); ++dim)
    strides[offset + dim] = shape[dim] == 1 ? 0 : own[dim];
  return strides;
}

/// Applies `combine` to the centered operand values (x - z_x) of every
/// broadcast element pair and saturates z_y + combine(...) to [lo, hi].
static Result<QTensor>
broadcastBinary(const QTensor &lhs, const QTensor &rhs,
                const QuantType &resultType, const ActivationRange &activation,
                const std::function<int64_t(int64_t, int64_t)> &combine) {
  if (auto failure = checkOperand(lhs, "lhs"))
    return *failure;
  if (auto failure = checkOperand(rhs, "rhs"))
    return *failure;
  if (lhs.type.isPerAxis() || rhs.type.isPerAxis())
    return Failure{"operands must be quantized per tensor"};
  std::optional<Shape> shape = broadcastShapes(lhs.shape, rhs.shape);
  if (!shape)
    return Failure{"operand shapes do not broadcast"};
  if (auto failure = checkPerTensorResult(resultType, *shape))
    return *failure;
  auto [lo, hi] = saturationRange(resultType, activation);
  if (lo > hi)
    return Failure{"empty saturation range"};

  Shape resultStrides = rowMajorStrides(*shape);
  Shape lhsStrides = broadcastStrides(lhs.shape, *shape);
  Shape rhsStrides = broadcastStrides(rhs.shape, *shape);
  QTensor result{*shape, {}, resultType};
  result.values.reserve(numElements(*shape));
  for (int64_t index = 0; index < numElements(*shape); ++index) {
    int64_t lhsIndex = 0, rhsIndex = 0, rest = index;
    for (size_t dim = 0; dim < shape->size(); ++dim) {
      int64_t coordinate = rest / resultStrides[dim];
      rest %= resultStrides[dim];
      lhsIndex += coordinate * lhsStrides[dim];
      rhsIndex += coordinate * rhsStrides[dim];
    }
    int64_t value = resultType.zeroPoint() +
                    combine(lhs.values[lhsIndex] - lhs.type.zeroPoint(),
                            rhs.values[rhsIndex] - rhs.type.zeroPoint());
    result.values.push_back(static_cast<int32_t>(clampTo(value, lo, hi)));
  }
  return result;
}

Result<QTensor> add(const QTensor &lhs, const QTensor &rhs,
                    const QuantType &resultType,
                    const ActivationRange &activation) {
  Result<SharedShiftMultipliers> multipliers =
      deriveSharedShiftMultipliers(lhs.type.scale() / resultType.scale(),
                                   rhs.type.scale() / resultType.scale());
  if (!multipliers)
    return Failure{multipliers.error()};
  SharedShiftMultipliers m = *multipliers;
  return broadcastBinary(
      lhs, rhs, resultType, activation, [m](int64_t a, int64_t b) {
        return roundingRightShift(a * m.lhsMultiplier + b * m.rhsMultiplier,
                                  m.shift);
      });
}

Result<QTensor> mul(const QTensor &lhs, const QTensor &rhs,
                    const QuantType &resultType,
                    const ActivationRange &activation) {
  // (a - z_a) * (b - z_b) * M fits int64 only for storage up to 16 bits.
  if (storageBits(lhs.type.storage) > 16 || storageBits(rhs.type.storage) > 16)
    return Failure{"mul operands must have at most 16-bit storage"};
  Result<FixedPointMultiplier> multiplier = deriveMultiplier(
      (lhs.type.scale() * rhs.type.scale()) / resultType.scale());
  if (!multiplier)
    return Failure{multiplier.error()};
  FixedPointMultiplier m = *multiplier;
  return broadcastBinary(
      lhs, rhs, resultType, activation,
      [m](int64_t a, int64_t b) { return applyMultiplier(a * b, m); });
}

Result<QTensor> clamp(const QTensor &input, int64_t lo, int64_t hi) {
  if (auto failure = checkOperand(input, "input"))
    return *failure;
  if (lo > hi || lo < input.type.qmin || hi > input.type.qmax)
    return Failure{"clamp bounds must be ordered and in the storage range"};
  QTensor result = input;
  for (int32_t &value : result.values)
    value = static_cast<int32_t>(clampTo(value, lo, hi));
  return result;
}

Result<QTensor> lookup(const QTensor &input, const std::vector<int32_t> &table,
                       const QuantType &resultType) {
  if (auto failure = checkOperand(input, "input"))
    return *failure;
  bool interpolated = input.type.storage == Storage::I16;
  if (!interpolated && storageBits(input.type.storage) != 8)
    return Failure{"lookup needs 8-bit or int16 input storage"};
  if (table.size() != (interpolated ? 513u : 256u))
    return Failure{interpolated ? "the table must have 513 entries"
                                : "the table must have 256 entries"};
  QTensor result{input.shape, {}, resultType};
  result.values.reserve(input.values.size());
  for (int32_t value : input.values) {
    if (!interpolated) {
      result.values.push_back(table[value - input.type.qmin]);
      continue;
    }
    int64_t u = int64_t{value} + 32768;
    int64_t i = u / 128, f = u % 128;
    int64_t lo = table[i], hi = table[i + 1];
    result.values.push_back(
        static_cast<int32_t>(roundingRightShift(128 * lo + f * (hi - lo), 7)));
  }
  // Entries outside the result's storage range are a malformed table.
  if (auto failure = checkOperand(result, "table"))
    return *failure;
  return result;
}

} // namespace qcc::ref
