//===- DriverOptions.cpp - qcc's flags, checked together ------------------===//
//
// Every rule that relates one flag to another lives in validate(), in the
// order the command line has always reported them, so that a bad combination
// fails before a large model is read; the flags a pre-quantized model rules
// out, which only the model can tell, in validateForPreQuantizedModel(). What
// the flags select for the pipeline is computed in one place too,
// populatePipelineOptions().
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Driver.h"

#include "qcc/Import/ONNX/ONNXImporter.h"
#include "qcc/Target/HeaderEmitter.h"
#include "qcc/Target/TargetSpec.h"
#include "qcc/Transforms/ModelABI.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace llvm;

namespace qcc {

static Error failure(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

static StringRef extensionFor(EmitKind kind) {
  switch (kind) {
  case EmitKind::MLIR:
    return ".mlir";
  case EmitKind::LLVMIR:
    return ".ll";
  case EmitKind::Assembly:
    return ".s";
  case EmitKind::Object:
    return ".o";
  case EmitKind::Header:
    return ".h";
  }
  llvm_unreachable("unknown emit kind");
}

bool DriverOptions::quantizesToInt8() const {
  if (quantize.empty())
    return !calibrationData.empty() || !loadProfile.empty();
  return quantize == "int8";
}

int64_t DriverOptions::getWeightOnlyBits() const {
  if (quantize == "weight-only-int8")
    return 8;
  if (quantize == "weight-only-int4")
    return 4;
  return 0;
}

bool DriverOptions::isONNXInput() const {
  return sys::path::extension(input).equals_insensitive(".onnx");
}

Expected<ONNXImportOptions> DriverOptions::getImportOptions() const {
  ONNXImportOptions options;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!addInputShapePin(spec, options, error))
      return failure("--input-shape: " + error);
  }
  if (!isONNXInput() && !inputShapes.empty())
    return failure("--input-shape applies to ONNX models only");
  return options;
}

std::string DriverOptions::getOutputPath() const {
  if (!output.empty())
    return output;
  // The input's file name with a new extension, in the current directory
  // (like cc -c).
  SmallString<128> path(sys::path::filename(input));
  sys::path::replace_extension(path, compileTo ? StringRef(".mlir")
                                               : extensionFor(emit));
  return std::string(path);
}

std::string DriverOptions::getSymbolPrefix() const {
  if (!name.empty())
    return name;
  std::string path = getOutputPath();
  return path == "-" ? "model" : sanitizeCIdentifier(sys::path::stem(path));
}

Error DriverOptions::validate() const {
  if (optLevel > 3)
    return failure("invalid optimization level -O" + Twine(optLevel) +
                   "; expected -O0 to -O3");
  bool calibrates = !calibrationData.empty() || !loadProfile.empty();
  if (!loadProfile.empty() && !calibrationData.empty())
    return failure("--load-profile replaces --calibration; give only one");
  if (allowFloat && integerOnly)
    return failure("--allow-float and --integer-only contradict each other; "
                   "give at most one");
  if (!saveProfile.empty() && calibrationData.empty())
    return failure("--save-profile needs --calibration data to measure");
  int64_t weightOnlyBits = getWeightOnlyBits();
  if (weightOnlyBits) {
    if (calibrates)
      return failure("--quantize=" + quantize +
                     " needs no calibration; drop --calibration/"
                     "--load-profile");
    if (perTensorWeights)
      return failure("--per-tensor-weights applies to --quantize=int8 only");
  }
  if (quantizesDynamically()) {
    if (calibrates)
      return failure("--quantize=dynamic measures ranges at run time; drop "
                     "--calibration/--load-profile");
    if (perTensorWeights)
      return failure("--per-tensor-weights applies to --quantize=int8 only");
  }
  if (weightBlockSize) {
    if (!weightOnlyBits)
      return failure("--weight-block-size needs --quantize=weight-only-int8 "
                     "or weight-only-int4");
    if (*weightBlockSize <= 0)
      return failure("--weight-block-size must be positive, got " +
                     Twine(*weightBlockSize));
  }
  if (!quantize.empty() && !weightOnlyBits && !quantizesDynamically()) {
    if (quantize != "int8" && quantize != "none")
      return failure("unknown --quantize='" + quantize +
                     "'; expected int8, dynamic, weight-only-int8, "
                     "weight-only-int4 or none");
    if (quantize == "none" && !calibrationData.empty())
      return failure("--calibration needs --quantize=int8");
    if (quantize == "none" && !loadProfile.empty())
      return failure("--load-profile needs --quantize=int8");
  }
  bool int8 = quantizesToInt8();
  bool precisionFlags =
      !keepFloat.empty() || !int16.empty() || activationType.has_value();
  if (precisionFlags && !int8)
    return failure("--keep-float, --int16 and --activation-type need "
                   "--quantize=int8 (--calibration or --load-profile)");
  if (mixedPrecision != "none" && mixedPrecision != "auto")
    return failure("unknown --mixed-precision='" + mixedPrecision +
                   "'; expected none or auto");
  if (searchesPrecision() && (!int8 || calibrationData.empty()))
    return failure("--mixed-precision=auto measures layers on the "
                   "calibration data: it needs --calibration");
  if (searchesPrecision() && !minSqnr)
    return failure("--mixed-precision=auto needs --min-sqnr=<dB>");
  if (minSqnr && !searchesPrecision())
    return failure("--min-sqnr needs --mixed-precision=auto");
  if (searchesPrecision() && (!keepFloat.empty() || !int16.empty()))
    return failure("--mixed-precision=auto chooses --int16 and --keep-float "
                   "itself; give one or the other");
  if (searchesPrecision() && !std::isfinite(*minSqnr))
    return failure("--min-sqnr must be a finite number of dB");
  for (const auto *list : {&keepFloat, &int16})
    for (const std::string &op : *list)
      if (op.empty())
        return failure("empty name in --keep-float or --int16");
  if (!parseCalibrationChoice(calibrationMethod))
    return failure("invalid --calibration-method='" + calibrationMethod +
                   "'; expected minmax, percentile[=<p>] with 50 <= p <= "
                   "100, entropy or mse");
  for (const std::string &spec : calibrationMethodFor)
    if (!parseCalibrationOverride(spec))
      return failure("invalid --calibration-method-for='" + spec +
                     "'; expected <tensor>=<method> with method minmax, "
                     "percentile[=<p>], entropy or mse");

  if (Expected<TargetSpec> spec = resolveTarget(target, cpu, cpuFeatures);
      !spec)
    return spec.takeError();

  std::string path = getOutputPath();
  if (path != "-" && sys::fs::equivalent(path, input))
    return failure("the output '" + path +
                   "' would overwrite the input; choose another -o");
  std::string prefix = getSymbolPrefix();
  if (!isCIdentifier(prefix))
    return failure("--name='" + prefix + "' is not a valid C identifier");

  if (!isONNXInput() &&
      !sys::path::extension(input).equals_insensitive(".mlir") && input != "-")
    return failure("unsupported input '" + input +
                   "': expected an .onnx or .mlir model");
  if (Expected<ONNXImportOptions> importOptions = getImportOptions();
      !importOptions)
    return importOptions.takeError();

  // The report compares the model before and after quantization on the
  // calibration data.
  if (!report.empty() && (!int8 || calibrationData.empty()))
    return failure("--report needs quantization with --calibration data");
  if (!validationData.empty() && (!int8 || calibrationData.empty()))
    return failure("--validation measures the quantized model against float "
                   "apart from the calibration data: it needs quantization "
                   "with --calibration data");
  return Error::success();
}

Error DriverOptions::validateForPreQuantizedModel() const {
  std::string what = "'" + input +
                     "' is pre-quantized (its quantize/dequantize ops give "
                     "the parameters)";
  if (!calibrationData.empty() || !loadProfile.empty())
    return failure(what + "; drop --calibration/--load-profile, or give "
                          "--quantize=none to run it as float");
  if (int64_t bits = getWeightOnlyBits())
    return failure(what + "; --quantize=weight-only-int" + Twine(bits) +
                   " does not apply to it");
  if (quantizesDynamically())
    return failure(what + "; --quantize=dynamic does not apply to it");
  if (!keepFloat.empty() || !int16.empty() || activationType ||
      perTensorWeights)
    return failure(what + "; --keep-float, --int16, --activation-type and "
                          "--per-tensor-weights do not apply to it");
  return Error::success();
}

void DriverOptions::populatePipelineOptions(QccPipelineOptions &options,
                                            bool preQuantized) const {
  CalibrationChoice method = *parseCalibrationChoice(calibrationMethod);
  options.entry = entry;
  options.prefix = getSymbolPrefix();
  options.workspaceAlignment = workspaceAlignment;
  options.quantize = quantizesToInt8() && !preQuantized;
  options.calibrationData = calibrationData;
  options.calibrationMethod = method.method;
  options.percentile = method.percentile;
  options.calibrationMethodFor = calibrationMethodFor;
  options.saveProfile = saveProfile;
  options.loadProfile = loadProfile;
  options.perTensorWeights = perTensorWeights;
  options.allowFloat = !integerOnly;
  options.keepFloat = keepFloat;
  options.int16 = int16;
  options.activationType = activationType.value_or(ActivationKind::Int8);
  options.weightOnlyBits = getWeightOnlyBits();
  options.weightBlockSize = weightBlockSize.value_or(0);
  options.dynamicQuantization = quantizesDynamically();
  options.preQuantized = preQuantized;
}

} // namespace qcc
