//===- Calibrator.h - observed value ranges for the quantizer ---*- C++ -*-===//
//
// Calibration runs the float model on sample inputs and records, for every
// tensor the quantizer will give a scale, the range of values it took:
//
//   1. A copy of the module is instrumented: every float tensor result of an
//      op in the model function's body becomes an extra output (constants
//      are not: their values are known without running anything; values in
//      nested regions are not observed either).
//   2. The copy goes through the qcc pipeline and is JIT-compiled for the
//      host (JitModel), then runs every sample in order, on this thread.
//   3. Each observed tensor's values over all samples are reduced to a range
//      (RangeStatistics.h: minmax, or percentile p), as are the model's float
//      inputs'.
//   4. The ranges are written onto the ORIGINAL module:
//        op result (single-result op)  `qcc.range = array<f64: low, high>`
//        ops with several results      `qcc.ranges = [array<f64: l, h>, ...]`
//                                      (`array<f64>` for a result that has
//                                      no range, e.g. an integer result)
//        float model input             argument attribute `qcc.range`
//        the module                    `qcc.calibration_samples = N : i64`
//      Ranges left from an earlier calibration are removed first.
//
// Same data, same options: same ranges.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_CALIBRATOR_H
#define QCC_CALIBRATION_CALIBRATOR_H

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/RangeStatistics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace qcc {

/// The module attribute holding the number of calibration samples. (The
/// range attributes are the quantizer's contract, qcc/Quantization/Ranges.h.)
inline constexpr llvm::StringLiteral kCalibrationSamplesAttrName =
    "qcc.calibration_samples";

struct CalibrationOptions {
  CalibrationMethod method = CalibrationMethod::MinMax;
  /// The percentile method's p, in [50, 100]: the range runs from the
  /// (100 - p)-th to the p-th percentile of each tensor's values.
  double percentile = 99.99;
  /// Whether a progress line may go to stderr; it does only when stderr is
  /// a terminal or there are at least 1000 samples.
  bool progress = true;
  /// The model function; empty: the only public function with a body.
  std::string entry;
  /// LLVM optimization level (0-3) of the instrumented model.
  unsigned optLevel = 2;
};

/// The function named `entry`, or the only public function with a body when
/// `entry` is empty (the rule of `qcc-prepare-entry`). Emits an error on
/// `module` and fails when there is no such function.
mlir::FailureOr<mlir::func::FuncOp> findModelFunction(mlir::ModuleOp module,
                                                      llvm::StringRef entry);

/// Calibrates the float model in `module` with `data`, which must have been
/// loaded for its model function's inputs (getCalibrationInputs), and
/// annotates `module` as described above. Errors are diagnostics.
mlir::LogicalResult calibrateModule(mlir::ModuleOp module,
                                    const CalibrationData &data,
                                    const CalibrationOptions &options);

/// Loads the data at `dataPath` (an .npz archive or a directory of .npy
/// files) for the model function's inputs, then calibrates as above.
mlir::LogicalResult calibrateModule(mlir::ModuleOp module,
                                    llvm::StringRef dataPath,
                                    const CalibrationOptions &options);

} // namespace qcc

#endif // QCC_CALIBRATION_CALIBRATOR_H
