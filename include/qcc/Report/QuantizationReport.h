//===- QuantizationReport.h - the quantization report -----------*- C++ -*-===//
//
// `qcc --report=<file>` describes the quantization of a model: a summary of
// the whole model first (scheme, calibration, how much runs in int8, the
// worst layer, the outputs' SQNR and top-1 agreement with float), then
// every quantized layer, named by its ONNX node (a fused convolution and
// ReLU after the convolution, a Gemm's matmul and bias after the Gemm): its
// scheme and parameters, its ranges, the bound of its accumulator, how far
// its dequantized output is from the float model's (SQNR, max-abs error)
// and the histogram of its float values against the range its quantization
// covers; the model's inputs and outputs; the ops left in float, grouped
// into islands with the reason; the mixed-precision decisions. Everything
// is measured on the calibration data, and, when a held-out data set is
// given (`--validation`), on that data as well, apart: a model calibrated on
// data unlike its real inputs looks fine on its calibration samples.
// docs/Report.md describes every field.
//
// The report is a JSON object (buildQuantizationReport); ReportWriter.h
// writes it as JSON or as a self-contained HTML page.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_REPORT_QUANTIZATIONREPORT_H
#define QCC_REPORT_QUANTIZATIONREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qcc {

struct ReportOptions {
  /// The model file, as the user named it.
  std::string model;
  /// Model function (empty: the only public function).
  std::string entry;
  std::string calibrationData;
  std::string calibrationMethod;
  /// Held-out samples, measured apart from the calibration data (empty:
  /// none). It may hold an integer array `labels`, one class per sample.
  std::string validationData;
  bool perTensorWeights = false;
  /// Storage of int8-precision activations: "int8" or "uint8".
  std::string activationType = "int8";
  /// The decisions of --mixed-precision=auto, if it ran.
  std::optional<llvm::json::Value> mixedPrecision;
  /// Whether a progress line may go to stderr (on a terminal only).
  bool progress = true;
  /// Told, when given, what the report does next ("evaluating 64 samples of
  /// calib.npz"), for `qcc -v`.
  std::function<void(const llvm::Twine &)> note;
};

/// The report format's version (the `version` field); it grows when a
/// field changes meaning.
inline constexpr int64_t kReportVersion = 2;

/// Compares `quantized` (after qcc-quantize) with `reference` (the same
/// model right before it, ranges annotated), layer by layer, on the
/// calibration data and the validation data, and returns the report. Both
/// modules are left unchanged. Errors are diagnostics.
mlir::FailureOr<llvm::json::Object>
buildQuantizationReport(mlir::ModuleOp reference, mlir::ModuleOp quantized,
                        const ReportOptions &options);

/// The signs of bad calibration in a report, one sentence each: validation
/// inputs outside the calibrated range or using few of its levels (data
/// scaled differently, e.g. 0-255 pixels against normalized ones), and
/// outputs much worse on the validation data than on the calibration data.
std::vector<std::string> checkCalibration(const llvm::json::Object &report);

} // namespace qcc

#endif // QCC_REPORT_QUANTIZATIONREPORT_H
