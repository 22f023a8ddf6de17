//===- OpSupport.h - Helpers shared by the reference ops --------*- C++ -*-===//
//
// Internal to the reference library.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_OPSUPPORT_H
#define QCC_TEST_REFERENCE_OPSUPPORT_H

#include "Tensor.h"

#include <algorithm>
#include <optional>

namespace qcc::ref {

inline int64_t clampTo(int64_t value, int64_t lo, int64_t hi) {
  return std::min(std::max(value, lo), hi);
}

/// A Failure naming `what` when `tensor` is not a valid quantized tensor.
inline std::optional<Failure> checkOperand(const QTensor &tensor,
                                           const std::string &what) {
  std::string problem = verifyTensor(tensor);
  if (problem.empty())
    return std::nullopt;
  return Failure{what + ": " + problem};
}

/// A Failure unless `type` is per tensor and valid for a tensor of `shape`.
inline std::optional<Failure> checkPerTensorResult(const QuantType &type,
                                                   const Shape &shape) {
  if (type.isPerAxis())
    return Failure{"the result must be quantized per tensor"};
  QTensor probe{shape, {}, type};
  probe.values.assign(numElements(shape), static_cast<int32_t>(type.qmin));
  return checkOperand(probe, "result type");
}

} // namespace qcc::ref

#endif // QCC_TEST_REFERENCE_OPSUPPORT_H
