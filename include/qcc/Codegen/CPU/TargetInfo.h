//===- TargetInfo.h - the target the CPU code generator serves --*- C++ -*-===//
//
// The target travels in the IR as the module attribute
// `llvm.target = #llvm.target<triple = ..., chip = ..., features = ...>`:
// the driver sets it from its flags, the float pipeline used for calibration
// sets the host's, the kernel selector reads it (which kernel each target
// and CPU level gets), and the object emitter can read it back.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CODEGEN_CPU_TARGETINFO_H
#define QCC_CODEGEN_CPU_TARGETINFO_H

#include "qcc/Codegen/CPU/Packing.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace qcc::cpu {

/// The kernel variants a target gets.
struct KernelTarget {
  QKernelVariant int8 = QKernelVariant::Generic;
  SKernelVariant fp32 = SKernelVariant::Generic;
};

/// The kernel variants for the module's `llvm.target`: on x86-64 by the CPU's
/// features plus the listed ones; none (keep the loops) for other targets
/// and for a module without the attribute. Fails with a diagnostic when the
/// attribute is malformed or names an unknown CPU.
mlir::FailureOr<std::optional<KernelTarget>>
getKernelTarget(mlir::ModuleOp module);

/// `<base>_<variant suffix>`, the kernel's C name (Kernels.h).
std::string getKernelName(llvm::StringRef base, QKernelVariant variant);
std::string getKernelName(llvm::StringRef base, SKernelVariant variant);

/// Sets `llvm.target` on `module`: `triple`, `cpu` and `features` (a
/// comma-separated LLVM feature string such as "+avx2,-avx512f", may be
/// empty).
void setTarget(mlir::ModuleOp module, llvm::StringRef triple,
               llvm::StringRef cpu, llvm::StringRef features);

/// Sets `llvm.target` to the host (its triple, CPU and features): for code
/// that runs in this process (the JIT).
void setHostTarget(mlir::ModuleOp module);

} // namespace qcc::cpu

#endif // QCC_CODEGEN_CPU_TARGETINFO_H
