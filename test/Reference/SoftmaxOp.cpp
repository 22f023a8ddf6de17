//===- SoftmaxOp.cpp - softmax over the last dimension --------------------===//

#include "FixedPoint.h"
#include "OpSupport.h"
#include "Ops.h"

#include <algorithm>

namespace qcc::ref {

Result<QTensor> softmax(const QTensor &input,
                        const std::vector<int32_t> &expTable,
                        const QuantType &resultType) {
  if (auto failure = checkOperand(input, "input"))
    return *failure;
  if (input.type.isPerAxis() || resultType.isPerAxis())
    return Failure{"softmax needs per-tensor types"};
  if (storageBits(input.type.storage) != 8 ||
      storageBits(resultType.storage) != 8)
    return Failure{"softmax needs 8-bit input and result storage"};
  if (input.shape.empty() || input.shape.back() < 1 ||
      input.shape.back() > 32767)
    return Failure{"softmax rows must have 1 to 32767 elements"};
  if (expTable.size() != 256 || expTable[0] < 1)
    return Failure{"exp_table needs 256 entries and a positive first one"};
  for (int32_t e : expTable)
    if (e < 0 || e > (1 << 16))
      return Failure{"exp_table entries must be in [0, 2^16]"};
  Result<FixedPointMultiplier> multiplier =
      deriveMultiplier(0x1p-15 / resultType.scale());
  if (!multiplier)
    return Failure{multiplier.error()};

  const int64_t length = input.shape.back();
  QTensor result{input.shape, {}, resultType};
  result.values.reserve(input.values.size());
  for (size_t start = 0; start < input.values.size(); start += length) {
    auto row = input.values.begin() + start;
    const int32_t max = *std::max_element(row, row + length);
    int64_t sum = 0;
    for (int64_t i = 0; i < length; ++i)
      sum += expTable[max - row[i]];
    const int64_t inverse = (int64_t(1) << 47) / sum;
    for (int64_t i = 0; i < length; ++i) {
      // The probability in Q15, then requantized to the result.
      int64_t probability =
          roundingRightShift(expTable[max - row[i]] * inverse, 32);
      int64_t value =
          resultType.zeroPoint() + applyMultiplier(probability, *multiplier);
      result.values.push_back(static_cast<int32_t>(
          std::clamp<int64_t>(value, resultType.qmin, resultType.qmax)));
    }
  }
  return result;
}

} // namespace qcc::ref
