//===- JitModel.h - running a model in-process ------------------*- C++ -*-===//
//
// Lowers a model with the pipeline it is given (the float pipeline `qcc`
// uses, which lives a layer above, in lib/Pipelines: getFloatModelLowering),
// JITs the LLVM dialect for the host, and calls its C entry point
// `<prefix>_run_packed(inputs, outputs, workspace)` with a workspace this
// class owns. Calibration runs the float model this way, so the numbers it
// observes are the ones compiled code computes.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_JITMODEL_H
#define QCC_CALIBRATION_JITMODEL_H

#include "qcc/Transforms/ModelABI.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qcc {

/// How a model becomes LLVM-dialect code with a C entry point. Calibration
/// and the runner do not know the pipeline; the layer that owns it hands it
/// down (qcc::getFloatModelLowering in qcc/Pipelines/Pipelines.h).
struct ModelLowering {
  /// Lowers `module` in place, exporting model function `entry` (empty: the
  /// only public function) under symbol prefix `prefix`; failures are
  /// diagnostics.
  std::function<mlir::LogicalResult(mlir::ModuleOp module,
                                    llvm::StringRef entry,
                                    llvm::StringRef prefix)>
      lower;
  /// Adds every dialect `lower` may load: a pass that lowers a copy of its
  /// module must declare them before it runs.
  std::function<void(mlir::DialectRegistry &registry)> getDependentDialects;

  explicit operator bool() const { return lower && getDependentDialects; }
};

class JitModel {
public:
  /// Lowers `module` in place with `lowering`, with model function `entry`
  /// and symbol prefix `prefix`, and JIT-compiles it for the host at LLVM
  /// optimization level `optLevel` (0-3). Lowering and JIT failures are
  /// reported as diagnostics in the module's context.
  static mlir::FailureOr<std::unique_ptr<JitModel>>
  compile(mlir::ModuleOp module, const ModelLowering &lowering,
          llvm::StringRef entry, llvm::StringRef prefix,
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
