//===- WeightOnlyTest.cpp - Weight-only reference vs hand-derived values --===//

#include "TestHelpers.h"

namespace qcc::ref {
namespace {

TEST(WeightOnlyTest, Int4PacksLowNibbleFirstAndRoundsTiesToEven) {
  // max|w| = 7, so s = 1 and every w / s is exact: 3.5 -> 4, 2.5 -> 2,
  // -1.5 -> -2.
  FloatTensor weights{{1, 5}, {7.0f, 3.5f, 2.5f, -1.5f, -7.0f}};
  Result<WeightOnlyWeights> q = quantizeWeightOnly(weights, {1, 1}, 4);
  ASSERT_TRUE(q.ok()) << q.error();
  EXPECT_EQ(q->scales, std::vector<float>{1.0f});
  // Bytes 0x47 (7 low, 4 high), 0xE2 (2 low, -2 high), 0x09 (-7 low, the
  // unused high nibble 0).
  EXPECT_EQ(q->storage, (std::vector<int8_t>{0x47, -30, 0x09}));
  EXPECT_EQ(dequantizeWeightOnly(*q).values,
            (std::vector<float>{7.0f, 4.0f, 2.0f, -2.0f, -7.0f}));
}

TEST(WeightOnlyTest, Int8BlocksHaveTheirOwnScales) {
  // Two blocks of two rows: [127, 1.5] has s = 1 (1.5 -> 2), [0, 0] gets
  // s = 1 as an all-zero block.
  FloatTensor weights{{4, 1}, {127.0f, 1.5f, 0.0f, 0.0f}};
  Result<WeightOnlyWeights> q = quantizeWeightOnly(weights, {2, 1}, 8);
  ASSERT_TRUE(q.ok()) << q.error();
  EXPECT_EQ(q->scales, (std::vector<float>{1.0f, 1.0f}));
  EXPECT_EQ(q->storage, (std::vector<int8_t>{127, 2, 0, 0}));
}

TEST(WeightOnlyTest, ScaleIsRoundedToF32BeforeDividing) {
  // Per column: s0 = f32(254 / 127) = 2; s1 = f32(0.7f / 127), and with the
  // rounded s1 (numpy): 0.7f / s1 = 126.9999983 -> 127,
  // -0.35f / s1 = -63.4999992 -> -63.
  FloatTensor weights{{2, 2}, {254.0f, 0.7f, -3.0f, -0.35f}};
  Result<WeightOnlyWeights> q = quantizeWeightOnly(weights, {1, 2}, 8);
  ASSERT_TRUE(q.ok()) << q.error();
  EXPECT_EQ(q->scales[0], 2.0f);
  EXPECT_EQ(q->scales[1], static_cast<float>(0.699999988079071044921875 / 127));
  // -3 / 2 = -1.5 -> -2 (tie to even).
  EXPECT_EQ(q->storage[0], 127);
  EXPECT_EQ(q->storage[1], 127);
  EXPECT_EQ(q->storage[2], -2);
  EXPECT_EQ(q->storage[3], -63);
}

TEST(WeightOnlyTest, RejectsNonFiniteWeightsAndBadBlocks) {
  FloatTensor weights{{2, 1}, {1.0f, INFINITY}};
  EXPECT_FALSE(quantizeWeightOnly(weights, {1, 1}, 8).ok());
  FloatTensor finite{{3, 1}, {1.0f, 2.0f, 3.0f}};
  EXPECT_FALSE(quantizeWeightOnly(finite, {2, 1}, 8).ok());
  EXPECT_FALSE(quantizeWeightOnly(finite, {1, 1}, 5).ok());
}

TEST(WeightOnlyTest, FloatMatMulSumsInAscendingK) {
  // ((0 + 1e8) + 1) + -1e8 = 0 in f32 (1e8 + 1 rounds to 1e8); any other
  // order of the same terms gives 1.
  FloatTensor a{{1, 1, 3}, {1e8f, 1.0f, -1e8f}};
  FloatTensor b{{1, 3, 1}, {1.0f, 1.0f, 1.0f}};
  Result<FloatTensor> y = floatMatMul(a, b);
  ASSERT_TRUE(y.ok()) << y.error();
  EXPECT_EQ(y->values, std::vector<float>{0.0f});
}

} // namespace
} // namespace qcc::ref
