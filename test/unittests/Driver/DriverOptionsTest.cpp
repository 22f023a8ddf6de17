//===- DriverOptionsTest.cpp - qcc's flag checks, without a process -------===//
//
// Each rule of DriverOptions::validate() (and of the pre-quantized check),
// broken and kept, with the exact message `qcc` prints after "qcc: error: ".
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Driver.h"

#include "gtest/gtest.h"

#include <limits>

using namespace qcc;

namespace {

/// The message of the first broken rule, or "" when the options are valid.
std::string errorOf(llvm::Error error) {
  return error ? llvm::toString(std::move(error)) : "";
}

class DriverOptionsTest : public ::testing::Test {
protected:
  DriverOptionsTest() {
    options.input = "model.mlir";
    options.output = "model.o";
  }

  std::string validate() const { return errorOf(options.validate()); }

  /// Calibration data; implies int8 quantization.
  void calibrate() { options.calibrationData = "calib.npz"; }

  /// The flag just set measures on calibration data: `message` without
  /// it, also with a profile instead; valid with it.
  void expectNeedsCalibrationData(const std::string &message) {
    EXPECT_EQ(validate(), message);
    options.loadProfile = "profile.json";
    EXPECT_EQ(validate(), message);
    options.loadProfile.clear();
    calibrate();
    EXPECT_EQ(validate(), "");
  }

  DriverOptions options;
};

TEST_F(DriverOptionsTest, DefaultsAreValid) {
  EXPECT_EQ(validate(), "");
  EXPECT_FALSE(options.quantizesToInt8());
  EXPECT_EQ(options.getWeightOnlyBits(), 0);
  EXPECT_FALSE(options.quantizesDynamically());
  EXPECT_FALSE(options.searchesPrecision());
}

TEST_F(DriverOptionsTest, OptimizationLevel) {
  options.optLevel = 3;
  EXPECT_EQ(validate(), "");
  options.optLevel = 7;
  EXPECT_EQ(validate(), "invalid optimization level -O7; expected -O0 to -O3");
}

TEST_F(DriverOptionsTest, ProfileAndCalibrationAreExclusive) {
  options.loadProfile = "profile.json";
  EXPECT_EQ(validate(), "");
  EXPECT_TRUE(options.quantizesToInt8());
  calibrate();
  EXPECT_EQ(validate(), "--load-profile replaces --calibration; give only one");
}

TEST_F(DriverOptionsTest, FloatIslandsAllowedUnlessIntegerOnly) {
  calibrate();
  QccPipelineOptions pipeline;
  options.populatePipelineOptions(pipeline, /*preQuantized=*/false);
  EXPECT_TRUE(pipeline.allowFloat);
  options.integerOnly = true;
  EXPECT_EQ(validate(), "");
  options.populatePipelineOptions(pipeline, /*preQuantized=*/false);
  EXPECT_FALSE(pipeline.allowFloat);
  options.allowFloat = true;
  EXPECT_EQ(validate(), "--allow-float and --integer-only contradict each "
                        "other; give at most one");
  options.integerOnly = false;
  EXPECT_EQ(validate(), "");
}

TEST_F(DriverOptionsTest, SaveProfileNeedsCalibration) {
  options.saveProfile = "profile.json";
  EXPECT_EQ(validate(), "--save-profile needs --calibration data to measure");
  calibrate();
  EXPECT_EQ(validate(), "");
}

TEST_F(DriverOptionsTest, WeightOnlyNeedsNoCalibration) {
  for (int64_t bits : {8, 4}) {
    DriverOptions weightOnly;
    weightOnly.input = "model.mlir";
    weightOnly.quantize = "weight-only-int" + std::to_string(bits);
    EXPECT_EQ(errorOf(weightOnly.validate()), "");
    EXPECT_EQ(weightOnly.getWeightOnlyBits(), bits);
    EXPECT_FALSE(weightOnly.quantizesToInt8());
    weightOnly.calibrationData = "calib.npz";
    EXPECT_EQ(errorOf(weightOnly.validate()),
              "--quantize=weight-only-int" + std::to_string(bits) +
                  " needs no calibration; drop --calibration/--load-profile");
    weightOnly.calibrationData.clear();
    weightOnly.loadProfile = "profile.json";
    EXPECT_NE(errorOf(weightOnly.validate()), "");
    weightOnly.loadProfile.clear();
    weightOnly.perTensorWeights = true;
    EXPECT_EQ(errorOf(weightOnly.validate()),
              "--per-tensor-weights applies to --quantize=int8 only");
  }
}

TEST_F(DriverOptionsTest, DynamicNeedsNoCalibration) {
  options.quantize = "dynamic";
  EXPECT_EQ(validate(), "");
  EXPECT_TRUE(options.quantizesDynamically());
  EXPECT_FALSE(options.quantizesToInt8());
  options.loadProfile = "profile.json";
  EXPECT_EQ(validate(), "--quantize=dynamic measures ranges at run time; drop "
                        "--calibration/--load-profile");
  options.loadProfile.clear();
  options.perTensorWeights = true;
  EXPECT_EQ(validate(), "--per-tensor-weights applies to --quantize=int8 only");
}

TEST_F(DriverOptionsTest, WeightBlockSize) {
  options.weightBlockSize = 16;
  EXPECT_EQ(validate(), "--weight-block-size needs "
                        "--quantize=weight-only-int8 or weight-only-int4");
  options.quantize = "weight-only-int4";
  EXPECT_EQ(validate(), "");
  options.weightBlockSize = 0;
  EXPECT_EQ(validate(), "--weight-block-size must be positive, got 0");
  options.weightBlockSize = -2;
  EXPECT_EQ(validate(), "--weight-block-size must be positive, got -2");
}

TEST_F(DriverOptionsTest, QuantizeMode) {
  options.quantize = "int8";
  EXPECT_EQ(validate(), "");
  EXPECT_TRUE(options.quantizesToInt8());
  options.quantize = "int4";
  EXPECT_EQ(validate(), "unknown --quantize='int4'; expected int8, dynamic, "
                        "weight-only-int8, weight-only-int4 or none");
  options.quantize = "none";
  EXPECT_EQ(validate(), "");
  calibrate();
  EXPECT_FALSE(options.quantizesToInt8());
  EXPECT_EQ(validate(), "--calibration needs --quantize=int8");
  options.calibrationData.clear();
  options.loadProfile = "profile.json";
  EXPECT_EQ(validate(), "--load-profile needs --quantize=int8");
}

TEST_F(DriverOptionsTest, PrecisionFlagsNeedInt8) {
  const char *message = "--keep-float, --int16 and --activation-type need "
                        "--quantize=int8 (--calibration or --load-profile)";
  options.keepFloat = {"conv1"};
  EXPECT_EQ(validate(), message);
  options.keepFloat.clear();
  options.int16 = {"all"};
  EXPECT_EQ(validate(), message);
  options.int16.clear();
  // Given at all counts, even the default value.
  options.activationType = ActivationKind::Int8;
  EXPECT_EQ(validate(), message);
  calibrate();
  EXPECT_EQ(validate(), "");
  options.activationType = ActivationKind::UInt8;
  options.keepFloat = {"conv1", "Conv"};
  options.int16 = {"matmul"};
  EXPECT_EQ(validate(), "");
}

TEST_F(DriverOptionsTest, EmptyPrecisionNames) {
  calibrate();
  options.keepFloat = {"a", "", "b"};
  EXPECT_EQ(validate(), "empty name in --keep-float or --int16");
  options.keepFloat.clear();
  options.int16 = {""};
  EXPECT_EQ(validate(), "empty name in --keep-float or --int16");
}

TEST_F(DriverOptionsTest, MixedPrecision) {
  options.mixedPrecision = "yes";
  EXPECT_EQ(validate(), "unknown --mixed-precision='yes'; expected none or "
                        "auto");
  options.mixedPrecision = "auto";
  options.minSqnr = 30.0;
  const char *noData = "--mixed-precision=auto measures layers on the "
                       "calibration data: it needs --calibration";
  EXPECT_EQ(validate(), noData);
  // A profile holds no samples to measure on.
  options.loadProfile = "profile.json";
  EXPECT_EQ(validate(), noData);
  options.loadProfile.clear();
  calibrate();
  EXPECT_EQ(validate(), "");
  EXPECT_TRUE(options.searchesPrecision());
  options.minSqnr.reset();
  EXPECT_EQ(validate(), "--mixed-precision=auto needs --min-sqnr=<dB>");
  options.minSqnr = std::numeric_limits<double>::infinity();
  EXPECT_EQ(validate(), "--min-sqnr must be a finite number of dB");
  options.minSqnr = 30.0;
  options.int16 = {"conv1"};
  EXPECT_EQ(validate(), "--mixed-precision=auto chooses --int16 and "
                        "--keep-float itself; give one or the other");
}

TEST_F(DriverOptionsTest, MinSqnrNeedsAutoPrecision) {
  calibrate();
  options.minSqnr = 30.0;
  EXPECT_EQ(validate(), "--min-sqnr needs --mixed-precision=auto");
}

TEST_F(DriverOptionsTest, CalibrationMethods) {
  calibrate();
  for (const char *method :
       {"minmax", "percentile", "percentile=99.9", "entropy", "mse"}) {
    options.calibrationMethod = method;
    EXPECT_EQ(validate(), "") << method;
  }
  options.calibrationMethod = "percentile=20";
  EXPECT_EQ(validate(), "invalid --calibration-method='percentile=20'; "
                        "expected minmax, percentile[=<p>] with 50 <= p <= "
                        "100, entropy or mse");
  options.calibrationMethod = "minmax";
  options.calibrationMethodFor = {"conv1=entropy", "/a/b=percentile=99"};
  EXPECT_EQ(validate(), "");
  options.calibrationMethodFor.push_back("conv2");
  EXPECT_EQ(validate(), "invalid --calibration-method-for='conv2'; expected "
                        "<tensor>=<method> with method minmax, "
                        "percentile[=<p>], entropy or mse");
}

TEST_F(DriverOptionsTest, Target) {
  options.target = "aarch64";
  options.cpuFeatures = "+dotprod";
  EXPECT_EQ(validate(), "");
  options.target = "sparc";
  EXPECT_NE(validate().find("unknown target 'sparc'"), std::string::npos);
}

TEST_F(DriverOptionsTest, OutputAndSymbolNames) {
  options.output.clear();
  EXPECT_EQ(options.getOutputPath(), "model.o");
  EXPECT_EQ(options.getSymbolPrefix(), "model");
  options.input = "dir/my-net.onnx";
  options.emit = EmitKind::Assembly;
  EXPECT_EQ(options.getOutputPath(), "my-net.s");
  EXPECT_EQ(options.getSymbolPrefix(), "my_net");
  options.compileTo = Stage::Linalg;
  EXPECT_EQ(options.getOutputPath(), "my-net.mlir");
  options.output = "-";
  EXPECT_EQ(options.getSymbolPrefix(), "model");
  EXPECT_EQ(validate(), "");
  options.name = "my-model";
  EXPECT_EQ(validate(), "--name='my-model' is not a valid C identifier");
  options.name = "net";
  EXPECT_EQ(options.getSymbolPrefix(), "net");
  EXPECT_EQ(validate(), "");
}

TEST_F(DriverOptionsTest, InputKinds) {
  options.input = "-";
  EXPECT_EQ(validate(), "");
  options.input = "model.MLIR";
  EXPECT_EQ(validate(), "");
  options.input = "model.txt";
  EXPECT_EQ(validate(), "unsupported input 'model.txt': expected an .onnx or "
                        ".mlir model");
}

TEST_F(DriverOptionsTest, InputShapes) {
  options.inputShapes = {"image=1x3x224x224"};
  EXPECT_EQ(validate(), "--input-shape applies to ONNX models only");
  options.input = "model.onnx";
  EXPECT_TRUE(options.isONNXInput());
  EXPECT_EQ(validate(), "");
  options.inputShapes.push_back("bad");
  EXPECT_EQ(validate().rfind("--input-shape: ", 0), 0u) << validate();
}

TEST_F(DriverOptionsTest, ReportNeedsCalibration) {
  options.report = "report.json";
  expectNeedsCalibrationData(
      "--report needs quantization with --calibration data");
  options.quantize = "none";
  EXPECT_EQ(validate(), "--calibration needs --quantize=int8");
}

TEST_F(DriverOptionsTest, ValidationNeedsCalibration) {
  // Without --report: qcc measures, warns and says what it measured.
  options.validationData = "validation.npz";
  expectNeedsCalibrationData(
      "--validation measures the quantized model against float apart from "
      "the calibration data: it needs quantization with --calibration data");
  options.report = "report.html";
  EXPECT_EQ(validate(), "");
}

TEST_F(DriverOptionsTest, FirstBrokenRuleWins) {
  options.optLevel = 9;
  options.quantize = "int4";
  options.target = "sparc";
  EXPECT_EQ(validate(), "invalid optimization level -O9; expected -O0 to -O3");
}

TEST_F(DriverOptionsTest, PreQuantizedModel) {
  options.input = "qdq.onnx";
  const std::string what = "'qdq.onnx' is pre-quantized (its "
                           "quantize/dequantize ops give the parameters)";
  EXPECT_EQ(errorOf(options.validateForPreQuantizedModel()), "");
  calibrate();
  EXPECT_EQ(errorOf(options.validateForPreQuantizedModel()),
            what + "; drop --calibration/--load-profile, or give "
                   "--quantize=none to run it as float");
  options.calibrationData.clear();
  options.quantize = "weight-only-int4";
  EXPECT_EQ(errorOf(options.validateForPreQuantizedModel()),
            what + "; --quantize=weight-only-int4 does not apply to it");
  options.quantize = "dynamic";
  EXPECT_EQ(errorOf(options.validateForPreQuantizedModel()),
            what + "; --quantize=dynamic does not apply to it");
  options.quantize.clear();
  for (int flag = 0; flag < 4; ++flag) {
    DriverOptions precision;
    precision.input = "qdq.onnx";
    if (flag == 0)
      precision.keepFloat = {"conv1"};
    if (flag == 1)
      precision.int16 = {"all"};
    if (flag == 2)
      precision.activationType = ActivationKind::UInt8;
    if (flag == 3)
      precision.perTensorWeights = true;
    EXPECT_EQ(errorOf(precision.validateForPreQuantizedModel()),
              what + "; --keep-float, --int16, --activation-type and "
                     "--per-tensor-weights do not apply to it")
        << flag;
  }
}

TEST_F(DriverOptionsTest, PipelineOptions) {
  calibrate();
  options.calibrationMethod = "percentile=99.5";
  options.activationType = ActivationKind::UInt8;
  options.int16 = {"conv1"};
  options.name = "net";
  options.workspaceAlignment = 16;
  ASSERT_EQ(validate(), "");
  QccPipelineOptions pipeline;
  options.populatePipelineOptions(pipeline, /*preQuantized=*/false);
  EXPECT_TRUE(pipeline.quantize.getValue());
  EXPECT_EQ(pipeline.prefix.getValue(), "net");
  EXPECT_EQ(pipeline.workspaceAlignment.getValue(), 16u);
  EXPECT_EQ(pipeline.calibrationData.getValue(), "calib.npz");
  EXPECT_EQ(pipeline.calibrationMethod.getValue(),
            CalibrationMethod::Percentile);
  EXPECT_EQ(pipeline.percentile.getValue(), 99.5);
  EXPECT_EQ(pipeline.activationType.getValue(), ActivationKind::UInt8);
  ASSERT_EQ(pipeline.int16.size(), 1u);
  EXPECT_EQ(pipeline.int16[0], "conv1");
  EXPECT_FALSE(pipeline.preQuantized.getValue());

  QccPipelineOptions preQuantized;
  DriverOptions plain;
  plain.input = "qdq.onnx";
  plain.populatePipelineOptions(preQuantized, /*preQuantized=*/true);
  EXPECT_FALSE(preQuantized.quantize.getValue());
  EXPECT_TRUE(preQuantized.preQuantized.getValue());
  EXPECT_EQ(preQuantized.prefix.getValue(), "qdq");
  EXPECT_EQ(preQuantized.activationType.getValue(), ActivationKind::Int8);

  QccPipelineOptions weightOnly;
  DriverOptions w4;
  w4.input = "model.mlir";
  w4.quantize = "weight-only-int4";
  w4.weightBlockSize = 32;
  w4.populatePipelineOptions(weightOnly, /*preQuantized=*/false);
  EXPECT_FALSE(weightOnly.quantize.getValue());
  EXPECT_EQ(weightOnly.weightOnlyBits.getValue(), 4);
  EXPECT_EQ(weightOnly.weightBlockSize.getValue(), 32);
}

} // namespace
