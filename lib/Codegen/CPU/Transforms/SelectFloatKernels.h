//===- SelectFloatKernels.h - fp32 contractions to kernel calls -*- C++ -*-===//
//
// The fp32 half of qcc-cpu-select-kernels (SelectKernels.cpp runs it beside
// the int8 matcher). Private to the pass.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CODEGEN_CPU_TRANSFORMS_SELECTFLOATKERNELS_H
#define QCC_LIB_CODEGEN_CPU_TRANSFORMS_SELECTFLOATKERNELS_H

#include "qcc/Codegen/CPU/TargetInfo.h"

#include "mlir/IR/BuiltinOps.h"

namespace qcc::cpu {

/// Rewrites the fp32 convolutions, depthwise convolutions and matmuls of
/// `module` that have constant weights and a constant per-channel init into
/// qcc_cpu.conv_kernel calls of the `target.fp32` variant, with the
/// element-wise consumers they absorb (per-channel scale and bias, clamp).
/// Returns how many it rewrote; what it does not match stays as it is.
unsigned selectFloatKernels(mlir::ModuleOp module, const KernelTarget &target);

} // namespace qcc::cpu

#endif // QCC_LIB_CODEGEN_CPU_TRANSFORMS_SELECTFLOATKERNELS_H
