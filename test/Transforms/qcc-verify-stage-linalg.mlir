// RUN: qcc-opt %s -split-input-file -verify-diagnostics -qcc-verify-stage=stage=linalg

// A TOSA op left after lowering to linalg is named.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.sin' is not supported: it is left over after lowering to linalg}}
  %0 = tosa.sin %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
