//===- LookupTablesTest.cpp - compile-time activation tables --------------===//
//
// Every expected value is derived by hand from the contract's table formula.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

using namespace qcc::ref;
using namespace qcc::ref::testing;

namespace {

std::vector<int32_t> table(Activation activation, const QuantType &in,
                           const QuantType &out) {
  Result<std::vector<int32_t>> built = buildLookupTable(activation, in, out);
  EXPECT_TRUE(built.ok()) << built.error();
  return built ? *built : std::vector<int32_t>(256, 0);
}

TEST(LookupTableTest, SigmoidToTheUsualOutputType) {
  // In: s = 0.1, z = 0 (entry i is x = (i - 128) * 0.1); out: s = 1/256,
  // z = -128. sigmoid(0) * 256 = 128 -> 0; sigmoid(-12.8) * 256 = 7e-4 ->
  // -128; sigmoid(12.7) * 256 = 255.9992 -> 256 -> 128, saturated to 127.
  std::vector<int32_t> t =
      table(Activation::Sigmoid, i8(0.1, 0), i8(1.0 / 256, -128));
  EXPECT_EQ(t[128], 0);
  EXPECT_EQ(t[0], -128);
  EXPECT_EQ(t[255], 127);
  // sigmoid(1) = 0.7310586 * 256 = 187.151 -> 187 - 128 = 59.
  EXPECT_EQ(t[138], 59);
}

TEST(LookupTableTest, TanhIsOddAroundTheZeroPoint) {
  // In: s = 1/32, z = 0; out s = 1/127, z = 0: tanh(+-1) * 127 = +-96.72.
  std::vector<int32_t> t =
      table(Activation::Tanh, i8(1.0 / 32, 0), i8(1.0 / 127, 0));
  EXPECT_EQ(t[128], 0);
  EXPECT_EQ(t[128 + 32], 97);
  EXPECT_EQ(t[128 - 32], -97);
}

TEST(LookupTableTest, HardSwishAndHardSigmoid) {
  // In: s = 0.5, z = 0. hardswish(-3) = 0; hardswish(1) = 1 * 4 / 6 and
  // out s = 1/6 gives 4; hardswish(4) = 4 -> 24; hardswish(-1.5) =
  // -1.5 * 1.5 / 6 = -0.375 -> -2.25 -> -2.
  std::vector<int32_t> swish =
      table(Activation::HardSwish, i8(0.5, 0), i8(1.0 / 6, 0));
  EXPECT_EQ(swish[128 - 6], 0);
  EXPECT_EQ(swish[128 + 2], 4);
  EXPECT_EQ(swish[128 + 8], 24);
  EXPECT_EQ(swish[128 - 3], -2);
  // hardsigmoid = max(0, min(1, 0.2 x + 0.5)) into u8 with s = 1/200:
  // x = 0 -> 100; x = 1.25 -> 0.75 -> 150; x = -2.5 -> 0; x = 2.5 -> 200.
  std::vector<int32_t> sigmoid =
      table(Activation::HardSigmoid, i8(0.25, 0),
            QuantType::perTensor(Storage::U8, 1.0 / 200, 0));
  EXPECT_EQ(sigmoid[128], 100);
  EXPECT_EQ(sigmoid[128 + 5], 150);
  EXPECT_EQ(sigmoid[128 - 10], 0);
  EXPECT_EQ(sigmoid[128 + 10], 200);
}

TEST(LookupTableTest, EntriesStartAtTheInputStorageMinimum) {
  // u8 input with z = 100: entry i is x = i - 100. Identity into i16.
  Result<std::vector<int32_t>> built = buildLookupTable(
      [](double x) { return x; }, QuantType::perTensor(Storage::U8, 1.0, 100),
      QuantType::perTensor(Storage::I16, 1.0, 0));
  ASSERT_TRUE(built.ok());
  EXPECT_EQ((*built)[0], -100);
  EXPECT_EQ((*built)[255], 155);
  // Narrow i8<-127:127>: entry 0 is q = -127.
  built = buildLookupTable([](double x) { return x; },
                           i8(1.0, 0).withRange(-127, 127), i8(1.0, 0));
  ASSERT_TRUE(built.ok());
  EXPECT_EQ((*built)[0], -127);
  EXPECT_EQ((*built)[254], 127);
  EXPECT_EQ((*built)[255], 127); // q = 128 is not storable; clamped entry.
}

TEST(LookupTableTest, Int16InputsSampleEvery128thValueThrough32768) {
  // f(x) = x / 128 with s_x = s_y = 1: entry i is at x = -32768 + 128 i, so
  // it is i - 256; the last entry is x = 32768, one past the storage range.
  QuantType i16 = QuantType::perTensor(Storage::I16, 1.0, 0);
  Result<std::vector<int32_t>> built =
      buildLookupTable([](double x) { return x / 128; }, i16, i16);
  ASSERT_TRUE(built.ok());
  ASSERT_EQ(built->size(), 513u);
  EXPECT_EQ((*built)[0], -256);
  EXPECT_EQ((*built)[256], 0);
  EXPECT_EQ((*built)[512], 256);
}

TEST(LookupTableTest, RoundsHalfToEven) {
  // f(x) = x / 2 with s_x = s_y = 1: entry i is (i - 128) / 2.
  Result<std::vector<int32_t>> built =
      buildLookupTable([](double x) { return x / 2; }, i8(1.0, 0), i8(1.0, 0));
  ASSERT_TRUE(built.ok());
  EXPECT_EQ((*built)[128 + 1], 0);  // 0.5
  EXPECT_EQ((*built)[128 + 3], 2);  // 1.5
  EXPECT_EQ((*built)[128 + 5], 2);  // 2.5
  EXPECT_EQ((*built)[128 - 1], 0);  // -0.5
  EXPECT_EQ((*built)[128 - 3], -2); // -1.5
}

} // namespace
