//===- InitAll.h - register qcc's dialects, passes and pipelines -*- C++ -*-===//
//
// The one registration hub shared by qcc, qcc-opt and the unit tests.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_INITALL_H
#define QCC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace qcc {

/// qcc's dialect plus every upstream dialect, interface and extension the
/// pipeline touches, and the LLVM IR translations.
void registerAllDialects(mlir::DialectRegistry &registry);

/// qcc's passes and pipelines plus the upstream passes qcc-opt exposes.
void registerAllPasses();

} // namespace qcc

#endif // QCC_INITALL_H
