//===- qcc-import.cpp - ONNX to float TOSA MLIR ---------------------------===//
//
// Usage: qcc-import model.onnx [--input-shape name=AxBxC]... [-o out.mlir]
//        qcc-import --list-supported-ops
//
// Writes the imported module (the float TOSA form qcc compiles) as MLIR
// text. Exits non-zero after printing diagnostics if the model cannot be
// imported.
//
//===----------------------------------------------------------------------===//

#include "qcc/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::opt<std::string>
    inputFilename(cl::Positional, cl::desc("<model.onnx>"));
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape for a graph input with dynamic "
                         "dimensions, e.g. --input-shape=x=1x3x224x224"),
                cl::value_desc("name=AxBx..."));
static cl::opt<bool> listSupportedOps(
    "list-supported-ops",
    cl::desc("Print the supported ONNX operator types, one per line, and exit"));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "qcc ONNX importer\n");

  if (listSupportedOps) {
    for (StringRef opType : qcc::getSupportedONNXOperators())
      outs() << opType << "\n";
    return 0;
  }
  if (inputFilename.empty()) {
    WithColor::error(errs(), "qcc-import") << "no input model given\n";
    return 1;
  }

  qcc::ONNXImportOptions options;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!qcc::addInputShapePin(spec, options, error)) {
      WithColor::error(errs(), "qcc-import")
          << "--input-shape: " << error << "\n";
      return 1;
    }
  }

  mlir::MLIRContext context;
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      qcc::importONNXModel(inputFilename, context, options);
  if (!module)
    return 1;

  std::string error;
  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    WithColor::error(errs(), "qcc-import") << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->keep();
  return 0;
}
