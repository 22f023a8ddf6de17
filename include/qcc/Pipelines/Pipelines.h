//===- Pipelines.h - qcc's pass pipelines, stage by stage -------*- C++ -*-===//
//
// One builder per stage; `qcc` and `qcc-opt` both call these, so lit tests
// exercise exactly the pipeline users run.
//
//   input       parse, verify, inline, canonicalize         (TOSA on tensors)
//   quantized   fold BN, calibrate, quantize, fuse           (qcc on tensors)
//               (only when quantization is requested)
//   linalg      qcc/TOSA -> linalg/arith/tensor, fusion      (linalg on
//   tensors) bufferized  entry point ABI, bufferization, workspace   (linalg on
//   memrefs) llvm        loops -> LLVM dialect, packed entry          (LLVM
//   dialect)
//
//===----------------------------------------------------------------------===//

#ifndef QCC_PIPELINES_PIPELINES_H
#define QCC_PIPELINES_PIPELINES_H

#include "qcc/Calibration/JitModel.h"
#include "qcc/Calibration/RangeStatistics.h"
#include "qcc/Quantization/Scheme.h"
#include "qcc/Transforms/Stage.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qcc {

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

  // Quantization (the `quantized` stage).
  Option<bool> quantize{*this, "quantize",
                        llvm::cl::desc("Quantize the model to int8"),
                        llvm::cl::init(false)};
  Option<std::string> calibrationData{
      *this, "calibration",
      llvm::cl::desc("Calibration data (.npz or a directory of .npy); without "
                     "it the ranges must already be on the IR"),
      llvm::cl::init("")};
  Option<CalibrationMethod> calibrationMethod{
      *this, "calibration-method",
      llvm::cl::desc("How observed values become ranges"),
      llvm::cl::init(CalibrationMethod::MinMax),
      llvm::cl::values(clEnumValN(CalibrationMethod::MinMax, "minmax",
                                  "Smallest and largest value"),
                       clEnumValN(CalibrationMethod::Percentile, "percentile",
                                  "The (100-p)-th and p-th percentiles"),
                       clEnumValN(CalibrationMethod::Entropy, "entropy",
                                  "Least KL divergence (TensorRT)"),
                       clEnumValN(CalibrationMethod::Mse, "mse",
                                  "Least expected squared error"))};
  Option<double> percentile{
      *this, "percentile",
      llvm::cl::desc("p for calibration-method=percentile"),
      llvm::cl::init(99.99)};
  ListOption<std::string> calibrationMethodFor{
      *this, "calibration-method-for",
      llvm::cl::desc("Per-tensor calibration methods: <tensor>=<method>")};
  Option<std::string> saveProfile{
      *this, "save-profile",
      llvm::cl::desc("Also write the calibration statistics to this JSON "
                     "file"),
      llvm::cl::init("")};
  Option<std::string> loadProfile{
      *this, "load-profile",
      llvm::cl::desc("Take the calibration statistics from this JSON "
                     "profile instead of calibration data"),
      llvm::cl::init("")};
  Option<bool> perTensorWeights{
      *this, "per-tensor-weights",
      llvm::cl::desc("One weight scale per tensor instead of per channel"),
      llvm::cl::init(false)};
  Option<bool> allowFloat{
      *this, "allow-float",
      llvm::cl::desc("Accept float ops between quantized layers (warn)"),
      llvm::cl::init(false)};
  // Precision choices (qcc-assign-precision, qcc-quantize).
  ListOption<std::string> keepFloat{
      *this, "keep-float",
      llvm::cl::desc("Ops to keep in float: ONNX node names, operator types "
                     "or TOSA op names")};
  ListOption<std::string> int16{
      *this, "int16",
      llvm::cl::desc("Ops with int16 activations (16x8); 'all' for every "
                     "op")};
  Option<ActivationKind> activationType{
      *this, "activation-type",
      llvm::cl::desc("Activations of int8-precision ops: int8 or uint8"),
      llvm::cl::init(ActivationKind::Int8),
      llvm::cl::values(
          clEnumValN(ActivationKind::Int8, "int8", "Asymmetric int8"),
          clEnumValN(ActivationKind::UInt8, "uint8", "Asymmetric uint8"))};

  // Weight-only quantization (no calibration; the model stays float).
  Option<int64_t> weightOnlyBits{
      *this, "weight-only-bits",
      llvm::cl::desc("Store constant matmul/conv weights as 8- or 4-bit "
                     "integers and compute in float (0: off)"),
      llvm::cl::init(0)};
  Option<int64_t> weightBlockSize{
      *this, "weight-block-size",
      llvm::cl::desc("Weight-only matmul scales per block of this many rows "
                     "of K (0: per output column)"),
      llvm::cl::init(0)};

  // Dynamic quantization (no calibration; matmul inputs quantized per call).
  Option<bool> dynamicQuantization{
      *this, "dynamic",
      llvm::cl::desc("Quantize the inputs of matmuls with constant weights "
                     "at run time (int8 x int8 -> int32)"),
      llvm::cl::init(false)};

  // Code generation.
  Option<int64_t> loopVectorSize{
      *this, "loop-vector-size",
      llvm::cl::desc("Elements per step of the vectorized innermost loops of "
                     "element-wise code (qcc-vectorize-loops; 0: leave the "
                     "loops to LLVM)"),
      llvm::cl::init(16)};

  // Pre-quantized (QDQ) models: the quantization the model states.
  Option<bool> preQuantized{
      *this, "pre-quantized",
      llvm::cl::desc("Rewrite the float ops between the model's own "
                     "quantize/dequantize ops into qcc ops with the types "
                     "it gives (no calibration)"),
      llvm::cl::init(false)};
};

void buildQccInputPipeline(mlir::OpPassManager &pm,
                           const QccPipelineOptions &options);
/// The quantized stage is range analysis (fold batch norm, calibrate,
/// propagate) followed by the rewrite into qcc ops and its checks; the
/// driver runs the halves separately when it reports on the quantization.
void buildQccRangeAnalysisPipeline(mlir::OpPassManager &pm,
                                   const QccPipelineOptions &options);
void buildQccQuantizeOpsPipeline(mlir::OpPassManager &pm,
                                 const QccPipelineOptions &options);
void buildQccQuantizePipeline(mlir::OpPassManager &pm,
                              const QccPipelineOptions &options);
/// Weight-only quantization: fold batch norm, then store the constant
/// weights of matmuls and convolutions as integers (`weight-only-bits`).
void buildQccWeightOnlyPipeline(mlir::OpPassManager &pm,
                                const QccPipelineOptions &options);
/// Dynamic quantization: fold batch norm, then rewrite matmuls with
/// constant weights to quantize their inputs at run time.
void buildQccDynamicPipeline(mlir::OpPassManager &pm,
                             const QccPipelineOptions &options);
/// Pre-quantized models: qcc-fold-qdq, then the rewrite into qcc ops with
/// the types the model gives. Float ops the model leaves between its
/// dequantize and quantize ops stay float (warned about, not errors).
void buildQccPreQuantizedPipeline(mlir::OpPassManager &pm,
                                  const QccPipelineOptions &options);
void buildQccLinalgPipeline(mlir::OpPassManager &pm,
                            const QccPipelineOptions &options);
/// CPU code generation: contractions become micro-kernel calls on weights
/// packed at compile time, for the target in the module's `llvm.target`.
void buildQccCodegenPipeline(mlir::OpPassManager &pm,
                             const QccPipelineOptions &options);
void buildQccBufferizePipeline(mlir::OpPassManager &pm,
                               const QccPipelineOptions &options);
void buildQccLLVMPipeline(mlir::OpPassManager &pm,
                          const QccPipelineOptions &options);

/// Every stage from the input up to and including `last`; the quantized
/// stage only when `options.quantize`, `options.preQuantized`,
/// `options.dynamicQuantization` or `options.weightOnlyBits` is set (int8
/// first, then weight-only on the float ops left).
void buildQccPipeline(mlir::OpPassManager &pm,
                      const QccPipelineOptions &options,
                      Stage last = Stage::LLVM);

/// The stages after input and quantization: linalg, bufferized and llvm, up
/// to and including `last` (nothing when `last` is input or quantized).
void buildQccLoweringStages(mlir::OpPassManager &pm,
                            const QccPipelineOptions &options,
                            Stage last = Stage::LLVM);

/// The float pipeline (no quantized stage).
void buildQccFloatPipeline(mlir::OpPassManager &pm,
                           const QccPipelineOptions &options,
                           Stage last = Stage::LLVM);

/// The float pipeline down to the LLVM dialect, as the model lowering that
/// calibration, the report and the precision search compile models with
/// (they sit below this layer and are handed it).
ModelLowering getFloatModelLowering();

/// Registers `qcc-input-pipeline`, `qcc-quantize-pipeline`,
/// `qcc-linalg-pipeline`, `qcc-bufferize-pipeline`, `qcc-llvm-pipeline`,
/// `qcc-pipeline` and the passes that need a pipeline to work
/// (`qcc-calibrate`).
void registerQccPipelines();

} // namespace qcc

#endif // QCC_PIPELINES_PIPELINES_H
