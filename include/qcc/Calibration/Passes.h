//===- Passes.h - calibration passes ----------------------------*- C++ -*-===//

#ifndef QCC_CALIBRATION_PASSES_H
#define QCC_CALIBRATION_PASSES_H

#include "qcc/Calibration/RangeStatistics.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qcc {

#define GEN_PASS_DECL
#include "qcc/Calibration/Passes.h.inc"

/// Defines registerQccCalibrationPasses(), which registers them all.
#define GEN_PASS_REGISTRATION
#include "qcc/Calibration/Passes.h.inc"

} // namespace qcc

#endif // QCC_CALIBRATION_PASSES_H
