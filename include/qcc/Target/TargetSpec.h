//===- TargetSpec.h - target triples, CPUs and features ---------*- C++ -*-===//
//
// Resolves what the user typed (`-target=arm64 -mcpu=… -mattr=…`) into a
// validated LLVM target description with qcc's per-architecture defaults, and
// creates the TargetMachine that emits code for it.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TARGET_TARGETSPEC_H
#define QCC_TARGET_TARGETSPEC_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace qcc {

struct TargetSpec {
  std::string triple;
  std::string cpu;
  /// Comma-separated LLVM feature string, e.g. "+neon,+dotprod".
  std::string features;
  /// Calling-convention ABI name where the architecture has several
  /// (riscv64 uses lp64d to link with the Debian/glibc toolchain).
  std::string abiName;
};

/// Initializes the X86, AArch64 and RISC-V backends. Idempotent.
void initializeQccTargets();

/// Resolves a target name (`x86_64`, `x86-64`, `amd64`, `aarch64`, `arm64`,
/// `riscv64`, `host`, or a full triple of one of those architectures) plus
/// optional `-mcpu` and `-mattr` values. Unknown targets, CPUs and features
/// are errors whose message names the offending value.
llvm::Expected<TargetSpec> resolveTarget(llvm::StringRef name,
                                         llvm::StringRef cpu = "",
                                         llvm::StringRef attrs = "");

/// Creates the TargetMachine for `spec` (position-independent code, so the
/// object links into executables and shared objects alike).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetSpec &spec, llvm::CodeGenOptLevel optLevel);

} // namespace qcc

#endif // QCC_TARGET_TARGETSPEC_H
