//===- FloatPipelines.cpp - the float lowering stages
//----------------------===//

#include "qcc/Pipelines/Pipelines.h"

#include "qcc/Codegen/CPU/Transforms/Passes.h"
#include "qcc/Conversion/Passes.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToFuncs/MathToFuncs.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qcc {

static std::unique_ptr<Pass> createVerifyStage(Stage stage) {
  VerifyStagePassOptions options;
  options.stage = stage;
  return createVerifyStagePass(options);
}

void buildQccInputPipeline(OpPassManager &pm, const QccPipelineOptions &) {
  pm.addPass(createVerifyStage(Stage::Input));
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  // Front ends wrap every NHWC convolution of an NCHW model in transposes;
  // between two convolutions they cancel, but element-wise ops in between
  // (residual adds, activations) keep them apart. Moving the transposes
  // through those ops leaves the model NHWC inside, with one transpose at
  // each NCHW boundary, before any stage sees it.
  pm.addNestedPass<func::FuncOp>(tosa::createTosaReduceTransposes());
  pm.addPass(createCanonicalizerPass());
}

void buildQccLinalgPipeline(OpPassManager &pm, const QccPipelineOptions &) {
  pm.addPass(createLowerQccToLinalgPass());
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(tosa::createTosaToLinalgNamed());
  funcPm.addPass(tosa::createTosaToLinalg());
  // The importer's integer and conversion ops are arith/math on tensors.
  funcPm.addPass(createConvertElementwiseToLinalgPass());
  funcPm.addPass(createTosaToArithPass());
  funcPm.addPass(createTosaToTensorPass());
  funcPm.addPass(createCanonicalizerPass());
  // Element-wise fusion that keeps requantizing epilogues on their own for
  // the code generation stage's kernels.
  funcPm.addPass(createFuseElementwisePass());
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createCSEPass());
  pm.addPass(createVerifyStage(Stage::Linalg));
}

void buildQccCodegenPipeline(OpPassManager &pm, const QccPipelineOptions &) {
  // Which kernels: the module's llvm.target says (set by the driver, or the
  // host's for the JIT).
  pm.addPass(cpu::createSelectKernelsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createVerifyStage(Stage::Codegen));
}

void buildQccBufferizePipeline(OpPassManager &pm,
                               const QccPipelineOptions &options) {
  PrepareEntryPassOptions entryOptions;
  entryOptions.entry = options.entry;
  entryOptions.prefix = options.prefix;
  pm.addPass(createPrepareEntryPass(entryOptions));
  pm.addPass(createSymbolDCEPass());
  // No empty-tensor elimination: it lets a shared init tensor (after CSE,
  // one linalg.fill feeding several reductions) be written in place into one
  // output buffer that the other users then read back too late. Results are
  // copied into the caller's buffers instead.
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());

  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferizeOptions.unknownTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createLowerMemRefCopiesPass());

  PlanWorkspacePassOptions workspaceOptions;
  workspaceOptions.alignment = options.workspaceAlignment;
  pm.addPass(createPlanWorkspacePass(workspaceOptions));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createVerifyStage(Stage::Bufferized));
}

void buildQccLLVMPipeline(OpPassManager &pm,
                          const QccPipelineOptions &options) {
  // Micro-kernel ops become calls while the memrefs they take still exist.
  pm.addPass(cpu::createLowerKernelsPass());
  // Integer powers become private functions of the module, not libcalls.
  pm.addPass(createConvertMathToFuncs());
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  if (options.loopVectorSize != 0) {
    // Affine loops, so that the innermost loops of element-wise code can be
    // vectorized while each memref still names the buffer it reads; math
    // functions are expanded into vectorizable arithmetic first.
    funcPm.addPass(createConvertLinalgToAffineLoopsPass());
    funcPm.addPass(createExpandMathPass());
    VectorizeLoopsPassOptions vectorize;
    vectorize.vectorSize = options.loopVectorSize;
    funcPm.addPass(createVectorizeLoopsPass(vectorize));
  } else {
    funcPm.addPass(createConvertLinalgToLoopsPass());
    funcPm.addPass(createExpandMathPass());
  }
  funcPm.addPass(createLowerAffinePass());
  funcPm.addPass(createConvertVectorToSCFPass());
  funcPm.addPass(createSCFToControlFlowPass());
  funcPm.addPass(createCanonicalizerPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());

  // Statically shaped memrefs cross the entry point as bare pointers: that is
  // the C ABI the header promises.
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  funcOptions.indexBitwidth = 64;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createAddPackedEntryPass());
  pm.addPass(createVerifyStage(Stage::LLVM));
}

void buildQccLoweringStages(OpPassManager &pm,
                            const QccPipelineOptions &options, Stage last) {
  if (last == Stage::Input || last == Stage::Quantized)
    return;
  buildQccLinalgPipeline(pm, options);
  if (last == Stage::Linalg)
    return;
  buildQccCodegenPipeline(pm, options);
  if (last == Stage::Codegen)
    return;
  buildQccBufferizePipeline(pm, options);
  if (last == Stage::Bufferized)
    return;
  buildQccLLVMPipeline(pm, options);
}

void buildQccFloatPipeline(OpPassManager &pm, const QccPipelineOptions &options,
                           Stage last) {
  buildQccInputPipeline(pm, options);
  buildQccLoweringStages(pm, options, last);
}

} // namespace qcc
