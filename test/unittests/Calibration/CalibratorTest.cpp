//===- CalibratorTest.cpp - instrumented runs and annotations -------------===//
//
// Calibrates small TOSA models on hand-written samples and checks the
// recorded ranges against values worked out by hand; checks that ranges are
// deterministic, replace earlier ones, cover multi-result ops, and that bad
// options and mismatched data are diagnosed.
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"

#include "qcc/Calibration/Calibrator.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/InitAll.h"
#include "qcc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace qcc;
using namespace qcc::testing;

namespace {

// y = clamp(2 x, 0, 6) + x
constexpr const char *kModel = R"mlir(
func.func @main(%x: tensor<1x4xf32> {qcc.name = "x"}) -> tensor<1x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = "tosa.const"() {values = dense<2.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %0 = tosa.mul %x, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = tosa.add %1, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}
)mlir";

// A two-result call: the calibrator records qcc.ranges on it.
constexpr const char *kTwoResults = R"mlir(
func.func private @pair(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %a = tosa.abs %x : (tensor<3xf32>) -> tensor<3xf32>
  %b = tosa.clamp %x {min_val = -1.0 : f32, max_val = 1.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  return %a, %b : tensor<3xf32>, tensor<3xf32>
}
func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a, %b = func.call @pair(%x) : (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  %s = tosa.add %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %s : tensor<3xf32>
}
)mlir";

// y = reshape(2 x + x): the returned value is a reshape, whose range is its
// input's (qcc-propagate-ranges), so the add is an output too.
constexpr const char *kReshapedOutput = R"mlir(
func.func @main(%x: tensor<1x4xf32> {qcc.name = "x"}) -> tensor<4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = "tosa.const"() {values = dense<2.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %shape = tosa.const_shape {values = dense<4> : tensor<1xindex>} : () -> !tosa.shape<1>
  %0 = tosa.mul %x, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %1 = tosa.add %0, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = tosa.reshape %1, %shape : (tensor<1x4xf32>, !tosa.shape<1>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
)mlir";

class CalibratorTest : public ::testing::Test {
protected:
  CalibratorTest() : context(makeRegistry()) {
    context.loadAllAvailableDialects();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          diagnostics += diag.str() + "\n";
          return success();
        });
  }

  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    qcc::registerAllDialects(registry);
    return registry;
  }

  OwningOpRef<ModuleOp> parse(const char *text) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
    EXPECT_TRUE(module) << diagnostics;
    return module;
  }

  /// Samples for the only input of `module`'s model function.
  CalibrationData dataFor(ModuleOp module, const std::vector<int64_t> &shape,
                          const std::vector<float> &values) {
    auto func = findModelFunction(module, "");
    EXPECT_TRUE(succeeded(func));
    auto inputs = getCalibrationInputs(*func);
    EXPECT_TRUE(succeeded(inputs));
    std::string npy = makeNpy("<f4", shape, bytesOf(values));
    auto array = parseNpy(llvm::MemoryBuffer::getMemBufferCopy(npy));
    EXPECT_TRUE(bool(array));
    std::vector<NamedArray> arrays;
    arrays.push_back({(*inputs)[0].name, "test", std::move(*array)});
    auto data = CalibrationData::fromArrays("test", std::move(arrays), *inputs);
    EXPECT_TRUE(bool(data));
    return std::move(*data);
  }

  template <typename OpTy> static std::vector<double> rangeOf(ModuleOp module) {
    std::vector<double> range;
    module.walk([&](OpTy op) {
      if (auto attr =
              op->template getAttrOfType<DenseF64ArrayAttr>("qcc.range"))
        range = std::vector<double>(attr.asArrayRef());
    });
    return range;
  }

  static std::vector<double> argRangeOf(ModuleOp module) {
    auto func = *findModelFunction(module, "");
    auto attr = func.getArgAttrOfType<DenseF64ArrayAttr>(0, "qcc.range");
    return attr ? std::vector<double>(attr.asArrayRef())
                : std::vector<double>();
  }

  MLIRContext context;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

using Range = std::vector<double>;

TEST_F(CalibratorTest, MinMaxByHand) {
  OwningOpRef<ModuleOp> module = parse(kModel);
  // Two samples; by hand:
  //   x        [-1, 0.5, 2, 4]   [3, -2.5, 1, 0.25]   -> [-2.5, 4]
  //   2x       [-2, 1, 4, 8]     [6, -5, 2, 0.5]      -> [-5, 8]
  //   clamp    [0, 1, 4, 6]      [6, 0, 2, 0.5]       -> [0, 6]
  //   + x      [-1, 1.5, 6, 10]  [9, -2.5, 3, 0.75]   -> [-2.5, 10]
  CalibrationData data =
      dataFor(*module, {2, 1, 4}, {-1, 0.5, 2, 4, 3, -2.5, 1, 0.25});
  ASSERT_TRUE(succeeded(calibrateModule(*module, data, getFloatModelLowering(), {}))) << diagnostics;
  EXPECT_EQ(argRangeOf(*module), (Range{-2.5, 4}));
  EXPECT_EQ(rangeOf<tosa::MulOp>(*module), (Range{-5, 8}));
  EXPECT_EQ(rangeOf<tosa::ClampOp>(*module), (Range{0, 6}));
  EXPECT_EQ(rangeOf<tosa::AddOp>(*module), (Range{-2.5, 10}));
  EXPECT_TRUE(rangeOf<tosa::ConstOp>(*module).empty());
  EXPECT_EQ(getCalibrationSamples(*module), 2);
  EXPECT_EQ(diagnostics, "");
}

TEST_F(CalibratorTest, PercentileByHand) {
  OwningOpRef<ModuleOp> module = parse(kModel);
  // x takes the values 0, 1, ..., 99 (25 samples of 4): with p = 90 the
  // range of x is [P10, P90] = [9.9, 89.1]; 2x doubles it.
  std::vector<float> values;
  for (int i = 0; i < 100; ++i)
    values.push_back(static_cast<float>((i * 37) % 100));
  CalibrationData data = dataFor(*module, {25, 1, 4}, values);
  CalibrationOptions options;
  options.method = CalibrationMethod::Percentile;
  options.percentile = 90;
  ASSERT_TRUE(succeeded(calibrateModule(*module, data, getFloatModelLowering(), options)))
      << diagnostics;
  Range x = argRangeOf(*module), doubled = rangeOf<tosa::MulOp>(*module);
  ASSERT_EQ(x.size(), 2u);
  ASSERT_EQ(doubled.size(), 2u);
  EXPECT_NEAR(x[0], 9.9, 1e-9);
  EXPECT_NEAR(x[1], 89.1, 1e-9);
  EXPECT_NEAR(doubled[0], 19.8, 1e-9);
  EXPECT_NEAR(doubled[1], 178.2, 1e-9);
}

TEST_F(CalibratorTest, DeterministicAndReplacesEarlierRanges) {
  OwningOpRef<ModuleOp> module = parse(kModel);
  CalibrationData wide =
      dataFor(*module, {2, 1, 4}, {-1, 0.5, 2, 4, 3, -2.5, 1, 0.25});
  CalibrationData narrow = dataFor(*module, {1, 4}, {1, 1, 1, 1});
  ASSERT_TRUE(succeeded(calibrateModule(*module, wide, getFloatModelLowering(), {})));
  std::string first;
  llvm::raw_string_ostream(first) << *module;
  ASSERT_TRUE(succeeded(calibrateModule(*module, narrow, getFloatModelLowering(), {})));
  EXPECT_EQ(rangeOf<tosa::AddOp>(*module), (Range{3, 3}));
  ASSERT_TRUE(succeeded(calibrateModule(*module, wide, getFloatModelLowering(), {})));
  std::string again;
  llvm::raw_string_ostream(again) << *module;
  EXPECT_EQ(first, again);
}

TEST_F(CalibratorTest, MultiResultOp) {
  OwningOpRef<ModuleOp> module = parse(kTwoResults);
  // x = [-3, 2, 0.5]: abs [3, 2, 0.5] -> [0.5, 3]; clamp [-1, 1, 0.5] ->
  // [-1, 1]; sum [2, 3, 1] -> [1, 3].
  CalibrationData data = dataFor(*module, {3}, {-3, 2, 0.5});
  ASSERT_TRUE(succeeded(calibrateModule(*module, data, getFloatModelLowering(), {}))) << diagnostics;
  func::CallOp call;
  module->walk([&](func::CallOp op) { call = op; });
  ASSERT_TRUE(call);
  auto ranges = call->getAttrOfType<ArrayAttr>("qcc.ranges");
  ASSERT_TRUE(ranges);
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(Range(cast<DenseF64ArrayAttr>(ranges[0]).asArrayRef()),
            (Range{0.5, 3}));
  EXPECT_EQ(Range(cast<DenseF64ArrayAttr>(ranges[1]).asArrayRef()),
            (Range{-1, 1}));
  EXPECT_EQ(rangeOf<tosa::AddOp>(*module), (Range{1, 3}));
  // Ops of the callee are not the model function's: no ranges there.
  EXPECT_TRUE(rangeOf<tosa::AbsOp>(*module).empty());
}

/// 20000 values at the quantiles of a Laplace distribution, +-ln(10000 /
/// (i + 0.5)), except the two largest, which become the outliers 40 and
/// -25: dense tails that entropy clips.
static std::vector<float> laplaceWithOutliers() {
  std::vector<float> values;
  for (int i = 0; i < 10000; ++i) {
    float x = static_cast<float>(std::log(10000 / (i + 0.5)));
    values.push_back(x);
    values.push_back(-x);
  }
  values[0] = 40;
  values[1] = -25;
  return values;
}

TEST_F(CalibratorTest, EntropyKeepsInputsAndOutputs) {
  // Global entropy: the input x and the returned sum 3 x keep their observed
  // ranges [-25, 40] and [-75, 120]; the 2 x inside the model is clipped.
  OwningOpRef<ModuleOp> module = parse(kModel);
  CalibrationData data = dataFor(*module, {5000, 1, 4}, laplaceWithOutliers());
  CalibrationOptions options;
  options.method = CalibrationMethod::Entropy;
  options.progress = false;
  ASSERT_TRUE(succeeded(
      calibrateModule(*module, data, getFloatModelLowering(), options)))
      << diagnostics;
  EXPECT_EQ(argRangeOf(*module), (Range{-25, 40}));
  Range doubled = rangeOf<tosa::MulOp>(*module);
  ASSERT_EQ(doubled.size(), 2u);
  EXPECT_GT(doubled[0], -50);
  EXPECT_LT(doubled[1], 80);
  Range sum = rangeOf<tosa::AddOp>(*module);
  ASSERT_EQ(sum.size(), 2u);
  // clamp(2 x, 0, 6) + x: at most 6 + 40, at least 0 - 25.
  EXPECT_EQ(sum, (Range{-25, 46}));

  // Named, the input gets KL too: the same symmetric clip as 2 x, halved
  // (the histograms of x and 2 x have the same counts).
  options.overrides = {"x=entropy"};
  ASSERT_TRUE(succeeded(
      calibrateModule(*module, data, getFloatModelLowering(), options)))
      << diagnostics;
  Range x = argRangeOf(*module);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_GT(x[0], -25);
  EXPECT_LT(x[1], 40);
  EXPECT_EQ(x[0], -x[1]);
  EXPECT_NEAR(x[1], doubled[1] / 2, 1e-12 * doubled[1]);

  // Through a reshape: the add that the returned reshape only relabels is
  // an output as well.
  OwningOpRef<ModuleOp> reshaped = parse(kReshapedOutput);
  CalibrationData same =
      dataFor(*reshaped, {5000, 1, 4}, laplaceWithOutliers());
  options.overrides.clear();
  ASSERT_TRUE(succeeded(
      calibrateModule(*reshaped, same, getFloatModelLowering(), options)))
      << diagnostics;
  EXPECT_EQ(rangeOf<tosa::AddOp>(*reshaped), (Range{-75, 120}));
  EXPECT_EQ(rangeOf<tosa::ReshapeOp>(*reshaped), (Range{-75, 120}));
  Range inside = rangeOf<tosa::MulOp>(*reshaped);
  ASSERT_EQ(inside.size(), 2u);
  EXPECT_LT(inside[1], 80);
}

TEST_F(CalibratorTest, Errors) {
  OwningOpRef<ModuleOp> module = parse(kModel);
  CalibrationData data = dataFor(*module, {1, 4}, {1, 2, 3, 4});
  CalibrationOptions options;
  options.method = CalibrationMethod::Percentile;
  options.percentile = 30;
  EXPECT_TRUE(failed(calibrateModule(*module, data, getFloatModelLowering(), options)));
  EXPECT_NE(diagnostics.find("calibration percentile 30 is outside [50, 100]"),
            std::string::npos)
      << diagnostics;

  OwningOpRef<ModuleOp> other = parse(kTwoResults);
  diagnostics.clear();
  EXPECT_TRUE(failed(calibrateModule(*other, data, getFloatModelLowering(), {})));
  EXPECT_NE(diagnostics.find("calibration data was loaded for other inputs"),
            std::string::npos)
      << diagnostics;

  options = {};
  options.entry = "missing";
  diagnostics.clear();
  EXPECT_TRUE(failed(calibrateModule(*module, data, getFloatModelLowering(), options)));
  EXPECT_NE(diagnostics.find("entry function 'missing' is not defined"),
            std::string::npos)
      << diagnostics;
  EXPECT_FALSE(getCalibrationSamples(*module));
}

} // namespace
