//===- ElementwiseOpsTest.cpp - add, mul, clamp, lookup -------------------===//
//
// Every expected value is derived by hand from the contract's definitions.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

using namespace qcc::ref;
using namespace qcc::ref::testing;

namespace {

TEST(BroadcastTest, NumpyRules) {
  EXPECT_EQ(broadcastShapes({2, 3}, {3}), (Shape{2, 3}));
  EXPECT_EQ(broadcastShapes({2, 1}, {1, 3}), (Shape{2, 3}));
  EXPECT_EQ(broadcastShapes({4, 1, 5}, {3, 1}), (Shape{4, 3, 5}));
  EXPECT_EQ(broadcastShapes({}, {2}), (Shape{2}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {2}).has_value());
}

TEST(AddTest, BroadcastsARowAcrossRows) {
  // ra = 1 -> (2^30, 30), rb = 0.5 -> 2^29: y = a + b / 2, exact here.
  QTensor a = tensor({2, 3}, {1, 2, 3, 4, 5, 6}, i8(1.0, 0));
  QTensor b = tensor({3}, {10, 20, 30}, i8(0.5, 0));
  EXPECT_EQ(valuesOf(add(a, b, i8(1.0, 0))),
            (std::vector<int32_t>{6, 12, 18, 9, 15, 21}));
}

TEST(AddTest, RoundsTheSumOnceHalfToEven) {
  // y = a + b / 2 with odd b: 1.5 -> 2, 3.5 -> 4, 5.5 -> 6, 4.5 -> 4,
  // 6.5 -> 6, 8.5 -> 8.
  QTensor a = tensor({2, 3}, {1, 2, 3, 4, 5, 6}, i8(1.0, 0));
  QTensor b = tensor({3}, {1, 3, 5}, i8(0.5, 0));
  EXPECT_EQ(valuesOf(add(a, b, i8(1.0, 0))),
            (std::vector<int32_t>{2, 4, 6, 4, 6, 8}));
}

TEST(AddTest, BroadcastsBothOperandsWithZeroPoints) {
  // a [2, 1] - 1 = {0, 2}; b [1, 3] + 2 = {0, 1, 2}; r = 1 for both;
  // y = 5 + a + b, relu-like clamp at 6.
  QTensor a = tensor({2, 1}, {1, 3}, i8(0.5, 1));
  QTensor b = tensor({1, 3}, {-2, -1, 0}, i8(0.5, -2));
  ActivationRange activation;
  activation.min = 6;
  EXPECT_EQ(valuesOf(add(a, b, i8(0.5, 5), activation)),
            (std::vector<int32_t>{6, 6, 7, 7, 8, 9}));
}

TEST(MulTest, ProductOfCenteredValues) {
  // r = 0.5 * 0.5 / 1 = 0.25; b - 1 = 4: 3 * 4 / 4 = 3, -4 * 4 / 4 = -4.
  QTensor a = tensor({2}, {3, -4}, i8(0.5, 0));
  QTensor b = tensor({2}, {5, 5}, i8(0.5, 1));
  EXPECT_EQ(valuesOf(mul(a, b, i8(1.0, 0))), (std::vector<int32_t>{3, -4}));
}

TEST(MulTest, TiesAndSaturation) {
  // r = 0.25: 1 * 2 / 4 = 0.5 -> 0; 3 * 2 / 4 = 1.5 -> 2; 5 * 2 / 4 = 2.5
  // -> 2; 127 * 127 / 4 saturates. i16 extremes: 65535^2 * M fits int64.
  QTensor a = tensor({4}, {1, 3, 5, 127}, i8(0.5, 0));
  QTensor b = tensor({4}, {2, 2, 2, 127}, i8(0.5, 0));
  EXPECT_EQ(valuesOf(mul(a, b, i8(1.0, 0))),
            (std::vector<int32_t>{0, 2, 2, 127}));
  QuantType wide = QuantType::perTensor(Storage::I16, 1.0, -32768);
  QTensor c = tensor({1}, {32767}, wide);
  // (65535 * 65535) * r with r = 2^-16 -> 65534.00002 -> 65534 - 32768.
  EXPECT_EQ(
      valuesOf(mul(c, c, QuantType::perTensor(Storage::I16, 0x1p16, -32768))),
      (std::vector<int32_t>{32766}));
}

TEST(ClampTest, ClampsInTheStorageDomain) {
  QTensor input = tensor({4}, {-128, -3, 50, 127}, i8(0.1, -3));
  EXPECT_EQ(valuesOf(clamp(input, -3, 100)),
            (std::vector<int32_t>{-3, -3, 50, 100}));
  EXPECT_FALSE(clamp(input, 5, 4).ok());
  EXPECT_FALSE(
      clamp(tensor({1}, {0}, i8(1.0, 0).withRange(-127, 127)), -128, 0).ok());
}

TEST(LookupTest, IndexesFromTheStorageMinimum) {
  std::vector<int32_t> table(256);
  for (int i = 0; i < 256; ++i)
    table[i] = 127 - i / 2;
  // i8: index x + 128; narrow i8<-127:127>: index x + 127; u8: index x.
  EXPECT_EQ(valuesOf(lookup(tensor({3}, {-128, 0, 127}, i8(1.0, 0)), table,
                            i8(1.0, 0))),
            (std::vector<int32_t>{127, 63, 0}));
  EXPECT_EQ(
      valuesOf(lookup(tensor({2}, {-127, 127}, i8(1.0, 0).withRange(-127, 127)),
                      table, i8(1.0, 0))),
      (std::vector<int32_t>{127, 0}));
  EXPECT_EQ(valuesOf(lookup(tensor({2}, {0, 255},
                                   QuantType::perTensor(Storage::U8, 1.0, 0)),
                            table, i8(1.0, 0))),
            (std::vector<int32_t>{127, 0}));
}

TEST(LookupTest, Int16InputsInterpolateBetweenEvery128thValue) {
  // table[i] = 3 i: entry i is at x = -32768 + 128 i.
  std::vector<int32_t> table(513);
  for (int i = 0; i < 513; ++i)
    table[i] = 3 * i;
  QuantType i16 = QuantType::perTensor(Storage::I16, 1.0, 0);
  // -32768: entry 0. -32704: halfway to entry 1, 1.5 -> 2. -32576: halfway
  // from 3 to 6, 4.5 -> 4. 0: entry 256 = 768; 1: 768 + 3/128 -> 768.
  // 32767: 127/128 of the way from 1533 to 1536 (the entry at 32768),
  // 1535.98 -> 1536.
  EXPECT_EQ(
      valuesOf(lookup(tensor({6}, {-32768, -32704, -32576, 0, 1, 32767}, i16),
                      table, i16)),
      (std::vector<int32_t>{0, 2, 4, 768, 768, 1536}));
  EXPECT_FALSE(
      lookup(tensor({1}, {0}, i16), std::vector<int32_t>(256, 0), i16).ok());
}

} // namespace
