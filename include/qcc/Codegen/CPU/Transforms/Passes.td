//===- Passes.td - CPU code generation passes --------------*- tablegen -*-===//

#ifndef QCC_CODEGEN_CPU_TRANSFORMS_PASSES_TD
#define QCC_CODEGEN_CPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SelectKernelsPass : Pass<"qcc-cpu-select-kernels", "mlir::ModuleOp"> {
  let summary = "Turn contractions into micro-kernel calls on packed weights";
  let description = [{
    Reads the target from the module's `llvm.target` attribute
    (`#llvm.target<triple = ..., chip = ..., features = ...>`, set by the
    driver; the CPU's own features count too) and picks the micro-kernel
    variant of `include/qcc/Codegen/CPU/Kernels.h` for it: on x86-64
    `avx512vnni` (AVX-512 VNNI with BW/VL/DQ), `avxvnni` (AVX-VNNI with AVX2
    and FMA), `avx2` (AVX2 and FMA) or `generic`. Other targets keep the
    loops of the linalg stage (their kernels are a later step), and so does
    a module without `llvm.target`.

    Then it rewrites every int8 contraction that the linalg stage wrote as a
    named op on constant int8 weights, with its bias-seeded init and its
    requantizing epilogue (`qcc.requantize_epilogue`):

    - `linalg.conv_2d_nhwc_fhwc` (its input padded with `tensor.pad` or not),
    - `linalg.depthwise_conv_2d_nhwc_hwc`,
    - `linalg.matmul`,

    into one `qcc_cpu.conv_kernel` whose weights, bias and requantization
    parameters are packed at compile time into the kernel's layout (the
    packed weights are read-only constants; the workspace does not grow).

    f32 contractions on constant weights (`linalg.conv_2d_nhwc_fhwc`,
    depthwise `nhwc_hwc`/`nhwc_hwcm` with multiplier 1, `linalg.matmul`,
    `linalg.batch_matmul` with batch 1) become `qcc_sconv2d_*` /
    `qcc_sdwconv2d_*` calls that also absorb the zero padding, the bias in
    the init and the per-channel consumers that scale, shift and clamp the
    result (batch norm, ReLU, ReLU6), through transposes and channel-keeping
    reshapes. Contractions it does not match stay as they are and lower to
    loops.
  }];
  let dependentDialects = ["qcc::cpu::QccCPUDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def LowerKernelsPass : Pass<"qcc-cpu-lower-kernels", "mlir::ModuleOp"> {
  let summary = "Turn bufferized micro-kernel ops into calls";
  let description = [{
    Rewrites each `qcc_cpu.conv_kernel` on memrefs into a call of its kernel
    function: the parameter struct is built on the stack (one `llvm.alloca`
    at the function's entry, no heap), filled with the geometry, the
    operands' addresses and the scalars, and passed to
    `llvm.call @<kernel>(%params)` once per image. The kernel is declared
    `llvm.func @<kernel>(!llvm.ptr)`; its body is linked from qcc's kernel
    bitcode when LLVM IR is emitted.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

#endif // QCC_CODEGEN_CPU_TRANSFORMS_PASSES_TD
