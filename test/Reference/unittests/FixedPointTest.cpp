//===- FixedPointTest.cpp - RHE and fixed-point multipliers ---------------===//
//
// Every expected value is derived by hand from the contract's definitions.
//
//===----------------------------------------------------------------------===//

#include "FixedPoint.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace qcc::ref;

namespace {

TEST(RoundHalfEvenTest, TiesGoToEven) {
  EXPECT_EQ(roundHalfEven(0.5), 0.0);
  EXPECT_EQ(roundHalfEven(1.5), 2.0);
  EXPECT_EQ(roundHalfEven(2.5), 2.0);
  EXPECT_EQ(roundHalfEven(-0.5), 0.0);
  EXPECT_EQ(roundHalfEven(-1.5), -2.0);
  EXPECT_EQ(roundHalfEven(-2.5), -2.0);
  EXPECT_EQ(roundHalfEven(2.4999999999999996), 2.0);
  EXPECT_EQ(roundHalfEven(-3.5000000000000004), -4.0);
  EXPECT_EQ(roundHalfEven(0x1p60), 0x1p60);
  EXPECT_EQ(roundHalfEven(3.5f), 4.0f);
  EXPECT_EQ(roundHalfEven(-4.5f), -4.0f);
  EXPECT_EQ(roundHalfEven(8388607.5f), 8388608.0f); // 2^23 - 0.5
  EXPECT_TRUE(std::isnan(roundHalfEven(std::nan(""))));
}

TEST(RoundingRightShiftTest, TiesGoToEven) {
  EXPECT_EQ(roundingRightShift(3, 1), 2);   // 1.5
  EXPECT_EQ(roundingRightShift(5, 1), 2);   // 2.5
  EXPECT_EQ(roundingRightShift(-3, 1), -2); // -1.5
  EXPECT_EQ(roundingRightShift(-5, 1), -2); // -2.5
  EXPECT_EQ(roundingRightShift(1, 1), 0);   // 0.5
  EXPECT_EQ(roundingRightShift(-1, 1), 0);  // -0.5
  EXPECT_EQ(roundingRightShift(6, 2), 2);   // 1.5
  EXPECT_EQ(roundingRightShift(10, 2), 2);  // 2.5
  EXPECT_EQ(roundingRightShift(-10, 2), -2);
}

TEST(RoundingRightShiftTest, NonTiesGoToNearest) {
  EXPECT_EQ(roundingRightShift(7, 2), 2);   // 1.75
  EXPECT_EQ(roundingRightShift(9, 2), 2);   // 2.25
  EXPECT_EQ(roundingRightShift(11, 2), 3);  // 2.75
  EXPECT_EQ(roundingRightShift(-7, 2), -2); // -1.75
  EXPECT_EQ(roundingRightShift(-9, 2), -2); // -2.25
  EXPECT_EQ(roundingRightShift(8, 2), 2);   // exact
  EXPECT_EQ(roundingRightShift(-8, 3), -1); // exact
}

TEST(RoundingRightShiftTest, ExtremeValuesAndShifts) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(roundingRightShift(min, 63), -1);                   // exactly -1
  EXPECT_EQ(roundingRightShift(max, 63), 1);                    // 1 - 2^-63
  EXPECT_EQ(roundingRightShift(int64_t(1) << 62, 63), 0);       // 0.5
  EXPECT_EQ(roundingRightShift(-(int64_t(1) << 62), 63), 0);    // -0.5
  EXPECT_EQ(roundingRightShift(3 * (int64_t(1) << 61), 63), 1); // 0.75
  EXPECT_EQ(roundingRightShift(1, 63), 0);
  EXPECT_EQ(roundingRightShift(-1, 63), 0);
  EXPECT_EQ(roundingRightShift(max, 1), int64_t(1) << 62); // 2^62 - 0.5
  EXPECT_EQ(roundingRightShift(min, 1), min / 2);
}

TEST(RoundingRightShiftTest, CountsTies) {
  RoundingStats before = roundingStats();
  (void)roundingRightShift(3, 1);
  (void)roundingRightShift(7, 2);
  EXPECT_EQ(roundingStats().roundings, before.roundings + 2);
  EXPECT_EQ(roundingStats().ties, before.ties + 1);
}

FixedPointMultiplier derive(double real) {
  Result<FixedPointMultiplier> result = deriveMultiplier(real);
  EXPECT_TRUE(result.ok()) << result.error();
  return result ? *result : FixedPointMultiplier{-1, -1};
}

void expectMultiplier(double real, int64_t multiplier, int shift) {
  FixedPointMultiplier derived = derive(real);
  EXPECT_EQ(derived.multiplier, multiplier) << real;
  EXPECT_EQ(derived.shift, shift) << real;
}

TEST(DeriveMultiplierTest, PowersOfTwoAreExact) {
  expectMultiplier(0.5, int64_t(1) << 30, 31); // frexp(0.5) = (0.5, 0)
  expectMultiplier(1.0, int64_t(1) << 30, 30); // frexp(1) = (0.5, 1)
  expectMultiplier(2.0, int64_t(1) << 30, 29);
  expectMultiplier(0.25, int64_t(1) << 30, 32);
  expectMultiplier(0x1p29, int64_t(1) << 30, 1); // the largest allowed shift
}

TEST(DeriveMultiplierTest, RoundsTheMantissaHalfToEven) {
  // frexp(0.75) = (0.75, 0): M = 0.75 * 2^31.
  expectMultiplier(0.75, 1610612736, 31);
  // frexp(0.1) = (0.8, -3): 0.8 * 2^31 = 1717986918.4 -> 1717986918.
  expectMultiplier(0.1, 1717986918, 34);
  // frexp(0.3) = (0.6, -1): 0.6 * 2^31 = 1288490188.8 -> 1288490189.
  expectMultiplier(0.3, 1288490189, 32);
  // frexp(1/6) = (2/3, -2): 2^32 / 3 = 1431655765.33 -> 1431655765.
  expectMultiplier(1.0 / 6.0, 1431655765, 33);
}

TEST(DeriveMultiplierTest, RenormalizesWhenTheMantissaRoundsUp) {
  // f = 1 - 2^-40: f * 2^31 = 2^31 - 2^-9 rounds to 2^31, so M = 2^30 and
  // the exponent grows by one: n = 31 - 1.
  expectMultiplier(1.0 - 0x1p-40, int64_t(1) << 30, 30);
  expectMultiplier((1.0 - 0x1p-40) * 0x1p-10, int64_t(1) << 30, 40);
}

TEST(DeriveMultiplierTest, TinyMultipliersBecomeZero) {
  // 2^-33 = 0.5 * 2^-32: n = 63, still representable.
  expectMultiplier(0x1p-33, int64_t(1) << 30, 63);
  // 2^-34: n = 64 > 63, so (0, 1).
  expectMultiplier(0x1p-34, 0, 1);
  expectMultiplier(1e-300, 0, 1);
  expectMultiplier(std::numeric_limits<double>::denorm_min(), 0, 1);
}

TEST(DeriveMultiplierTest, RejectsLargeOrInvalidMultipliers) {
  EXPECT_FALSE(deriveMultiplier(0x1p30).ok()); // n = 0
  // Renormalization pushes 2^30 * (1 - 2^-40) to n = 0 as well.
  EXPECT_FALSE(deriveMultiplier(0x1p30 * (1.0 - 0x1p-40)).ok());
  EXPECT_TRUE(deriveMultiplier(0x1p30 * (1.0 - 0x1p-20)).ok());
  EXPECT_FALSE(deriveMultiplier(0.0).ok());
  EXPECT_FALSE(deriveMultiplier(-1.0).ok());
  EXPECT_FALSE(deriveMultiplier(std::numeric_limits<double>::infinity()).ok());
  EXPECT_FALSE(deriveMultiplier(std::nan("")).ok());
}

TEST(ApplyMultiplierTest, RoundsTheScaledValueHalfToEven) {
  FixedPointMultiplier half = derive(0.5);
  EXPECT_EQ(applyMultiplier(3, half), 2);   // 1.5
  EXPECT_EQ(applyMultiplier(5, half), 2);   // 2.5
  EXPECT_EQ(applyMultiplier(-3, half), -2); // -1.5
  // 0.1 is slightly below 1/10 as (M, n): 25 * 0.1 = 2.5 exactly in reals,
  // but 25 * 1717986918 / 2^34 = 2.49999999965, which rounds to 2.
  EXPECT_EQ(applyMultiplier(25, derive(0.1)), 2);
  EXPECT_EQ(applyMultiplier(35, derive(0.1)), 3); // 3.4999999995
  EXPECT_EQ(applyMultiplier(2147483647, FixedPointMultiplier{0, 1}), 0);
  // The extreme int32 accumulator times the largest M stays exact.
  EXPECT_EQ(applyMultiplier(-2147483648LL, derive(1.0)), -2147483648LL);
}

TEST(SharedShiftTest, TheSmallerRatioUsesTheLargerOnesShift) {
  Result<SharedShiftMultipliers> m = deriveSharedShiftMultipliers(0.5, 0.25);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->shift, 31);
  EXPECT_EQ(m->lhsMultiplier, int64_t(1) << 30);
  EXPECT_EQ(m->rhsMultiplier, int64_t(1) << 29); // 0.25 * 2^31

  // rmax = 0.3 -> (1288490189, 32); 0.1 * 2^32 = 429496729.6 -> 429496730.
  m = deriveSharedShiftMultipliers(0.1, 0.3);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->shift, 32);
  EXPECT_EQ(m->lhsMultiplier, 429496730);
  EXPECT_EQ(m->rhsMultiplier, 1288490189);
}

TEST(SharedShiftTest, AVeryUnequalRatioMayVanish) {
  // 2^-40 * 2^31 = 2^-9 rounds to 0.
  Result<SharedShiftMultipliers> m = deriveSharedShiftMultipliers(0x1p-40, 0.5);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->lhsMultiplier, 0);
  EXPECT_EQ(m->rhsMultiplier, int64_t(1) << 30);
  EXPECT_FALSE(deriveSharedShiftMultipliers(0.5, 0x1p30).ok());
}

} // namespace
