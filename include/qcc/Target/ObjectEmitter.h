//===- ObjectEmitter.h - LLVM dialect to LLVM IR, assembly, objects -*- C++ -*-//
//
// The last step of the pipeline runs in-process: translate the LLVM dialect
// module to LLVM IR, optimize it for the TargetMachine, and print IR or let
// the TargetMachine emit assembly or an object file.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TARGET_OBJECTEMITTER_H
#define QCC_TARGET_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace qcc {

enum class OutputKind { LLVMIR, Assembly, Object };

/// Emits `module` (LLVM dialect, with the `qcc.abi` attribute) for
/// `machine`. `optLevel` is 0-3 and selects the LLVM optimization pipeline.
/// Errors are reported as diagnostics on `module`.
mlir::LogicalResult emitModule(mlir::ModuleOp module,
                               llvm::TargetMachine &machine, unsigned optLevel,
                               OutputKind kind, llvm::raw_pwrite_stream &os);

} // namespace qcc

#endif // QCC_TARGET_OBJECTEMITTER_H
