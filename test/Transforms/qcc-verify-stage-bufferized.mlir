// RUN: qcc-opt %s -split-input-file -verify-diagnostics -qcc-verify-stage=stage=bufferized

// Heap allocations must have been moved into the workspace.
func.func @alloc() {
  // expected-error @+1 {{'memref.alloc' allocates on the heap; emitted code must use the workspace}}
  %0 = memref.alloc() : memref<4xf32>
  return
}

// -----

// Tensors must be gone.
func.func @tensor() {
  // expected-error @+1 {{'arith.constant' still produces a tensor after bufferization}}
  %0 = arith.constant dense<1.0> : tensor<4xf32>
  return
}

// -----

// Mutable globals would make the code non-reentrant.
// expected-error @+1 {{mutable global 'state' would make emitted code non-reentrant}}
memref.global "private" @state : memref<4xf32> = dense<0.0>
