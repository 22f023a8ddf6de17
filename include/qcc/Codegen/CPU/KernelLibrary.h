//===- KernelLibrary.h - linking micro-kernels into a model -----*- C++ -*-===//
//
// qcc embeds its CPU micro-kernels (lib/Codegen/CPU/Kernels, compiled to LLVM
// bitcode at build time) in the compiler. A model's LLVM module calls them
// through declarations named `qcc_*`; linkKernelLibrary gives those
// declarations their bodies from the embedded bitcode of the module's target,
// so that every compiled object (and the calibration JIT) is self-contained:
// the kernels are optimized and inlined with the model and exported by
// nothing.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CODEGEN_CPU_KERNELLIBRARY_H
#define QCC_CODEGEN_CPU_KERNELLIBRARY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class Module;
} // namespace llvm

namespace qcc {

/// Whether qcc carries kernel bitcode for target triple `triple`: the x86-64
/// kernels (every ISA variant) for x86_64, the generic kernels for aarch64
/// and riscv64.
bool hasKernelLibrary(llvm::StringRef triple);

/// Defines every function that `module` declares under a `qcc_` name, from
/// the kernel bitcode for the module's target triple, together with what the
/// kernels use; everything linked in gets internal linkage, so the module
/// exports nothing new. The bitcode takes the module's triple and data
/// layout. Fails, naming the function, when a declared `qcc_` function has
/// no body for the target (or the target has no kernels). A module that
/// declares no `qcc_` function is left untouched and no bitcode is read.
llvm::Error linkKernelLibrary(llvm::Module &module);

} // namespace qcc

#endif // QCC_CODEGEN_CPU_KERNELLIBRARY_H
