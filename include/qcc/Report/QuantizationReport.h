//===- QuantizationReport.h - per-layer quantization report -----*- C++ -*-===//
//
// `qcc --report=report.json` describes every quantized layer: its scheme and
// parameters, the calibrated and propagated ranges of its output, the bound
// of its int32 accumulator, and how far its dequantized output is from the
// float model's on the calibration samples (SQNR and max-abs error), all
// named by the layer's ONNX node.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_REPORT_QUANTIZATIONREPORT_H
#define QCC_REPORT_QUANTIZATIONREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <optional>

#include <string>

namespace qcc {

struct ReportOptions {
  /// The model file, as the user named it.
  std::string model;
  /// Model function (empty: the only public function).
  std::string entry;
  std::string calibrationData;
  std::string calibrationMethod;
  bool perTensorWeights = false;
  /// Storage of int8-precision activations: "int8" or "uint8".
  std::string activationType = "int8";
  /// The decisions of --mixed-precision=auto, if it ran.
  std::optional<llvm::json::Value> mixedPrecision;
};

/// Compares `quantized` (after qcc-quantize) with `reference` (the same
/// model right before it, ranges annotated) on the calibration data, layer by
/// layer, and writes the JSON report to `path`. Both modules are left
/// unchanged. Errors are diagnostics.
mlir::LogicalResult writeQuantizationReport(mlir::ModuleOp reference,
                                            mlir::ModuleOp quantized,
                                            llvm::StringRef path,
                                            const ReportOptions &options);

} // namespace qcc

#endif // QCC_REPORT_QUANTIZATIONREPORT_H
