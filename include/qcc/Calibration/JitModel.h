//===- JitModel.h - running a model in-process ------------------*- C++ -*-===//
//
// Compiles a model with the float pipeline `qcc` uses (lib/Pipelines), JITs
// the LLVM dialect for the host, and calls its C entry point
// `<prefix>_run_packed(inputs, outputs, workspace)` with a workspace this
// class owns. Calibration runs the float model this way, so the numbers it
// observes are the ones compiled code computes.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_JITMODEL_H
#define QCC_CALIBRATION_JITMODEL_H

#include "qcc/Transforms/ModelABI.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qcc {

class JitModel {
public:
  /// Lowers `module` in place through the float pipeline
  /// (buildQccFloatPipeline, every stage but quantization), with model
  /// function `entry` and symbol prefix `prefix`, and JIT-compiles it for the
  /// host at LLVM optimization level `optLevel` (0-3). Pipeline and JIT
  /// failures are reported as diagnostics in the module's context.
  static mlir::FailureOr<std::unique_ptr<JitModel>>
  compile(mlir::ModuleOp module, llvm::StringRef entry, llvm::StringRef prefix,
          unsigned optLevel = 2);

  ~JitModel();

  /// The compiled entry point's inputs and outputs.
  const ModelABI &getABI() const { return abi; }

  /// Runs the model once. `inputs` and `outputs` hold one buffer per ABI
  /// input and output, in ABI order, each with the ABI tensor's type.
  void run(llvm::ArrayRef<const void *> inputs, llvm::ArrayRef<void *> outputs);

private:
  using PackedEntry = void (*)(const void *const *, void *const *, void *);

  JitModel() = default;

  std::unique_ptr<mlir::ExecutionEngine> engine;
  ModelABI abi;
  PackedEntry runPacked = nullptr;
  /// The workspace `<prefix>_workspace_size()` asks for, aligned as the ABI
  /// requires.
  void *workspace = nullptr;
  size_t workspaceSize = 0;
  size_t workspaceAlignment = 0;
};

} // namespace qcc

#endif // QCC_CALIBRATION_JITMODEL_H
