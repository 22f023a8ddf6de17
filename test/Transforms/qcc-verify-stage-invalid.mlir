// RUN: qcc-opt %s -split-input-file -verify-diagnostics -qcc-verify-stage=stage=input

// The input stage accepts TOSA, func, arith, tensor, math and qcc only.
func.func @main(%x: memref<4xf32>) -> memref<4xf32> {
  // expected-error @+1 {{'memref.alloc' is not supported}}
  %0 = memref.alloc() : memref<4xf32>
  return %0 : memref<4xf32>
}
