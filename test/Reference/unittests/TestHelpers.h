//===- TestHelpers.h - Shorthands for the reference unit tests --*- C++ -*-===//

#ifndef QCC_TEST_REFERENCE_UNITTESTS_TESTHELPERS_H
#define QCC_TEST_REFERENCE_UNITTESTS_TESTHELPERS_H

#include "QccReference.h"

#include "gtest/gtest.h"

namespace qcc::ref::testing {

inline QuantType i8(double scale, int64_t zeroPoint) {
  return QuantType::perTensor(Storage::I8, scale, zeroPoint);
}

inline QTensor tensor(Shape shape, std::vector<int32_t> values,
                      QuantType type) {
  return QTensor{std::move(shape), std::move(values), std::move(type)};
}

/// The stored values of a successful result, or a failed expectation.
inline std::vector<int32_t> valuesOf(const Result<QTensor> &result) {
  EXPECT_TRUE(result.ok()) << result.error();
  return result ? result->values : std::vector<int32_t>{};
}

} // namespace qcc::ref::testing

#endif // QCC_TEST_REFERENCE_UNITTESTS_TESTHELPERS_H
