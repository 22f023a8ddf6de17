//===- Passes.h - calibration passes ----------------------------*- C++ -*-===//
//
// qcc-calibrate needs the float pipeline to run the model, and that pipeline
// is a layer above; it is passed in (ModelLowering). There is therefore no
// generated registration here: qcc::registerQccPipelines registers the pass
// with the float pipeline (qcc/Pipelines/Pipelines.h).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_PASSES_H
#define QCC_CALIBRATION_PASSES_H

#include "qcc/Calibration/JitModel.h"
#include "qcc/Calibration/RangeStatistics.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qcc {

#define GEN_PASS_DECL
#include "qcc/Calibration/Passes.h.inc"

/// The qcc-calibrate pass, compiling the model it runs with `lowering`.
std::unique_ptr<mlir::Pass>
createCalibratePass(const CalibratePassOptions &options,
                    ModelLowering lowering);

} // namespace qcc

#endif // QCC_CALIBRATION_PASSES_H
