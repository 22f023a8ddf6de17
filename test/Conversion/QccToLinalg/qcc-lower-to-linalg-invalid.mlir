// RUN: qcc-opt %s -qcc-lower-to-linalg -split-input-file -verify-diagnostics

// A rescaling factor of 1e10 needs more than 31 bits of integer part.
func.func @huge_multiplier(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.0e9>>
  // expected-error @+2 {{cannot be represented as a fixed-point multiplier}}
  // expected-error @+1 {{failed to legalize operation 'qcc.requantize'}}
  %y = qcc.requantize %q : tensor<4x!quant.uniform<i8:f32, 1.0e9>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

