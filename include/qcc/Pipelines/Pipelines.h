//===- Pipelines.h - qcc's pass pipelines, stage by stage -------*- C++ -*-===//
//
// One builder per stage; `qcc` and `qcc-opt` both call these, so lit tests
// exercise exactly the pipeline users run.
//
//   input       parse, verify, inline, canonicalize         (TOSA on tensors)
//   linalg      TOSA -> linalg/arith/tensor, fusion         (linalg on tensors)
//   bufferized  entry point ABI, bufferization, workspace   (linalg on memrefs)
//   llvm        loops -> LLVM dialect, packed entry          (LLVM dialect)
//
//===----------------------------------------------------------------------===//

#ifndef QCC_PIPELINES_PIPELINES_H
#define QCC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>

namespace qcc {

enum class Stage { Input, Linalg, Bufferized, LLVM };

/// Parses a stage name (`input`, `linalg`, `bufferized`, `llvm`).
std::optional<Stage> parseStage(llvm::StringRef name);
llvm::StringRef stringifyStage(Stage stage);

struct QccPipelineOptions
    : public mlir::PassPipelineOptions<QccPipelineOptions> {
  Option<std::string> entry{
      *this, "entry",
      llvm::cl::desc("Model function (default: the only public function)"),
      llvm::cl::init("")};
  Option<std::string> prefix{
      *this, "prefix",
      llvm::cl::desc("C identifier prefixing every exported symbol"),
      llvm::cl::init("model")};
  Option<unsigned> workspaceAlignment{
      *this, "workspace-alignment",
      llvm::cl::desc("Byte alignment of workspace buffers"),
      llvm::cl::init(64)};
};

void buildQccInputPipeline(mlir::OpPassManager &pm,
                           const QccPipelineOptions &options);
void buildQccLinalgPipeline(mlir::OpPassManager &pm,
                            const QccPipelineOptions &options);
void buildQccBufferizePipeline(mlir::OpPassManager &pm,
                               const QccPipelineOptions &options);
void buildQccLLVMPipeline(mlir::OpPassManager &pm,
                          const QccPipelineOptions &options);

/// Every stage from the input up to and including `last`.
void buildQccPipeline(mlir::OpPassManager &pm,
                      const QccPipelineOptions &options,
                      Stage last = Stage::LLVM);

/// Registers `qcc-input-pipeline`, `qcc-linalg-pipeline`,
/// `qcc-bufferize-pipeline`, `qcc-llvm-pipeline` and `qcc-pipeline`.
void registerQccPipelines();

} // namespace qcc

#endif // QCC_PIPELINES_PIPELINES_H
