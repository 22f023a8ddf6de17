//===- PrecisionSearch.h - automatic mixed precision ------------*- C++ -*-===//
//
// `qcc --mixed-precision=auto --min-sqnr=<dB>` measures, on the calibration
// data, how much each layer's int8 quantization costs the model's outputs,
// then promotes the most sensitive layers to int16 activations, and if that
// is not enough to float, until the outputs' SQNR against the float model
// reaches the budget. Every measurement and decision is kept for the JSON
// report.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_REPORT_PRECISIONSEARCH_H
#define QCC_REPORT_PRECISIONSEARCH_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <string>
#include <vector>

namespace qcc {

struct PrecisionSearchOptions {
  /// Model function (empty: the only public function).
  std::string entry;
  std::string calibrationData;
  /// The budget: SQNR of all model outputs against float, in dB.
  double minSqnrDb = 30.0;
  /// Told, when given, which configuration is measured next, for `qcc -v`
  /// (each is compiled and run on the calibration data).
  std::function<void(const llvm::Twine &)> note;
};

/// One tried promotion and what it measured.
struct PrecisionDecision {
  std::string layer;
  /// "int16" or "float".
  std::string precision;
  double sqnrBeforeDb = 0.0;
  double sqnrAfterDb = 0.0;
  /// Whether the promotion was kept (it raised the SQNR).
  bool kept = false;
};

struct PrecisionSearchResult {
  double int8SqnrDb = 0.0;
  double finalSqnrDb = 0.0;
  bool met = false;
  /// Per candidate layer, most sensitive first: the output SQNR with only
  /// that layer in float.
  std::vector<std::pair<std::string, double>> sensitivity;
  std::vector<PrecisionDecision> decisions;
  /// The choice, as --int16 / --keep-float lists of ONNX node names.
  std::vector<std::string> int16;
  std::vector<std::string> keepFloat;

  llvm::json::Value toJSON(double minSqnrDb) const;
};

/// Rewrites `module` (a copy of the ranged model) into qcc ops with the
/// given layers in int16 and float: the driver's quantize-ops pipeline.
using QuantizeWithPrecisionFn = llvm::function_ref<mlir::LogicalResult(
    mlir::ModuleOp module, llvm::ArrayRef<std::string> int16,
    llvm::ArrayRef<std::string> keepFloat)>;

/// Runs the search on `ranged` (the model after range analysis, left
/// unchanged). Errors are diagnostics.
mlir::FailureOr<PrecisionSearchResult>
searchPrecision(mlir::ModuleOp ranged, QuantizeWithPrecisionFn quantize,
                const PrecisionSearchOptions &options);

} // namespace qcc

#endif // QCC_REPORT_PRECISIONSEARCH_H
