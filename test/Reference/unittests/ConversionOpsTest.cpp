//===- ConversionOpsTest.cpp - quantize, dequantize, requantize, concat ---===//
//
// Every expected value is derived by hand from the contract's definitions.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

#include <cmath>
#include <limits>

using namespace qcc::ref;
using namespace qcc::ref::testing;

namespace {

std::vector<int32_t> quantizeValues(std::vector<float> values,
                                    const QuantType &type) {
  Shape shape = {static_cast<int64_t>(values.size())};
  return valuesOf(quantize(FloatTensor{shape, std::move(values)}, type));
}

TEST(QuantizeTest, RoundsHalfToEvenThenAddsTheZeroPoint) {
  // s = 0.5, z = -3: x / s = 0.5, 1.5, 2.5, -0.5, -1.5, 1.25.
  EXPECT_EQ(quantizeValues({0.25f, 0.75f, 1.25f, -0.25f, -0.75f, 0.625f},
                           i8(0.5, -3)),
            (std::vector<int32_t>{-3, -1, -1, -3, -5, -2}));
}

TEST(QuantizeTest, SaturatesAndMapsSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // x / s = 131 -> 128 > 127; 128.5 -> 128 + -3 = 125; -125.5 -> -126 - 3.
  EXPECT_EQ(quantizeValues({65.5f, 64.25f, -62.75f, inf, -inf, nan, 1e30f,
                            -std::numeric_limits<float>::max()},
                           i8(0.5, -3)),
            (std::vector<int32_t>{127, 125, -128, 127, -128, -3, 127, -128}));
}

TEST(QuantizeTest, UsesTheStorageRangeOfNarrowAndOtherTypes) {
  EXPECT_EQ(
      quantizeValues({-1000.0f, 1000.0f}, i8(1.0, 0).withRange(-127, 127)),
      (std::vector<int32_t>{-127, 127}));
  EXPECT_EQ(quantizeValues({-1.0f, 2.5f, 1e9f},
                           QuantType::perTensor(Storage::U8, 1.0, 128)),
            (std::vector<int32_t>{127, 130, 255}));
  EXPECT_EQ(quantizeValues({-1e9f, 3.5f},
                           QuantType::perTensor(Storage::I16, 0.25, 32767)),
            (std::vector<int32_t>{-32768, 32767}));
}

TEST(QuantizeTest, PerAxisUsesTheElementsChannel) {
  QuantType type = QuantType::perAxis(Storage::I8, 1, {1.0, 0.25}, {0, 10});
  // Channel 0: 1.5 -> 2, 2.5 -> 2. Channel 1: 0.375 / 0.25 = 1.5 -> 2,
  // -0.125 / 0.25 = -0.5 -> 0.
  Result<QTensor> result =
      quantize(FloatTensor{{2, 2}, {1.5f, 0.375f, 2.5f, -0.125f}}, type);
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{2, 12, 2, 10}));
}

TEST(QuantizeTest, DividesByTheScaleRoundedToF32) {
  // 1 - 2^-30 rounds to 1.0f, so 2.5 / f32(s) is an exact tie -> 2.
  // Dividing by the double scale instead gives 2.5000000023 -> 3.
  EXPECT_EQ(quantizeValues({2.5f}, i8(1.0 - 0x1p-30, 0)),
            (std::vector<int32_t>{2}));
}

TEST(DequantizeTest, OneF32Multiplication) {
  QTensor input = tensor({3}, {5, -128, -3}, i8(0.1, -3));
  FloatTensor result = dequantize(input);
  // f32(0.1) = 13421773 * 2^-27: times 8 is exact; times -125 needs 31
  // bits and is rounded once, like the float expression below.
  EXPECT_EQ(result.values[0], 13421773.0f * 0x1p-24f);
  EXPECT_EQ(result.values[1], -125.0f * 13421773.0f * 0x1p-27f);
  EXPECT_EQ(result.values[2], 0.0f);
  EXPECT_FALSE(std::signbit(result.values[2]));
}

TEST(DequantizeTest, PerAxisUsesTheElementsChannel) {
  QTensor input =
      tensor({2, 2}, {1, 1, 3, 3},
             QuantType::perAxis(Storage::I8, 0, {0.5, 4.0}, {0, 2}));
  EXPECT_EQ(dequantize(input).values,
            (std::vector<float>{0.5f, 0.5f, 4.0f, 4.0f}));
}

TEST(RequantizeTest, ScalesByTheRatioAndSaturates) {
  // r = 0.5 / 0.25 = 2: y = -1 + 2 * (x - 3).
  Result<QTensor> result =
      requantize(tensor({4}, {3, 4, 127, -128}, i8(0.5, 3)), i8(0.25, -1));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{-1, 1, 127, -128}));
}

TEST(RequantizeTest, HalvingProducesTies) {
  // r = 0.5: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -1.5 -> -2.
  Result<QTensor> result =
      requantize(tensor({5}, {1, 3, 5, -1, -3}, i8(0.25, 0)), i8(0.5, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{0, 2, 2, 0, -2}));
}

TEST(RequantizeTest, PerAxisInputAndFusedActivation) {
  QuantType input = QuantType::perAxis(Storage::I8, 0, {0.5, 1.0}, {0, 1});
  // Row 0: r = 0.5, 3 -> 2, -1 -> 0. Row 1: r = 1, 5 - 1 = 4, -2 - 1 = -3.
  Result<QTensor> result =
      requantize(tensor({2, 2}, {3, -1, 5, -2}, input), i8(1.0, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{2, 0, 4, -3}));
  ActivationRange relu;
  relu.min = 0;
  result = requantize(tensor({2, 2}, {3, -1, 5, -2}, input), i8(1.0, 0), relu);
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{2, 0, 4, 0}));
}

TEST(RequantizeTest, PerAxisResultNeedsTheSameAxis) {
  QuantType perRow = QuantType::perAxis(Storage::I8, 0, {0.5, 1.0}, {0, 0});
  QuantType perColumn = QuantType::perAxis(Storage::I8, 1, {0.5, 1.0}, {0, 0});
  EXPECT_FALSE(
      requantize(tensor({2, 2}, {0, 0, 0, 0}, i8(1.0, 0)), perRow).ok());
  EXPECT_FALSE(
      requantize(tensor({2, 2}, {0, 0, 0, 0}, perColumn), perRow).ok());
  // Per row to per row: r = 1 and 2 -> 1 * 3, 2 * 3.
  QuantType halfRow1 = QuantType::perAxis(Storage::I8, 0, {0.5, 0.5}, {0, 0});
  EXPECT_EQ(valuesOf(requantize(tensor({2, 1}, {3, 3}, perRow), halfRow1)),
            (std::vector<int32_t>{3, 6}));
}

TEST(RequantizeTest, ChangesStorageTypes) {
  // i8 -> u8 with r = 1 shifts by the zero points: y = 128 + x.
  Result<QTensor> result =
      requantize(tensor({3}, {-128, 0, 127}, i8(1.0, 0)),
                 QuantType::perTensor(Storage::U8, 1.0, 128));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{0, 128, 255}));
  // i8 -> i16 with r = 256.
  result = requantize(tensor({2}, {-128, 127}, i8(1.0, 0)),
                      QuantType::perTensor(Storage::I16, 1.0 / 256, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{-32768, 32512}));
}

TEST(ConcatTest, RequantizesEachInputToTheResultType) {
  // a: r = 0.1 / 0.2 = 0.5 exactly (0.2 is 2 * 0.1 in binary too):
  // 10 -> 5, -10 -> -5, 3 -> 1.5 -> 2. b has the result type: unchanged.
  QTensor a = tensor({1, 3}, {10, -10, 3}, i8(0.1, 0));
  QTensor b = tensor({1, 1}, {-7}, i8(0.2, 0));
  EXPECT_EQ(valuesOf(concat({a, b}, 1, i8(0.2, 0))),
            (std::vector<int32_t>{5, -5, 2, -7}));
}

TEST(ConcatTest, InterleavesBlocksAlongInnerAxes) {
  QTensor a = tensor({2, 1}, {1, 2}, i8(1.0, 0));
  QTensor b = tensor({2, 2}, {3, 4, 5, 6}, i8(1.0, 0));
  Result<QTensor> result = concat({a, b}, 1, i8(1.0, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{1, 3, 4, 2, 5, 6}));
  EXPECT_EQ(result->shape, (Shape{2, 3}));
  EXPECT_EQ(valuesOf(concat({a, a}, 0, i8(1.0, 0))),
            (std::vector<int32_t>{1, 2, 1, 2}));
}

} // namespace
