//===- Pipelines.cpp - the whole pipeline, quantization included ----------===//

#include "qcc/Pipelines/Pipelines.h"

#include "qcc/Calibration/Passes.h"
#include "qcc/Codegen/CPU/TargetInfo.h"
#include "qcc/Quantization/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qcc {

void buildQccRangeAnalysisPipeline(OpPassManager &pm,
                                   const QccPipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(createFoldAffinePass());
  pm.addNestedPass<func::FuncOp>(createRemoveDeadChannelsPass());
  pm.addPass(createCanonicalizerPass());
  if (!options.calibrationData.empty() || !options.loadProfile.empty()) {
    CalibratePassOptions calibrate;
    calibrate.data = options.calibrationData;
    calibrate.method = options.calibrationMethod;
    calibrate.percentile = options.percentile;
    calibrate.methodFor.assign(options.calibrationMethodFor.begin(),
                               options.calibrationMethodFor.end());
    calibrate.saveProfile = options.saveProfile;
    calibrate.loadProfile = options.loadProfile;
    calibrate.entry = options.entry;
    pm.addPass(createCalibratePass(calibrate, getFloatModelLowering()));
  }
  pm.addNestedPass<func::FuncOp>(createPropagateRangesPass());
}

void buildQccQuantizeOpsPipeline(OpPassManager &pm,
                                 const QccPipelineOptions &options) {
  if (!options.keepFloat.empty() || !options.int16.empty()) {
    AssignPrecisionPassOptions precision;
    precision.keepFloat.assign(options.keepFloat.begin(),
                               options.keepFloat.end());
    precision.int16.assign(options.int16.begin(), options.int16.end());
    pm.addNestedPass<func::FuncOp>(createAssignPrecisionPass(precision));
  }
  QuantizePassOptions quantize;
  quantize.perTensorWeights = options.perTensorWeights;
  quantize.activationType = options.activationType;
  pm.addNestedPass<func::FuncOp>(createQuantizePass(quantize));
  pm.addNestedPass<func::FuncOp>(createCheckAccumulatorsPass());
  CheckIntegerPathPassOptions check;
  check.allowFloat = options.allowFloat;
  // Each message names the flag that changes the outcome.
  check.message = options.allowFloat
                      ? "they stay float (qcc --integer-only makes them errors)"
                      : "without --integer-only, qcc keeps it float between a "
                        "dequantize and a quantize";
  pm.addNestedPass<func::FuncOp>(createCheckIntegerPathPass(check));
  pm.addPass(createExposeQuantizedIOPass());
}

void buildQccQuantizePipeline(OpPassManager &pm,
                              const QccPipelineOptions &options) {
  buildQccRangeAnalysisPipeline(pm, options);
  buildQccQuantizeOpsPipeline(pm, options);
}

void buildQccWeightOnlyPipeline(OpPassManager &pm,
                                const QccPipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(createFoldAffinePass());
  pm.addPass(createCanonicalizerPass());
  QuantizeWeightsPassOptions weights;
  weights.bits = options.weightOnlyBits;
  weights.blockSize = options.weightBlockSize;
  pm.addNestedPass<func::FuncOp>(createQuantizeWeightsPass(weights));
}

void buildQccDynamicPipeline(OpPassManager &pm, const QccPipelineOptions &) {
  pm.addNestedPass<func::FuncOp>(createFoldAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQuantizeDynamicPass());
}

void buildQccPreQuantizedPipeline(OpPassManager &pm,
                                  const QccPipelineOptions &) {
  pm.addNestedPass<func::FuncOp>(createFoldQDQPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQuantizePass());
  pm.addNestedPass<func::FuncOp>(createCheckAccumulatorsPass());
  CheckIntegerPathPassOptions check;
  // The model chose where it stays float.
  check.allowFloat = true;
  check.message = "the model's own quantization leaves them float";
  pm.addNestedPass<func::FuncOp>(createCheckIntegerPathPass(check));
  pm.addPass(createExposeQuantizedIOPass());
}

void buildQccPipeline(OpPassManager &pm, const QccPipelineOptions &options,
                      Stage last) {
  buildQccInputPipeline(pm, options);
  if (last == Stage::Input)
    return;
  if (options.quantize)
    buildQccQuantizePipeline(pm, options);
  if (options.preQuantized)
    buildQccPreQuantizedPipeline(pm, options);
  if (options.weightOnlyBits != 0)
    buildQccWeightOnlyPipeline(pm, options);
  if (options.dynamicQuantization)
    buildQccDynamicPipeline(pm, options);
  buildQccLoweringStages(pm, options, last);
}

ModelLowering getFloatModelLowering() {
  ModelLowering lowering;
  lowering.lower = [](ModuleOp module, StringRef entry, StringRef prefix) {
    // The model runs in this process: code for the host, whatever target
    // the module is compiled for otherwise.
    cpu::setHostTarget(module);
    PassManager pm(module.getContext(), ModuleOp::getOperationName());
    QccPipelineOptions options;
    options.entry = entry.str();
    options.prefix = prefix.str();
    buildQccFloatPipeline(pm, options);
    return pm.run(module);
  };
  lowering.getDependentDialects = [](DialectRegistry &registry) {
    OpPassManager pm(ModuleOp::getOperationName());
    buildQccFloatPipeline(pm, QccPipelineOptions());
    pm.getDependentDialects(registry);
  };
  return lowering;
}

void registerQccPipelines() {
  // qcc-calibrate runs the model it calibrates, compiled with the float
  // pipeline.
  registerPass([] {
    return createCalibratePass(CalibratePassOptions(), getFloatModelLowering());
  });

  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-input-pipeline", "Check and simplify a float TOSA model",
      buildQccInputPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-quantize-pipeline",
      "Fold batch norm, calibrate, quantize and check the integer path",
      buildQccQuantizePipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-pre-quantized-pipeline",
      "Rewrite a QDQ model into qcc ops with the types it gives",
      buildQccPreQuantizedPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-weight-only-pipeline",
      "Fold batch norm and store constant weights as int8/int4 "
      "(weight-only-bits)",
      buildQccWeightOnlyPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-dynamic-pipeline",
      "Fold batch norm and quantize matmul inputs at run time",
      buildQccDynamicPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-linalg-pipeline", "Lower TOSA to linalg on tensors",
      buildQccLinalgPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-codegen-pipeline",
      "Turn contractions into micro-kernel calls on packed weights for the "
      "module's llvm.target",
      buildQccCodegenPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-bufferize-pipeline",
      "Form the C entry point, bufferize and plan the workspace",
      buildQccBufferizePipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-llvm-pipeline", "Lower bufferized linalg to the LLVM dialect",
      buildQccLLVMPipeline);
  PassPipelineRegistration<QccPipelineOptions>(
      "qcc-pipeline", "The whole pipeline from TOSA to the LLVM dialect",
      [](OpPassManager &pm, const QccPipelineOptions &options) {
        buildQccPipeline(pm, options);
      });
}

} // namespace qcc
