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
//   3. Each observed tensor's values over all samples, and the model's float
//      inputs', are reduced to statistics (TensorStatistics.h): count,
//      min, max and, for the percentile method, the exact tails. When a
//      tensor's method needs histograms (entropy, mse) or a profile is
//      saved, every sample runs a second time to fill the histograms (and
//      the point masses entropy uses) over the now known [min, max].
//   4. Each tensor's method (the global one, or a per-tensor override)
//      turns its statistics into a range. A global `entropy` applies to the
//      tensors inside the model only: the model's float inputs and outputs
//      get minmax unless an override names them (KL clipping would saturate
//      the raw input data and the largest outputs, which for a classifier
//      decide the answer). The outputs are the returned values and, through
//      ops whose result shares its input's range (reshape, transpose, slice,
//      identity, max pooling), the values they are made of.
//   5. The ranges are written onto the ORIGINAL module:
//        op result (single-result op)  `qcc.range = array<f64: low, high>`
//        ops with several results      `qcc.ranges = [array<f64: l, h>, ...]`
//                                      (`array<f64>` for a result that has
//                                      no range, e.g. an integer result)
//        float model input             argument attribute `qcc.range`
//        the module                    `qcc.calibration_samples = N : i64`
//      Ranges left from an earlier calibration are removed first.
//
// Tensor names (for overrides and profiles): a float input is named like
// its calibration array (`qcc.name`, else `input_<i>`); an op result after
// its op's location (the ONNX node name that the importer puts in a
// NameLoc; the first NameLoc of a fused location), or the op's name
// (`tosa.conv2d`) when the location has none. Where several tensors share a
// name, each gets `#<k>` appended, k counting from 0 in program order
// (inputs first). An override names a tensor by that name, or by the
// shared name to mean all tensors that have it.
//
// A saved profile (Profile.h) holds every tensor's full statistics;
// loading one skips steps 1-3 and gives exactly the ranges the saving run
// would have given with the same methods.
//
// Same data, same options: same ranges.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_CALIBRATOR_H
#define QCC_CALIBRATION_CALIBRATOR_H

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/JitModel.h"
#include "qcc/Calibration/RangeStatistics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace qcc {

struct CalibrationOptions {
  CalibrationMethod method = CalibrationMethod::MinMax;
  /// The percentile method's p, in [50, 100]: the range runs from the
  /// (100 - p)-th to the p-th percentile of each tensor's values. A saved
  /// profile keeps the tails for this p (and any override's).
  double percentile = 99.99;
  /// Per-tensor methods, `<tensor name>=<method>` (parseCalibrationOverride);
  /// a later entry wins over an earlier one for the same tensor.
  std::vector<std::string> overrides;
  /// Where to write the measured statistics (Profile.h); empty: nowhere.
  std::string saveProfile;
  /// Whether a progress line may go to stderr; it does only when stderr is
  /// a terminal (ProgressLine.h).
  bool progress = true;
  /// The model function; empty: the only public function with a body.
  std::string entry;
  /// LLVM optimization level (0-3) of the instrumented model.
  unsigned optLevel = 2;
};

/// Calibrates the float model in `module` with `data`, which must have been
/// loaded for its model function's inputs (getCalibrationInputs), and
/// annotates `module` as described above; `lowering` compiles the
/// instrumented copy (getFloatModelLowering, qcc/Pipelines/Pipelines.h).
/// Errors are diagnostics.
mlir::LogicalResult calibrateModule(mlir::ModuleOp module,
                                    const CalibrationData &data,
                                    const ModelLowering &lowering,
                                    const CalibrationOptions &options);

/// Loads the data at `dataPath` (an .npz archive or a directory of .npy
/// files) for the model function's inputs, then calibrates as above.
mlir::LogicalResult calibrateModule(mlir::ModuleOp module,
                                    llvm::StringRef dataPath,
                                    const ModelLowering &lowering,
                                    const CalibrationOptions &options);

/// Annotates `module` from the profile at `profilePath` instead of running
/// the model: the profile must hold exactly the tensors calibration would
/// observe. `options.saveProfile` must be empty. Errors are diagnostics
/// naming the file and the tensor.
mlir::LogicalResult
calibrateModuleFromProfile(mlir::ModuleOp module, llvm::StringRef profilePath,
                           const CalibrationOptions &options);

} // namespace qcc

#endif // QCC_CALIBRATION_CALIBRATOR_H
