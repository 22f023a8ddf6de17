//===- qcc.cpp - the qcc compiler driver ----------------------------------===//
//
// qcc model.mlir -target=aarch64 -o model.o
//
// Parses a float model, runs the pipeline stages of lib/Pipelines, and emits
// MLIR, LLVM IR, assembly or an object file plus its C header. Every failure
// is a diagnostic and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "qcc/Import/ONNX/ONNXImporter.h"
#include "qcc/InitAll.h"
#include "qcc/Pipelines/Pipelines.h"
#include "qcc/Quantization/Passes.h"
#include "qcc/Report/PrecisionSearch.h"
#include "qcc/Report/QuantizationReport.h"
#include "qcc/Target/HeaderEmitter.h"
#include "qcc/Target/ObjectEmitter.h"
#include "qcc/Target/TargetSpec.h"
#include "qcc/Transforms/ModelABI.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <cmath>

using namespace mlir;
using namespace llvm;

namespace {

enum class EmitKind { MLIR, LLVMIR, Assembly, Object, Header };

cl::OptionCategory qccCategory("qcc options");

cl::opt<std::string> inputFilename(cl::Positional,
                                   cl::desc("<model.onnx|model.mlir>"),
                                   cl::Required, cl::cat(qccCategory));
cl::opt<std::string> outputFilename(
    "o",
    cl::desc("Output file (default: the input's name with the emitted "
             "kind's extension; '-' for stdout)"),
    cl::value_desc("file"), cl::cat(qccCategory));
cl::opt<std::string>
    targetName("target",
               cl::desc("Target: x86_64 (x86-64, amd64), aarch64 (arm64), "
                        "riscv64, host, or a triple of one of those"),
               cl::init("host"), cl::cat(qccCategory));
cl::opt<std::string> cpuName("mcpu",
                             cl::desc("Target CPU (default per target: "
                                      "x86-64-v3, generic, "
                                      "generic-rv64)"),
                             cl::cat(qccCategory));
cl::opt<std::string>
    cpuAttrs("mattr",
             cl::desc("CPU features to add or remove, e.g. +dotprod,+i8mm"),
             cl::cat(qccCategory));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0-3 (default 2)"),
                           cl::Prefix, cl::init(2), cl::cat(qccCategory));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::Object),
    cl::values(clEnumValN(EmitKind::MLIR, "mlir", "LLVM-dialect MLIR"),
               clEnumValN(EmitKind::LLVMIR, "llvm", "LLVM IR (text)"),
               clEnumValN(EmitKind::Assembly, "asm", "target assembly"),
               clEnumValN(EmitKind::Object, "obj",
                          "object file and its C header (default)"),
               clEnumValN(EmitKind::Header, "header", "the C header only")),
    cl::cat(qccCategory));
cl::opt<std::string> compileTo(
    "compile-to",
    cl::desc("Stop after a stage and write its MLIR: input, quantized, "
             "linalg, bufferized or llvm"),
    cl::value_desc("stage"), cl::cat(qccCategory));
cl::opt<std::string> symbolName(
    "name",
    cl::desc("Prefix of the exported C symbols (default: the output file's "
             "stem)"),
    cl::cat(qccCategory));
cl::opt<std::string>
    entryName("entry",
              cl::desc("Model function to compile (default: the only public "
                       "function)"),
              cl::cat(qccCategory));
cl::opt<std::string>
    headerFilename("header",
                   cl::desc("Where to write the C header with --emit=obj "
                            "(default: the object's path with .h)"),
                   cl::value_desc("file"), cl::cat(qccCategory));
cl::opt<std::string> calibrationData(
    "calibration",
    cl::desc("Calibration data: an .npz archive or a directory of .npy "
             "files, one array per model input; implies --quantize=int8"),
    cl::value_desc("path"), cl::cat(qccCategory));
cl::opt<std::string> calibrationMethod(
    "calibration-method",
    cl::desc("How observed values become ranges: minmax (default), "
             "percentile[=<p>], entropy or mse"),
    cl::init("minmax"), cl::cat(qccCategory));
cl::list<std::string> calibrationMethodFor(
    "calibration-method-for",
    cl::desc("Calibration method for one tensor (an ONNX node or input "
             "name), e.g. conv1=entropy (repeatable)"),
    cl::value_desc("tensor=method"), cl::cat(qccCategory));
cl::opt<std::string> saveProfile(
    "save-profile",
    cl::desc("Also write the measured calibration statistics to a JSON "
             "profile"),
    cl::value_desc("file.json"), cl::cat(qccCategory));
cl::opt<std::string> loadProfile(
    "load-profile",
    cl::desc("Take the calibration statistics from a JSON profile instead "
             "of calibration data; implies --quantize=int8"),
    cl::value_desc("file.json"), cl::cat(qccCategory));
cl::opt<std::string> quantizeMode(
    "quantize",
    cl::desc("int8 (default with --calibration), dynamic, weight-only-int8, "
             "weight-only-int4 or none; int8 without calibration data uses "
             "the ranges already on the MLIR"),
    cl::init(""), cl::cat(qccCategory));
cl::opt<int64_t> weightBlockSize(
    "weight-block-size",
    cl::desc("With --quantize=weight-only-*: one matmul weight scale per "
             "block of <n> rows of K and output column (default: per "
             "output column)"),
    cl::value_desc("n"), cl::init(0), cl::cat(qccCategory));
cl::opt<bool> perTensorWeights(
    "per-tensor-weights",
    cl::desc("Quantize weights with one scale per tensor instead of per "
             "output channel"),
    cl::cat(qccCategory));
cl::opt<bool> allowFloat(
    "allow-float",
    cl::desc("Accept float ops between quantized layers (a warning instead "
             "of an error)"),
    cl::cat(qccCategory));
cl::list<std::string> keepFloatOps(
    "keep-float",
    cl::desc("Keep these ops in float: comma-separated ONNX node names, ONNX "
             "operator types (Conv, MatMul, ...) or TOSA op names"),
    cl::value_desc("list"), cl::CommaSeparated, cl::cat(qccCategory));
cl::list<std::string> int16Ops(
    "int16",
    cl::desc("Quantize these ops with int16 activations and int8 weights "
             "(16x8): names as for --keep-float, or 'all'"),
    cl::value_desc("list"), cl::CommaSeparated, cl::cat(qccCategory));
cl::opt<std::string> activationType(
    "activation-type",
    cl::desc("Activation storage of int8-precision ops: int8 (default) or "
             "uint8 (asymmetric)"),
    cl::init("int8"), cl::cat(qccCategory));
cl::opt<std::string> mixedPrecision(
    "mixed-precision",
    cl::desc("none (default), or auto: promote the layers whose int8 "
             "quantization costs the outputs most to int16, then float, "
             "until --min-sqnr is met on the calibration data"),
    cl::init("none"), cl::cat(qccCategory));
cl::opt<double>
    minSqnr("min-sqnr",
            cl::desc("Output SQNR budget in dB for --mixed-precision=auto"),
            cl::value_desc("dB"), cl::cat(qccCategory));
cl::opt<std::string> reportFilename(
    "report",
    cl::desc("Write a JSON report of the quantization: per layer, the "
             "scheme, ranges, accumulator bound, and SQNR/max error against "
             "float on the calibration data"),
    cl::value_desc("file"), cl::cat(qccCategory));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Static shape for an ONNX input with dynamic dimensions, e.g. "
             "image=1x3x224x224 (repeatable)"),
    cl::value_desc("name=dims"), cl::cat(qccCategory));
cl::opt<unsigned> workspaceAlignment(
    "workspace-alignment",
    cl::desc("Byte alignment of the workspace and its buffers (default 64)"),
    cl::init(64), cl::cat(qccCategory));

/// The ONNX node an op was imported from: the innermost name of its
/// location.
std::optional<StringRef> findNodeName(Location loc) {
  std::optional<StringRef> name;
  loc->walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner))
      name = named.getName().getValue();
    return WalkResult::advance();
  });
  return name;
}

/// Prints "qcc: error: <message>" and returns the failing exit code.
int fail(const Twine &message) {
  WithColor::error(errs(), "qcc") << message << "\n";
  return 1;
}

StringRef extensionFor(EmitKind kind) {
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

/// The default output: the input's file name with a new extension, in the
/// current directory (like cc -c).
std::string defaultOutput(StringRef extension) {
  SmallString<128> path(sys::path::filename(inputFilename));
  sys::path::replace_extension(path, extension);
  return std::string(path);
}

/// Writes what `write` produces to `path`; reports failures.
bool writeFile(StringRef path,
               llvm::function_ref<LogicalResult(raw_pwrite_stream &)> write) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file) {
    fail("cannot open output file '" + path + "': " + error);
    return false;
  }
  if (failed(write(file->os())))
    return false;
  file->keep();
  return true;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "qcc " << QCC_VERSION << " (LLVM/MLIR " << LLVM_VERSION_STRING
       << ")\n";
  });
  cl::HideUnrelatedOptions(qccCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qcc: compiles a float model (ONNX, or TOSA in MLIR) into an object "
      "file and C header\n");

  // Flags first: a bad flag should not wait for a large model to parse.
  if (optLevel > 3)
    return fail("invalid optimization level -O" + Twine(optLevel) +
                "; expected -O0 to -O3");
  std::optional<qcc::Stage> lastStage;
  if (!compileTo.empty()) {
    lastStage = qcc::parseStage(compileTo);
    if (!lastStage)
      return fail("unknown stage '" + compileTo +
                  "' for --compile-to; expected input, quantized, linalg, "
                  "bufferized or llvm");
  }
  if (!loadProfile.empty() && !calibrationData.empty())
    return fail("--load-profile replaces --calibration; give only one");
  if (!saveProfile.empty() && calibrationData.empty())
    return fail("--save-profile needs --calibration data to measure");
  bool quantize = !calibrationData.empty() || !loadProfile.empty();
  // The mode as given (the checks below rewrite quantizeMode).
  const std::string requestedQuantize = quantizeMode;
  int64_t weightOnlyBits = 0;
  if (quantizeMode == "weight-only-int8" ||
      quantizeMode == "weight-only-int4") {
    weightOnlyBits = quantizeMode == "weight-only-int8" ? 8 : 4;
    if (!calibrationData.empty() || !loadProfile.empty())
      return fail("--quantize=" + quantizeMode +
                  " needs no calibration; drop --calibration/--load-profile");
    if (perTensorWeights)
      return fail("--per-tensor-weights applies to --quantize=int8 only");
    quantizeMode = "none";
  }
  bool dynamicQuantization = quantizeMode == "dynamic";
  if (dynamicQuantization) {
    if (!calibrationData.empty() || !loadProfile.empty())
      return fail("--quantize=dynamic measures ranges at run time; drop "
                  "--calibration/--load-profile");
    if (perTensorWeights)
      return fail("--per-tensor-weights applies to --quantize=int8 only");
    quantizeMode = "none";
  }
  if (weightBlockSize.getNumOccurrences()) {
    if (!weightOnlyBits)
      return fail("--weight-block-size needs --quantize=weight-only-int8 or "
                  "weight-only-int4");
    if (weightBlockSize <= 0)
      return fail("--weight-block-size must be positive, got " +
                  Twine(weightBlockSize));
  }
  if (!quantizeMode.empty()) {
    if (quantizeMode != "int8" && quantizeMode != "none")
      return fail("unknown --quantize='" + quantizeMode +
                  "'; expected int8, dynamic, weight-only-int8, "
                  "weight-only-int4 or none");
    if (quantizeMode == "none" && !calibrationData.empty())
      return fail("--calibration needs --quantize=int8");
    if (quantizeMode == "none" && !loadProfile.empty())
      return fail("--load-profile needs --quantize=int8");
    quantize = quantizeMode == "int8";
  }
  if (activationType != "int8" && activationType != "uint8")
    return fail("unknown --activation-type='" + activationType +
                "'; expected int8 or uint8");
  bool precisionFlags = !keepFloatOps.empty() || !int16Ops.empty() ||
                        activationType.getNumOccurrences();
  if (precisionFlags && !quantize)
    return fail("--keep-float, --int16 and --activation-type need "
                "--quantize=int8 (--calibration or --load-profile)");
  if (mixedPrecision != "none" && mixedPrecision != "auto")
    return fail("unknown --mixed-precision='" + mixedPrecision +
                "'; expected none or auto");
  bool autoPrecision = mixedPrecision == "auto";
  if (autoPrecision && (!quantize || calibrationData.empty()))
    return fail("--mixed-precision=auto measures layers on the calibration "
                "data: it needs --calibration");
  if (autoPrecision && !minSqnr.getNumOccurrences())
    return fail("--mixed-precision=auto needs --min-sqnr=<dB>");
  if (minSqnr.getNumOccurrences() && !autoPrecision)
    return fail("--min-sqnr needs --mixed-precision=auto");
  if (autoPrecision && (!keepFloatOps.empty() || !int16Ops.empty()))
    return fail("--mixed-precision=auto chooses --int16 and --keep-float "
                "itself; give one or the other");
  if (autoPrecision && !std::isfinite(minSqnr))
    return fail("--min-sqnr must be a finite number of dB");
  for (const auto *list : {&keepFloatOps, &int16Ops})
    for (const std::string &name : *list)
      if (name.empty())
        return fail("empty name in --keep-float or --int16");
  std::optional<qcc::CalibrationChoice> method =
      qcc::parseCalibrationChoice(calibrationMethod);
  if (!method)
    return fail("invalid --calibration-method='" + calibrationMethod +
                "'; expected minmax, percentile[=<p>] with 50 <= p <= 100, "
                "entropy or mse");
  for (const std::string &spec : calibrationMethodFor)
    if (!qcc::parseCalibrationOverride(spec))
      return fail("invalid --calibration-method-for='" + spec +
                  "'; expected <tensor>=<method> with method minmax, "
                  "percentile[=<p>], entropy or mse");

  Expected<qcc::TargetSpec> target =
      qcc::resolveTarget(targetName, cpuName, cpuAttrs);
  if (!target)
    return fail(toString(target.takeError()));
  auto codegenLevel = static_cast<CodeGenOptLevel>(optLevel.getValue());
  Expected<std::unique_ptr<TargetMachine>> machine =
      qcc::createTargetMachine(*target, codegenLevel);
  if (!machine)
    return fail(toString(machine.takeError()));

  std::string output = outputFilename.empty()
                           ? defaultOutput(lastStage ? StringRef(".mlir")
                                                     : extensionFor(emitKind))
                           : outputFilename;
  if (output != "-" && sys::fs::equivalent(output, inputFilename))
    return fail("the output '" + output +
                "' would overwrite the input; choose another -o");
  std::string prefix = symbolName;
  if (prefix.empty())
    prefix = output == "-" ? "model"
                           : qcc::sanitizeCIdentifier(sys::path::stem(output));
  if (!qcc::isCIdentifier(prefix))
    return fail("--name='" + prefix + "' is not a valid C identifier");

  StringRef extension = sys::path::extension(inputFilename);
  bool isONNX = extension.equals_insensitive(".onnx");
  if (!isONNX && !extension.equals_insensitive(".mlir") && inputFilename != "-")
    return fail("unsupported input '" + inputFilename +
                "': expected an .onnx or .mlir model");
  qcc::ONNXImportOptions importOptions;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!qcc::addInputShapePin(spec, importOptions, error))
      return fail("--input-shape: " + error);
  }
  if (!isONNX && !inputShapes.empty())
    return fail("--input-shape applies to ONNX models only");

  std::string error;
  std::unique_ptr<MemoryBuffer> input = openInputFile(inputFilename, &error);
  if (!input)
    return fail("cannot open input file '" + inputFilename + "': " + error);

  DialectRegistry registry;
  qcc::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  auto sourceMgr = std::make_shared<SourceMgr>();
  SourceMgrDiagnosticHandler diagnostics(*sourceMgr, &context);

  OwningOpRef<ModuleOp> module;
  if (isONNX) {
    module =
        qcc::importONNXModel(input->getMemBufferRef(), context, importOptions);
  } else {
    sourceMgr->AddNewSourceBuffer(std::move(input), SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  }
  if (!module)
    return 1;

  // Ops imported from ONNX are located at their node's name, which the
  // source manager handler does not print: passes' diagnostics name it.
  if (isONNX)
    context.getDiagEngine().registerHandler(
        [&](Diagnostic &diag) -> LogicalResult {
          std::optional<StringRef> node = findNodeName(diag.getLocation());
          if (!node)
            return failure();
          diagnostics.emitDiagnostic(diag.getLocation(),
                                     "node '" + *node + "': " + diag.str(),
                                     diag.getSeverity());
          for (Diagnostic &note : diag.getNotes())
            diagnostics.emitDiagnostic(note.getLocation(), note.str(),
                                       note.getSeverity());
          return success();
        });

  // A model that states its own quantization (QDQ) is compiled with the
  // parameters it gives; --quantize=none keeps its quantize and dequantize
  // ops as float arithmetic instead.
  bool preQuantized =
      qcc::isPreQuantizedModel(*module) && requestedQuantize != "none";
  if (preQuantized) {
    std::string what = "'" + inputFilename.getValue() +
                       "' is pre-quantized (its quantize/dequantize ops give "
                       "the parameters)";
    if (!calibrationData.empty() || !loadProfile.empty())
      return fail(what + "; drop --calibration/--load-profile, or give "
                         "--quantize=none to run it as float");
    if (weightOnlyBits || dynamicQuantization)
      return fail(what + "; --quantize=" +
                  (dynamicQuantization
                       ? "dynamic"
                       : "weight-only-int" + Twine(weightOnlyBits))
                      .str() +
                  " does not apply to it");
    if (precisionFlags || perTensorWeights)
      return fail(what + "; --keep-float, --int16, --activation-type and "
                         "--per-tensor-weights do not apply to it");
  }

  qcc::QccPipelineOptions options;
  options.entry = entryName;
  options.prefix = prefix;
  options.workspaceAlignment = workspaceAlignment;
  options.quantize = quantize && !preQuantized;
  options.calibrationData = calibrationData;
  options.calibrationMethod = method->method;
  options.percentile = method->percentile;
  options.calibrationMethodFor = calibrationMethodFor;
  options.saveProfile = saveProfile;
  options.loadProfile = loadProfile;
  options.perTensorWeights = perTensorWeights;
  options.allowFloat = allowFloat;
  options.keepFloat = keepFloatOps;
  options.int16 = int16Ops;
  options.activationType = activationType;
  options.weightOnlyBits = weightOnlyBits;
  options.weightBlockSize = weightBlockSize;
  options.dynamicQuantization = dynamicQuantization;
  options.preQuantized = preQuantized;
  qcc::Stage last = lastStage.value_or(qcc::Stage::LLVM);
  auto runPipeline =
      [&](llvm::function_ref<void(mlir::OpPassManager &)> build) -> bool {
    mlir::PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm))) {
      fail("invalid pass manager options");
      return false;
    }
    build(pm);
    return succeeded(pm.run(*module));
  };
  if (reportFilename.empty() && !autoPrecision) {
    if (!runPipeline([&](mlir::OpPassManager &pm) {
          qcc::buildQccPipeline(pm, options, last);
        }))
      return 1;
  } else {
    // The report compares the model right before and right after the
    // rewrite into qcc ops, and the precision search quantizes copies of
    // the ranged model, so the pipeline runs in three parts.
    if (!quantize || calibrationData.empty())
      return fail("--report needs quantization with --calibration data");
    if (!runPipeline([&](mlir::OpPassManager &pm) {
          qcc::buildQccInputPipeline(pm, options);
          qcc::buildQccRangeAnalysisPipeline(pm, options);
        }))
      return 1;
    OwningOpRef<ModuleOp> reference = module->clone();
    std::optional<llvm::json::Value> precisionReport;
    if (autoPrecision) {
      auto quantizeWith = [&](ModuleOp copy, ArrayRef<std::string> int16,
                              ArrayRef<std::string> keepFloat) {
        options.int16 = int16;
        options.keepFloat = keepFloat;
        mlir::PassManager pm(&context);
        qcc::buildQccQuantizeOpsPipeline(pm, options);
        return pm.run(copy);
      };
      qcc::PrecisionSearchOptions searchOptions;
      searchOptions.entry = entryName;
      searchOptions.calibrationData = calibrationData;
      searchOptions.minSqnrDb = minSqnr;
      FailureOr<qcc::PrecisionSearchResult> choice =
          qcc::searchPrecision(*module, quantizeWith, searchOptions);
      if (failed(choice))
        return 1;
      options.int16 = ArrayRef<std::string>(choice->int16);
      options.keepFloat = ArrayRef<std::string>(choice->keepFloat);
      auto list = [](ArrayRef<std::string> names) {
        return names.empty() ? std::string("none") : llvm::join(names, ", ");
      };
      (choice->met ? WithColor::remark(errs(), "qcc")
                   : WithColor::warning(errs(), "qcc"))
          << "mixed precision: int8 output SQNR "
          << llvm::formatv("{0:f2}", choice->int8SqnrDb)
          << " dB; int16: " << list(choice->int16)
          << "; float: " << list(choice->keepFloat) << "; output SQNR "
          << llvm::formatv("{0:f2}", choice->finalSqnrDb) << " dB (budget "
          << llvm::formatv("{0:f2}", double(minSqnr)) << " dB"
          << (choice->met ? ")" : ", not met)") << "\n";
      precisionReport = choice->toJSON(minSqnr);
    }
    if (!runPipeline([&](mlir::OpPassManager &pm) {
          qcc::buildQccQuantizeOpsPipeline(pm, options);
        }))
      return 1;
    if (reportFilename.empty()) {
      if (!runPipeline([&](mlir::OpPassManager &pm) {
            qcc::buildQccLoweringStages(pm, options, last);
          }))
        return 1;
    }
    if (!reportFilename.empty()) {
      qcc::ReportOptions reportOptions;
      reportOptions.model = inputFilename;
      reportOptions.entry = entryName;
      reportOptions.calibrationData = calibrationData;
      reportOptions.calibrationMethod =
          qcc::stringifyCalibrationChoice(*method);
      for (const std::string &spec : calibrationMethodFor)
        reportOptions.calibrationMethod += ", " + spec;
      reportOptions.perTensorWeights = perTensorWeights;
      reportOptions.activationType = activationType;
      reportOptions.mixedPrecision = std::move(precisionReport);
      if (failed(qcc::writeQuantizationReport(*reference, *module,
                                              reportFilename, reportOptions)))
        return 1;
      if (!runPipeline([&](mlir::OpPassManager &pm) {
            qcc::buildQccLoweringStages(pm, options, last);
          }))
        return 1;
    }
  }

  if (lastStage || emitKind == EmitKind::MLIR) {
    return writeFile(output,
                     [&](raw_pwrite_stream &os) {
                       module->print(os);
                       return success();
                     })
               ? 0
               : 1;
  }

  FailureOr<qcc::ModelABI> abi = qcc::ModelABI::readFrom(*module);
  if (failed(abi))
    return 1;
  auto writeHeader = [&](StringRef path) {
    return writeFile(path, [&](raw_pwrite_stream &os) {
      qcc::emitCHeader(*abi, inputFilename, os);
      return success();
    });
  };
  if (emitKind == EmitKind::Header)
    return writeHeader(output) ? 0 : 1;

  qcc::OutputKind kind =
      llvm::StringSwitch<qcc::OutputKind>(extensionFor(emitKind))
          .Case(".ll", qcc::OutputKind::LLVMIR)
          .Case(".s", qcc::OutputKind::Assembly)
          .Default(qcc::OutputKind::Object);
  if (!writeFile(output, [&](raw_pwrite_stream &os) {
        return qcc::emitModule(*module, **machine, optLevel, kind, os);
      }))
    return 1;

  if (emitKind == EmitKind::Object) {
    std::string header = headerFilename;
    if (header.empty()) {
      if (output == "-")
        return 0;
      SmallString<128> path(output);
      sys::path::replace_extension(path, ".h");
      header = std::string(path);
    }
    if (!writeHeader(header))
      return 1;
  }
  return 0;
}
