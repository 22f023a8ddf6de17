//===- SoftmaxOpTest.cpp - softmax over the last dimension ----------------===//
//
// Expected values derived by hand from the contract (qcc.softmax).
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

using namespace qcc::ref;
using namespace qcc::ref::testing;

namespace {

/// exp_table[d] = 2^(16 - d): the exponentials of an input scale ln 2.
std::vector<int32_t> halvingTable() {
  std::vector<int32_t> table(256, 0);
  for (int d = 0; d <= 16; ++d)
    table[d] = 1 << (16 - d);
  return table;
}

TEST(SoftmaxTest, EqualElementsShareTheMass) {
  // S = 2^17, inv = 2^30, p = 2^46 >> 32 = 2^14 (0.5 in Q15); the result
  // scale 2^-8 makes M = 2^30, n = 37: y = -128 + 2^14 / 2^7 = 0.
  QTensor x = tensor({1, 2}, {5, 5}, i8(0.5, 0));
  EXPECT_EQ(valuesOf(softmax(x, halvingTable(), i8(0x1p-8, -128))),
            (std::vector<int32_t>{0, 0}));
}

TEST(SoftmaxTest, RowsAreIndependentAndRoundHalfToEven) {
  // Row 0: d = {0, 2, 3}, e = {65536, 16384, 8192}, S = 90112,
  // inv = floor(2^47 / S) = 1561806289; p = RHE(e * inv, 32) =
  // {23831, 5958, 2979}; y = -128 + RHE(p, 7) = {58, -81, -105}
  // (8/11, 2/11, 1/11 of 256). Row 1: all equal, 1/3 each:
  // p = RHE(65536 * floor(2^47 / 196608), 32) = 10923, y = -128 + 85.
  QTensor x = tensor({2, 3}, {3, 1, 0, -7, -7, -7}, i8(0.5, 0));
  Result<QTensor> y = softmax(x, halvingTable(), i8(0x1p-8, -128));
  EXPECT_EQ(valuesOf(y), (std::vector<int32_t>{58, -81, -105, -43, -43, -43}));
  EXPECT_EQ(y->shape, (Shape{2, 3}));
}

TEST(SoftmaxTest, SaturatesAtTheResultRange) {
  // One element: p = 2^15 (1.0) -> 256 at scale 2^-8, clamped to u8's 255.
  QTensor x = tensor({1}, {7}, i8(0.5, 0));
  EXPECT_EQ(valuesOf(softmax(x, halvingTable(),
                             QuantType::perTensor(Storage::U8, 0x1p-8, 0))),
            (std::vector<int32_t>{255}));
}

TEST(SoftmaxTest, RejectsMalformedOperands) {
  QTensor x = tensor({2}, {1, 2}, i8(0.5, 0));
  std::vector<int32_t> zeroFirst = halvingTable();
  zeroFirst[0] = 0;
  EXPECT_FALSE(softmax(x, zeroFirst, i8(0x1p-8, -128)).ok());
  std::vector<int32_t> tooLarge = halvingTable();
  tooLarge[1] = (1 << 16) + 1;
  EXPECT_FALSE(softmax(x, tooLarge, i8(0x1p-8, -128)).ok());
  QTensor wide =
      tensor({2}, {1, 2}, QuantType::perTensor(Storage::I16, 0.5, 0));
  EXPECT_FALSE(softmax(wide, halvingTable(), i8(0x1p-8, -128)).ok());
}

} // namespace
