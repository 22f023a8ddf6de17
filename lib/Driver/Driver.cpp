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
  int emit(TargetMachine &machine);
  /// Checks that the output, header and report paths can be written.
  LogicalResult checkOutputPaths();

  const DriverOptions &options;
  /// `--mlir-timing`: every pass of every pipeline the compilation runs,
  /// reported when the compilation ends.
  DefaultTimingManager timing;
  TimingScope timingRoot;
  MLIRContext context;
  std::shared_ptr<SourceMgr> sourceMgr = std::make_shared<SourceMgr>();
  std::unique_ptr<SourceMgrDiagnosticHandler> diagnostics;
  OwningOpRef<ModuleOp> module;
  QccPipelineOptions pipelineOptions;
};

} // namespace

LogicalResult Compilation::readModel() {
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
  mlir::PassManager pm(&context);
  if (instrument && failed(applyPassManagerCLOptions(pm))) {
    fail("invalid pass manager options");
    return failure();
  }
  if (instrument && timing.isEnabled())
    pm.enableTiming(timingRoot);
  build(pm);
  return pm.run(op);
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

LogicalResult Compilation::compile(Stage last) {
  if (options.report.empty() && !options.searchesPrecision()) {
    if (!pipelineOptions.quantize || last == Stage::Input)
      return runPasses(*module, [&](OpPassManager &pm) {
        buildQccPipeline(pm, pipelineOptions, last);
      });
    // Quantization that cannot happen at all is an error, not a float
    // object: check between the quantized stage and the lowering.
    if (failed(runPasses(*module,
                         [&](OpPassManager &pm) {
                           buildQccInputPipeline(pm, pipelineOptions);
                           buildQccQuantizePipeline(pm, pipelineOptions);
                         })) ||
        failed(checkSomethingQuantized()))
      return failure();
    return runPasses(*module, [&](OpPassManager &pm) {
      buildQccLoweringStages(pm, pipelineOptions, last);
    });
  }

  // The report compares the model right before and right after the rewrite
  // into qcc ops, and the precision search quantizes copies of the ranged
  // model, so the pipeline runs in three parts.
  if (failed(runPasses(*module, [&](OpPassManager &pm) {
        buildQccInputPipeline(pm, pipelineOptions);
        buildQccRangeAnalysisPipeline(pm, pipelineOptions);
      })))
    return failure();
  OwningOpRef<ModuleOp> reference = module->clone();
  std::optional<json::Value> precisionReport;
  if (options.searchesPrecision()) {
    FailureOr<json::Value> decisions = searchPrecision();
    if (failed(decisions))
      return failure();
    precisionReport = std::move(*decisions);
  }
  if (failed(runPasses(*module,
                       [&](OpPassManager &pm) {
                         buildQccQuantizeOpsPipeline(pm, pipelineOptions);
                       })) ||
      failed(checkSomethingQuantized()))
    return failure();
  if (!options.report.empty()) {
    ReportOptions reportOptions;
    reportOptions.model = options.input;
    reportOptions.entry = options.entry;
    reportOptions.calibrationData = options.calibrationData;
    reportOptions.calibrationMethod = stringifyCalibrationChoice(
        *parseCalibrationChoice(options.calibrationMethod));
    for (const std::string &spec : options.calibrationMethodFor)
      reportOptions.calibrationMethod += ", " + spec;
    reportOptions.perTensorWeights = options.perTensorWeights;
    reportOptions.activationType = stringifyActivationKind(
        options.activationType.value_or(ActivationKind::Int8));
    reportOptions.mixedPrecision = std::move(precisionReport);
    if (failed(writeQuantizationReport(*reference, *module, options.report,
                                       reportOptions)))
      return failure();
  }
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
  if (options.compileTo || options.emit == EmitKind::MLIR)
    return failed(writeFile(output, [&](raw_pwrite_stream &os) {
      module->print(os);
      return success();
    }));

  FailureOr<ModelABI> abi = ModelABI::readFrom(*module);
  if (failed(abi))
    return 1;
  auto writeHeader = [&](StringRef path) {
    return writeFile(path, [&](raw_pwrite_stream &os) {
      emitCHeader(*abi, options.input, os);
      return success();
    });
  };
  if (options.emit == EmitKind::Header)
    return failed(writeHeader(output));

  OutputKind kind = options.emit == EmitKind::LLVMIR     ? OutputKind::LLVMIR
                    : options.emit == EmitKind::Assembly ? OutputKind::Assembly
                                                         : OutputKind::Object;
  if (failed(writeFile(output, [&](raw_pwrite_stream &os) {
        return emitModule(*module, machine, options.optLevel, kind, os);
      })))
    return 1;
  if (options.emit != EmitKind::Object)
    return 0;
  std::string header = options.header;
  if (header.empty()) {
    if (output == "-")
      return 0;
    SmallString<128> path(output);
    sys::path::replace_extension(path, ".h");
    header = std::string(path);
  }
  return failed(writeHeader(header));
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
  return emit(**machine);
}

int runDriver(const DriverOptions &options) {
  return Compilation(options).run();
}

} // namespace qcc
