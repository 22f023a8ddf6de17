//===- Passes.h - qcc pipeline passes ---------------------------*- C++ -*-===//

#ifndef QCC_TRANSFORMS_PASSES_H
#define QCC_TRANSFORMS_PASSES_H

#include "qcc/Transforms/Stage.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace qcc {

#define GEN_PASS_DECL
#include "qcc/Transforms/Passes.h.inc"

/// Rewrites `memref.copy` into `linalg.copy` so that no copy needs a runtime.
void populateLowerMemRefCopiesPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "qcc/Transforms/Passes.h.inc"

} // namespace qcc

#endif // QCC_TRANSFORMS_PASSES_H
