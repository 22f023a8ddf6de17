//===- Driver.cpp - read, compile and write a model -----------------------===//
//
// runDriver() reads the model (ONNX import or MLIR parse), runs the pipeline
// of lib/Pipelines (in one piece, or split around the precision search and
// the quantization report), and writes what `--emit` or `--compile-to` asks
// for. Every failure is a diagnostic and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Driver.h"

#include "qcc/Codegen/CPU/TargetInfo.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/InitAll.h"
#include "qcc/Quantization/Passes.h"
#include "qcc/Report/PrecisionSearch.h"
#include "qcc/Report/QuantizationReport.h"
#include "qcc/Report/ReportWriter.h"
#include "qcc/Target/HeaderEmitter.h"
#include "qcc/Target/ObjectEmitter.h"
#include "qcc/Target/TargetSpec.h"
#include "qcc/Transforms/ModelABI.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

using namespace mlir;
using namespace llvm;

namespace qcc {

/// Prints "qcc: error: <message>" and returns the failing exit status.
static int fail(const Twine &message) {
  WithColor::error(errs(), "qcc") << message << "\n";
  return 1;
}

/// Whether a file can be created at `path`: its directory exists and is
/// writable ("-" is stdout).
static LogicalResult checkWritable(StringRef what, StringRef path) {
  if (path.empty() || path == "-")
    return success();
  StringRef directory = sys::path::parent_path(path);
  if (directory.empty())
    directory = ".";
  if (!sys::fs::is_directory(directory)) {
    fail("cannot write " + what.str() + " '" + path.str() + "': directory '" +
         directory.str() + "' does not exist");
    return failure();
  }
  if (sys::fs::access(directory, sys::fs::AccessMode::Write)) {
    fail("cannot write " + what.str() + " '" + path.str() + "': directory '" +
         directory.str() + "' is not writable");
    return failure();
  }
  return success();
}

/// Writes what `write` produces to `path`; reports failures.
static LogicalResult
writeFile(StringRef path,
          llvm::function_ref<LogicalResult(raw_pwrite_stream &)> write) {
  std::string error;
  std::unique_ptr<ToolOutputFile> file = openOutputFile(path, &error);
  if (!file) {
    // The error already names the file.
    fail(error);
    return failure();
  }
  if (failed(write(file->os())))
    return failure();
  file->keep();
  return success();
}

/// What the lowering stages up to `last` do, for `-v`.
static StringRef describeLowering(Stage last) {
  switch (last) {
  case Stage::Input:
  case Stage::Quantized:
    break;
  case Stage::Linalg:
    return "lowering to linalg";
  case Stage::Codegen:
    return "lowering to linalg and micro-kernel calls";
  case Stage::Bufferized:
    return "lowering to linalg, micro-kernel calls and buffers";
  case Stage::LLVM:
    return "lowering to the LLVM dialect";
  }
  llvm_unreachable("no lowering before the quantized stage");
}

static StringRef stringifyActivationKind(ActivationKind kind) {
  return kind == ActivationKind::UInt8 ? "uint8" : "int8";
}

namespace {

/// One run of the driver: the context, the model and the pipeline options
/// the flags select.
class Compilation {
public:
  explicit Compilation(const DriverOptions &options)
      : options(options), context(getRegistry()) {
    context.loadAllAvailableDialects();
  }

  int run();

private:
  static DialectRegistry getRegistry() {
    DialectRegistry registry;
    registerAllDialects(registry);
    return registry;
  }

  /// Imports or parses the input into `module`.
  LogicalResult readModel();
  /// Runs the passes `build` adds on `op`; `instrument` applies the pass
  /// manager's command-line options (IR printing, timing, ...). The one
  /// place the pipeline runs.
  LogicalResult runPasses(ModuleOp op,
                          llvm::function_ref<void(OpPassManager &)> build,
                          bool instrument = true);
  /// Runs one of lib/Pipelines' builders on `module` with the flags'
  /// options.
  LogicalResult runPipeline(void (*build)(OpPassManager &,
                                          const QccPipelineOptions &)) {
    return runPasses(*module,
                     [&](OpPassManager &pm) { build(pm, pipelineOptions); });
  }
  /// Runs the pipeline up to `last` on `module`, with the precision search
  /// and the report in between when the flags ask for them.
  LogicalResult compile(Stage last);
  /// Fails, naming the input, when quantization was asked for and nothing
  /// was quantized.
  LogicalResult checkSomethingQuantized();
  /// --mixed-precision=auto on the ranged model: chooses the int16 and
  /// float layers, stores them in `pipelineOptions` and returns the
  /// decisions for the report.
  FailureOr<json::Value> searchPrecision();
  /// The int8 quantized stage: ranges (calibration), the precision search,
  /// the rewrite into qcc ops, and the report.
  LogicalResult quantizeToInt8();
  /// Measures the quantization (`reference`: the ranged float model) for
  /// --report and --validation, writes the report and says what the
  /// validation data shows.
  LogicalResult report(ModuleOp reference,
                       std::optional<json::Value> precisionReport);
  int emit(TargetMachine &machine);
  /// Checks that the output, header and report paths can be written.
  LogicalResult checkOutputPaths();
  /// `-v`: "qcc: [<seconds since the start>] <what happens now>".
  void note(const Twine &message);
  /// "m.o (1234 bytes)".
  static std::string describeFile(StringRef path);

  const DriverOptions &options;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
  /// `--mlir-timing`: every pass of every pipeline the compilation runs,
  /// reported when the compilation ends.
  DefaultTimingManager timing;
  TimingScope timingRoot;
  MLIRContext context;
  std::shared_ptr<SourceMgr> sourceMgr = std::make_shared<SourceMgr>();
  std::unique_ptr<SourceMgrDiagnosticHandler> diagnostics;
  OwningOpRef<ModuleOp> module;
  QccPipelineOptions pipelineOptions;
  /// The pass managers that ran with timing, kept to the end (runPasses);
  /// destroyed first, while the context lives.
  std::vector<std::unique_ptr<mlir::PassManager>> timedPassManagers;
};

} // namespace

LogicalResult Compilation::readModel() {
  note((options.isONNXInput() ? "importing " : "parsing ") +
       (options.input == "-" ? std::string("stdin") : options.input));
  std::string error;
  std::unique_ptr<MemoryBuffer> input = openInputFile(options.input, &error);
  if (!input) {
    fail("cannot open input file '" + options.input + "': " + error);
    return failure();
  }
  if (options.isONNXInput()) {
    Expected<ONNXImportOptions> importOptions = options.getImportOptions();
    if (!importOptions) {
      fail(toString(importOptions.takeError()));
      return failure();
    }
    module = importONNXModel(input->getMemBufferRef(), context, *importOptions);
    if (!module)
      return failure();
    // Ops imported from ONNX are located at their node's name, which the
    // source manager handler does not print: passes' diagnostics name it.
    context.getDiagEngine().registerHandler(
        [this](Diagnostic &diag) -> LogicalResult {
          std::optional<std::string> node = getLocationName(diag.getLocation());
          if (!node)
            return failure();
          diagnostics->emitDiagnostic(diag.getLocation(),
                                      "node '" + *node + "': " + diag.str(),
                                      diag.getSeverity());
          for (Diagnostic &note : diag.getNotes())
            diagnostics->emitDiagnostic(note.getLocation(), note.str(),
                                        note.getSeverity());
          return success();
        });
    return success();
  }
  sourceMgr->AddNewSourceBuffer(std::move(input), SMLoc());
  module = parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  return success(static_cast<bool>(module));
}

LogicalResult
Compilation::runPasses(ModuleOp op,
                       llvm::function_ref<void(OpPassManager &)> build,
                       bool instrument) {
  auto pm = std::make_unique<mlir::PassManager>(&context);
  if (instrument && failed(applyPassManagerCLOptions(*pm))) {
    fail("invalid pass manager options");
    return failure();
  }
  build(*pm);
  if (!instrument || !timing.isEnabled())
    return pm->run(op);
  pm->enableTiming(timingRoot);
  LogicalResult result = pm->run(op);
  // The timers are keyed by the passes' addresses: a pass freed now could
  // leave its address to a pass of the next stage, whose time would then be
  // added to this one's, under this one's name.
  timedPassManagers.push_back(std::move(pm));
  return result;
}

FailureOr<json::Value> Compilation::searchPrecision() {
  auto quantizeWith = [&](ModuleOp copy, ArrayRef<std::string> int16,
                          ArrayRef<std::string> keepFloat) {
    pipelineOptions.int16 = int16;
    pipelineOptions.keepFloat = keepFloat;
    // The trials are not the compilation: no IR printing or timing.
    return runPasses(
        copy,
        [&](OpPassManager &pm) {
          buildQccQuantizeOpsPipeline(pm, pipelineOptions);
        },
        /*instrument=*/false);
  };
  PrecisionSearchOptions searchOptions;
  searchOptions.entry = options.entry;
  searchOptions.calibrationData = options.calibrationData;
  searchOptions.minSqnrDb = *options.minSqnr;
  searchOptions.note = [this](const Twine &message) { note(message); };
  FailureOr<PrecisionSearchResult> choice =
      qcc::searchPrecision(*module, quantizeWith, searchOptions);
  if (failed(choice))
    return failure();
  pipelineOptions.int16 = ArrayRef<std::string>(choice->int16);
  pipelineOptions.keepFloat = ArrayRef<std::string>(choice->keepFloat);
  auto list = [](ArrayRef<std::string> names) {
    return names.empty() ? std::string("none") : join(names, ", ");
  };
  (choice->met ? WithColor::remark(errs(), "qcc")
               : WithColor::warning(errs(), "qcc"))
      << "mixed precision: int8 output SQNR "
      << formatv("{0:f2}", choice->int8SqnrDb)
      << " dB; int16: " << list(choice->int16)
      << "; float: " << list(choice->keepFloat) << "; output SQNR "
      << formatv("{0:f2}", choice->finalSqnrDb) << " dB (budget "
      << formatv("{0:f2}", *options.minSqnr) << " dB"
      << (choice->met ? ")" : ", not met)") << "\n";
  return choice->toJSON(*options.minSqnr);
}

/// Whether quantization did anything: a contraction became a qcc.conv2d or
/// qcc.matmul, or, in a model without contractions, any op became a qcc op.
static bool quantizedAnything(ModuleOp module) {
  bool quantizedContraction = false, floatContraction = false, qccOp = false;
  module.walk([&](Operation *op) {
    if (isa<Conv2DOp, MatMulOp>(op))
      quantizedContraction = true;
    else if (isa<tosa::Conv2DOp, tosa::Conv3DOp, tosa::DepthwiseConv2DOp,
                 tosa::TransposeConv2DOp, tosa::MatMulOp>(op))
      floatContraction = true;
    else if (isa_and_nonnull<QccDialect>(op->getDialect()))
      qccOp = true;
  });
  return quantizedContraction || (!floatContraction && qccOp);
}

LogicalResult Compilation::checkSomethingQuantized() {
  if (!pipelineOptions.quantize || quantizedAnything(*module))
    return success();
  bool ranged =
      !options.calibrationData.empty() || !options.loadProfile.empty();
  return emitError(module->getLoc())
         << "--quantize=int8 quantized nothing: "
         << (ranged ? "none of its convolutions and matmuls was quantized "
                      "(they have no int8 form, or --keep-float keeps them)"
                    : "its layers have no ranges; give calibration data "
                      "(--calibration=<data>) or a profile "
                      "(--load-profile=<profile.json>)");
}

void Compilation::note(const Twine &message) {
  if (!options.verbose)
    return;
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  errs() << "qcc: [" << format("%.2f", elapsed.count()) << " s] " << message
         << "\n";
}

std::string Compilation::describeFile(StringRef path) {
  if (path == "-")
    return "stdout";
  uint64_t size = 0;
  if (sys::fs::file_size(path, size))
    return path.str();
  return (path + " (" + Twine(size) + " bytes)").str();
}

LogicalResult Compilation::report(ModuleOp reference,
                                  std::optional<json::Value> precisionReport) {
  ReportOptions reportOptions;
  reportOptions.model = options.input;
  reportOptions.entry = options.entry;
  reportOptions.calibrationData = options.calibrationData;
  reportOptions.validationData = options.validationData;
  reportOptions.calibrationMethod = stringifyCalibrationChoice(
      *parseCalibrationChoice(options.calibrationMethod));
  for (const std::string &spec : options.calibrationMethodFor)
    reportOptions.calibrationMethod += ", " + spec;
  reportOptions.perTensorWeights = options.perTensorWeights;
  reportOptions.activationType = stringifyActivationKind(
      options.activationType.value_or(ActivationKind::Int8));
  reportOptions.mixedPrecision = std::move(precisionReport);
  reportOptions.note = [this](const Twine &message) { note(message); };
  FailureOr<json::Object> result =
      buildQuantizationReport(reference, *module, reportOptions);
  if (failed(result))
    return failure();

  const json::Object *summary = result->getObject("summary");
  if (const json::Array *warnings = summary->getArray("warnings"))
    for (const json::Value &warning : *warnings)
      WithColor::warning(errs(), "qcc") << *warning.getAsString() << "\n";
  // What the held-out data shows, in one line.
  if (!options.validationData.empty()) {
    auto metric = [&](StringRef key, StringRef data) -> std::string {
      std::optional<double> value = summary->getObject(key)->getNumber(data);
      if (!value)
        return key == "output_sqnr_db" ? "exact" : "";
      return formatv(key == "output_sqnr_db" ? "{0:f1} dB" : "{0:f1} %", *value)
          .str();
    };
    auto &remark = WithColor::remark(errs(), "qcc");
    remark << "validation data: output SQNR against float "
           << metric("output_sqnr_db", "validation") << " (calibration data "
           << metric("output_sqnr_db", "calibration") << ")";
    std::string agreement = metric("top1_agreement_percent", "validation");
    if (!agreement.empty())
      remark << ", top-1 agreement " << agreement << " (calibration data "
             << metric("top1_agreement_percent", "calibration") << ")";
    if (const json::Object *accuracy = summary->getObject("accuracy_percent"))
      remark << formatv(", top-1 accuracy {0:f1} % float, {1:f1} % quantized",
                        *accuracy->getNumber("float"),
                        *accuracy->getNumber("quantized"));
    remark << "\n";
  }
  if (options.report.empty())
    return success();
  if (Error error = writeReport(*result, options.report)) {
    fail(toString(std::move(error)));
    return failure();
  }
  note("report: wrote " + describeFile(options.report));
  return success();
}

LogicalResult Compilation::quantizeToInt8() {
  if (!options.calibrationData.empty())
    note("calibrating with " + options.calibrationData + " (" +
         stringifyCalibrationChoice(
             *parseCalibrationChoice(options.calibrationMethod)) +
         ")");
  else if (!options.loadProfile.empty())
    note("taking the ranges from the profile " + options.loadProfile);
  if (failed(runPipeline(buildQccRangeAnalysisPipeline)))
    return failure();
  // The report compares the model right before and right after the rewrite
  // into qcc ops, and the precision search quantizes copies of the ranged
  // model.
  bool measures = !options.report.empty() || !options.validationData.empty();
  OwningOpRef<ModuleOp> reference;
  if (measures)
    reference = module->clone();
  std::optional<json::Value> precisionReport;
  if (options.searchesPrecision()) {
    note(formatv("searching the layers' precisions for an output SQNR of "
                 "{0:f2} dB",
                 *options.minSqnr));
    FailureOr<json::Value> decisions = searchPrecision();
    if (failed(decisions))
      return failure();
    precisionReport = std::move(*decisions);
  }
  if (std::optional<int64_t> samples = getCalibrationSamples(*module))
    note("quantizing (ranges from " + Twine(*samples) + " samples)");
  else
    note("quantizing");
  if (failed(runPipeline(buildQccQuantizeOpsPipeline)) ||
      failed(checkSomethingQuantized()))
    return failure();
  if (measures)
    return report(*reference, std::move(precisionReport));
  return success();
}

LogicalResult Compilation::compile(Stage last) {
  // Without int8 quantization nothing happens between the stages: the
  // pipeline runs in one piece.
  if (!pipelineOptions.quantize || last == Stage::Input) {
    SmallVector<std::string> steps = {"preparing the model"};
    if (last != Stage::Input) {
      if (pipelineOptions.preQuantized)
        steps.push_back("quantizing with the model's own parameters");
      else if (pipelineOptions.dynamicQuantization)
        steps.push_back("quantizing the matmuls dynamically");
      else if (pipelineOptions.weightOnlyBits != 0)
        steps.push_back("quantizing the weights (weight-only int" +
                        std::to_string(pipelineOptions.weightOnlyBits) + ")");
    }
    if (last != Stage::Input && last != Stage::Quantized)
      steps.push_back(describeLowering(last).str());
    note(steps.size() == 1 ? steps.front()
                           : join(ArrayRef(steps).drop_back(), ", ") + " and " +
                                 steps.back());
    return runPasses(*module, [&](OpPassManager &pm) {
      buildQccPipeline(pm, pipelineOptions, last);
    });
  }

  note("preparing the model (input stage)");
  if (failed(runPipeline(buildQccInputPipeline)) || failed(quantizeToInt8()))
    return failure();
  if (last == Stage::Quantized)
    return success();
  note(describeLowering(last));
  return runPasses(*module, [&](OpPassManager &pm) {
    buildQccLoweringStages(pm, pipelineOptions, last);
  });
}

LogicalResult Compilation::checkOutputPaths() {
  return failure(failed(checkWritable("the output", options.getOutputPath())) ||
                 failed(checkWritable("the header", options.header)) ||
                 failed(checkWritable("the report", options.report)));
}

int Compilation::emit(TargetMachine &machine) {
  std::string output = options.getOutputPath();
  if (options.compileTo || options.emit == EmitKind::MLIR) {
    if (failed(writeFile(output, [&](raw_pwrite_stream &os) {
          module->print(os);
          return success();
        })))
      return 1;
    note("wrote " + describeFile(output));
    return 0;
  }

  FailureOr<ModelABI> abi = ModelABI::readFrom(*module);
  if (failed(abi))
    return 1;
  auto writeHeader = [&](StringRef path) {
    return writeFile(path, [&](raw_pwrite_stream &os) {
      emitCHeader(*abi, options.input, os);
      return success();
    });
  };
  if (options.emit == EmitKind::Header) {
    if (failed(writeHeader(output)))
      return 1;
    note("wrote " + describeFile(output));
    return 0;
  }

  note(Twine("generating code for ") + machine.getTargetTriple().str() + " (" +
       machine.getTargetCPU() + ")");
  OutputKind kind = options.emit == EmitKind::LLVMIR     ? OutputKind::LLVMIR
                    : options.emit == EmitKind::Assembly ? OutputKind::Assembly
                                                         : OutputKind::Object;
  if (failed(writeFile(output, [&](raw_pwrite_stream &os) {
        return emitModule(*module, machine, options.optLevel, kind, os);
      })))
    return 1;
  std::string header = options.header;
  if (options.emit == EmitKind::Object && header.empty() && output != "-") {
    SmallString<128> path(output);
    sys::path::replace_extension(path, ".h");
    header = std::string(path);
  }
  if (options.emit != EmitKind::Object || header.empty()) {
    note("wrote " + describeFile(output));
    return 0;
  }
  if (failed(writeHeader(header)))
    return 1;
  note("wrote " + describeFile(output) + " and " + describeFile(header));
  return 0;
}

int Compilation::run() {
  applyDefaultTimingManagerCLOptions(timing);
  timingRoot = timing.getRootScope();
  Expected<TargetSpec> target =
      resolveTarget(options.target, options.cpu, options.cpuFeatures);
  if (!target)
    return fail(toString(target.takeError()));
  Expected<std::unique_ptr<TargetMachine>> machine = createTargetMachine(
      *target, static_cast<CodeGenOptLevel>(options.optLevel));
  if (!machine)
    return fail(toString(machine.takeError()));

  context.printOpOnDiagnostic(options.printOpOnDiagnostic);
  diagnostics =
      std::make_unique<SourceMgrDiagnosticHandler>(*sourceMgr, &context);
  // Before the model is read and calibrated: an output that cannot be
  // written should not cost a calibration run first.
  if (failed(checkOutputPaths()))
    return 1;
  if (failed(readModel()))
    return 1;
  // The target travels in the IR: the code generation stage picks kernels
  // for it (calibration and the report's JIT runs use the host's).
  cpu::setTarget(*module, target->triple, target->cpu, target->features);

  // A model that states its own quantization (QDQ) is compiled with the
  // parameters it gives; --quantize=none keeps its quantize and dequantize
  // ops as float arithmetic instead.
  bool preQuantized =
      isPreQuantizedModel(*module) && options.quantize != "none";
  if (preQuantized)
    if (Error error = options.validateForPreQuantizedModel())
      return fail(toString(std::move(error)));

  options.populatePipelineOptions(pipelineOptions, preQuantized);
  if (failed(compile(options.compileTo.value_or(Stage::LLVM))))
    return 1;
  int status = emit(**machine);
  if (status == 0)
    note("done");
  return status;
}

int runDriver(const DriverOptions &options) {
  return Compilation(options).run();
}

} // namespace qcc
