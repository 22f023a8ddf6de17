//===- qcc-opt.cpp - mlir-opt with qcc's dialects and passes --------------===//

#include "qcc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  qcc::registerAllDialects(registry);
  qcc::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qcc optimizer driver: qcc's passes and pipelines\n",
      registry));
}
