//===- LinearOpsTest.cpp - conv2d and matmul ------------------------------===//
//
// Every expected value is derived by hand from the contract's definitions.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

using namespace qcc::ref;
using namespace qcc::ref::testing;

namespace {

// A 1x3x3x1 image 1..9 with zero point 1, i.e. real values 0..8:
//   0 1 2
//   3 4 5
//   6 7 8
QTensor image() {
  return tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, i8(0.5, 1));
}

// A 2x2 kernel [[1, 2], [3, 4]] (OHWI 1x2x2x1).
QTensor kernel(double scale = 0.5) {
  return tensor({1, 2, 2, 1}, {1, 2, 3, 4}, i8(scale, 0));
}

TEST(Conv2DTest, ValidWindowWithBiasAndTies) {
  // acc = bias 1 + {27, 37, 57, 67} = {28, 38, 58, 68}; r = 0.5 * 0.5 / 1 =
  // 0.25: 7, 9.5 -> 10, 14.5 -> 14, 17; z_y = -3.
  Result<QTensor> result = conv2d(image(), kernel(), std::vector<int64_t>{1},
                                  i8(1.0, -3), Conv2DAttrs{});
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{4, 7, 11, 14}));
  EXPECT_EQ(result->shape, (Shape{1, 2, 2, 1}));
}

TEST(Conv2DTest, PaddingContributesZeroNotTheZeroPoint) {
  // Pad 1 on every side, stride 2: output 2x2 at rows/cols {-1, 1}.
  // (0,0): only x[0][0] * 4 = 0; (0,1): 3*1 + 4*2 = 11;
  // (1,0): 2*3 + 4*6 = 30; (1,1): 1*4 + 2*5 + 3*7 + 4*8 = 67. r = 1.
  Conv2DAttrs attrs;
  attrs.pad = {1, 1, 1, 1};
  attrs.stride = {2, 2};
  Result<QTensor> result =
      conv2d(image(), kernel(2.0), std::nullopt, i8(1.0, 0), attrs);
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{0, 11, 30, 67}));
}

TEST(Conv2DTest, DilationSpreadsTheKernel) {
  // Dilation 2 on a 3x3 image: one output over the corners 0, 2, 6, 8:
  // 1*0 + 2*2 + 3*6 + 4*8 = 54.
  Conv2DAttrs attrs;
  attrs.dilation = {2, 2};
  EXPECT_EQ(
      valuesOf(conv2d(image(), kernel(2.0), std::nullopt, i8(1.0, 0), attrs)),
      (std::vector<int32_t>{54}));
}

TEST(Conv2DTest, AsymmetricPaddingAndStrides) {
  // Pad top 1 only, stride (1, 2), 1x1 kernel of 1: rows -1..2, columns 0, 2.
  // Row -1 is padding: 0. Then real values 0 2 / 3 5 / 6 8.
  Conv2DAttrs attrs;
  attrs.pad = {1, 0, 0, 0};
  attrs.stride = {1, 2};
  QTensor one = tensor({1, 1, 1, 1}, {1}, i8(2.0, 0));
  Result<QTensor> result =
      conv2d(image(), one, std::nullopt, i8(1.0, 0), attrs);
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{0, 0, 0, 2, 3, 5, 6, 8}));
  EXPECT_EQ(result->shape, (Shape{1, 4, 2, 1}));
}

TEST(Conv2DTest, GroupsWithPerChannelWeights) {
  // x = {1, 2, 3, 4}, 2 groups of 2 input channels, 2 outputs per group.
  // Real weights {1, 1}, {1, -1} | {2, 0}, {0, 3}; channels 2 and 3 store
  // them with zero points 1 and -1. acc = {3, -1, 6, 12};
  // r = {1, 1, 0.5, 0.25}: 3, -1, 3, 3.
  QTensor x = tensor({1, 1, 1, 4}, {1, 2, 3, 4}, i8(1.0, 0));
  QTensor w = tensor(
      {4, 1, 1, 2}, {1, 1, 1, -1, 3, 1, -1, 2},
      QuantType::perAxis(Storage::I8, 0, {1.0, 1.0, 0.5, 0.25}, {0, 0, 1, -1}));
  Conv2DAttrs attrs;
  attrs.groups = 2;
  EXPECT_EQ(valuesOf(conv2d(x, w, std::nullopt, i8(1.0, 0), attrs)),
            (std::vector<int32_t>{3, -1, 3, 3}));
}

TEST(Conv2DTest, DepthwiseWithChannelMultiplier) {
  // groups = C = 2, two outputs per channel: {5 * 1, 5 * 2, 7 * 3, 7 * 4}.
  QTensor x = tensor({1, 1, 1, 2}, {5, 7}, i8(1.0, 0));
  QTensor w = tensor({4, 1, 1, 1}, {1, 2, 3, 4}, i8(1.0, 0));
  Conv2DAttrs attrs;
  attrs.groups = 2;
  EXPECT_EQ(valuesOf(conv2d(x, w, std::nullopt, i8(1.0, 0), attrs)),
            (std::vector<int32_t>{5, 10, 21, 28}));
}

TEST(Conv2DTest, ClampAndAccumulatorLimits) {
  // 255 * 255 + bias reaches exactly 2^31 - 1; r = 2^-24 gives 127.99998
  // -> 128, saturated to the fused maximum 100.
  QTensor x = tensor({1, 1, 1, 1}, {127}, i8(1.0, -128));
  QTensor w = tensor({1, 1, 1, 1}, {127}, i8(0x1p-24, -128));
  Conv2DAttrs attrs;
  attrs.activation.max = 100;
  std::vector<int64_t> bias = {2147483647 - 65025};
  EXPECT_EQ(valuesOf(conv2d(x, w, bias, i8(1.0, 0), attrs)),
            (std::vector<int32_t>{100}));
  // One more and the exact accumulator leaves int32: undefined.
  bias[0] += 1;
  EXPECT_FALSE(conv2d(x, w, bias, i8(1.0, 0), attrs).ok());
}

TEST(Conv2DTest, RejectsMultipliersOf2To30) {
  QTensor x = tensor({1, 1, 1, 1}, {1}, i8(0x1p15, 0));
  QTensor w = tensor({1, 1, 1, 1}, {1}, i8(0x1p15, 0));
  EXPECT_FALSE(conv2d(x, w, std::nullopt, i8(1.0, 0), Conv2DAttrs{}).ok());
}

TEST(MatMulTest, PerColumnWeightsBiasAndTies) {
  // a - 1 = {{0, 1, 2}, {3, 4, 5}}; column 0 of b is {1, 0, 1} (z 0), column
  // 1 stores {0, 1, 1} with z 1, i.e. {-1, 0, 0}.
  // acc + bias {1, -1} = {{3, -1}, {9, -4}}; r = {0.5, 1}:
  // 1.5 -> 2, -1, 4.5 -> 4, -4.
  QTensor a = tensor({2, 3}, {1, 2, 3, 4, 5, 6}, i8(1.0, 1));
  QTensor b = tensor({3, 2}, {1, 0, 0, 1, 1, 1},
                     QuantType::perAxis(Storage::I8, 1, {0.5, 1.0}, {0, 1}));
  Result<QTensor> result =
      matmul(a, b, std::vector<int64_t>{1, -1}, i8(1.0, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{2, -1, 4, -4}));
  EXPECT_EQ(result->shape, (Shape{2, 2}));
}

TEST(MatMulTest, BatchedLhsSharesTheRhs) {
  // [2, 1, 2] x [2, 1]: {1 + 2, 3 + 4} with b = {1, 1}.
  QTensor a = tensor({2, 1, 2}, {1, 2, 3, 4}, i8(1.0, 0));
  QTensor b = tensor({2, 1}, {1, 1}, i8(1.0, 0));
  Result<QTensor> result = matmul(a, b, std::nullopt, i8(1.0, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{3, 7}));
  EXPECT_EQ(result->shape, (Shape{2, 1, 1}));
}

TEST(MatMulTest, BatchedRhsPairsEachBatchWithItsMatrix) {
  // a [2, 1, 2] - 1 = {{0, 1}}, {{2, 3}}; b [2, 2, 1] - (-1) = {{1}, {2}},
  // {{3}, {4}}: batch 0 gives 0 * 1 + 1 * 2 = 2, batch 1 gives
  // 2 * 3 + 3 * 4 = 18; r = 0.25: 0.5 -> 0 (even), 4.5 -> 4.
  QTensor a = tensor({2, 1, 2}, {1, 2, 3, 4}, i8(1.0, 1));
  QTensor b = tensor({2, 2, 1}, {0, 1, 2, 3}, i8(0.5, -1));
  Result<QTensor> result = matmul(a, b, std::nullopt, i8(2.0, 0));
  EXPECT_EQ(valuesOf(result), (std::vector<int32_t>{0, 4}));
  EXPECT_EQ(result->shape, (Shape{2, 1, 1}));
}

TEST(MatMulTest, BatchedRhsNeedsMatchingBatchAndOneScale) {
  QTensor a = tensor({2, 1, 2}, {1, 2, 3, 4}, i8(1.0, 0));
  QTensor wrongBatch = tensor({3, 2, 1}, {1, 1, 1, 1, 1, 1}, i8(1.0, 0));
  EXPECT_FALSE(matmul(a, wrongBatch, std::nullopt, i8(1.0, 0)).ok());
  QTensor perAxis = tensor({2, 2, 1}, {1, 1, 1, 1},
                           QuantType::perAxis(Storage::I8, 2, {1.0}, {0}));
  EXPECT_FALSE(matmul(a, perAxis, std::nullopt, i8(1.0, 0)).ok());
}

} // namespace
