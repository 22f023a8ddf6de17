//===- qcc.cpp - the qcc compiler driver ----------------------------------===//
//
// qcc model.mlir -target=aarch64 -o model.o
//
// Parses the command line into a qcc::DriverOptions, checks it and runs the
// driver (include/qcc/Driver/Driver.h), which does the work. Every failure is
// a diagnostic and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Driver.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {

/// Parses an enum flag as cl::parser does, but reports an unknown value as
/// qcc's other flag errors: "qcc: error: unknown --flag='value'; expected a,
/// b or c".
template <typename T> class EnumFlagParser : public cl::parser<T> {
public:
  using cl::parser<T>::parser;

  bool parse(cl::Option &option, StringRef argName, StringRef arg, T &value) {
    SmallVector<StringRef> names;
    for (const auto &known : this->Values) {
      if (known.Name == arg) {
        value = known.V.getValue();
        return false;
      }
      names.push_back(known.Name);
    }
    WithColor::error(errs(), "qcc")
        << "unknown --" << argName << "='" << arg << "'; expected "
        << join(ArrayRef(names).drop_back(), ", ") << " or " << names.back()
        << "\n";
    return true;
  }
};

qcc::DriverOptions driverOptions;

cl::OptionCategory qccCategory("qcc options");

cl::opt<std::string, true> inputFilename(cl::Positional,
                                         cl::desc("<model.onnx|model.mlir>"),
                                         cl::Required,
                                         cl::location(driverOptions.input),
                                         cl::cat(qccCategory));
cl::opt<std::string, true> outputFilename(
    "o",
    cl::desc("Output file (default: the input's name with the emitted "
             "kind's extension; '-' for stdout)"),
    cl::value_desc("file"), cl::location(driverOptions.output),
    cl::cat(qccCategory));
cl::opt<std::string, true>
    targetName("target",
               cl::desc("Target: x86_64 (x86-64, amd64), aarch64 (arm64), "
                        "riscv64, host, or a triple of one of those"),
               cl::location(driverOptions.target), cl::cat(qccCategory));
cl::opt<std::string, true> cpuName("mcpu",
                                   cl::desc("Target CPU (default per target: "
                                            "x86-64-v3, generic, "
                                            "generic-rv64)"),
                                   cl::location(driverOptions.cpu),
                                   cl::cat(qccCategory));
cl::opt<std::string, true>
    cpuAttrs("mattr",
             cl::desc("CPU features to add or remove, e.g. +dotprod,+i8mm"),
             cl::location(driverOptions.cpuFeatures), cl::cat(qccCategory));
cl::opt<unsigned, true>
    optLevel("O", cl::desc("Optimization level 0-3 (default 2)"), cl::Prefix,
             cl::location(driverOptions.optLevel), cl::cat(qccCategory));
cl::opt<qcc::EmitKind, true> emitKind(
    "emit", cl::desc("What to write"), cl::location(driverOptions.emit),
    cl::values(clEnumValN(qcc::EmitKind::MLIR, "mlir", "LLVM-dialect MLIR"),
               clEnumValN(qcc::EmitKind::LLVMIR, "llvm", "LLVM IR (text)"),
               clEnumValN(qcc::EmitKind::Assembly, "asm", "target assembly"),
               clEnumValN(qcc::EmitKind::Object, "obj",
                          "object file and its C header (default)"),
               clEnumValN(qcc::EmitKind::Header, "header",
                          "the C header only")),
    cl::cat(qccCategory));
cl::opt<qcc::Stage, false, EnumFlagParser<qcc::Stage>> compileTo(
    "compile-to",
    cl::desc("Stop after a stage and write its MLIR: input, quantized, "
             "linalg, bufferized or llvm"),
    cl::values(clEnumValN(qcc::Stage::Input, "input", "parsed, inlined TOSA"),
               clEnumValN(qcc::Stage::Quantized, "quantized",
                          "after quantization (qcc ops)"),
               clEnumValN(qcc::Stage::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(qcc::Stage::Codegen, "codegen",
                          "micro-kernel calls on packed weights"),
               clEnumValN(qcc::Stage::Bufferized, "bufferized",
                          "linalg on memrefs"),
               clEnumValN(qcc::Stage::LLVM, "llvm", "the LLVM dialect")),
    cl::cat(qccCategory));
cl::opt<std::string, true> symbolName(
    "name",
    cl::desc("Prefix of the exported C symbols (default: the output file's "
             "stem)"),
    cl::location(driverOptions.name), cl::cat(qccCategory));
cl::opt<std::string, true>
    entryName("entry",
              cl::desc("Model function to compile (default: the only public "
                       "function)"),
              cl::location(driverOptions.entry), cl::cat(qccCategory));
cl::opt<std::string, true>
    headerFilename("header",
                   cl::desc("Where to write the C header with --emit=obj "
                            "(default: the object's path with .h)"),
                   cl::value_desc("file"), cl::location(driverOptions.header),
                   cl::cat(qccCategory));
cl::opt<std::string, true> calibrationData(
    "calibration",
    cl::desc("Calibration data: an .npz archive or a directory of .npy "
             "files, one array per model input; implies --quantize=int8"),
    cl::value_desc("path"), cl::location(driverOptions.calibrationData),
    cl::cat(qccCategory));
cl::opt<std::string, true> calibrationMethod(
    "calibration-method",
    cl::desc("How observed values become ranges: minmax (default), "
             "percentile[=<p>], entropy or mse"),
    cl::location(driverOptions.calibrationMethod), cl::cat(qccCategory));
cl::list<std::string, std::vector<std::string>> calibrationMethodFor(
    "calibration-method-for",
    cl::desc("Calibration method for one tensor (an ONNX node or input "
             "name), e.g. conv1=entropy (repeatable)"),
    cl::value_desc("tensor=method"),
    cl::location(driverOptions.calibrationMethodFor), cl::cat(qccCategory));
cl::opt<std::string, true> saveProfile(
    "save-profile",
    cl::desc("Also write the measured calibration statistics to a JSON "
             "profile"),
    cl::value_desc("file.json"), cl::location(driverOptions.saveProfile),
    cl::cat(qccCategory));
cl::opt<std::string, true> loadProfile(
    "load-profile",
    cl::desc("Take the calibration statistics from a JSON profile instead "
             "of calibration data; implies --quantize=int8"),
    cl::value_desc("file.json"), cl::location(driverOptions.loadProfile),
    cl::cat(qccCategory));
cl::opt<std::string, true> quantizeMode(
    "quantize",
    cl::desc("int8 (default with --calibration), dynamic, weight-only-int8, "
             "weight-only-int4 or none; int8 without calibration data uses "
             "the ranges already on the MLIR"),
    cl::location(driverOptions.quantize), cl::cat(qccCategory));
cl::opt<int64_t> weightBlockSize(
    "weight-block-size",
    cl::desc("With --quantize=weight-only-*: one matmul weight scale per "
             "block of <n> rows of K and output column (default: per "
             "output column)"),
    cl::value_desc("n"), cl::init(0), cl::cat(qccCategory));
cl::opt<bool, true> perTensorWeights(
    "per-tensor-weights",
    cl::desc("Quantize weights with one scale per tensor instead of per "
             "output channel"),
    cl::location(driverOptions.perTensorWeights), cl::cat(qccCategory));
cl::opt<bool, true> allowFloat(
    "allow-float",
    cl::desc("Accept float ops between quantized layers, with one warning "
             "naming them (the default)"),
    cl::location(driverOptions.allowFloat), cl::cat(qccCategory));
cl::opt<bool, true> integerOnly(
    "integer-only",
    cl::desc("Make any float op between quantized layers an error (for "
             "targets without a float budget)"),
    cl::location(driverOptions.integerOnly), cl::cat(qccCategory));
cl::list<std::string, std::vector<std::string>> keepFloatOps(
    "keep-float",
    cl::desc("Keep these ops in float: comma-separated ONNX node names, ONNX "
             "operator types (Conv, MatMul, ...) or TOSA op names"),
    cl::value_desc("list"), cl::CommaSeparated,
    cl::location(driverOptions.keepFloat), cl::cat(qccCategory));
cl::list<std::string, std::vector<std::string>> int16Ops(
    "int16",
    cl::desc("Quantize these ops with int16 activations and int8 weights "
             "(16x8): names as for --keep-float, or 'all'"),
    cl::value_desc("list"), cl::CommaSeparated,
    cl::location(driverOptions.int16), cl::cat(qccCategory));
cl::opt<qcc::ActivationKind, false, EnumFlagParser<qcc::ActivationKind>>
    activationType(
        "activation-type",
        cl::desc("Activation storage of int8-precision ops: int8 (default) "
                 "or uint8 (asymmetric)"),
        cl::values(clEnumValN(qcc::ActivationKind::Int8, "int8",
                              "asymmetric int8"),
                   clEnumValN(qcc::ActivationKind::UInt8, "uint8",
                              "asymmetric uint8")),
        cl::cat(qccCategory));
cl::opt<std::string, true> mixedPrecision(
    "mixed-precision",
    cl::desc("none (default), or auto: promote the layers whose int8 "
             "quantization costs the outputs most to int16, then float, "
             "until --min-sqnr is met on the calibration data"),
    cl::location(driverOptions.mixedPrecision), cl::cat(qccCategory));
cl::opt<double>
    minSqnr("min-sqnr",
            cl::desc("Output SQNR budget in dB for --mixed-precision=auto"),
            cl::value_desc("dB"), cl::cat(qccCategory));
cl::opt<std::string, true> reportFilename(
    "report",
    cl::desc("Write a report of the quantization: a summary, then per layer "
             "the scheme, ranges, histograms and SQNR against float; an "
             "HTML page for a .html path, JSON otherwise"),
    cl::value_desc("file"), cl::location(driverOptions.report),
    cl::cat(qccCategory));
cl::opt<std::string, true> validationData(
    "validation",
    cl::desc("Held-out samples (as for --calibration, plus optional integer "
             "'labels'): the report measures the quantized model on them "
             "apart, and qcc warns when they show bad calibration"),
    cl::value_desc("path"), cl::location(driverOptions.validationData),
    cl::cat(qccCategory));
cl::opt<bool, true>
    verbose("verbose",
            cl::desc("Say on stderr what each stage is doing, with the "
                     "elapsed time"),
            cl::location(driverOptions.verbose), cl::cat(qccCategory));
cl::alias verboseShort("v", cl::desc("Alias for --verbose"),
                       cl::aliasopt(verbose), cl::cat(qccCategory));
cl::list<std::string, std::vector<std::string>> inputShapes(
    "input-shape",
    cl::desc("Static shape for an ONNX input with dynamic dimensions, e.g. "
             "image=1x3x224x224 (repeatable)"),
    cl::value_desc("name=dims"), cl::location(driverOptions.inputShapes),
    cl::cat(qccCategory));
cl::opt<unsigned, true> workspaceAlignment(
    "workspace-alignment",
    cl::desc("Byte alignment of the workspace and its buffers (default 64)"),
    cl::location(driverOptions.workspaceAlignment), cl::cat(qccCategory));

} // namespace

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "qcc " << QCC_VERSION << " (LLVM/MLIR " << LLVM_VERSION_STRING
       << ")\n";
  });
  cl::HideUnrelatedOptions(qccCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qcc: compiles a float model (ONNX, or TOSA in MLIR) into an object "
      "file and C header\n");

  // The flags whose absence the checks ask about.
  if (compileTo.getNumOccurrences())
    driverOptions.compileTo = compileTo;
  if (weightBlockSize.getNumOccurrences())
    driverOptions.weightBlockSize = weightBlockSize;
  if (activationType.getNumOccurrences())
    driverOptions.activationType = activationType;
  if (minSqnr.getNumOccurrences())
    driverOptions.minSqnr = minSqnr;
  // MLIR prints the op of every diagnostic by default; qcc only when asked.
  auto &registered = cl::getRegisteredOptions();
  if (auto found = registered.find("mlir-print-op-on-diagnostic");
      found != registered.end() && found->second->getNumOccurrences())
    driverOptions.printOpOnDiagnostic =
        static_cast<cl::opt<bool> *>(found->second)->getValue();

  // Flags first: a bad flag should not wait for a large model to parse.
  if (Error error = driverOptions.validate()) {
    WithColor::error(errs(), "qcc") << toString(std::move(error)) << "\n";
    return 1;
  }
  return qcc::runDriver(driverOptions);
}
