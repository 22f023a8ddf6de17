//===- PoolOpsTest.cpp - max_pool2d and avg_pool2d ------------------------===//
//
// Every expected value is derived by hand from the contract's definitions.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

using namespace qcc::ref;
using namespace qcc::ref::testing;

namespace {

TEST(MaxPool2DTest, PaddingNeverWins) {
  // All values below the zero point 0: a padding position counted as q = z
  // (or as real 0) would win every border window.
  //   -5 -6 -7
  //   -8 -9 -1
  //   -2 -3 -4
  // Kernel 2x2, stride 1, pad top 1 and left 1: window rows/cols {i-1, i}.
  QTensor x =
      tensor({1, 3, 3, 1}, {-5, -6, -7, -8, -9, -1, -2, -3, -4}, i8(0.1, 0));
  Pool2DAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.pad = {1, 0, 1, 0};
  Result<QTensor> result = maxPool2d(x, attrs);
  EXPECT_EQ(valuesOf(result),
            (std::vector<int32_t>{-5, -5, -6, -5, -5, -1, -2, -2, -1}));
  EXPECT_EQ(result->type, x.type);
}

TEST(MaxPool2DTest, StridesChannelsAndFusedClamp) {
  // Two channels, 2x2 windows with stride 2 over a 2x4 image:
  // channel 0 = 1..8, channel 1 = -(1..8); clamp to [-3, 5].
  std::vector<int32_t> values;
  for (int i = 1; i <= 8; ++i) {
    values.push_back(i);
    values.push_back(-i);
  }
  // Image rows: {1, 2, 3, 4} / {5, 6, 7, 8}; windows {1, 2, 5, 6} and
  // {3, 4, 7, 8}: maxima 6 and 8 (clamped to 5), and -1 and -3.
  Pool2DAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.stride = {2, 2};
  attrs.activation.min = -3;
  attrs.activation.max = 5;
  EXPECT_EQ(
      valuesOf(maxPool2d(tensor({1, 2, 4, 2}, values, i8(1.0, 0)), attrs)),
      (std::vector<int32_t>{5, -1, 5, -3}));
}

QTensor oneToNine() {
  return tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, i8(1.0, 0));
}

Pool2DAttrs same3x3(bool countIncludePad) {
  Pool2DAttrs attrs;
  attrs.kernel = {3, 3};
  attrs.pad = {1, 1, 1, 1};
  attrs.countIncludePad = countIncludePad;
  return attrs;
}

TEST(AvgPool2DTest, BorderWindowsCountOnlyInBoundsElements) {
  // Sums 12 21 16 / 27 45 33 / 24 39 28 over counts 4 6 4 / 6 9 6 / 4 6 4.
  // 12/4 = 3, 16/4 = 4, 24/4 = 6, 28/4 = 7 and 45/9 = 5 are exact. The
  // sixths are not ties in fixed point: r = 1/6 is (1431655765, 33), below
  // 1/6, so 21/6 = 3.5 -> 3, 27/6 = 4.5 -> 4, 33/6 = 5.5 -> 5 (not 6), and
  // 39/6 = 6.5 -> 6.
  EXPECT_EQ(valuesOf(avgPool2d(oneToNine(), i8(1.0, 0), same3x3(false))),
            (std::vector<int32_t>{3, 3, 4, 4, 5, 5, 6, 6, 7}));
}

TEST(AvgPool2DTest, CountIncludePadDividesByTheWholeWindow) {
  // Same sums over 9: 1.33 2.33 1.78 / 3 5 3.67 / 2.67 4.33 3.11.
  EXPECT_EQ(valuesOf(avgPool2d(oneToNine(), i8(1.0, 0), same3x3(true))),
            (std::vector<int32_t>{1, 2, 2, 3, 5, 4, 3, 4, 3}));
}

TEST(AvgPool2DTest, ExactTiesAndAnotherResultType) {
  // 2x2 windows with stride 2 over a 2x8 image:
  //    0 1 | 1 1 | 2 2 | -1 0
  //    0 0 | 1 0 | 0 1 |  0 0
  // sums 1, 3, 5, -1; r = s_x / (s_y * 4) = 1 / (0.5 * 4) = 0.5 exactly:
  // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, plus the u8 zero point 128.
  QTensor x =
      tensor({1, 2, 8, 1}, {0, 1, 1, 1, 2, 2, -1, 0, 0, 0, 1, 0, 0, 1, 0, 0},
             i8(1.0, 0));
  Pool2DAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.stride = {2, 2};
  EXPECT_EQ(valuesOf(avgPool2d(x, QuantType::perTensor(Storage::U8, 0.5, 128),
                               attrs)),
            (std::vector<int32_t>{128, 130, 130, 128}));
}

TEST(AvgPool2DTest, RejectsPaddingAsLargeAsTheKernel) {
  Pool2DAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.pad = {2, 0, 0, 0};
  EXPECT_FALSE(avgPool2d(oneToNine(), i8(1.0, 0), attrs).ok());
}

} // namespace
