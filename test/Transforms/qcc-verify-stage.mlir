// RUN: qcc-opt %s -qcc-verify-stage=stage=input | FileCheck %s --check-prefix=INPUT
// RUN: qcc-opt %s -qcc-pipeline -qcc-verify-stage=stage=llvm | FileCheck %s --check-prefix=LLVM

// A well-formed float model satisfies the input contract, and after the full
// pipeline the LLVM contract (only the LLVM dialect, constant globals, no
// allocator).
// INPUT-LABEL: func.func @main
// INPUT: tosa.clamp
// LLVM-LABEL: llvm.func @model_run
// LLVM-NOT: malloc
// LLVM: llvm.func @model_workspace_size
// LLVM: llvm.func @model_run_packed
func.func @main(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
