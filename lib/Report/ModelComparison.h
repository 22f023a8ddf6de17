//===- ModelComparison.h - both models on a data set ------------*- C++ -*-===//
//
// The measurements behind the report. Both models run in-process (JitModel)
// with every compared layer's output appended to their results: the float
// model returns the float values, the quantized one the dequantized integer
// results. One run over a data set gives, per layer, the error against
// float; per float model input and layer, the distribution of the float
// model's values; per model output, the error, and for scores (a last axis
// of at least 2) how often the argmax agrees; and with labels, the top-1
// accuracy of both models.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_REPORT_MODELCOMPARISON_H
#define QCC_LIB_REPORT_MODELCOMPARISON_H

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/JitModel.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Report/Histogram.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qcc {

/// The difference between float values and their quantized counterparts.
struct ErrorStats {
  double signal = 0.0;
  double noise = 0.0;
  double maxAbsError = 0.0;

  void add(llvm::ArrayRef<float> expected, llvm::ArrayRef<float> actual);
  /// 10 log10(signal / noise); none when there is no noise.
  std::optional<double> getSqnrDb() const;
};

/// The values a tensor took, and how many fell outside the range its
/// quantization covers.
struct Distribution {
  std::optional<RealRange> range;
  Histogram histogram;
  int64_t below = 0;
  int64_t above = 0;

  void add(llvm::ArrayRef<float> values);
};

/// One model output.
struct OutputStats {
  ErrorStats error;
  /// Rows of scores (the last axis, when it has at least 2 entries): how
  /// many there were and how many had the same argmax in both models.
  int64_t rows = 0;
  int64_t agreeing = 0;
};

/// Everything measured on one data set.
struct DataSetMeasurement {
  std::string path;
  int64_t samples = 0;
  std::vector<ErrorStats> layers;
  /// Per float model input (ModelComparison::getFloatInputs order).
  std::vector<Distribution> inputs;
  /// Per layer: the float model's values.
  std::vector<Distribution> values;
  std::vector<OutputStats> outputs;
  /// With labels (an array `labels` in the data): the output they apply to,
  /// and how many samples each model classified correctly.
  bool hasLabels = false;
  std::optional<unsigned> labeledOutput;
  int64_t correctFloat = 0;
  int64_t correctQuantized = 0;
};

/// A data set, read and checked before any model is compiled.
struct EvaluationData {
  std::string path;
  /// The samples of the model's inputs, then the labels (if any) as one
  /// more "input" of one i64 per sample.
  std::optional<CalibrationData> data;
  unsigned numInputs = 0;
  bool hasLabels = false;
  /// The output the labels apply to: the first that holds one row of class
  /// scores per sample.
  std::optional<unsigned> labeledOutput;
};

/// A model input whose values are measured (the float ones).
struct MeasuredInput {
  std::string name;
  /// Its position among the model function's arguments.
  unsigned index;
  std::optional<RealRange> range;
};

class ModelComparison {
public:
  ~ModelComparison();
  ModelComparison(ModelComparison &&);

  /// JIT-compiles `reference` (the float model, ranges annotated) returning
  /// the values of `floatOps`, and `quantized` returning the dequantized
  /// results of `quantizedOps` (pairwise the same layer); `layerRanges` are
  /// the ranges the layers' quantization covers. Errors are diagnostics.
  static mlir::FailureOr<ModelComparison>
  create(mlir::ModuleOp reference, mlir::ModuleOp quantized,
         llvm::ArrayRef<mlir::Operation *> floatOps,
         llvm::ArrayRef<mlir::Operation *> quantizedOps,
         llvm::ArrayRef<std::optional<RealRange>> layerRanges,
         llvm::StringRef entry);

  /// Reads the data at `path` for the model function `func`. With
  /// `allowLabels`, the data may hold an array `labels`, one integer class
  /// per sample, each a class of the first output that holds one row of
  /// scores. Errors are diagnostics naming the file.
  static mlir::FailureOr<EvaluationData>
  load(mlir::func::FuncOp func, llvm::StringRef path, bool allowLabels);

  /// Runs both models on every sample of `data`. A progress line labelled
  /// `label` goes to stderr on a terminal if `progress`.
  DataSetMeasurement measure(const EvaluationData &data, bool progress,
                             llvm::StringRef label);

  llvm::ArrayRef<MeasuredInput> getFloatInputs() const { return floatInputs; }
  /// The model's outputs (their C names) in order.
  llvm::ArrayRef<std::string> getOutputNames() const { return outputNames; }

private:
  ModelComparison() = default;

  std::unique_ptr<JitModel> floatModel;
  std::unique_ptr<JitModel> quantizedModel;
  unsigned numOutputs = 0;
  std::vector<int64_t> layerSizes;
  std::vector<std::optional<RealRange>> layerRanges;
  std::vector<MeasuredInput> floatInputs;
  std::vector<std::string> outputNames;
};

} // namespace qcc

#endif // QCC_LIB_REPORT_MODELCOMPARISON_H
