//===- Instrumentation.h - exposing a model's intermediate tensors -*- C++
//-*-===//
//
// Internal to the calibrator: builds the copy of a model whose outputs
// include every tensor calibration observes.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CALIBRATION_INSTRUMENTATION_H
#define QCC_LIB_CALIBRATION_INSTRUMENTATION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <vector>

namespace qcc {

/// One observed tensor: result `resultIndex` of `op` (in the original
/// module), returned as output `output` of the instrumented copy.
struct Probe {
  mlir::Operation *op;
  unsigned resultIndex;
  unsigned output;
  /// The output's element type: f64 for f64 tensors, f32 for the rest
  /// (narrower floats are widened, exactly, to f32).
  bool isF64;
  int64_t numElements;
};

struct InstrumentedModel {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<Probe> probes;
};

/// The op results of `func` calibration observes, in program order: every
/// statically shaped float tensor result of an op of its body that is not
/// a constant. Warns about the dynamically shaped ones it cannot observe.
std::vector<mlir::OpResult> getObservedResults(mlir::func::FuncOp func);

/// Copies `module` and appends every observable tensor of `func` (a
/// function of `module`) to the results of the copy's model function.
/// Emits an error and fails when `func` cannot be instrumented.
mlir::FailureOr<InstrumentedModel> instrumentModel(mlir::ModuleOp module,
                                                   mlir::func::FuncOp func);

} // namespace qcc

#endif // QCC_LIB_CALIBRATION_INSTRUMENTATION_H
