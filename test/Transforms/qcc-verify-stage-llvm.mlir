// RUN: qcc-opt %s -split-input-file -verify-diagnostics -qcc-verify-stage=stage=llvm

// Anything but the LLVM dialect is left over.
// expected-error @+1 {{'func.func' is left over after lowering to LLVM}}
func.func @f() {
  return
}

// -----

// expected-error @+1 {{mutable global 'counter' would make emitted code non-reentrant}}
llvm.mlir.global internal @counter(0 : i32) : i32

// -----

// expected-error @+1 {{emitted code must not call the allocator 'malloc'}}
llvm.func @malloc(i64) -> !llvm.ptr

// -----

// Read-only data is fine.
llvm.mlir.global internal constant @weights(dense<1.0> : tensor<4xf32>) : !llvm.array<4 x f32>

// -----

// An unknown stage name is an error, not a silent pass.
// RUN: not qcc-opt %s -qcc-verify-stage=stage=bogus 2>&1 | FileCheck %s --check-prefix=STAGE
// STAGE: for the --stage option: Cannot find option named 'bogus'!
llvm.func @g() {
  llvm.return
}
